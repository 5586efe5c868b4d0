"""Survey pages: the gate loads, a service writes, ``selectors.campaign_results`` decides every
figure shown (suppression applied), a template renders. Nothing here computes a statistic or
groups texts: the grouping by meaning runs in the worker, queued by whatever closed the campaign,
and the page says so until it is stored.

``respond`` is the one page without an account: the personal link's token is its key and scope.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest
from tandem.core.cache import org_cached, page_cached
from tandem.core.decorators import org_view
from tandem.core.errors import Conflict, NotFound, TandemError, ValidationFailed
from tandem.core.forms import form_error_from, form_submit, posted, render_form
from tandem.core.language import respondent_language, use_language
from tandem.core.models import Membership, Organization
from tandem.core.services import link_base_url
from tandem.surveys import access, catalog, exports, ratelimit, selectors, services
from tandem.surveys.forms import (
    QUESTIONS_PREFIX,
    BaseQuestionFormSet,
    CampaignEditForm,
    CampaignForm,
    InviteForm,
    QuestionFormSet,
    SettingsForm,
    TemplateForm,
    question_initial,
)
from tandem.surveys.labels import shipped
from tandem.surveys.models import (
    MIN_THRESHOLD,
    SCALES,
    Campaign,
    CampaignStatus,
    Question,
    QuestionKind,
    SurveyLink,
    SurveyTemplate,
)


def _url(name: str, org: Organization, **kwargs: Any) -> str:
    return reverse(f"surveys:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _back(request: HttpRequest, to: str, message: str) -> HttpResponseRedirect:
    """Back to ``to`` with ``message`` as an error: the page refused what was asked."""
    messages.error(request, message)
    return HttpResponseRedirect(to)


def _detail(campaign: Campaign) -> str:
    return _url("detail", campaign.organization, campaign_id=campaign.pk)


# --- Campaigns -------------------------------------------------------------------------------------------


@org_view(Need.READER)
@require_GET
def campaign_list(request: OrgRequest) -> HttpResponse:
    """Open and scheduled campaigns with how many answered; closed ones with their results."""
    campaigns = selectors.campaign_list_for_org(request.org)
    context = {
        "running": [c for c in campaigns if c.status != CampaignStatus.CLOSED],
        "closed": [c for c in campaigns if c.status == CampaignStatus.CLOSED],
        "can_manage": access.can_manage(request.membership),
        "threshold": selectors.settings_for(request.org).threshold,
    }
    return render(request, "surveys/campaign_list.html", context)


def _onto_emails[T](action: Callable[..., T]) -> Callable[..., T]:
    """``action`` with a refused recipient shown on the form's e-mail field (the service names
    ``recipients.<n>``; the page has one text box for them all)."""

    def run(**data: Any) -> T:
        try:
            return action(**data)
        except TandemError as error:
            if error.field and error.field.startswith("recipients"):
                error.field = "emails"
            raise

    return run


def _campaign_create(*, emails: list[services.Recipient], **data: Any) -> Campaign:
    return services.campaign_create(recipients=emails, **data)


def _created(campaign: Campaign) -> str:
    return _("Campaign created: %(n)s people invited.") % {"n": campaign.links.count()}


def _picked_template(request: HttpRequest) -> dict[str, str]:
    """The template chosen on the template's page ("Start a campaign"), if any."""
    picked = request.GET.get("template", "")
    return {"template": picked} if picked.isdigit() and len(picked) < 12 else {}


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_new(request: OrgRequest) -> HttpResponse:
    """Owners and admins start a campaign of a template for an audience between two dates."""
    form = CampaignForm(posted(request), org=request.org, initial=_picked_template(request))
    create = partial(_campaign_create, actor=request.membership, base_url=link_base_url(request))
    done = form_submit(request, form, _onto_emails(create), to=_detail, message=_created)
    return done or render_form(request, "surveys/campaign_form.html", {"form": form}, form)


