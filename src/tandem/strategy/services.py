"""Writes of the strategy app. Every stage change goes through ``initiative_transition``."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.language import in_source_words, source_words, word
from tandem.core.models import Department, Membership, Side
from tandem.core.navigation import app_hooks
from tandem.core.services import UNCHANGED, Unchanged
from tandem.core.validation import Within, check_date, clean_text
from tandem.strategy import selectors
from tandem.strategy.gate import GATE_MESSAGES
from tandem.strategy.models import (
    CheckIn,
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Outcome,
    Stage,
    SuccessMeasure,
    Transition,
)
from tandem.strategy.progress import Direction


def _audit(
    actor: Membership,
    action: str,
    *,
    target: Any,
    summary: str = "",
    summary_params: dict[str, object] | None = None,
    data: Any = None,
) -> None:
    """Record an action of ``actor`` in their organisation's audit log."""
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        target=target,
        summary=summary,
        summary_params=summary_params,
        data=data,
    )


class GateRefused(ValidationFailed):
    """Approval refused; ``extra["missing"]`` lists every missing element's code."""

    code = "approval_gate"


def _given(arguments: dict[str, Any], *, skip: tuple[str, ...]) -> dict[str, Any]:
    """The fields a partial update was given (``None`` included: it clears), from the service's
    ``locals()`` taken first thing, when they hold exactly its arguments; ``skip`` names the
    arguments that are not fields."""
    return {k: v for k, v in arguments.items() if k not in skip and not isinstance(v, Unchanged)}


def _text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    return clean_text(value, field=field, max_length=max_length, required=required)


def _number(value: Any, field: str, *, required: bool = False) -> float | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed(_("Enter a number."), field=field)
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a number."), field=field) from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise ValidationFailed(_("Enter a finite number."), field=field)
    return number


def _member(
    org_id: int, member: Membership | None, field: str, *, side: str | None = None
) -> Membership | None:
    if member is None:
        return None
    if member.organization_id != org_id or not member.is_active:
        raise ValidationFailed(_("Choose an active member of this organisation."), field=field)
    if side is not None and member.side != side:
        label = Side(side).label
        raise ValidationFailed(
            _("%(name)s is on the %(their)s side; choose someone from the %(side)s side.")
            % {"name": member.user.display_name, "their": Side(member.side).label, "side": label},
            field=field,
        )
    return member


# --- Objectives --------------------------------------------------------------------------------


def _objective_apply(objective: Objective, data: dict[str, Any]) -> dict[str, list[Any]]:  # noqa: C901 (one check per field of a partial update)
    changes: dict[str, list[Any]] = {}
    org_id = objective.organization_id
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], "title", max_length=200, required=True)
    if "description" in data:
        clean["description"] = _text(data["description"], "description", max_length=5000)
    if "period_start" in data:
        clean["period_start"] = check_date(
            data["period_start"], field="period_start", within="any", required=True
        )
    if "period_end" in data:
        clean["period_end"] = check_date(
            data["period_end"], field="period_end", within="deadline", required=True
        )
    if "business_owner" in data:
        clean["business_owner"] = _member(org_id, data["business_owner"], "business_owner")
    if "it_owner" in data:
        clean["it_owner"] = _member(org_id, data["it_owner"], "it_owner")
    if "status" in data:
        if data["status"] not in ObjectiveStatus.values:
            raise ValidationFailed(_("Choose a valid status."), field="status")
        clean["status"] = data["status"]
    for key, value in clean.items():
        old = getattr(objective, key)
        if old != value:
            changes[key] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(objective, key, value)
    if objective.period_start and objective.period_end and objective.period_end < objective.period_start:
        raise ValidationFailed(_("The period must end after it starts."), field="period_end")
    if objective.status != ObjectiveStatus.DRAFT and objective.is_siloed:
        raise ValidationFailed(
            _(
                "A siloed objective can only be a draft: name a business owner from the business side "
                "and an IT owner from the IT side."
            ),
            field="status",
        )
    return changes


def objective_create(
    *,
    actor: Membership,
    title: str,
    period_start: date,
    period_end: date,
    description: str = "",
    business_owner: Membership | None = None,
    it_owner: Membership | None = None,
    status: str = ObjectiveStatus.DRAFT,
) -> Objective:
    """A new objective; siloed ones (not owned by both sides) must stay drafts."""
    required = {"title": title, "period_start": period_start, "period_end": period_end}
    for key, value in required.items():
        if value in (None, ""):
            raise ValidationFailed(_("This field is required."), field=key)
    objective = Objective(organization=actor.organization)
    owners = {"business_owner": business_owner, "it_owner": it_owner}
    _objective_apply(objective, {**required, **owners, "description": description, "status": status})
    with transaction.atomic():
        objective.save()
        _audit(
            actor,
            "objective.created",
            target=objective,
            summary=objective.title,
        )
    return objective


