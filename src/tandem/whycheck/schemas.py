"""JSON shapes of the why-check API, and the one function that turns a round as a person may see it
(``selectors.RoundView``) into them: the pages render the same comparison through ``comparison_of``.

Nothing here decides what is visible; ``selectors.round_view`` does, and ``round_out`` only
serialises what that view holds.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.utils.translation import get_language
from ninja import Schema
from pydantic import Field

from tandem.core.models import Side
from tandem.core.schemas import ByValue, Day, InputSchema
from tandem.whycheck.models import GateMode, RoundStatus, Verdict, WhyAnswer
from tandem.whycheck.scoring import INTERNAL_AIMS
from tandem.whycheck.selectors import RoundView

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
SideKey = Literal["business", "it"]
AimKind = Literal["running_costs", "systems", "security", "staffing"]  # scoring.INTERNAL_AIMS


# --- Input ---------------------------------------------------------------------------------------


class StartIn(InputSchema):
    deadline: Day | None = Field(
        None, description="Answer by this date (today or later); defaults to seven days from today"
    )


class MeasureIn(InputSchema):
    name: str = Field(
        ..., min_length=1, max_length=200, description="What is measured, e.g. “Claims settled within a day”"
    )
    target: float | None = Field(None, description="The number to reach", allow_inf_nan=False)
    unit: str | None = Field(None, max_length=30, description="%, EUR, days, …")
    by: Day | None = Field(None, description="When the target is to be reached")


class AnswerIn(InputSchema):
    why: str = Field(..., min_length=1, max_length=4000, description="Why are we doing this? A few sentences")
    measures: list[MeasureIn] = Field(
        ..., min_length=1, max_length=5, description="One to five success measures"
    )


class DecisionIn(InputSchema):
    note: str = Field(..., min_length=1, max_length=2000, description="What the co-leads agreed")


class OverrideIn(InputSchema):
    reason: str = Field(
        ..., min_length=1, max_length=2000, description="Why the misaligned verdict is set aside"
    )


class RoundFilters(Schema):
    status: RoundStatus | None = Field(
        None, description="open (waiting for answers), revealed, closed or voided (the co-leads changed)"
    )


class WhyCheckSettingsIn(InputSchema):
    gate: ByValue[GateMode] = Field(
        ..., description="required: a misaligned why check blocks approval; advisory: it is only shown"
    )


class WhyCheckSettingsOut(Schema):
    gate: GateMode


# --- Output --------------------------------------------------------------------------------------


class RoundPersonOut(Schema):
    """A member of the organisation (the id is the membership's)."""

    id: int
    name: str


class InitiativeRefOut(Schema):
    id: int
    title: str
    stage: str


class MeasureOut(Schema):
    name: str
    target: float | None = None
    unit: str = ""
    by: date | None = None


class AnswerOut(Schema):
    side: SideKey
    author: RoundPersonOut | None
    why: str
    measures: list[MeasureOut]
    submitted_at: datetime
    updated_at: datetime


class AnswersOut(Schema):
    business: AnswerOut | None = Field(description="null while hidden from you, or when not given")
    it: AnswerOut | None = Field(description="null while hidden from you, or when not given")


class AnsweredOut(Schema):
    business: bool
    it: bool


class SharedMeasureOut(Schema):
    business: MeasureOut
    it: MeasureOut
    similarity: float | None = Field(None, description="How alike the two names are, from 0 to 1")
    issues: list[str] = Field(description="Conflicting target, unit or date, in plain words")


class DriftOut(Schema):
    """How far one answer moved from what the initiative recorded (outcome and measures)."""

    score: float | None
    verdict: Verdict | None
    explanation: str


class BandsOut(Schema):
    aligned_from: float = Field(description="A score from here is aligned")
    misaligned_below: float = Field(
        description="A score below this is misaligned; in between: needs discussion"
    )


class ComparisonOut(Schema):
    explanation: str = Field(description="The comparison in plain words")
    purpose: float | None = Field(description="Similarity of the two whys, from 0 to 1")
    measures: float | None = Field(description="Agreement on the success measures, from 0 to 1")
    shared: list[SharedMeasureOut] = Field(description="Measures both named, matched by meaning")
    only_business: list[MeasureOut] = Field(description="Measures only the business co-lead named")
    only_it: list[MeasureOut] = Field(description="Measures only the IT co-lead named")
    themes_only_business: list[str] = Field(description="Key words of the business why the IT why lacks")
    themes_only_it: list[str] = Field(description="Key words of the IT why the business why lacks")
    aims_only_business: list[AimKind] = Field(
        [],
        description="Kinds of aim of IT's own (running costs, systems, security, staff) only the business answer speaks of",
    )
    aims_only_it: list[AimKind] = Field(
        [],
        description="Kinds of aim of IT's own (running costs, systems, security, staff) only the IT answer speaks of",
    )
    drift: dict[SideKey, DriftOut] = Field(description="Each answer against the initiative's record")
    bands: BandsOut | None = Field(
        None, description="The score bands the round was judged with (also those of the drift)"
    )


class DecisionOut(Schema):
    by: RoundPersonOut | None
    at: datetime


class OverrideOut(Schema):
    by: str
    at: datetime
    reason: str


class EffectOut(Schema):
    paused_initiative: bool = Field(description="The misaligned verdict paused the initiative")
    flagged_for_review: bool
    decisions: dict[SideKey, DecisionOut | None] = Field(
        description="Co-leads who recorded the decision that settles a “needs discussion” verdict"
    )
    decision_note: str
    override: OverrideOut | None


class YouOut(Schema):
    side: SideKey | None = Field(description="Your side when you co-lead the initiative")
    can_answer: bool
    can_close: bool = Field(
        description="You may close the round now: a revealed one, or an open one after its deadline"
    )
    can_decide: bool = Field(
        description="You may record your decision on this “needs discussion” round (false once superseded)"
    )
    can_override: bool = Field(
        description="You may override this misaligned verdict (false once overridden or superseded)"
    )


class WhyCheckOut(Schema):
    id: int
    initiative: InitiativeRefOut
    status: RoundStatus = Field(
        description="open (waiting for answers), revealed (both answered), closed (ended after the "
        "deadline, or after the reveal) or voided (the co-leads changed while it was open: its answers "
        "were deleted unread)"
    )
    deadline: date
    created_at: datetime
    revealed_at: datetime | None
    closed_at: datetime | None = Field(description="When the round was closed or voided")
    co_leads: dict[SideKey, RoundPersonOut | None]
    answered: AnsweredOut = Field(description="Whether each side has answered (never what)")
    answers: AnswersOut = Field(description="Only the answers you may see: before the reveal, your own")
    scoring: bool = Field(description="Revealed with both answers, the comparison is being computed")
    score: float | None = Field(description="Agreement from 0 to 1, after the reveal")
    verdict: Verdict | None = Field(description="aligned, partial (needs discussion) or misaligned")
    comparison: ComparisonOut | None
    effect: EffectOut | None = Field(description="What the verdict did, after the reveal")
    superseded_by: int | None = Field(
        description="The id of the later round of the same initiative that superseded this one, or "
        "null. A revealed or closed round is superseded once a later round has ended (revealed or "
        "closed) with a verdict: that verdict is in force instead. A superseded round no longer "
        "pauses the initiative or blocks its approval, and takes no override and no decision (409). "
        "A later round that is open, voided, closed with one answer or still scoring supersedes "
        "nothing."
    )
    you: YouOut


# --- Building them -------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def measure_of(data: Any) -> MeasureOut:
    """A stored measure (of an answer or of the comparison), tolerating missing keys."""
    data = data if isinstance(data, dict) else {}
    return MeasureOut(
        name=str(data.get("name") or ""),
        target=_number(data.get("target")),
        unit=str(data.get("unit") or ""),
        by=_date(data.get("by")),
    )


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list | tuple) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _verdict(value: Any) -> Any:
    return value if value in Verdict.values else None


