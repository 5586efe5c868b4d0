"""Writes of the delivery app: deliverables and their acceptance, change requests and their
decisions, the baseline and its moves, end-user feedback and the organisation's thresholds.
Every write checks its input, stays inside the actor's organisation and lands in the audit log
(end-user feedback excepted: it is anonymous); the pages and the API call these same functions."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.models import Membership, Side
from tandem.core.services import UNCHANGED, Unchanged
from tandem.core.validation import check_date, clean_text
from tandem.delivery import selectors
from tandem.delivery.models import (
    ACCEPTED_STATUSES,
    MAX_CRITERIA,
    MAX_RECIPIENTS,
    Baseline,
    ChangeRequest,
    ChangeStatus,
    Criterion,
    Decision,
    Deliverable,
    DeliverableStatus,
    DeliverySettings,
    Feedback,
    FeedbackLink,
    Offer,
    PlanChange,
    PlanField,
    RejectionReason,
    Replan,
)
from tandem.governance.models import Party
from tandem.strategy import services as strategy_services
from tandem.strategy.models import Initiative, Stage

MAX_AMOUNT = Decimal(10) ** 12
MAX_SCHEDULE_DAYS = 3660

# The approved change request whose decision is moving an initiative's plan right now: the
# strategy app's change hook links the plan changes it records to it (``on_initiative_changed``).
_explaining: ContextVar[ChangeRequest | None] = ContextVar("delivery_explaining", default=None)


def _audit(
    actor: Membership, action: str, *, target: Any = None, summary: str = "", data: Any = None
) -> None:
    audit_record(
        action=action,
        actor=actor.user,
        organization=actor.organization,
        target=target,
        summary=summary,
        data=data,
    )


def _same_org(actor: Membership, *rows: Any) -> None:
    """A row of another organisation passed in by mistake is refused, never written against."""
    for row in rows:
        if row is not None and row.organization_id != actor.organization_id:
            raise ValidationFailed(_("Choose something of this organisation."))


# --- Baseline and its moves --------------------------------------------------------------------


def baseline_take(initiative: Initiative) -> Baseline:
    """The initiative's baseline, taken now from its current plan if it has none yet; a value the
    baseline did not know (no budget or no target date then) is filled in from the plan once."""
    baseline, created = Baseline.objects.for_org(initiative.organization).get_or_create(
        initiative=initiative,
        defaults={
            "organization": initiative.organization,
            "budget_amount": initiative.budget_amount,
            "start_date": initiative.start_date,
            "target_date": initiative.target_date,
        },
    )
    if not created:
        filled = []
        for name in ("budget_amount", "start_date", "target_date"):
            if getattr(baseline, name) is None and getattr(initiative, name) is not None:
                setattr(baseline, name, getattr(initiative, name))
                filled.append(name)
        if filled:
            baseline.save(update_fields=filled)
    return baseline


def _committed(initiative: Initiative) -> bool:
    """Whether the initiative has been committed to (approved or past it; a paused one by the
    stage it was paused from): only then is there a plan to take as its baseline."""
    stage = initiative.paused_from if initiative.stage == Stage.PAUSED else initiative.stage
    return stage in (Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED, Stage.CLOSED)


def on_initiative_transitioned(
    *, actor: Membership, initiative: Initiative, from_stage: str, to: str
) -> None:
    """Strategy hook: approving an initiative commits to its plan, so its baseline is taken."""
    if to == Stage.APPROVED:
        baseline_take(initiative)


_PLAN_FIELDS = {"budget_amount": PlanField.BUDGET, "target_date": PlanField.TARGET_DATE}


def on_initiative_changed(
    *, actor: Membership, initiative: Initiative, changes: dict[str, list[Any]]
) -> None:
    """Strategy hook: a move of a committed initiative's budget or target date is kept as a plan
    change, explained when an approved change request made it and unexplained otherwise. A value
    the baseline did not know yet is filled in, not counted as a move."""
    moved = {name: changes[name] for name in _PLAN_FIELDS if name in changes}
    if not moved:
        return
    baseline = Baseline.objects.for_org(initiative.organization).filter(initiative=initiative).first()
    if baseline is None:
        return  # not committed to yet: planning, not a change
    explaining = _explaining.get()
    for name, (old, new) in moved.items():
        if getattr(baseline, name) is None and explaining is None:
            baseline_take(initiative)  # the plan names it for the first time: part of the baseline
            continue
        PlanChange.objects.create(
            organization=initiative.organization,
            initiative=initiative,
            field=_PLAN_FIELDS[name],
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            change_request=explaining,
            actor=actor,
        )


@contextmanager
def _explained_by(change: ChangeRequest) -> Iterator[None]:
    token = _explaining.set(change)
    try:
        yield
    finally:
        _explaining.reset(token)


# --- Deliverables ------------------------------------------------------------------------------


def _owner(actor: Membership, owner_member: Membership | None, owner_party: Party | None) -> None:
    _same_org(actor, owner_member, owner_party)
    if owner_member is not None and owner_party is not None:
        raise ValidationFailed(_("Name a member or a party as the owner, not both."), field="owner_party")
    if owner_member is not None and not owner_member.is_active:
        raise ValidationFailed(_("Choose an active member."), field="owner_member")
    if owner_party is not None and not owner_party.is_active:
        raise ValidationFailed(_("Choose an active party."), field="owner_party")


def _criteria(lines: Sequence[str] | str) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    clean = []
    for line in lines:
        text = clean_text(line, field="criteria", max_length=300)
        if text and text not in clean:
            clean.append(text)
    if len(clean) > MAX_CRITERIA:
        raise ValidationFailed(
            _("Keep it to %(n)s acceptance criteria at most.") % {"n": MAX_CRITERIA}, field="criteria"
        )
    return clean


def _recipients(value: str | Sequence[str]) -> str:
    lines = value.splitlines() if isinstance(value, str) else list(value)
    found: list[str] = []
    for line in lines:
        for address in line.replace(",", " ").replace(";", " ").split():
            address = address.strip().lower()
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationFailed(
                    _("“%(address)s” is not an e-mail address.") % {"address": address[:80]},
                    field="feedback_recipients",
                ) from None
            if address not in found:
                found.append(address)
    if len(found) > MAX_RECIPIENTS:
        raise ValidationFailed(
            _("Ask at most %(n)s end users by e-mail; share the link for more.") % {"n": MAX_RECIPIENTS},
            field="feedback_recipients",
        )
    return "\n".join(found)


def _set_criteria(deliverable: Deliverable, texts: list[str]) -> None:
    existing = list(deliverable.criteria.all())
    if deliverable.offers.exists():
        kept = [c.text for c in existing]
        if texts[: len(kept)] != kept:
            raise Conflict(
                _(
                    "The acceptance criteria were agreed when the deliverable was offered: add new ones "
                    "at the end, or raise a change request to change them."
                ),
                field="criteria",
            )
        texts = texts[len(kept) :]
        start = len(kept)
    else:
        Criterion.objects.for_org(deliverable.organization).filter(deliverable=deliverable).delete()
        start = 0
    Criterion.objects.bulk_create(
        Criterion(organization=deliverable.organization, deliverable=deliverable, text=t, position=start + i)
        for i, t in enumerate(texts)
    )


def deliverable_create(
    *,
    actor: Membership,
    initiative: Initiative,
    title: str,
    committed_date: date | str | None,
    description: str = "",
    owner_member: Membership | None = None,
    owner_party: Party | None = None,
    criteria: Sequence[str] | str = (),
    feedback_recipients: str | Sequence[str] = "",
) -> Deliverable:
    """A deliverable promised by ``committed_date``, with its acceptance criteria."""
    _same_org(actor, initiative)
    _owner(actor, owner_member, owner_party)
    committed = cast(date, check_date(committed_date, field="committed_date", within="any", required=True))
    deliverable = Deliverable(
        organization=actor.organization,
        initiative=initiative,
        title=clean_text(title, field="title", max_length=200, required=True),
        description=clean_text(description, field="description", max_length=5000),
        owner_member=owner_member,
        owner_party=owner_party,
        first_committed_date=committed,
        due_date=committed,
        feedback_recipients=_recipients(feedback_recipients),
        created_by=actor,
    )
    texts = _criteria(criteria)
    with transaction.atomic():
        if _committed(initiative):
            baseline_take(initiative)
        deliverable.save()
        _set_criteria(deliverable, texts)
        _audit(actor, "delivery.deliverable_created", target=deliverable, summary=deliverable.title)
    return deliverable


def deliverable_update(
    *,
    actor: Membership,
    deliverable: Deliverable,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    owner_member: Membership | Unchanged | None = UNCHANGED,
    owner_party: Party | Unchanged | None = UNCHANGED,
    criteria: Sequence[str] | str | Unchanged = UNCHANGED,
    feedback_recipients: str | Sequence[str] | Unchanged = UNCHANGED,
) -> Deliverable:
    """Change what a deliverable is and who owns it; never its dates (``deliverable_replan``)."""
    changed: list[str] = []
    if not isinstance(title, Unchanged):
        deliverable.title = clean_text(title, field="title", max_length=200, required=True)
        changed.append("title")
    if not isinstance(description, Unchanged):
        deliverable.description = clean_text(description, field="description", max_length=5000)
        changed.append("description")
    if not isinstance(owner_member, Unchanged) or not isinstance(owner_party, Unchanged):
        member = deliverable.owner_member if isinstance(owner_member, Unchanged) else owner_member
        party = deliverable.owner_party if isinstance(owner_party, Unchanged) else owner_party
        if (
            not isinstance(owner_member, Unchanged)
            and owner_member is not None
            and isinstance(owner_party, Unchanged)
        ):
            party = None  # naming a member replaces the owning party
        if (
            not isinstance(owner_party, Unchanged)
            and owner_party is not None
            and isinstance(owner_member, Unchanged)
        ):
            member = None
        _owner(actor, member, party)
        deliverable.owner_member, deliverable.owner_party = member, party
        changed.append("owner")
    if not isinstance(feedback_recipients, Unchanged):
        deliverable.feedback_recipients = _recipients(feedback_recipients)
        changed.append("feedback_recipients")
    texts = None if isinstance(criteria, Unchanged) else _criteria(criteria)
    with transaction.atomic():
        deliverable.save()
        if texts is not None:
            _set_criteria(deliverable, texts)
            changed.append("criteria")
        if changed:
            _audit(
                actor,
                "delivery.deliverable_updated",
                target=deliverable,
                summary=deliverable.title,
                data={"fields": changed},
            )
    return deliverable


def _approved_change(initiative: Initiative, change: ChangeRequest | None) -> ChangeRequest | None:
    if change is None:
        return None
    if change.initiative_id != initiative.pk or change.organization_id != initiative.organization_id:
        raise ValidationFailed(_("Choose a change request of this initiative."), field="change_request")
    if change.status != ChangeStatus.APPROVED:
        raise ValidationFailed(
            _("Only an approved change request explains a re-plan."), field="change_request"
        )
    return change


def deliverable_replan(
    *,
    actor: Membership,
    deliverable: Deliverable,
    to_date: date | str | None,
    reason: str,
    asked_by: Membership | None = None,
    asked_side: str = "",
    change_request: ChangeRequest | None = None,
) -> Replan:
    """Move an open deliverable's due date, keeping the old one, the reason and who asked.

    Without an approved change request behind it the re-plan counts as unexplained."""
    if not deliverable.is_open:
        raise Conflict(_("This deliverable is accepted or cancelled: its dates are history."))
    new = cast(date, check_date(to_date, field="to_date", within="deadline", required=True))
    if new == deliverable.due_date:
        raise ValidationFailed(_("That is the due date already."), field="to_date")
    asked = asked_by or actor
    _same_org(actor, asked)
    side = asked_side or asked.side
    if side not in Side.values:
        raise ValidationFailed(_("Choose the side that asked."), field="asked_side")
    change = _approved_change(deliverable.initiative, change_request)
    replan = Replan(
        organization=actor.organization,
        deliverable=deliverable,
        from_date=deliverable.due_date,
        to_date=new,
        reason=clean_text(reason, field="reason", max_length=2000, required=True),
        asked_by=asked,
        asked_side=side,
        change_request=change,
        recorded_by=actor,
    )
    with transaction.atomic():
        replan.save()
        deliverable.due_date = new
        deliverable.save(update_fields=["due_date"])
        _audit(
            actor,
            "delivery.deliverable_replanned",
            target=deliverable,
            summary=deliverable.title,
            data={
                "from": replan.from_date.isoformat(),
                "to": new.isoformat(),
                "change_request": change.pk if change else None,
            },
        )
    return replan


def deliverable_offer(
    *, actor: Membership, deliverable: Deliverable, offered_on: date | str | None = None, note: str = ""
) -> Offer:
    """Offer a deliverable to the business for acceptance (again, after a rejection)."""
    if deliverable.status not in (DeliverableStatus.PLANNED, DeliverableStatus.REJECTED):
        raise Conflict(
            _("Only a planned or rejected deliverable can be offered; this one is %(status)s.")
            % {"status": DeliverableStatus(deliverable.status).label.lower()}
        )
    day = check_date(offered_on, field="offered_on", within="past") or timezone.localdate()
    with transaction.atomic():
        locked = Deliverable.objects.for_org(actor.organization).select_for_update().get(pk=deliverable.pk)
        if locked.status != deliverable.status:
            raise Conflict(_("Someone else changed this deliverable just now. Reload and try again."))
        last = locked.offers.aggregate(n=Max("number"), day=Max("offered_on"))
        if last["day"] is not None and day < last["day"]:
            raise ValidationFailed(
                _("It was offered before on %(day)s: a new offer cannot come before that.")
                % {"day": last["day"].isoformat()},
                field="offered_on",
            )
        number = (last["n"] or 0) + 1
        offer = Offer.objects.create(
            organization=actor.organization,
            deliverable=deliverable,
            number=number,
            offered_on=day,
            note=clean_text(note, field="note", max_length=2000),
            offered_by=actor,
        )
        deliverable.status = DeliverableStatus.OFFERED
        deliverable.save(update_fields=["status"])
        _audit(
            actor,
            "delivery.deliverable_offered",
            target=deliverable,
            summary=deliverable.title,
            data={"offer": number, "offered_on": day.isoformat()},
        )
    return offer


def _rejection(
    deliverable: Deliverable, rejection_reason: str, text: str, failed_criteria: Sequence[int]
) -> tuple[str, list[Criterion]]:
    """A rejection's reason and failed criteria, checked: a reason, what was wrong, and the
    criteria (of this deliverable) that were not met when that is the reason."""
    if rejection_reason not in RejectionReason.values:
        raise ValidationFailed(_("Choose why it is rejected."), field="rejection_reason")
    if not text:
        raise ValidationFailed(_("Say what was wrong, so it can be reworked."), field="remarks")
    criteria = {c.pk: c for c in deliverable.criteria.all()}
    try:
        wanted = {int(pk) for pk in failed_criteria}
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose criteria of this deliverable."), field="failed_criteria") from None
    if not wanted <= criteria.keys():
        raise ValidationFailed(_("Choose criteria of this deliverable."), field="failed_criteria")
    if rejection_reason == RejectionReason.CRITERIA_NOT_MET and not wanted:
        raise ValidationFailed(_("Tick the criteria that were not met."), field="failed_criteria")
    return rejection_reason, [criteria[pk] for pk in sorted(wanted)]


def deliverable_decide(
    *,
    actor: Membership,
    deliverable: Deliverable,
    decision: str,
    remarks: str = "",
    rejection_reason: str = "",
    failed_criteria: Sequence[int] = (),
) -> Offer:
    """The business co-lead's decision on the deliverable's current offer.

    Accepting records the delivered date (the offer's date) and sends the feedback link to the
    chosen end users; accepting with remarks needs the remarks; rejecting needs a reason, what
    was wrong, and — when criteria were not met — which ones."""
    if decision not in Decision.values:
        raise ValidationFailed(_("Choose accept, accept with remarks or reject."), field="decision")
    if deliverable.status != DeliverableStatus.OFFERED:
        raise Conflict(_("This deliverable is not waiting for acceptance."))
    text = clean_text(remarks, field="remarks", max_length=5000)
    reason, failed = "", list[Criterion]()
    if decision == Decision.ACCEPTED_WITH_REMARKS and not text:
        raise ValidationFailed(_("Write the remarks."), field="remarks")
    if decision == Decision.REJECTED:
        reason, failed = _rejection(deliverable, rejection_reason, text, failed_criteria)
    with transaction.atomic():
        locked = Deliverable.objects.for_org(actor.organization).select_for_update().get(pk=deliverable.pk)
        if locked.status != DeliverableStatus.OFFERED:
            raise Conflict(_("Someone else decided on this deliverable just now. Reload to see it."))
        offer = locked.offers.order_by("-number")[0]
        offer.decision = decision
        offer.rejection_reason = reason
        offer.remarks = text
        offer.decided_by = actor
        offer.decided_at = timezone.now()
        offer.save()
        offer.failed_criteria.set(failed)
        if decision == Decision.REJECTED:
            deliverable.status = DeliverableStatus.REJECTED
        else:
            deliverable.status = (
                DeliverableStatus.ACCEPTED
                if decision == Decision.ACCEPTED
                else DeliverableStatus.ACCEPTED_WITH_REMARKS
            )
            deliverable.delivered_on = offer.offered_on
        deliverable.save(update_fields=["status", "delivered_on"])
        _audit(
            actor,
            "delivery.deliverable_rejected"
            if decision == Decision.REJECTED
            else "delivery.deliverable_accepted",
            target=deliverable,
            summary=deliverable.title,
            data={
                "offer": offer.number,
                "decision": decision,
                "reason": reason,
                "failed": [c.pk for c in failed],
            },
        )
        if deliverable.status in ACCEPTED_STATUSES and deliverable.feedback_recipients:
            from tandem.delivery import tasks  # the task module imports this one

            transaction.on_commit(lambda: tasks.send_feedback_requests.enqueue(deliverable_id=deliverable.pk))
    return offer


def deliverable_cancel(*, actor: Membership, deliverable: Deliverable, reason: str) -> Deliverable:
    """Stop an open deliverable (it is no longer wanted); its history stays."""
    if not deliverable.is_open:
        raise Conflict(_("This deliverable is accepted or cancelled already."))
    text = clean_text(reason, field="reason", max_length=2000, required=True)
    with transaction.atomic():
        deliverable.status = DeliverableStatus.CANCELLED
        deliverable.save(update_fields=["status"])
        _audit(
            actor,
            "delivery.deliverable_cancelled",
            target=deliverable,
            summary=deliverable.title,
            data={"reason": text},
        )
    return deliverable


# --- Change requests ---------------------------------------------------------------------------


def _amount(value: Any, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("Enter an amount."), field=field) from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValidationFailed(
            _("Enter an amount between -999,999,999,999 and 999,999,999,999."), field=field
        )
    return amount


def _days(value: Any, field: str) -> int:
    if value in (None, ""):
        return 0
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValidationFailed(_("Enter a whole number of days."), field=field) from None
    if abs(days) > MAX_SCHEDULE_DAYS:
        raise ValidationFailed(
            _("Enter at most %(n)s days either way.") % {"n": MAX_SCHEDULE_DAYS}, field=field
        )
    return days


def change_request_create(
    *,
    actor: Membership,
    initiative: Initiative,
    title: str,
    reason: str,
    budget_impact: Decimal | float | str | None = 0,
    schedule_impact_days: int | str | None = 0,
    scope_impact: str = "",
    deliverable: Deliverable | None = None,
    requested_by: Membership | None = None,
) -> ChangeRequest:
    """A change request for ``initiative``, asked by ``requested_by`` (the actor by default), with
    its estimated impact on budget, schedule and scope."""
    asker = requested_by or actor
    _same_org(actor, initiative, asker, deliverable)
    if deliverable is not None and deliverable.initiative_id != initiative.pk:
        raise ValidationFailed(_("Choose a deliverable of this initiative."), field="deliverable")
    change = ChangeRequest(
        organization=actor.organization,
        initiative=initiative,
        deliverable=deliverable,
        title=clean_text(title, field="title", max_length=200, required=True),
        reason=clean_text(reason, field="reason", max_length=5000, required=True),
        requested_by=asker,
        requested_side=asker.side,
        budget_impact=_amount(budget_impact, "budget_impact"),
        schedule_impact_days=_days(schedule_impact_days, "schedule_impact_days"),
        scope_impact=clean_text(scope_impact, field="scope_impact", max_length=5000),
    )
    with transaction.atomic():
        if _committed(initiative):
            baseline_take(initiative)
        change.save()
        _audit(
            actor,
            "delivery.change_requested",
            target=change,
            summary=change.title,
            data={"budget": str(change.budget_impact), "days": change.schedule_impact_days},
        )
    return change


def change_request_decide(
    *, actor: Membership, change: ChangeRequest, decision: str, reason: str
) -> ChangeRequest:
    """Approve, reject or defer a change request, with why. Approving moves the initiative's
    current budget and target date by the request's impact (its baseline stays as it was)."""
    if decision not in (ChangeStatus.APPROVED, ChangeStatus.REJECTED, ChangeStatus.DEFERRED):
        raise ValidationFailed(_("Choose approve, reject or defer."), field="decision")
    if change.status not in (ChangeStatus.OPEN, ChangeStatus.DEFERRED):
        raise Conflict(_("This change request has been decided already."))
    if decision == change.status:
        raise Conflict(_("This change request is deferred already."))
    text = clean_text(reason, field="reason", max_length=5000, required=True)
    with transaction.atomic():
        locked = ChangeRequest.objects.for_org(actor.organization).select_for_update().get(pk=change.pk)
        if locked.status != change.status:
            raise Conflict(_("Someone else decided on this change request just now. Reload to see it."))
        # Decided on the locked copy: a refused approval leaves the caller's object as it was.
        locked.status = decision
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = text
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        if decision == ChangeStatus.APPROVED:
            _apply(actor, locked)
        _audit(
            actor,
            "delivery.change_decided",
            target=locked,
            summary=locked.title,
            data={"decision": decision},
        )
    change.status, change.decided_by = locked.status, locked.decided_by
    change.decided_at, change.decision_reason = locked.decided_at, locked.decision_reason
    return change


def _apply(actor: Membership, change: ChangeRequest) -> None:
    """Move the initiative's plan by an approved change, recorded as explained plan changes."""
    initiative = (
        Initiative.objects.for_org(actor.organization).select_for_update().get(pk=change.initiative_id)
    )
    if _committed(initiative):
        baseline_take(initiative)
    moves: dict[str, Any] = {}
    if change.budget_impact:
        current = initiative.budget_amount or Decimal(0)
        moves["budget_amount"] = max(current + change.budget_impact, Decimal(0))
    if change.schedule_impact_days and initiative.target_date is not None:
        moves["target_date"] = initiative.target_date + timedelta(days=change.schedule_impact_days)
    if not moves:
        return
    with _explained_by(change):
        try:
            strategy_services.initiative_update(actor=actor, initiative=initiative, **moves)
        except ValidationFailed as error:
            raise ValidationFailed(
                _("Approving this change would leave the initiative's plan invalid: %(why)s")
                % {"why": error.message},
                field="decision",
            ) from None


# --- End-user feedback -------------------------------------------------------------------------


def feedback_link_open(
    *, actor: Membership | None, initiative: Initiative, deliverable: Deliverable | None = None
) -> FeedbackLink:
    """The feedback link of a deliverable (or of the initiative as a whole), made the first time
    and opened again if it was closed. ``actor`` is ``None`` when Tandem makes it itself (to
    send it to the end users chosen for an accepted deliverable)."""
    if actor is not None:
        _same_org(actor, initiative)
    if deliverable is not None and deliverable.organization_id != initiative.organization_id:
        raise ValidationFailed(_("Choose a deliverable of this initiative."), field="deliverable")
    if deliverable is not None and deliverable.initiative_id != initiative.pk:
        raise ValidationFailed(_("Choose a deliverable of this initiative."), field="deliverable")
    link = selectors.feedback_link_of(initiative, deliverable)
    with transaction.atomic():
        if link is None:
            nonce = secrets.token_urlsafe(32)
            link = FeedbackLink(
                organization=initiative.organization,
                initiative=initiative,
                deliverable=deliverable,
                nonce=nonce,
                created_by=actor,
            )
            link.token_hash = selectors.token_hash(selectors.link_token(link))
            try:
                with transaction.atomic():
                    link.save()
            except IntegrityError:  # made by someone else just now
                link = cast(FeedbackLink, selectors.feedback_link_of(initiative, deliverable))
        elif not link.is_open:
            link.is_open = True
            link.save(update_fields=["is_open"])
        else:
            return link
        audit_record(
            action="delivery.feedback_link_opened",
            actor=actor.user if actor else None,
            organization=initiative.organization,
            target=link,
            summary=str(deliverable or initiative),
        )
    return link


def feedback_link_close(*, actor: Membership, link: FeedbackLink) -> FeedbackLink:
    """Stop taking feedback through a link (it answers "closed" from then on)."""
    if link.is_open:
        with transaction.atomic():
            link.is_open = False
            link.save(update_fields=["is_open"])
            _audit(actor, "delivery.feedback_link_closed", target=link)
    return link


def _rating(value: Any) -> int:
    """A whole rating: 4 or "4"; never 4.9, "4.5" or True."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValidationFailed(_("Choose a rating from 1 to 5."), field="rating")


def feedback_submit(*, token: str, rating: Any, comment: str = "", name: str = "") -> Feedback:
    """One end user's rating (1–5) and comment through a link, without an account.

    Nothing about the person is kept but the name they chose to give; the day, not the time.

    Like a survey answer (``surveys.services.response_submit``), a rating costs one lean read of
    its link (``selectors.link_to_rate``) and its one insert, checked and prepared before it:
    the organisation's data version is left alone, so end users rating at once never queue on
    that one row; the pages that show feedback are cached under ``selectors.feedback_version``
    as well, which the insert moves as it commits."""
    link = selectors.link_to_rate(token)
    if link is None:
        raise ValidationFailed(_("This feedback link is not valid."), code="not_found")
    if not link.is_open:
        raise Conflict(_("This feedback link is closed."), code="closed")
    score = _rating(rating)
    if not 1 <= score <= 5:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="rating")
    feedback = Feedback(
        organization_id=link.organization_id,
        link_id=link.pk,
        initiative_id=link.initiative_id,
        deliverable_id=link.deliverable_id,
        rating=score,
        comment=clean_text(comment, field="comment", max_length=3000),
        name=clean_text(name, field="name", max_length=120),
        submitted_on=timezone.localdate(),
    )
    feedback.save(force_insert=True)  # one statement: atomic on its own
    return feedback


def feedback_requests_sent(*, deliverable: Deliverable, count: int) -> None:
    """Record that the feedback link went to ``count`` end users (the task that sends it)."""
    Deliverable.objects.for_org(deliverable.organization).filter(pk=deliverable.pk).update(
        feedback_requested_at=timezone.now(), feedback_requested_count=count
    )


# --- Thresholds --------------------------------------------------------------------------------

THRESHOLD_LIMITS = {
    "on_time_min": 100,
    "first_time_right_min": 100,
    "scope_creep_max": 1000,
    "unexplained_max": 1000,
    "feedback_quiet_days": 365,
}


def settings_update(*, actor: Membership, **values: Any) -> DeliverySettings:
    """Change the organisation's delivery thresholds (those given)."""
    current = selectors.delivery_settings(actor.organization)
    changes: dict[str, list[int]] = {}
    for name, value in values.items():
        if name not in THRESHOLD_LIMITS:
            raise ValidationFailed(_("Unknown setting."), field=name)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(_("Enter a whole number."), field=name) from None
        if not 0 <= number <= THRESHOLD_LIMITS[name]:
            raise ValidationFailed(
                _("Enter a number from 0 to %(n)s.") % {"n": THRESHOLD_LIMITS[name]}, field=name
            )
        if getattr(current, name) != number:
            changes[name] = [getattr(current, name), number]
            setattr(current, name, number)
    with transaction.atomic():
        current.organization = actor.organization
        current.save()
        if changes:
            _audit(actor, "delivery.settings_changed", data=changes)
    return current