def objective_update(
    *,
    actor: Membership,
    objective: Objective,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    period_start: date | Unchanged = UNCHANGED,
    period_end: date | Unchanged = UNCHANGED,
    business_owner: Membership | Unchanged | None = UNCHANGED,
    it_owner: Membership | Unchanged | None = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
) -> Objective:
    """Change the given fields of an objective (``None`` removes an owner); every change is audited."""
    changes = _objective_apply(objective, _given(locals(), skip=("actor", "objective")))
    if changes:
        with transaction.atomic():
            objective.save()
            _audit(
                actor,
                "objective.updated",
                target=objective,
                summary=objective.title,
                data=changes,
            )
    return objective


# --- Key results and check-ins ------------------------------------------------------------------


def _key_result_apply(kr: KeyResult, data: dict[str, Any]) -> None:  # noqa: C901 (one check per field of a partial update)
    if "metric" in data:
        kr.metric = _text(data["metric"], "metric", max_length=200, required=True)
    if "unit" in data:
        kr.unit = _text(data["unit"], "unit", max_length=30)
    if "direction" in data:
        if data["direction"] not in Direction.__members__.values():
            raise ValidationFailed(_("Choose increase, decrease or within."), field="direction")
        kr.direction = data["direction"]
    for key in ("baseline", "target"):
        if key in data:
            setattr(kr, key, _number(data[key], key, required=True))
    for key in ("band_min", "band_max"):
        if key in data:
            setattr(kr, key, _number(data[key], key))
    if "due_date" in data:
        kr.due_date = check_date(data["due_date"], field="due_date", within="deadline")
    if kr.direction == Direction.WITHIN:
        if kr.band_min is None or kr.band_max is None:
            raise ValidationFailed(_("A band needs a minimum and a maximum."), field="band_min")
        if kr.band_min > kr.band_max:
            raise ValidationFailed(_("The band minimum must not exceed its maximum."), field="band_max")
    elif kr.direction == Direction.INCREASE and kr.target < kr.baseline:
        raise ValidationFailed(_("To increase, the target must be at least the baseline."), field="target")
    elif kr.direction == Direction.DECREASE and kr.target > kr.baseline:
        raise ValidationFailed(_("To decrease, the target must be at most the baseline."), field="target")


def key_result_create(
    *,
    actor: Membership,
    objective: Objective,
    metric: str,
    baseline: float,
    target: float,
    unit: str = "",
    direction: str = Direction.INCREASE,
    band_min: float | None = None,
    band_max: float | None = None,
    due_date: date | None = None,
) -> KeyResult:
    """A new key result under ``objective``."""
    required = {"metric": metric, "baseline": baseline, "target": target}
    for key, value in required.items():
        if value in (None, ""):
            raise ValidationFailed(_("This field is required."), field=key)
    kr = KeyResult(organization=objective.organization, objective=objective, direction=Direction.INCREASE)
    band = {"band_min": band_min, "band_max": band_max}
    _key_result_apply(kr, {**required, **band, "unit": unit, "direction": direction, "due_date": due_date})
    with transaction.atomic():
        kr.save()
        _audit(
            actor,
            "key_result.created",
            target=kr,
            summary=kr.metric,
        )
    return kr


def key_result_update(
    *,
    actor: Membership,
    key_result: KeyResult,
    metric: str | Unchanged = UNCHANGED,
    unit: str | Unchanged = UNCHANGED,
    direction: str | Unchanged = UNCHANGED,
    baseline: float | Unchanged = UNCHANGED,
    target: float | Unchanged = UNCHANGED,
    band_min: float | Unchanged | None = UNCHANGED,
    band_max: float | Unchanged | None = UNCHANGED,
    due_date: date | Unchanged | None = UNCHANGED,
) -> KeyResult:
    """Change the given fields of a key result (its current value changes through check-ins)."""
    _key_result_apply(key_result, _given(locals(), skip=("actor", "key_result")))
    with transaction.atomic():
        key_result.save()
        _audit(
            actor,
            "key_result.updated",
            target=key_result,
            summary=key_result.metric,
        )
    return key_result