def _results_context(
    membership: Membership, campaign: Campaign, answers: Hashable | None = None
) -> dict[str, Any]:
    # Results are computed once per version of the organisation's data and of its answers
    # (answers leave the data version alone: ``selectors.answers_version``).
    org = membership.organization
    answers = answers if answers is not None else selectors.answers_version(org)
    compute = partial(selectors.campaign_results, campaign)
    return {
        "campaign": campaign,
        "results": org_cached(org, "campaign_results", compute, campaign.pk, answers, get_language()),
        "answers_version": answers,
        "progress": selectors.campaign_progress(campaign),
        "can_manage": access.can_manage(membership),
        "sides_shown": ("business", "it", "partner"),
    }


@org_view(Need.READER)
@require_GET
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """Progress while open; when closed, the results that may be shown. Kept whole under the
    data version and the answers' version (``core.cache.page_cached``)."""
    answers = selectors.answers_version(request.org)

    def draw() -> HttpResponse:  # a kept page needs no campaign: it cannot change unversioned
        campaign = access.campaign_get_for_user(request.membership, campaign_id)
        context = _results_context(request.membership, campaign, answers)
        return render(request, "surveys/campaign_detail.html", context)

    return page_cached(request, draw, answers)


@org_view(Need.READER)
@require_GET
def campaign_report(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """The results as a page to print or save as PDF."""
    campaign = access.campaign_get_for_user(request.membership, campaign_id)
    return render(request, "surveys/report.html", _results_context(request.membership, campaign))


@org_view(Need.READER)
@require_GET
def campaign_export(request: OrgRequest, campaign_id: int, fmt: str) -> HttpResponse:
    """The aggregated results as CSV or XLSX, suppressed exactly as on the page."""
    campaign = access.campaign_get_for_user(request.membership, campaign_id)
    if fmt not in exports.EXPORT_FORMATS:
        raise NotFound()
    try:
        content = exports.results_export(selectors.campaign_results(campaign), fmt=fmt)
    except Conflict as error:
        return _back(request, _detail(campaign), error.message)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="survey-{campaign.pk}-results.{fmt}"'
    return response


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_edit(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """Rename a campaign or move its closing date."""
    campaign = access.campaign_get_for_user(request.membership, campaign_id, write=True)
    if campaign.is_closed:
        return _back(request, _detail(campaign), _("This campaign is closed; its results are final."))
    initial = {"title": campaign.title, "closes_on": campaign.closes_on}
    form = CampaignEditForm(posted(request), initial=initial)
    update = partial(services.campaign_update, actor=request.membership, campaign=campaign)
    done = form_submit(request, form, update, to=_detail(campaign), message=_("Campaign saved."))
    context = {"form": form, "campaign": campaign}
    return done or render_form(request, "surveys/campaign_edit.html", context, form)


@org_view(Need.ADMIN)
@require_POST
def campaign_close(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """Close now: the links stop working and the results appear."""
    campaign = access.campaign_get_for_user(request.membership, campaign_id, write=True)
    try:
        services.campaign_close(actor=request.membership, campaign=campaign)
    except Conflict as error:
        return _back(request, _detail(campaign), error.message)
    messages.success(request, _("The campaign is closed: its links no longer work."))
    return HttpResponseRedirect(_detail(campaign))


def _invite(request: OrgRequest, form: InviteForm, campaign: Campaign) -> HttpResponse | None:
    """The new links, shown once on the answer itself (never behind a redirect, never cached);
    ``None`` when the form must be shown again."""
    if request.method != "POST" or not form.is_valid():
        return None
    invite = partial(
        services.invitations_create,
        actor=request.membership,
        campaign=campaign,
        base_url=link_base_url(request),
    )
    try:
        invited = _onto_emails(invite)(
            members=list(form.cleaned_data["members"]),
            recipients=form.cleaned_data["emails"],
            send_email=form.cleaned_data["send_email"],
        )
    except TandemError as error:
        form_error_from(form, error)
        return None
    links = [_link_row(request, invitation) for invitation in invited]
    return render(request, "surveys/invite_done.html", {"campaign": campaign, "links": links})


def _link_row(request: HttpRequest, invitation: services.Invitation) -> dict[str, Any]:
    """One person invited: the link only when it is handed out now; never whether they answered."""
    link, token, delivery = invitation
    return {
        "email": link.email,
        "side": link.get_side_display(),
        "delivery": delivery,
        "url": request.build_absolute_uri(reverse("surveys:respond", args=[token])) if token else "",
    }


@org_view(Need.ADMIN)
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_invite(request: OrgRequest, campaign_id: int) -> HttpResponse:
    """Add members or addresses to an open or scheduled campaign and show their links once."""
    campaign = access.campaign_get_for_user(request.membership, campaign_id, write=True)
    if campaign.is_closed:
        return _back(request, _detail(campaign), _("This campaign is closed; it takes no more invitations."))
    form = InviteForm(posted(request), org=request.org)
    context = {"form": form, "campaign": campaign, "progress": selectors.campaign_progress(campaign)}
    return _invite(request, form, campaign) or render_form(request, "surveys/invite.html", context, form)


# --- Settings ---------------------------------------------------------------------------------------------


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: OrgRequest) -> HttpResponse:
    """Owners and admins set the anonymity threshold (never below three)."""
    current = selectors.settings_for(request.org).threshold
    form = SettingsForm(posted(request), initial={"threshold": current})
    update = partial(services.settings_update, actor=request.membership)
    done = form_submit(request, form, update, to=_url("settings", request.org), message=_("Settings saved."))
    context = {"form": form, "minimum": MIN_THRESHOLD, "current": current}
    return done or render_form(request, "surveys/settings.html", context, form)


# --- Templates --------------------------------------------------------------------------------------------


def _editable(template: SurveyTemplate, used: bool) -> bool:
    return not template.builtin and not used


@org_view(Need.READER)
@require_GET
def template_list(request: OrgRequest) -> HttpResponse:
    """The organisation's templates, the shipped ones among them."""
    templates = selectors.template_list_for_org(request.org)
    context = {"templates": templates, "can_manage": access.can_manage(request.membership)}
    return render(request, "surveys/template_list.html", context)


def _grouped(questions: list[Question]) -> list[tuple[str, list[Question]]]:
    """Consecutive questions of one criterion together (criterion "" for the rest)."""
    return [
        (criterion, list(group))
        for criterion, group in itertools.groupby(questions, key=lambda q: q.criterion)
    ]


@org_view(Need.READER)
@require_GET
def template_detail(request: OrgRequest, template_id: int) -> HttpResponse:
    """A template's questions, grouped by criterion."""
    template = access.template_get_for_user(request.membership, template_id)
    questions = list(template.questions.all())
    used = selectors.template_in_use(template)
    context = {
        "template": template,
        "groups": _grouped(questions),
        "question_count": len(questions),
        "used": used,
        "editable": _editable(template, used),
        "can_manage": access.can_manage(request.membership),
        "likert_labels": [shipped(label) for label in catalog.LIKERT_LABELS],
    }
    return render(request, "surveys/template_detail.html", context)


def _with_extra_question(data: QueryDict) -> QueryDict:
    """The submitted editor with one more blank question (the "Add a question" button)."""
    data = data.copy()
    key = f"{QUESTIONS_PREFIX}-TOTAL_FORMS"
    try:
        data[key] = str(min(int(data.get(key, "0")) + 1, services.MAX_QUESTIONS))
    except ValueError:
        data[key] = "1"
    return data


def _template_save(
    request: OrgRequest, form: TemplateForm, formset: BaseQuestionFormSet, template: SurveyTemplate | None
) -> HttpResponse | None:
    """Save the editor's template, or ``None`` with the errors shown next to the question they name
    (the service names ``questions.<n>.<field>``, which ``form_submit`` cannot place on a formset)."""
    if not (form.is_valid() and formset.is_valid()):
        return None
    actor, kept = request.membership, formset.questions()
    try:
        if template is None:
            template = services.template_create(actor=actor, questions=kept, **form.cleaned_data)
        else:
            services.template_update(actor=actor, template=template, questions=kept, **form.cleaned_data)
    except TandemError as error:
        formset.add_service_error(error, form)
        return None
    messages.success(request, _("Template saved."))
    return HttpResponseRedirect(_url("template", request.org, template_id=template.pk))


def _template_editor(request: OrgRequest, template: SurveyTemplate | None) -> HttpResponse:
    """The name, the description and one fieldset per question; an empty set adds a question."""
    initial = {"name": template.name, "description": template.description} if template else {}
    questions = question_initial(list(template.questions.all())) if template else []
    adding = request.method == "POST" and "add_question" in request.POST
    data = _with_extra_question(request.POST) if adding else posted(request)
    form = TemplateForm(data, initial=initial)
    formset = cast(BaseQuestionFormSet, QuestionFormSet(data, initial=questions, prefix=QUESTIONS_PREFIX))
    if request.method == "POST" and not adding and (done := _template_save(request, form, formset, template)):
        return done
    # A question just added is no error; a tampered editor is (its management form says so).
    shown: list[Form] = [] if adding else [form, formset.management_form, *formset.forms]
    context = {"form": form, "formset": formset, "template": template}
    return render_form(request, "surveys/template_form.html", context, *shown)


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def template_new(request: OrgRequest) -> HttpResponse:
    """A new template, written from scratch."""
    return _template_editor(request, None)


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def template_edit(request: OrgRequest, template_id: int) -> HttpResponse:
    """Edit a template of the organisation's own that no campaign has used."""
    template = access.template_get_for_user(request.membership, template_id, write=True)
    if not _editable(template, selectors.template_in_use(template)):
        return _back(
            request,
            _url("template", request.org, template_id=template.pk),
            _(
                "This template ships with Tandem or a campaign has used it, so it cannot change: copy it to edit."
            ),
        )
    return _template_editor(request, template)


@org_view(Need.ADMIN)
@require_POST
def template_copy(request: OrgRequest, template_id: int) -> HttpResponse:
    """An editable copy of any template, opened in the editor."""
    template = access.template_get_for_user(request.membership, template_id, write=True)
    copy = services.template_copy(actor=request.membership, template=template)
    messages.success(request, _("A copy is ready to edit."))
    return HttpResponseRedirect(_url("template_edit", request.org, template_id=copy.pk))


@org_view(Need.ADMIN)
@require_POST
def template_delete(request: OrgRequest, template_id: int) -> HttpResponse:
    """Delete a template of the organisation's own that no campaign has used."""
    template = access.template_get_for_user(request.membership, template_id, write=True)
    try:
        services.template_delete(actor=request.membership, template=template)
    except Conflict as error:
        return _back(request, _url("template", request.org, template_id=template.pk), error.message)
    messages.success(request, _("Template deleted."))
    return HttpResponseRedirect(_url("templates", request.org))


@org_view(Need.READER)
@require_GET
def template_trend(request: OrgRequest, template_id: int) -> HttpResponse:
    """The means of each numeric item across the template's closed campaigns, each suppressed alike."""
    template = access.template_get_for_user(request.membership, template_id)
    context = {"template": template, "items": selectors.template_trend_items(template)}
    return render(request, "surveys/trend.html", context)


# --- The personal link ------------------------------------------------------------------------------------


def _raw_answers(questions: list[Question], data: QueryDict) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in questions:
        if q.kind == QuestionKind.MULTIPLE:
            raw[q.field_name] = data.getlist(q.field_name)
        else:
            raw[q.field_name] = data.get(q.field_name, "")
    return raw


def _fields(
    questions: list[Question], answers: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """What the form shows for each question: its options, what was typed, its message."""
    fields = []
    for q in questions:
        value = answers.get(q.field_name, [] if q.kind == QuestionKind.MULTIPLE else "")
        if q.kind == QuestionKind.LIKERT:
            options = [
                (str(i), f"{i} · {shipped(label)}") for i, label in enumerate(catalog.LIKERT_LABELS, start=1)
            ]
        elif q.kind == QuestionKind.SCORE:
            options = [(str(i), str(i)) for i in SCALES[QuestionKind.SCORE]]
        else:
            options = [(c, shipped(c)) for c in q.choices]
        chosen = set(value) if isinstance(value, list) else {str(value)}
        fields.append(
            {
                "question": q,
                "name": q.field_name,
                "value": value if isinstance(value, str) else "",
                "options": [{"value": v, "label": label, "checked": v in chosen} for v, label in options],
                "error": errors.get(q.field_name, ""),
            }
        )
    return fields


def _state_page(
    request: HttpRequest, link: SurveyLink, message: str, status: int, **extra: Any
) -> HttpResponse:
    context = {"campaign": link.campaign, "org_name": link.organization.name, "message": message, **extra}
    response = render(request, "surveys/respond_state.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


STATE_STATUS = {"answered": 409, "closed": 410, "not_open": 409}


def _unanswerable(link: SurveyLink) -> tuple[str, int] | None:
    """Why the link takes no answer now, with the status to answer; ``None`` when it does."""
    campaign = link.campaign
    if link.answered:
        return _("This link has already been used to answer. Thank you."), 409
    if campaign.status == CampaignStatus.CLOSED:
        return _("This survey has closed. Thank you for your interest."), 410
    if campaign.status == CampaignStatus.SCHEDULED:
        return _("This survey opens on %(day)s.") % {"day": campaign.opens_on.isoformat()}, 409
    return None


def _questionnaire(
    request: HttpRequest,
    link: SurveyLink,
    questions: list[Question],
    answers: dict[str, Any] | None = None,
    error: ValidationFailed | None = None,
) -> HttpResponse:
    """The questions to answer, with what was typed and what needs another look."""
    errors = {e["field"]: e["message"] for e in error.extra.get("errors", [])} if error else {}
    context = {
        "campaign": link.campaign,
        "org_name": link.organization.name,
        "threshold": link.campaign.threshold,
        "fields": _fields(questions, answers or {}, errors),
        "summary": error.message if error else "",
        "error_count": len(errors),
    }
    return render(request, "surveys/respond.html", context, status=422 if error else 200)


def _submit(request: HttpRequest, link: SurveyLink, token: str) -> HttpResponse:
    """Store the answers through the link: thanks, the questions again with what to fix, or why
    the link takes no answer."""
    questions = list(link.campaign.template.questions.all())
    answers = _raw_answers(questions, request.POST)
    try:
        services.response_submit(token=token, answers=answers)
    except Conflict as error:
        return _state_page(request, link, error.message, STATE_STATUS.get(error.code, 409))
    except ValidationFailed as error:
        return _questionnaire(request, link, questions, answers, error)
    return _state_page(request, link, "", 200, thanks=True)


def _limited(request: HttpRequest, token: str) -> ratelimit.RateLimited | None:
    """Counted before the link is looked up, so guessing tokens counts against the address."""
    try:
        ratelimit.check(request, selectors.token_hash(token))
    except ratelimit.RateLimited as error:
        return error
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire of a personal link: no account, one response, nothing kept but side,
    department and date."""
    limited = _limited(request, token) if request.method == "POST" else None
    link = selectors.link_from_token(token)
    use_language(request, respondent_language(request, link.campaign.language or link.organization.language))
    if limited is not None:
        response = _state_page(request, link, limited.said(), 429)
        response["Retry-After"] = "60"
        return response
    if request.method == "POST":
        return _submit(request, link, token)
    if refusal := _unanswerable(link):
        return _state_page(request, link, *refusal)
    return _questionnaire(request, link, list(link.campaign.template.questions.all()))
