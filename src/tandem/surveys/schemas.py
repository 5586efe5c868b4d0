"""JSON shapes of the surveys API, and the functions that turn rows and a ``CampaignResults`` into
them.

Nothing here computes a figure or decides what may be shown: ``selectors.campaign_results`` does,
and ``results_out`` only copies what it holds. A suppressed group is ``{"suppressed": true}`` with
every figure null, whatever the client asks.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from tandem.core.models import Side
from tandem.core.schemas import ByValue, Day, InputSchema
from tandem.surveys.models import (
    AudienceKind,
    Campaign,
    CampaignStatus,
    Question,
    QuestionKind,
    SurveyTemplate,
)
from tandem.surveys.results import CampaignResults, GroupResult, ItemResult
from tandem.surveys.services import Delivery

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Language = Literal["en", "nl"]  # settings.LANGUAGES
Choice = Annotated[str, Field(max_length=120)]
SHOWN_SIDES = (Side.BUSINESS, Side.IT)


# --- Input ---------------------------------------------------------------------------------------


class QuestionIn(InputSchema):
    kind: ByValue[QuestionKind] = Field(
        ..., description="likert (agreement 1–5), score (0–10), single or multiple choice, or text"
    )
    text: str = Field(..., min_length=1, max_length=300, description="The question or statement")
    help_text: str = Field("", max_length=500)
    criterion: str = Field(
        "", max_length=80, description="Maturity criterion of a scored question; its level is the mean"
    )
    choices: list[Choice] = Field(
        default_factory=list, max_length=50, description="The options of a choice question (2 to 12)"
    )
    required: bool = True


class TemplateIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=1000)
    questions: list[QuestionIn] = Field(
        ..., min_length=1, max_length=60, description="One to 60 questions, in order"
    )


class TemplateCopyIn(InputSchema):
    name: str = Field("", max_length=120, description="Name of the copy; defaults to “<name> (copy)”")


class RecipientIn(InputSchema):
    email: str = Field(..., min_length=1, max_length=254, json_schema_extra={"format": "email"})
    side: ByValue[Side] = Field(..., description="The side the person's response will count for")
    department_id: Id | None = Field(None, description="The department the response will count for")


class CampaignIn(InputSchema):
    template_id: Id
    title: str = Field("", max_length=160, description="Defaults to the template's name")
    opens_on: Day
    closes_on: Day
    audience: ByValue[AudienceKind] = Field(
        AudienceKind.ALL,
        description="all (active members), department, side, or emails (only the recipients)",
    )
    department_id: Id | None = Field(None, description="The department surveyed, for audience department")
    side: ByValue[Side] | None = Field(None, description="The side surveyed, for audience side")
    recipients: list[RecipientIn] = Field(
        default_factory=list, max_length=2000, description="People invited by e-mail address"
    )
    send_email: bool = Field(True, description="E-mail the links on the opening day, and reminders")
    language: Language | None = Field(
        None,
        description="Of the e-mails, and of the questions for respondents whose browser asks for no "
        "language Tandem speaks; defaults to the organisation's, else the request's (Accept-Language)",
    )


class CampaignPatchIn(InputSchema):
    title: str | None = Field(None, max_length=160)
    closes_on: Day | None = None


class InvitationsIn(InputSchema):
    members: list[Id] = Field(default_factory=list, max_length=2000, description="Membership ids")
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=2000)
    send_email: bool = Field(True, description="E-mail the new links (when the campaign is open)")


class SettingsIn(InputSchema):
    threshold: int = Field(..., ge=3, le=50, description="The anonymity threshold: 3 to 50 responses")


class AnswersIn(InputSchema):
    answers: dict[str, Any] = Field(
        ...,
        description="Keyed by the questions' `field`: an integer for likert and score, one option "
        "for single choice, a list of options for multiple choice, a string for text.",
    )


# --- Output --------------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class QuestionOut(Schema):
    id: int
    field: str = Field(description="The key of this question's answer: `q<id>`")
    kind: QuestionKind
    text: str
    help_text: str
    criterion: str
    choices: list[str]
    required: bool
    scale: list[int] | None = Field(description="The values of a likert or score question")


class TemplateOut(Schema):
    id: int
    key: str = Field(description="The shipped template this is, or empty")
    name: str
    description: str
    builtin: bool = Field(description="Shipped with Tandem: read-only, copy it to change it")
    used: bool = Field(description="A campaign has used it: its questions are frozen")
    copied_from: int | None
    questions: list[QuestionOut]
    created_at: datetime
    updated_at: datetime


class CampaignOut(Schema):
    id: int
    title: str
    template: RefOut
    audience: AudienceKind
    department: RefOut | None
    side: Side | None
    opens_on: date
    closes_on: date
    closed_at: datetime | None
    language: str = Field(
        description='Of its e-mails and, by default, its questions ("" before campaigns had one)'
    )
    status: CampaignStatus
    invited: int = Field(description="Personal links")
    responses: int
    created_at: datetime


class LinkOut(Schema):
    """One person invited. Whether they have answered is never said (here or anywhere): a flag
    per person would let whoever invites watch who answers when."""

    email: str
    side: Side
    delivery: Delivery = Field(
        description="`hand`: `url` and `token` are in this answer, this once — hand them to the "
        "person yourself. `email`: the link is e-mailed to the person (on the opening day) and is "
        "never shown. `earlier`: invited before; the link is not shown again."
    )
    url: str | None = Field(
        description="The personal link, only when `delivery` is `hand`; whoever holds it can answer once"
    )
    token: str | None = Field(description="The token in `url`, only when `delivery` is `hand`")


class LinksOut(Schema):
    links: list[LinkOut]


class SettingsOut(Schema):
    threshold: int


class CountOut(Schema):
    value: str = Field(description="A scale value or an option")
    count: int


class GroupOut(Schema):
    """The figures of one group, or ``suppressed`` with every figure null."""

    key: str = Field(description="`all`, a side, or `department:<id>`")
    label: str
    suppressed: bool = Field(description="Too few responses to show anything (or shown by difference)")
    n: int | None
    mean: float | None
    sd: float | None
    distribution: list[CountOut] | None


class ItemOut(Schema):
    key: str = Field(description="`q<id>`, `criterion:<name>` or `overall`")
    text: str
    kind: str = Field(description="A question kind, `criterion` or `overall`")
    help_text: str
    overall: GroupOut
    sides: dict[str, GroupOut] = Field(
        description="`business` and `it` always (suppressed when under the threshold), `partner` when "
        "partners answered"
    )
    departments: list[GroupOut] = Field(description="The departments that can be shown")
    hidden_departments: bool = Field(description="Some departments answered but cannot be shown")
    excluded_sides: list[str] = Field(description="Sides left out of every figure (under the threshold)")
    gap: float | None = Field(description="IT mean minus business mean")
    effect_size: float | None = Field(description="Rank-biserial correlation; positive: IT answers higher")
    effect: str | None = Field(description="negligible, small, medium or large")
    cohens_d: float | None
    u: float | None = Field(description="Mann–Whitney U")
    p_value: float | None
    texts: dict[str, list[str]] | None = Field(
        None, description="Free text: the answers of everyone (`all`) and of each shown side"
    )
    text_analysis: dict[str, Any] | None = Field(
        None, description="Free text grouped by meaning, once computed"
    )


class ResultsOut(Schema):
    available: bool = Field(description="Closed, with enough responses")
    reason: str = Field(description="Why no results are shown, when not available")
    threshold: int
    invited: int
    responses: int
    counts: list[GroupOut] = Field(description="Responses in all and per side")
    questions: list[ItemOut]
    criteria: list[ItemOut]
    maturity: ItemOut | None = Field(description="The overall maturity level, for templates with criteria")


class PublicQuestionOut(Schema):
    field: str = Field(description="The key of the answer in `answers`")
    kind: QuestionKind
    text: str
    help_text: str
    choices: list[str]
    required: bool
    scale: list[int] | None


class PublicSurveyOut(Schema):
    campaign: str = Field(description="The survey's title")
    organization: str
    status: CampaignStatus
    opens_on: date
    closes_on: date
    answered: bool = Field(description="This link has been used: it takes no more answers")
    threshold: int = Field(description="No group smaller than this is ever shown")
    questions: list[PublicQuestionOut]


class ThanksOut(Schema):
    detail: str


class ConflictOut(Schema):
    detail: str
    code: str = Field(description="answered, closed or not_open")


# --- Building them -------------------------------------------------------------------------------


def question_out(q: Question) -> QuestionOut:
    return QuestionOut(
        id=q.pk,
        field=q.field_name,
        kind=QuestionKind(q.kind),
        text=q.text,
        help_text=q.help_text,
        criterion=q.criterion,
        choices=list(q.choices),
        required=q.required,
        scale=list(q.scale) if q.scale else None,
    )


def template_out(template: SurveyTemplate, *, used: bool) -> TemplateOut:
    """A template with its questions (prefetch ``questions`` for lists)."""
    return TemplateOut(
        id=template.pk,
        key=template.key,
        name=template.name,
        description=template.description,
        builtin=template.builtin,
        used=used,
        copied_from=template.copied_from_id,
        questions=[question_out(q) for q in template.questions.all()],
        created_at=template.created_at,
        updated_at=template.updated_at,
    )


def campaign_out(campaign: Campaign, *, invited: int, responses: int) -> CampaignOut:
    department = campaign.department
    return CampaignOut(
        id=campaign.pk,
        title=campaign.title,
        template=RefOut(id=campaign.template.pk, name=campaign.template.name),
        audience=AudienceKind(campaign.audience),
        department=RefOut(id=department.pk, name=department.name) if department else None,
        side=Side(campaign.side) if campaign.side else None,
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        closed_at=campaign.closed_at,
        language=campaign.language,
        status=CampaignStatus(campaign.status),
        invited=invited,
        responses=responses,
        created_at=campaign.created_at,
    )


def group_out(group: GroupResult) -> GroupOut:
    if group.suppressed:
        return GroupOut(
            key=group.key, label=group.label, suppressed=True, n=None, mean=None, sd=None, distribution=None
        )
    distribution = (
        [CountOut(value=value, count=count) for value, count in group.distribution]
        if group.distribution is not None
        else None
    )
    return GroupOut(
        key=group.key,
        label=group.label,
        suppressed=False,
        n=group.n,
        mean=group.mean,
        sd=group.sd,
        distribution=distribution,
    )


def _sides(item: ItemResult) -> dict[str, GroupOut]:
    """Business and IT always: a side nobody of answered is as unknown as a suppressed one."""
    sides = {g.key: group_out(g) for g in item.sides}
    for side in SHOWN_SIDES:
        if side not in sides:
            sides[side] = group_out(GroupResult(key=side, label=str(Side(side).label), suppressed=True))
    return sides


def item_out(item: ItemResult, analyses: dict[str, dict[str, Any]]) -> ItemOut:
    c = item.comparison
    texts = (
        {key: list(values) for key, values in item.texts.items()} if item.kind == QuestionKind.TEXT else None
    )
    return ItemOut(
        key=item.key,
        text=item.label,
        kind=item.kind,
        help_text=item.help_text,
        overall=group_out(item.overall),
        sides=_sides(item),
        departments=[group_out(g) for g in item.departments],
        hidden_departments=item.hidden_departments,
        excluded_sides=list(item.excluded_sides),
        gap=c.gap if c else None,
        effect_size=c.rank_biserial if c else None,
        effect=c.effect if c else None,
        cohens_d=c.cohens_d if c else None,
        u=c.u if c else None,
        p_value=c.p_value if c else None,
        texts=texts,
        text_analysis=analyses.get(item.key) if item.kind == QuestionKind.TEXT else None,
    )


def results_out(results: CampaignResults) -> ResultsOut:
    """What ``results`` lets anyone see, nothing more."""
    analyses = results.text_analyses
    return ResultsOut(
        available=results.available,
        reason=results.reason,
        threshold=results.threshold,
        invited=results.invited,
        responses=results.responses,
        counts=[group_out(g) for g in results.counts],
        questions=[item_out(i, analyses) for i in results.items],
        criteria=[item_out(i, analyses) for i in results.criteria],
        maturity=item_out(results.maturity, analyses) if results.maturity else None,
    )


def public_survey_out(campaign: Campaign, *, answered: bool, threshold: int) -> PublicSurveyOut:
    return PublicSurveyOut(
        campaign=campaign.title,
        organization=campaign.organization.name,
        status=CampaignStatus(campaign.status),
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        answered=answered,
        threshold=threshold,
        questions=[
            PublicQuestionOut(
                field=q.field_name,
                kind=QuestionKind(q.kind),
                text=q.text,
                help_text=q.help_text,
                choices=list(q.choices),
                required=q.required,
                scale=list(q.scale) if q.scale else None,
            )
            for q in campaign.template.questions.all()
        ],
    )