def check_in_create(
    *,
    actor: Membership,
    key_result: KeyResult,
    value: float,
    confidence: int,
    note: str = "",
    at: datetime | None = None,
) -> CheckIn:
    """Record a reading; it becomes the key result's current value."""
    number = _number(value, "value", required=True)
    assert number is not None  # noqa: S101 (required=True never returns None)
    try:
        level = int(confidence)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Confidence is a whole number from 0 to 10."), field="confidence") from None
    if not 0 <= level <= 10:
        raise ValidationFailed(_("Confidence is a whole number from 0 to 10."), field="confidence")
    when = at or timezone.now()
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            organization=key_result.organization,
            key_result=key_result,
            value=number,
            confidence=level,
            note=_text(note, "note", max_length=2000),
            author=actor,
            created_at=when,
        )
        if key_result.last_check_in_at is None or when >= key_result.last_check_in_at:
            key_result.current = number
            key_result.last_check_in_at = when
            key_result.save(update_fields=["current", "last_check_in_at"])
        _audit(
            actor,
            "check_in.created",
            target=key_result,
            summary="%(metric)s: %(value)s",
            summary_params={"metric": key_result.metric, "value": float(number)},
            data={"confidence": level},
        )
    return check_in


# --- Initiatives -------------------------------------------------------------------------------

INITIATIVE_TEXT = {
    "title": 200,
    "summary": 5000,
    "business_outcome": 5000,
    "definition_of_success": 5000,
    "end_user_input_who": 200,
    "end_user_input_summary": 5000,
    "end_user_input_waiver": 2000,
}


def _initiative_apply(initiative: Initiative, data: dict[str, Any]) -> dict[str, list[Any]]:  # noqa: C901 (one check per field of a partial update)
    org_id = initiative.organization_id
    clean: dict[str, Any] = {}
    for key, limit in INITIATIVE_TEXT.items():
        if key in data:
            clean[key] = _text(data[key], key, max_length=limit, required=key == "title")
    if "business_co_lead" in data:
        clean["business_co_lead"] = _member(
            org_id, data["business_co_lead"], "business_co_lead", side=Side.BUSINESS
        )
    if "it_co_lead" in data:
        clean["it_co_lead"] = _member(org_id, data["it_co_lead"], "it_co_lead", side=Side.IT)
    if "sponsor" in data:
        clean["sponsor"] = _member(org_id, data["sponsor"], "sponsor")
    if "budget_amount" in data:
        amount = data["budget_amount"]
        if amount in (None, ""):
            clean["budget_amount"] = None
        else:
            try:
                clean["budget_amount"] = Decimal(str(amount)).quantize(Decimal("0.01"))
            except (InvalidOperation, ValueError):
                raise ValidationFailed(_("Enter an amount."), field="budget_amount") from None
            if (
                not clean["budget_amount"].is_finite()
                or clean["budget_amount"] < 0
                or clean["budget_amount"] >= 10**12
            ):
                raise ValidationFailed(_("Enter an amount from 0 to 999,999,999,999."), field="budget_amount")
    if "budget_currency" in data:
        currency = _text(data["budget_currency"], "budget_currency", max_length=3).upper() or "EUR"
        if len(currency) != 3 or not currency.isalpha():
            raise ValidationFailed(
                _("Use a three-letter currency code such as EUR."), field="budget_currency"
            )
        clean["budget_currency"] = currency
    dates: dict[str, Within] = {"start_date": "any", "target_date": "deadline", "end_user_input_when": "past"}
    for key, within in dates.items():
        if key in data:
            clean[key] = check_date(data[key], field=key, within=within)
    changes: dict[str, list[Any]] = {}
    for key, value in clean.items():
        old = getattr(initiative, key)
        if old != value:
            changes[key] = [_plain(old), _plain(value)]
            setattr(initiative, key, value)
    if initiative.start_date and initiative.target_date and initiative.target_date < initiative.start_date:
        raise ValidationFailed(_("The target date must not be before the start date."), field="target_date")
    if initiative.it_co_lead_id and not initiative.it_involved_stage:
        # "IT is invited to the planning, not brought in to retrofit delivery": remember when.
        initiative.it_involved_stage = initiative.paused_from or initiative.stage
    return changes


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _set_departments(initiative: Initiative, departments: Iterable[Department] | None) -> list[str] | None:
    if departments is None:
        return None
    chosen = list(departments)
    if any(d.organization_id != initiative.organization_id for d in chosen):
        raise ValidationFailed(_("Choose departments of this organisation."), field="departments")
    initiative.departments.set(chosen)
    return sorted(d.name for d in chosen)


