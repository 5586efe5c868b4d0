"""The surveys JSON API: templates, campaigns, personal links, results, settings, and the public
door through which a personal link answers.

Handlers load through the access gate and call the same services as the pages. Results come from
``selectors.campaign_results`` only, so the anonymity threshold holds here exactly as on the pages.
The two ``/responses/{token}`` endpoints take no account: the token is the credential, and they
answer nothing that identifies the person it was sent to.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from tandem.core import selectors as core_selectors
from tandem.core.access import admin, reader
from tandem.core.api import ERRORS, WRITE_ERRORS, Pages, api_fields
from tandem.core.errors import Conflict, NotFound, ValidationFailed
from tandem.core.models import Department, Membership
from tandem.core.schemas import ErrorOut, ValidationErrorOut
from tandem.core.services import link_base_url
from tandem.surveys import access, ratelimit, selectors, services
from tandem.surveys.models import Campaign, SurveyTemplate
from tandem.surveys.schemas import (
    AnswersIn,
    CampaignIn,
    CampaignOut,
    CampaignPatchIn,
    ConflictOut,
    InvitationsIn,
    LinkOut,
    LinksOut,
    PublicSurveyOut,
    RecipientIn,
    ResultsOut,
    SettingsIn,
    SettingsOut,
    TemplateCopyIn,
    TemplateIn,
    TemplateOut,
    ThanksOut,
    campaign_out,
    public_survey_out,
    results_out,
    template_out,
)

router = Router(tags=["surveys"])
# The public door, registered before every other route (``config.api``): it takes the crowd that
# answers after a survey e-mail, and each route tried before it costs every answer.
public_router = Router(tags=["surveys"])

ORG = "/orgs/{slug}"
TEMPLATE = ORG + "/survey-templates/{template_id}"
SURVEY = ORG + "/surveys/{survey_id}"
RESPONSE = "/responses/{token}"
RETRY_AFTER = 60
ANONYMOUS = (
    " Responses are anonymous: figures are shown only for groups of at least the organisation's "
    "threshold, and only once the campaign has closed."
)

# Services name model fields; the API names what the client sent.
API_FIELDS = {"template": "template_id", "department": "department_id"}


def _department(membership: Membership, pk: int | None, field: str) -> Department | None:
    if pk is None:
        return None
    found = core_selectors.department_list_for_org(membership.organization).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed(_("Choose a department of this organisation."), field=field)
    return found


def _recipients(membership: Membership, recipients: Sequence[RecipientIn]) -> list[services.Recipient]:
    return [
        services.Recipient(
            email=r.email,
            side=r.side,
            department=_department(membership, r.department_id, f"recipients.{i}.department_id"),
        )
        for i, r in enumerate(recipients)
    ]


# --- Templates -----------------------------------------------------------------------------------


def _template_out(membership: Membership, template_id: int) -> TemplateOut:
    template = selectors.template_list_with_questions(membership.organization).filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template_out(template, used=getattr(template, "used", False))


@router.get(
    ORG + "/survey-templates",
    response={200: list[TemplateOut], **ERRORS},
    summary="List survey templates",
    description="The questionnaires of the organisation: the ones shipped with Tandem first "
    "(`builtin`, read-only), then its own, each with its questions in order.",
)
@paginate(Pages)
def survey_template_list(request: HttpRequest, slug: str) -> Any:
    membership = reader(request, slug)
    return [
        template_out(t, used=getattr(t, "used", False))
        for t in selectors.template_list_with_questions(membership.organization)
    ]


@router.post(
    ORG + "/survey-templates",
    response={201: TemplateOut, **WRITE_ERRORS},
    summary="Create a survey template (owners, admins)",
    description="A questionnaire of one to 60 questions. Choice questions need two to twelve "
    "`choices`; only scored questions (likert, score) may name a maturity `criterion`, all on one "
    "scale. Errors name the field, e.g. `questions.2.choices`.",
)
def survey_template_create(request: HttpRequest, slug: str, payload: TemplateIn) -> Status[TemplateOut]:
    membership = admin(request, slug)
    template = services.template_create(
        actor=membership,
        name=payload.name,
        description=payload.description,
        questions=[q.model_dump() for q in payload.questions],
    )
    return Status(201, _template_out(membership, template.pk))


@router.get(
    TEMPLATE,
    response={200: TemplateOut, **ERRORS},
    summary="One survey template",
    description="The template with its questions; `used` when a campaign has used it (its "
    "questions are then frozen).",
)
def survey_template_detail(request: HttpRequest, slug: str, template_id: int) -> TemplateOut:
    membership = reader(request, slug)
    access.template_get_for_user(membership, template_id)
    return _template_out(membership, template_id)


@router.put(
    TEMPLATE,
    response={200: TemplateOut, **WRITE_ERRORS},
    summary="Replace a survey template (owners, admins)",
    description="Replaces the name, description and questions. Shipped templates and templates a "
    "campaign has used cannot change (409): copy them instead.",
)
def survey_template_update(
    request: HttpRequest, slug: str, template_id: int, payload: TemplateIn
) -> TemplateOut:
    membership = admin(request, slug)
    template = access.template_get_for_user(membership, template_id, write=True)
    services.template_update(
        actor=membership,
        template=template,
        name=payload.name,
        description=payload.description,
        questions=[q.model_dump() for q in payload.questions],
    )
    return _template_out(membership, template_id)


@router.delete(
    TEMPLATE,
    response={204: None, **WRITE_ERRORS},
    summary="Delete a survey template (owners, admins)",
    description="Shipped templates and templates a campaign has used cannot be deleted (409).",
)
def survey_template_delete(request: HttpRequest, slug: str, template_id: int) -> Status[None]:
    membership = admin(request, slug)
    template = access.template_get_for_user(membership, template_id, write=True)
    services.template_delete(actor=membership, template=template)
    return Status(204, None)


@router.post(
    TEMPLATE + "/copy",
    response={201: TemplateOut, **WRITE_ERRORS},
    summary="Copy a survey template (owners, admins)",
    description="An editable copy of any template, shipped or not, with all its questions.",
)
def survey_template_copy(
    request: HttpRequest, slug: str, template_id: int, payload: TemplateCopyIn
) -> Status[TemplateOut]:
    membership = admin(request, slug)
    template = access.template_get_for_user(membership, template_id, write=True)
    copy = services.template_copy(actor=membership, template=template, name=payload.name)
    return Status(201, _template_out(membership, copy.pk))


# --- Campaigns -----------------------------------------------------------------------------------


def _out(campaign: Campaign) -> CampaignOut:
    return campaign_out(
        campaign,
        invited=getattr(campaign, "invited_count", 0),
        responses=getattr(campaign, "response_count", 0),
    )


def _campaign_out(membership: Membership, campaign_id: int) -> CampaignOut:
    campaign = selectors.campaign_list_with_counts(membership.organization).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return _out(campaign)


class Campaigns(Sequence[CampaignOut]):
    """A page of campaigns: the paginator slices the query, only the page is serialised."""

    def __init__(self, campaigns: QuerySet[Campaign]) -> None:
        self.campaigns = campaigns

    def __len__(self) -> int:
        return self.campaigns.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return [_out(c) for c in self.campaigns[index]]


@router.get(
    ORG + "/surveys",
    response={200: list[CampaignOut], **ERRORS},
    summary="List survey campaigns",
    description="Campaigns of the organisation, latest opening first, with their status "
    "(`scheduled`, `open`, `closed`) and how many were invited and have answered.",
)
@paginate(Pages)
def survey_list(request: HttpRequest, slug: str) -> Any:
    membership = reader(request, slug)
    return Campaigns(selectors.campaign_list_with_counts(membership.organization))


@router.post(
    ORG + "/surveys",
    response={201: CampaignOut, **WRITE_ERRORS},
    summary="Start a survey campaign (owners, admins)",
    description="Runs a template for an audience between two dates: everyone in the audience, and "
    "every recipient, gets a personal link, e-mailed on the opening day with up to three reminders "
    "(unless `send_email` is false). `department_id` is required for audience `department`, `side` "
    "for audience `side`, `recipients` for audience `emails`.",
)
def survey_create(request: HttpRequest, slug: str, payload: CampaignIn) -> Status[CampaignOut]:
    membership = admin(request, slug)
    template = SurveyTemplate.objects.for_org(membership.organization).filter(pk=payload.template_id).first()
    if template is None:
        raise ValidationFailed(_("Choose a template of this organisation."), field="template_id")
    with api_fields(API_FIELDS):
        campaign = services.campaign_create(
            actor=membership,
            template=template,
            title=payload.title,
            opens_on=payload.opens_on,
            closes_on=payload.closes_on,
            audience=payload.audience,
            department=_department(membership, payload.department_id, "department_id"),
            side=payload.side or "",
            recipients=_recipients(membership, payload.recipients),
            send_email=payload.send_email,
            base_url=link_base_url(request),
            language=payload.language or "",
        )
    return Status(201, _campaign_out(membership, campaign.pk))


@router.get(
    SURVEY,
    response={200: CampaignOut, **ERRORS},
    summary="One survey campaign",
    description="The campaign, its status, and how many were invited and have answered.",
)
def survey_detail(request: HttpRequest, slug: str, survey_id: int) -> CampaignOut:
    membership = reader(request, slug)
    access.campaign_get_for_user(membership, survey_id)
    return _campaign_out(membership, survey_id)


@router.patch(
    SURVEY,
    response={200: CampaignOut, **WRITE_ERRORS},
    summary="Rename a campaign or move its closing date (owners, admins)",
    description="Send only the fields to change. A closed campaign cannot change (409).",
)
def survey_update(request: HttpRequest, slug: str, survey_id: int, payload: CampaignPatchIn) -> CampaignOut:
    membership = admin(request, slug)
    campaign = access.campaign_get_for_user(membership, survey_id, write=True)
    services.campaign_update(
        actor=membership,
        campaign=campaign,
        title=payload.title if payload.title is not None else campaign.title,
        closes_on=payload.closes_on or campaign.closes_on,
    )
    return _campaign_out(membership, survey_id)


@router.post(
    SURVEY + "/close",
    response={200: CampaignOut, **WRITE_ERRORS},
    summary="Close a campaign now (owners, admins)",
    description="Its links stop taking answers and its results appear. Closing a closed campaign is a 409.",
)
def survey_close(request: HttpRequest, slug: str, survey_id: int) -> CampaignOut:
    membership = admin(request, slug)
    campaign = access.campaign_get_for_user(membership, survey_id, write=True)
    services.campaign_close(actor=membership, campaign=campaign)
    return _campaign_out(membership, survey_id)


def _members(membership: Membership, ids: Sequence[int]) -> list[Membership]:
    found = {
        m.pk: m
        for m in core_selectors.membership_list_for_org(membership.organization)
        .filter(pk__in=set(ids), is_active=True)
        .select_related("user", "department")
    }
    for i, pk in enumerate(ids):
        if pk not in found:
            raise ValidationFailed(
                _("%(id)s is not an active member of this organisation.") % {"id": pk}, field=f"members.{i}"
            )
    return [found[pk] for pk in dict.fromkeys(ids)]


@router.post(
    SURVEY + "/invitations",
    response={201: LinksOut, **WRITE_ERRORS},
    summary="Invite more people to a campaign (owners, admins)",
    description="Personal links for members (by membership id) and for e-mail addresses. With "
    "`send_email` the new links are e-mailed (on the opening day) and never shown; without it "
    "their `url` and `token` are in this answer, this once (`delivery` `hand`): hand each to its "
    "person, and treat it like a password. Someone already invited keeps their link, which is not "
    "shown again (`earlier`). Nothing says who has answered. A closed campaign takes no "
    "invitations (409).",
)
def survey_invite(
    request: HttpRequest, slug: str, survey_id: int, payload: InvitationsIn
) -> Status[LinksOut]:
    membership = admin(request, slug)
    campaign = access.campaign_get_for_user(membership, survey_id, write=True)
    links = services.invitations_create(
        actor=membership,
        campaign=campaign,
        members=_members(membership, payload.members),
        recipients=_recipients(membership, payload.recipients),
        send_email=payload.send_email,
        base_url=link_base_url(request),
    )
    return Status(201, LinksOut(links=[_link_out(request, invitation) for invitation in links]))


def _link_out(request: HttpRequest, invitation: services.Invitation) -> LinkOut:
    link, token, delivery = invitation
    url = request.build_absolute_uri(reverse("surveys:respond", args=[token])) if token else None
    return LinkOut(email=link.email, side=link.side, delivery=delivery, url=url, token=token)  # type: ignore[arg-type]


@router.get(
    SURVEY + "/results",
    response={200: ResultsOut, **ERRORS},
    summary="The results of a campaign",
    description="Per question, criterion and the overall maturity level: n, mean, standard "
    "deviation and distribution, for everyone, per side and per department where allowed, with "
    "the gap (IT − business), the rank-biserial effect size, Cohen's d and the Mann–Whitney U test. "
    'A group that cannot be shown is `{"suppressed": true}` with every figure null.' + ANONYMOUS,
)
def survey_results(request: HttpRequest, slug: str, survey_id: int) -> ResultsOut:
    membership = reader(request, slug)
    campaign = access.campaign_get_for_user(membership, survey_id)
    return results_out(selectors.campaign_results(campaign))


# --- Settings ------------------------------------------------------------------------------------


@router.get(
    ORG + "/survey-settings",
    response={200: SettingsOut, **ERRORS},
    summary="The organisation's survey settings",
    description="`threshold`: no figure is shown for a group with fewer responses (default 5, "
    "never below 3), nor anything from which such a group could be worked out.",
)
def survey_settings(request: HttpRequest, slug: str) -> SettingsOut:
    membership = reader(request, slug)
    return SettingsOut(threshold=selectors.settings_for(membership.organization).threshold)


@router.put(
    ORG + "/survey-settings",
    response={200: SettingsOut, **WRITE_ERRORS},
    summary="Change the survey settings (owners, admins)",
    description="Set the anonymity threshold, from 3 to 50. The change is audited and applies to "
    "new campaigns and to those not yet closed. A closed campaign keeps the threshold it closed "
    "with (its `threshold` in the results), so its figures never change: two looks at one "
    "campaign under two thresholds would differ by exactly the people only one of them hides.",
)
def survey_settings_update(request: HttpRequest, slug: str, payload: SettingsIn) -> SettingsOut:
    membership = admin(request, slug)
    row = services.settings_update(actor=membership, threshold=payload.threshold)
    return SettingsOut(threshold=row.threshold)


# --- The public door: a personal link, no account -------------------------------------------------


@public_router.get(
    RESPONSE,
    auth=None,
    response={200: PublicSurveyOut, 404: ErrorOut},
    summary="The survey behind a personal link (no sign-in)",
    description="The token of a personal link is the credential. The answer holds the survey's "
    "title, organisation, dates and questions, whether the link has been used, and the anonymity "
    "threshold; never who the link was sent to. An unknown token is a 404.",
)
def survey_response_form(request: HttpRequest, token: str) -> PublicSurveyOut:
    link = selectors.link_from_token(token)
    return public_survey_out(link.campaign, answered=link.answered, threshold=link.campaign.threshold)


@public_router.post(
    RESPONSE,
    auth=None,
    response={
        201: ThanksOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        413: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    summary="Answer a survey through a personal link (no sign-in)",
    description="Stores one anonymous response: the answers with the side and department the link "
    "was made for and today's date, nothing else. A link answers once: a second answer, or one "
    "to a survey that is closed or not open yet, is a 409 with `code` `answered`, `closed` or "
    "`not_open`. Bad answers are a 422 listing every question at fault by its `field`. Too many "
    "attempts are a 429 with `Retry-After`.",
)
def survey_response_submit(
    request: HttpRequest, token: str, payload: AnswersIn, response: HttpResponse
) -> Status[Any] | JsonResponse:
    try:
        ratelimit.check(request, selectors.token_hash(token))
    except ratelimit.RateLimited as exc:
        response["Retry-After"] = str(RETRY_AFTER)
        return Status(429, ErrorOut(detail=exc.said()))
    try:
        services.response_submit(token=token, answers=payload.answers)
    except Conflict as exc:
        return Status(409, ConflictOut(detail=exc.message, code=exc.code))
    # ThanksOut as it stands: the busiest answer of the API skips the schema's round trip.
    return JsonResponse({"detail": _("Thank you. Your answers were recorded anonymously.")}, status=201)
