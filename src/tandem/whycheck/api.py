"""The why-check JSON API: start a round, answer blind, read it, close it, settle its verdict.

Handlers load through the access gate and call the same services as the pages. Every round is
serialised through ``selectors.round_view``, so the blind rule holds here exactly as on the pages:
before the reveal a co-lead sees only their own answer and everyone else sees only who answered.
"""

# No ``from __future__ import annotations`` here: ninja must see the ``Query[...]`` parameter
# types as objects, not strings, to build the query-parameter models.

from collections.abc import Sequence
from datetime import date
from typing import Any, overload

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from tandem.core.access import admin, lead, reader
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages
from tandem.core.models import Membership
from tandem.whycheck import access, selectors, services
from tandem.whycheck.forms import default_deadline
from tandem.whycheck.models import WhyCheck
from tandem.whycheck.schemas import (
    AnswerIn,
    DecisionIn,
    OverrideIn,
    RoundFilters,
    StartIn,
    WhyCheckOut,
    WhyCheckSettingsIn,
    WhyCheckSettingsOut,
    round_out,
)

router = Router(tags=["why check"])


ORG = "/orgs/{slug}"
ROUND = ORG + "/why-checks/{why_check_id}"
BLIND = (
    " Answers obey the blind rule: until both co-leads have answered (or the round is closed) an "
    "answer is shown to its author alone and everyone else sees only `answered`. When the "
    "initiative's co-leads change, an open round is voided (`status` `voided`) and its answers deleted."
)
# Rounds as lists load their people once, not per row.
RELATED = ("started_by__user", "business_decision_by__user", "it_decision_by__user", "override_by")


def _out(membership: Membership, round_: WhyCheck) -> WhyCheckOut:
    return round_out(selectors.round_view(round_, membership))


def _round(membership: Membership, why_check_id: int) -> WhyCheck:
    return access.why_check_get_for_user(membership, why_check_id)


class Rounds(Sequence[WhyCheckOut]):
    """A page of rounds as the caller may see them: the paginator slices the query, and only the
    rows of the page are turned into views."""

    def __init__(self, rounds: QuerySet[WhyCheck], membership: Membership) -> None:
        self.rounds = rounds.select_related(*RELATED).prefetch_related("answers__author__user")
        self.membership = membership

    def __len__(self) -> int:
        return self.rounds.count()

    @overload
    def __getitem__(self, index: int) -> WhyCheckOut: ...
    @overload
    def __getitem__(self, index: slice) -> list[WhyCheckOut]: ...
    def __getitem__(self, index: int | slice) -> WhyCheckOut | list[WhyCheckOut]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return [
            round_out(selectors.round_view(r, self.membership, list(r.answers.all())))
            for r in self.rounds[index]
        ]


@router.post(
    ORG + "/initiatives/{initiative_id}/why-checks",
    response={201: WhyCheckOut, **WRITE_ERRORS},
    summary="Start a why check on an initiative (owners, admins, leads)",
    description="Opens a round: the business co-lead and the IT co-lead are e-mailed and each answers, "
    "on their own, why the initiative is done and how success is measured. The initiative needs both "
    "co-leads; only one round is open at a time (409 otherwise).",
)
def why_check_start(
    request: HttpRequest, slug: str, initiative_id: int, payload: StartIn
) -> Status[WhyCheckOut]:
    membership = lead(request, slug)
    initiative = access.initiative_for_why_check(membership, initiative_id, start=True)
    deadline: date = payload.deadline or default_deadline()
    round_ = services.whycheck_start(actor=membership, initiative=initiative, deadline=deadline)
    return Status(201, _out(membership, _round(membership, round_.pk)))


@router.get(
    ORG + "/initiatives/{initiative_id}/why-checks",
    response={200: list[WhyCheckOut], **ERRORS},
    summary="List an initiative's why checks",
    description="Every round on one initiative, newest first, with its score and verdict once "
    "revealed: the history of how well the co-leads agree. `superseded_by` names the later round "
    "whose verdict is in force instead of an earlier one's." + BLIND,
)
@paginate(Pages)
def why_check_list_for_initiative(request: HttpRequest, slug: str, initiative_id: int) -> Any:
    membership = reader(request, slug)
    initiative = access.initiative_for_why_check(membership, initiative_id)
    rounds = selectors.rounds_for_initiative(initiative).select_related(
        "initiative__business_co_lead__user", "initiative__it_co_lead__user"
    )
    return Rounds(rounds, membership)


@router.get(
    ORG + "/why-checks",
    response={200: list[WhyCheckOut], **ERRORS},
    summary="List the organisation's why checks",
    description="Rounds of every initiative, newest first; filter by `status`." + BLIND,
)
@paginate(Pages)
def why_check_list(request: HttpRequest, slug: str, filters: Query[RoundFilters]) -> Any:
    membership = reader(request, slug)
    rounds = selectors.rounds_for_org(membership.organization, status=filters.status or "")
    return Rounds(rounds, membership)