def initiative_create(
    *,
    actor: Membership,
    title: str,
    summary: str = "",
    business_outcome: str = "",
    definition_of_success: str = "",
    business_co_lead: Membership | None = None,
    it_co_lead: Membership | None = None,
    sponsor: Membership | None = None,
    budget_amount: Decimal | float | None = None,
    budget_currency: str = "EUR",
    start_date: date | None = None,
    target_date: date | None = None,
    departments: Iterable[Department] | None = None,
    end_user_input_who: str = "",
    end_user_input_when: date | None = None,
    end_user_input_summary: str = "",
    end_user_input_waiver: str = "",
) -> Initiative:
    """A new initiative at the idea stage, created by ``actor``."""
    fields = _given(locals(), skip=("actor", "departments"))
    initiative = Initiative(organization=actor.organization, created_by=actor, stage=Stage.IDEA)
    _initiative_apply(initiative, fields)
    with transaction.atomic():
        initiative.save()
        _set_departments(initiative, departments)
        Transition.objects.create(
            organization=initiative.organization,
            initiative=initiative,
            from_stage="",
            to_stage=Stage.IDEA,
            actor=actor.user,
            reason=gettext_noop("Created"),
        )
        _audit(
            actor,
            "initiative.created",
            target=initiative,
            summary=initiative.title,
        )
    return initiative


def initiative_update(
    *,
    actor: Membership,
    initiative: Initiative,
    title: str | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
    business_outcome: str | Unchanged = UNCHANGED,
    definition_of_success: str | Unchanged = UNCHANGED,
    business_co_lead: Membership | Unchanged | None = UNCHANGED,
    it_co_lead: Membership | Unchanged | None = UNCHANGED,
    sponsor: Membership | Unchanged | None = UNCHANGED,
    budget_amount: Decimal | float | Unchanged | None = UNCHANGED,
    budget_currency: str | Unchanged = UNCHANGED,
    start_date: date | Unchanged | None = UNCHANGED,
    target_date: date | Unchanged | None = UNCHANGED,
    departments: Iterable[Department] | Unchanged = UNCHANGED,
    end_user_input_who: str | Unchanged = UNCHANGED,
    end_user_input_when: date | Unchanged | None = UNCHANGED,
    end_user_input_summary: str | Unchanged = UNCHANGED,
    end_user_input_waiver: str | Unchanged = UNCHANGED,
) -> Initiative:
    """Change the given fields of an initiative (``None`` clears one; ``departments`` replaces
    them); never its stage: see ``initiative_transition``. When the co-leads change, every app's
    ``tandem_co_leads_changed`` hook (an AppConfig attribute naming a function) is called in the
    same transaction as ``hook(actor=, initiative=, previous=(business id, IT id))``; when any
    field changes, every ``tandem_initiative_changed`` hook as ``hook(actor=, initiative=,
    changes={field: [old, new]})``."""
    fields = _given(locals(), skip=("actor", "initiative", "departments"))
    previous = (initiative.business_co_lead_id, initiative.it_co_lead_id)
    changes = _initiative_apply(initiative, fields)
    with transaction.atomic():
        initiative.save()
        if previous != (initiative.business_co_lead_id, initiative.it_co_lead_id):
            for hook in app_hooks("tandem_co_leads_changed"):  # the why check voids a waiting round
                hook(actor=actor, initiative=initiative, previous=previous)
        names = _set_departments(initiative, None if isinstance(departments, Unchanged) else departments)
        if names is not None:
            changes["departments"] = [None, names]
        if changes:
            for hook in app_hooks("tandem_initiative_changed"):  # delivery keeps plan moves
                hook(actor=actor, initiative=initiative, changes=changes)
            _audit(
                actor,
                "initiative.updated",
                target=initiative,
                summary=initiative.title,
                data=changes,
            )
    return initiative


def success_measure_add(
    *,
    actor: Membership,
    initiative: Initiative,
    name: str,
    baseline: float | None = None,
    target: float | None = None,
    unit: str = "",
    by_date: date | None = None,
    key_result: KeyResult | None = None,
) -> SuccessMeasure:
    """Add a success measure: a name and, for the gate, a target."""
    measure = SuccessMeasure(
        organization=initiative.organization,
        initiative=initiative,
        name=_text(name, "name", max_length=200, required=True),
        baseline=_number(baseline, "baseline"),
        target=_number(target, "target"),
        unit=_text(unit, "unit", max_length=30),
        by_date=check_date(by_date, field="by_date", within="any"),
    )
    if key_result is not None and key_result.organization_id != initiative.organization_id:
        raise ValidationFailed(_("Choose a key result of this organisation."), field="key_result")
    measure.key_result = key_result
    with transaction.atomic():
        measure.save()
        _audit(
            actor,
            "initiative.measure_added",
            target=initiative,
            summary=measure.name,
        )
    return measure


