"""Writes of the why check: start a round, answer blind, close, apply the verdict and its effect."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tandem.core.access import Need, refuse, require
from tandem.core.audit import audit_record
from tandem.core.errors import Conflict, ValidationFailed
from tandem.core.language import source_words, word
from tandem.core.models import Membership, Side
from tandem.core.validation import check_date, clean_text
from tandem.strategy import selectors as strategy_selectors
from tandem.strategy import services as strategy
from tandem.strategy.models import Initiative, Stage, TransitionCause
from tandem.whycheck import selectors
from tandem.whycheck.models import GateMode, RoundStatus, Verdict, WhyAnswer, WhyCheck, WhyCheckSettings

# The reasons the why check writes on an initiative's timeline: catalogue words with values, read
# in each reader's language (``Transition.reason_text``).
PAUSE_REASON = gettext_noop("why check: misaligned (round %(round)s, score %(score)s)")
ALIGNED_REASON = gettext_noop("why check: aligned (round %(round)s)")
DECIDED_REASON = gettext_noop("why check: decision recorded by both co-leads (round %(round)s)")
OVERRIDE_REASON = gettext_noop("why check overridden by an admin: %(text)s")
MAX_MEASURES = 5


def settings_update(*, actor: Membership, gate: str) -> WhyCheckSettings:
    """Make a misaligned why check block approval (required) or only show it (advisory)."""
    if gate not in GateMode.values:
        raise ValidationFailed(_("Choose required or advisory."), field="gate")
    settings = selectors.settings_for(org=actor.organization)
    if settings.gate == gate:
        return settings
    with transaction.atomic():
        old = settings.gate
        settings, _created = WhyCheckSettings.objects.update_or_create(
            organization=actor.organization, defaults={"gate": gate}
        )
        audit_record(
            action="why_check.settings",
            actor=actor.user,
            organization=actor.organization,
            data={"gate": [old, gate]},
        )
    return settings


def _co_lead_side(actor: Membership, why_check: WhyCheck) -> str:
    """The actor's side on the round's initiative; to anyone but the co-leads the round's forms
    do not exist (``NotFound``)."""
    side = selectors.side_of(membership=actor, initiative=why_check.initiative)
    if side is None:
        raise refuse("not a co-lead of the initiative", org=actor.organization)
    return side


def whycheck_start(*, actor: Membership, initiative: Initiative, deadline: date | None) -> WhyCheck:
    """Open a round on ``initiative``; both co-leads are notified and answer on their own."""
    from tandem.whycheck.tasks import notify_why_check  # tasks import services

    if not isinstance(deadline, date):
        raise ValidationFailed(_("Choose a deadline."), field="deadline")
    if deadline < timezone.localdate():
        raise ValidationFailed(_("The deadline cannot be in the past."), field="deadline")
    check_date(deadline, field="deadline", within="deadline")
    if not (initiative.business_co_lead_id and initiative.it_co_lead_id):
        raise ValidationFailed(_("Name a business co-lead and an IT co-lead first: the why check asks both."))
    if initiative.stage in (Stage.CLOSED, Stage.CANCELLED):
        raise Conflict(_("The initiative is %(stage)s.") % {"stage": Stage(initiative.stage).label.lower()})
    with transaction.atomic():
        if (
            WhyCheck.objects.for_org(actor.organization)
            .filter(initiative=initiative, status=RoundStatus.OPEN)
            .exists()
        ):
            raise Conflict(_("A why check is already waiting for answers on this initiative."))
        round_ = WhyCheck.objects.create(
            organization=actor.organization, initiative=initiative, started_by=actor, deadline=deadline
        )
        audit_record(
            action="why_check.started",
            actor=actor.user,
            organization=actor.organization,
            target=round_,
            summary=initiative.title,
            data={"deadline": deadline.isoformat()},
        )
        transaction.on_commit(lambda: notify_why_check.enqueue(why_check_id=round_.pk, event="started"))
    return round_


def _clean_measures(measures: Any) -> list[dict[str, Any]]:
    if not isinstance(measures, list | tuple) or not measures:
        raise ValidationFailed(_("Name at least one success measure."), field="measures")
    if len(measures) > MAX_MEASURES:
        raise ValidationFailed(_("Name at most five success measures."), field="measures")
    clean = []
    for index, raw in enumerate(measures):
        if not isinstance(raw, dict):
            raise ValidationFailed(_("Each measure needs a name."), field=f"measures.{index}")
        name = clean_text(raw.get("name"), field=f"measures.{index}.name", max_length=200, required=True)
        target = raw.get("target")
        if target in (None, ""):
            target = None
        else:
            try:
                target = float(target)
            except (TypeError, ValueError):
                raise ValidationFailed(_("Enter a number."), field=f"measures.{index}.target") from None
            if not math.isfinite(target) or abs(target) > 1e15:
                raise ValidationFailed(_("Enter a finite number."), field=f"measures.{index}.target")
        unit = clean_text(raw.get("unit"), field=f"measures.{index}.unit", max_length=30)
        by = raw.get("by") if isinstance(raw.get("by"), str | date) else None
        by = check_date(by, field=f"measures.{index}.by", within="any")
        clean.append({"name": name, "target": target, "unit": unit, "by": by.isoformat() if by else None})
    return clean


def whycheck_submit_answer(
    *, actor: Membership, why_check: WhyCheck, why: str, measures: Sequence[Mapping[str, Any]]
) -> WhyAnswer:
    """Save (or revise, until the reveal) the actor's own answer; the second answer reveals both.
    ``measures`` are ``{name, target, unit, by}`` each, checked here whoever sends them."""
    from tandem.whycheck.tasks import score_why_check

    _co_lead_side(actor, why_check)
    _check_open(why_check)
    text = clean_text(why, field="why", max_length=4000, required=True)
    clean = _clean_measures(measures)
    with transaction.atomic():
        locked = WhyCheck.objects.for_org(actor.organization).select_for_update().get(pk=why_check.pk)
        _check_open(locked)
        # The co-leads as stored now: a change voids the round, and the lock above waits for it.
        side = _co_lead_side(actor, locked)
        answer, created = WhyAnswer.objects.for_org(actor.organization).get_or_create(
            why_check=locked,
            side=side,
            defaults={"organization": actor.organization, "author": actor, "why": text, "measures": clean},
        )
        if not created:
            if answer.author_id != actor.pk:
                raise Conflict(
                    _("Someone else answered for your side in this round; only they can revise it.")
                )
            answer.why, answer.measures = text, clean
            answer.save()
        # The audit trail says that an answer came in, never what it says (the blind rule).
        audit_record(
            action="why_check.answered" if created else "why_check.revised",
            actor=actor.user,
            organization=actor.organization,
            target=locked,
            summary="%(side)s",
            summary_params={"side": word(source_words(Side(side).label))},
        )
        if WhyAnswer.objects.for_org(actor.organization).filter(why_check=locked).count() == 2:
            _reveal(locked)
            transaction.on_commit(lambda: score_why_check.enqueue(why_check_id=locked.pk))
    why_check.refresh_from_db()
    return answer


def _check_open(why_check: WhyCheck) -> None:
    """``Conflict`` unless the round still takes answers."""
    if why_check.status == RoundStatus.VOIDED:
        raise Conflict(
            _("This round was voided because the co-leads changed; a new round asks the current ones.")
        )
    if why_check.status != RoundStatus.OPEN:
        raise Conflict(_("The answers are revealed: this round no longer takes answers."))


def _reveal(why_check: WhyCheck) -> None:
    why_check.status = RoundStatus.REVEALED
    why_check.revealed_at = timezone.now()
    why_check.save(update_fields=["status", "revealed_at"])


def whycheck_close(*, actor: Membership, why_check: WhyCheck) -> WhyCheck:
    """End a round: what is in is shown, and with both answers it is scored as usual. An open round
    closes only once its deadline has passed (``Conflict`` before: closing early would show one
    answer to the other side, who could then answer knowing it); a revealed one at any time. A
    closed or voided round is left as it is."""
    from tandem.whycheck.tasks import score_why_check

    with transaction.atomic():
        locked = WhyCheck.objects.for_org(actor.organization).select_for_update().get(pk=why_check.pk)
        if locked.status in (RoundStatus.CLOSED, RoundStatus.VOIDED):
            why_check.refresh_from_db()
            return why_check
        if not selectors.can_close_now(locked):
            when = date_format(locked.deadline, "j F Y")
            raise Conflict(
                _(
                    "This round waits for both answers until its deadline, %(date)s. It can be closed "
                    "after that, so that nobody reads one answer before giving their own."
                )
                % {"date": when}
            )
        answers = WhyAnswer.objects.for_org(actor.organization).filter(why_check=locked).count()
        was_open = locked.status == RoundStatus.OPEN
        if was_open:
            locked.revealed_at = timezone.now()
        locked.status = RoundStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "revealed_at", "closed_at"])
        audit_record(
            action="why_check.closed",
            actor=actor.user,
            organization=actor.organization,
            target=locked,
            data={"answers": answers},
        )
        if was_open and answers == 2:
            transaction.on_commit(lambda: score_why_check.enqueue(why_check_id=locked.pk))
    why_check.refresh_from_db()
    return why_check


def whycheck_void_for_co_leads(
    *, actor: Membership, initiative: Initiative, previous: tuple[int | None, int | None]
) -> WhyCheck | None:
    """The initiative's co-leads changed from ``previous`` (business, IT membership ids): its open
    round ends as voided, the answers given in it are deleted unread (nobody, an admin or the
    database's reader included, can see them later), and the old and the new co-leads are told.
    ``None`` when the co-leads are the same or no round was open. Called by the strategy app in the
    transaction that changes the initiative (``WhyCheckConfig.tandem_co_leads_changed``)."""
    from tandem.whycheck.tasks import notify_why_check

    now = (initiative.business_co_lead_id, initiative.it_co_lead_id)
    if now == tuple(previous):
        return None
    org = initiative.organization
    with transaction.atomic():
        round_ = (
            WhyCheck.objects.for_org(org)
            .select_for_update()
            .filter(initiative=initiative, status=RoundStatus.OPEN)
            .first()
        )
        if round_ is None:
            return None
        answered = sorted(
            WhyAnswer.objects.for_org(org).filter(why_check=round_).values_list("side", flat=True)
        )
        WhyAnswer.objects.for_org(org).filter(why_check=round_).delete()
        round_.status, round_.closed_at = RoundStatus.VOIDED, timezone.now()
        round_.save(update_fields=["status", "closed_at"])
        sides = zip((Side.BUSINESS, Side.IT), previous, now, strict=True)
        # Who changed and which sides had answered: never what an answer said.
        audit_record(
            action="why_check.voided",
            actor=actor.user,
            organization=org,
            target=round_,
            summary=initiative.title,
            data={
                "co_leads": {str(side): [old, new] for side, old, new in sides if old != new},
                "answers_deleted": answered,
            },
        )
        told = sorted({pk for pk in (*previous, *now) if pk is not None})
        transaction.on_commit(
            lambda: notify_why_check.enqueue(why_check_id=round_.pk, event="voided", member_ids=told)
        )
    return round_


def _initiative_now(why_check: WhyCheck) -> Initiative:
    """The round's initiative as stored now: its stage may have moved since the round was loaded."""
    return Initiative.objects.for_org(why_check.organization).get(pk=why_check.initiative_id)


def _lift(*, actor: Membership, initiative: Initiative, reason: str, params: Mapping[str, object]) -> bool:
    """Resume the work a why check paused (only while that pause is its latest move)."""
    if not strategy_selectors.initiative_paused_by(initiative=initiative, cause=TransitionCause.WHY_CHECK):
        return False
    strategy.initiative_transition(
        actor=actor,
        initiative=initiative,
        to=initiative.paused_from or Stage.IDEA,
        reason=reason,
        reason_params=params,
    )
    return True


def whycheck_apply_result(
    *, why_check: WhyCheck, score: float, verdict: str, result: dict[str, Any]
) -> WhyCheck:
    """Store the comparison and apply its effect: misaligned pauses the initiative, flags it for the
    next review and notifies both co-leads; aligned lifts a pause an earlier round caused."""
    from tandem.whycheck.tasks import notify_why_check

    if verdict not in Verdict.values:
        raise ValueError(verdict)
    with transaction.atomic():
        why_check.score = max(0.0, min(1.0, float(score)))
        why_check.verdict = verdict
        why_check.result = result
        why_check.scored_at = timezone.now()
        why_check.save()  # first, so the approval gate sees this round as the latest
        initiative = _initiative_now(why_check)
        actor = why_check.started_by or initiative.business_co_lead or initiative.it_co_lead
        if actor is None:
            raise Conflict(_("Nobody can act for this round."))
        if verdict == Verdict.MISALIGNED:
            why_check.flagged_for_review = True
            if initiative.is_open:
                strategy.initiative_transition(
                    actor=actor,
                    initiative=initiative,
                    to=Stage.PAUSED,
                    reason=PAUSE_REASON,
                    reason_params={"round": why_check.pk, "score": round(why_check.score, 2)},
                    cause=TransitionCause.WHY_CHECK,
                )
                why_check.paused_initiative = True
        elif verdict == Verdict.ALIGNED:
            _lift(actor=actor, initiative=initiative, reason=ALIGNED_REASON, params={"round": why_check.pk})
        why_check.save()
        audit_record(
            action="why_check.scored",
            actor=None,
            organization=why_check.organization,
            target=why_check,
            summary="%(verdict)s (%(score)s)",
            summary_params={
                "verdict": word(source_words(Verdict(verdict).label)),
                "score": round(why_check.score, 2),
            },
            data={"verdict": verdict, "score": why_check.score},
        )
        if verdict == Verdict.MISALIGNED:
            transaction.on_commit(
                lambda: notify_why_check.enqueue(why_check_id=why_check.pk, event="misaligned")
            )
    return why_check


def whycheck_record_decision(*, actor: Membership, why_check: WhyCheck, note: str) -> WhyCheck:
    """A co-lead records the decision that settles a "needs discussion" verdict; when both have,
    a pause caused by a why check lifts. A superseded round (``selectors.with_superseded``) takes
    none: ``Conflict`` naming the later round."""
    side = _co_lead_side(actor, why_check)
    if why_check.verdict != Verdict.PARTIAL:
        raise Conflict(_("Only a round that needs discussion takes a decision."))
    if (later := selectors.later_round_id(why_check)) is not None:
        raise Conflict(
            _(
                "This round was superseded by round %(round)s, a later why check on the same initiative: "
                "its verdict is the one in force, so this round takes no more decisions."
            )
            % {"round": later}
        )
    text = clean_text(note, field="note", max_length=2000, required=True)
    now = timezone.now()
    with transaction.atomic():
        if side == Side.BUSINESS:
            why_check.business_decision_by, why_check.business_decision_at = actor, now
        else:
            why_check.it_decision_by, why_check.it_decision_at = actor, now
        why_check.decision_note = (
            why_check.decision_note + "\n" if why_check.decision_note else ""
        ) + f"[{side}] {text}"
        why_check.save()
        audit_record(
            action="why_check.decision",
            actor=actor.user,
            organization=actor.organization,
            target=why_check,
            summary="%(side)s",
            summary_params={"side": word(source_words(Side(side).label))},
        )
        if why_check.decided:
            _lift(
                actor=actor,
                initiative=_initiative_now(why_check),
                reason=DECIDED_REASON,
                params={"round": why_check.pk},
            )
    return why_check


def whycheck_override(*, actor: Membership, why_check: WhyCheck, reason: str) -> WhyCheck:
    """An owner or admin sets a misaligned verdict aside: the pause lifts and the gate no longer
    blocks. Needs a reason; audited. A superseded round (``selectors.with_superseded``) has no
    effect left to set aside: ``Conflict`` naming the later round."""
    require(actor, Need.ADMIN)
    if why_check.verdict != Verdict.MISALIGNED:
        raise Conflict(_("Only a misaligned round can be overridden."))
    if (later := selectors.later_round_id(why_check)) is not None:
        raise Conflict(
            _(
                "This round was superseded by round %(round)s, a later why check on the same initiative: "
                "its verdict is the one in force, so this round can no longer be overridden."
            )
            % {"round": later}
        )
    if why_check.override_at is not None:
        raise Conflict(_("This round was already overridden."))
    text = clean_text(reason, field="reason", max_length=2000, required=True)
    with transaction.atomic():
        why_check.override_by, why_check.override_at, why_check.override_reason = (
            actor.user,
            timezone.now(),
            text,
        )
        why_check.save(update_fields=["override_by", "override_at", "override_reason"])
        _lift(
            actor=actor,
            initiative=_initiative_now(why_check),
            reason=OVERRIDE_REASON,
            params={"text": text},
        )
        audit_record(
            action="why_check.overridden",
            actor=actor.user,
            organization=actor.organization,
            target=why_check,
            summary=text[:200],
        )
    return why_check