@router.get(
    ROUND,
    response={200: WhyCheckOut, **ERRORS},
    summary="One why check",
    description="The round, its status and deadline, who has answered, and after the reveal both "
    "answers, the agreement score, the verdict, the comparison in plain words (shared measures, "
    "measures only one side named, conflicting targets and dates, how the purposes differ, drift "
    "from the initiative's record) and its effect. `scoring` is true while the comparison is "
    "computed in the background." + BLIND,
)
def why_check_detail(request: HttpRequest, slug: str, why_check_id: int) -> WhyCheckOut:
    membership = reader(request, slug)
    return _out(membership, _round(membership, why_check_id))


@router.put(
    ROUND + "/answer",
    response={200: WhyCheckOut, **WRITE_ERRORS},
    summary="Give or revise your answer (the co-leads)",
    description="Only the business co-lead and the IT co-lead answer, each for their own side (404 "
    "for anyone else). An answer can be revised by its author until the reveal; the second answer "
    "reveals both and starts the comparison. After the reveal, or once the round is voided because "
    "the co-leads changed, the round takes no answers (409). Errors name the field, e.g. "
    "`measures.0.target`.",
)
def why_check_answer(request: HttpRequest, slug: str, why_check_id: int, payload: AnswerIn) -> WhyCheckOut:
    membership = reader(request, slug)
    round_ = _round(membership, why_check_id)
    measures = [m.model_dump() for m in payload.measures]
    services.whycheck_submit_answer(actor=membership, why_check=round_, why=payload.why, measures=measures)
    return _out(membership, _round(membership, why_check_id))


@router.post(
    ROUND + "/close",
    response={200: WhyCheckOut, **WRITE_ERRORS},
    summary="Close a why check (owners, admins, leads)",
    description="Ends the round after its deadline: what was answered is shown to everyone, and with "
    "both answers in it is compared as usual. A round waiting for an answer cannot be closed before "
    "its deadline has passed (409), so that nobody reads one answer before giving their own; a "
    "revealed round can be closed at any time. Closing a closed or voided round changes nothing.",
)
def why_check_close(request: HttpRequest, slug: str, why_check_id: int) -> WhyCheckOut:
    membership = lead(request, slug)
    round_ = _round(membership, why_check_id)
    services.whycheck_close(actor=membership, why_check=round_)
    return _out(membership, _round(membership, why_check_id))


@router.post(
    ROUND + "/decision",
    response={200: WhyCheckOut, **WRITE_ERRORS},
    summary="Record the decision that settles a “needs discussion” verdict (the co-leads)",
    description="Each co-lead records what they agreed; when both have, a pause an earlier why check "
    "caused lifts. Only for a round whose verdict is partial and that is not superseded by a later "
    "round with a verdict (`superseded_by`; 409 otherwise); 404 for anyone but the co-leads.",
)
def why_check_decision(
    request: HttpRequest, slug: str, why_check_id: int, payload: DecisionIn
) -> WhyCheckOut:
    membership = reader(request, slug)
    round_ = _round(membership, why_check_id)
    services.whycheck_record_decision(actor=membership, why_check=round_, note=payload.note)
    return _out(membership, _round(membership, why_check_id))


@router.post(
    ROUND + "/override",
    response={200: WhyCheckOut, **WRITE_ERRORS},
    summary="Override a misaligned verdict (owners, admins)",
    description="Sets the verdict aside with a reason, which is audited: the pause lifts and the "
    "approval gate stops blocking. Only for a misaligned round, once, and not once a later round of "
    "the initiative has a verdict (`superseded_by`: the later verdict is in force; 409 otherwise, "
    "naming the later round).",
)
def why_check_override(
    request: HttpRequest, slug: str, why_check_id: int, payload: OverrideIn
) -> WhyCheckOut:
    membership = admin(request, slug)
    round_ = _round(membership, why_check_id)
    services.whycheck_override(actor=membership, why_check=round_, reason=payload.reason)
    return _out(membership, _round(membership, why_check_id))


@router.get(
    ORG + "/why-check-settings",
    response={200: WhyCheckSettingsOut, **ERRORS},
    summary="The organisation's why-check settings",
    description="`gate`: `required` when a misaligned latest why check blocks an initiative's "
    "approval, `advisory` when it is only shown.",
)
def why_check_settings(request: HttpRequest, slug: str) -> WhyCheckSettingsOut:
    membership = reader(request, slug)
    return WhyCheckSettingsOut(gate=selectors.settings_for(org=membership.organization).gate)  # type: ignore[arg-type]


@router.put(
    ORG + "/why-check-settings",
    response={200: WhyCheckSettingsOut, **WRITE_ERRORS},
    summary="Change the why-check settings (owners, admins)",
    description="Choose whether a misaligned why check blocks approval (`required`) or is only shown "
    "(`advisory`). The change is audited.",
)
def why_check_settings_update(
    request: HttpRequest, slug: str, payload: WhyCheckSettingsIn
) -> WhyCheckSettingsOut:
    membership = admin(request, slug)
    settings = services.settings_update(actor=membership, gate=payload.gate)
    return WhyCheckSettingsOut(gate=settings.gate)  # type: ignore[arg-type]