def comparison_of(result: dict[str, Any]) -> ComparisonOut | None:
    """The stored result of the scorer (``WhyCheck.result``) in a fixed shape, its words in the
    active language when the result holds them (``translations``); None when empty."""
    if not result:
        return None
    details = _mapping(result.get("details"))
    drift_data = _mapping(result.get("drift"))
    words = _mapping(_mapping(result.get("translations")).get(get_language()))
    drift_words = _mapping(words.get("drift"))
    drift = {
        side: DriftOut(
            score=_number(data.get("score")),
            verdict=_verdict(data.get("verdict")),
            explanation=str(drift_words.get(side) or data.get("explanation") or ""),
        )
        for side, data in drift_data.items()
        if side in (Side.BUSINESS, Side.IT) and isinstance(data, dict)
    }
    issues = words.get("issues")
    pairs = _dicts(result.get("shared"))
    if isinstance(issues, list) and len(issues) == len(pairs):
        pairs = [{**pair, "issues": found} for pair, found in zip(pairs, issues, strict=True)]
    return ComparisonOut(
        explanation=str(words.get("explanation") or result.get("explanation") or ""),
        purpose=_number(result.get("purpose")),
        measures=_number(result.get("measures")),
        shared=[
            SharedMeasureOut(
                business=measure_of(pair.get("business")),
                it=measure_of(pair.get("it")),
                similarity=_number(pair.get("similarity")),
                issues=_strings(pair.get("issues")),
            )
            for pair in pairs
        ],
        only_business=[measure_of(m) for m in _dicts(result.get("only_business"))],
        only_it=[measure_of(m) for m in _dicts(result.get("only_it"))],
        themes_only_business=_strings(details.get("themes_only_business")),
        themes_only_it=_strings(details.get("themes_only_it")),
        aims_only_business=_aims(details.get("aims_only_business")),
        aims_only_it=_aims(details.get("aims_only_it")),
        drift=drift,  # type: ignore[arg-type]
        bands=_bands(details.get("bands")),
    )