def success_measure_remove(*, actor: Membership, measure: SuccessMeasure) -> None:
    """Remove a success measure (audited on its initiative)."""
    with transaction.atomic():
        measure.delete()
        _audit(
            actor,
            "initiative.measure_removed",
            target=measure.initiative,
            summary=measure.name,
        )


def key_result_link_add(
    *, actor: Membership, initiative: Initiative, key_result: KeyResult, contribution: str = ""
) -> KeyResultLink:
    """Say which key result the initiative contributes to, and how."""
    if key_result.organization_id != initiative.organization_id:
        raise ValidationFailed(_("Choose a key result of this organisation."), field="key_result")
    if (
        KeyResultLink.objects.for_org(initiative.organization)
        .filter(initiative=initiative, key_result=key_result)
        .exists()
    ):
        raise Conflict(_("This initiative already contributes to that key result."), field="key_result")
    with transaction.atomic():
        link = KeyResultLink.objects.create(
            organization=initiative.organization,
            initiative=initiative,
            key_result=key_result,
            contribution=_text(contribution, "contribution", max_length=300),
        )
        _audit(
            actor,
            "initiative.linked",
            target=initiative,
            summary=key_result.metric,
        )
    return link


def key_result_link_remove(*, actor: Membership, link: KeyResultLink) -> None:
    """Remove an initiative's link to a key result (audited)."""
    with transaction.atomic():
        link.delete()
        _audit(
            actor,
            "initiative.unlinked",
            target=link.initiative,
            summary=link.key_result.metric,
        )


# --- Stages ------------------------------------------------------------------------------------


def initiative_transition(
    *,
    actor: Membership,
    initiative: Initiative,
    to: str,
    reason: str = "",
    reason_params: Mapping[str, object] | None = None,
    outcome_achieved: str = "",
    lessons_learned: str = "",
    cause: str = "",
) -> Initiative:
    """Move an initiative to another stage: the one place stages change.

    Approval passes the gate (every missing element named at once); pausing and cancelling need
    a reason; closing records whether the outcome was achieved. Each move is on the timeline and
    in the audit log; ``cause`` (a ``TransitionCause``) names what moved it when a person did not,
    and such a mover writes ``reason`` as catalogue words with ``reason_params`` for their values
    (``Transition.reason_text`` reads it in each reader's language). Every app's
    ``tandem_initiative_transitioned`` hook is called in the same transaction as
    ``hook(actor=, initiative=, from_stage=, to=)``.
    """
    reason = _text(reason, "reason", max_length=2000)
    if to not in Stage.values:
        raise ValidationFailed(_("Unknown stage “%(to)s”.") % {"to": to}, field="to")
    if to not in selectors.allowed_transitions(initiative):
        raise Conflict(
            _("An initiative cannot move from %(a)s to %(b)s.")
            % {"a": Stage(initiative.stage).label, "b": Stage(to).label},
            field="to",
        )
    if to in (Stage.PAUSED, Stage.CANCELLED) and not reason:
        raise ValidationFailed(_("Say why."), field="reason")
    if to == Stage.APPROVED:
        missing = selectors.approval_missing(initiative)
        if missing:
            names = "; ".join(str(GATE_MESSAGES[code]) for code in missing)
            raise GateRefused(
                _("The initiative cannot be approved yet. Missing: %(names)s") % {"names": names},
                extra={"missing": missing},
            )
    if to == Stage.CLOSED:
        if outcome_achieved not in Outcome.values:
            raise ValidationFailed(
                _("Say whether the business outcome was achieved."), field="outcome_achieved"
            )
        initiative.outcome_achieved = outcome_achieved
        initiative.lessons_learned = _text(lessons_learned, "lessons_learned", max_length=5000)
    from_stage = initiative.stage
    with transaction.atomic():
        initiative.paused_from = from_stage if to == Stage.PAUSED else ""
        initiative.stage = to
        initiative.save()
        Transition.objects.create(
            organization=initiative.organization,
            initiative=initiative,
            from_stage=from_stage,
            to_stage=to,
            reason=reason,
            reason_params=dict(reason_params or {}),
            cause=cause,
            actor=actor.user,
        )
        for hook in app_hooks("tandem_initiative_transitioned"):  # delivery takes its baseline
            hook(actor=actor, initiative=initiative, from_stage=from_stage, to=to)
        _audit(
            actor,
            "initiative.transition",
            target=initiative,
            summary="%(title)s: %(from)s → %(to)s",
            summary_params={
                "title": initiative.title,
                "from": word(source_words(Stage(from_stage).label)),
                "to": word(source_words(Stage(to).label)),
            },
            data={"from": from_stage, "to": to, "reason": in_source_words(reason, reason_params)},
        )
    return initiative