def _aims(data: object) -> list[AimKind]:
    """The known kinds of aim a stored result names (none for a result scored before they were)."""
    return [kind for kind in _strings(data) if kind in INTERNAL_AIMS]  # type: ignore[misc]


def _bands(data: object) -> BandsOut | None:
    """The bands a stored result names; None for a result scored before they were stored."""
    bands = _mapping(data)
    low, high = _number(bands.get("misaligned_below")), _number(bands.get("aligned_from"))
    return BandsOut(aligned_from=high, misaligned_below=low) if low is not None and high is not None else None


def _person(membership: Any) -> RoundPersonOut | None:
    if membership is None:
        return None
    return RoundPersonOut(id=membership.pk, name=membership.user.display_name)


def _answer(answer: WhyAnswer | None) -> AnswerOut | None:
    if answer is None:
        return None
    return AnswerOut(
        side=answer.side,  # type: ignore[arg-type]
        author=_person(answer.author),
        why=answer.why,
        measures=[measure_of(m) for m in answer.measures],
        submitted_at=answer.submitted_at,
        updated_at=answer.updated_at,
    )


def _effect(view: RoundView) -> EffectOut | None:
    r = view.round
    if not r.is_revealed:
        return None
    decisions = {
        side: DecisionOut(by=_person(by), at=at) if at is not None else None
        for side, by, at in (
            (Side.BUSINESS, r.business_decision_by, r.business_decision_at),
            (Side.IT, r.it_decision_by, r.it_decision_at),
        )
    }
    override = None
    if r.override_at is not None:
        by = r.override_by.display_name if r.override_by is not None else ""
        override = OverrideOut(by=by, at=r.override_at, reason=r.override_reason)
    return EffectOut(
        paused_initiative=r.paused_initiative,
        flagged_for_review=r.flagged_for_review,
        decisions=decisions,  # type: ignore[arg-type]
        decision_note=r.decision_note,
        override=override,
    )


def round_out(view: RoundView) -> WhyCheckOut:
    """The round as ``view`` lets its person see it."""
    r = view.round
    initiative = r.initiative
    revealed = r.is_revealed
    both = all(view.answered.values())
    return WhyCheckOut(
        id=r.pk,
        initiative=InitiativeRefOut(id=initiative.pk, title=initiative.title, stage=initiative.stage),
        status=RoundStatus(r.status),
        deadline=r.deadline,
        created_at=r.created_at,
        revealed_at=r.revealed_at,
        closed_at=r.closed_at,
        co_leads={"business": _person(initiative.business_co_lead), "it": _person(initiative.it_co_lead)},
        answered=AnsweredOut(business=view.answered[Side.BUSINESS], it=view.answered[Side.IT]),
        answers=AnswersOut(
            business=_answer(view.answers.get(Side.BUSINESS)), it=_answer(view.answers.get(Side.IT))
        ),
        scoring=revealed and both and r.scored_at is None,
        score=r.score if revealed else None,
        verdict=_verdict(r.verdict) if revealed else None,
        comparison=comparison_of(r.result) if revealed else None,
        effect=_effect(view),
        superseded_by=view.superseded_by,
        you=YouOut(
            side=view.my_side,  # type: ignore[arg-type]
            can_answer=view.can_answer,
            can_close=view.can_close,
            can_decide=view.can_decide,
            can_override=view.can_override,
        ),
    )
