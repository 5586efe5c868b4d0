"""Survey pages: the gate loads, a service writes, ``results.campaign_results`` decides every figure
shown (suppression applied), a template renders. Nothing here computes a statistic or groups
texts: the grouping by meaning runs in the worker and the page says so until it is stored.

``respond`` is the one page without an account: the personal link's token is its key and scope.
"""

from __future__ import annotations

import itertools
from typing import Any, cast

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BaseFormSet, Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.decorators import org_view
from tandem.core.errors import Conflict, NotFound, TandemError, ValidationFailed
from tandem.core.forms import form_error_from
from tandem.core.models import Membership
from tandem.core.services import link_base_url
from tandem.surveys import access, catalog, exports, ratelimit, results, services, tasks
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
from tandem.surveys.models import (
    MIN_THRESHOLD,
    SCALES,
    Campaign,
    CampaignStatus,
    Question,
    QuestionKind,
    SurveyTemplate,
)

ANALYSIS_ONCE_SECONDS = 15 * 60


def _reader(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    access.require_reader(membership, request)
    return membership


def _manager(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    access.require_manager(membership, request)
    return membership


def _to(name: str, membership: Membership, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse(f"surveys:{name}", kwargs={"org_slug": membership.organization.slug, **kwargs})
    )


def _status(*forms_: Any) -> int:
    """422 when a form (or formset) came back with errors."""
    for form in forms_:
        if form is None:
            continue
        if isinstance(form, BaseFormSet) and form.is_bound and form.total_error_count():
            return 422
        if isinstance(form, Form) and form.errors:
            return 422
    return 200


# --- Campaigns -------------------------------------------------------------------------------------------


@org_view()
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Open and scheduled campaigns with how many answered; closed ones with their results."""
    membership = _reader(request)
    org = membership.organization
    campaigns = list(
        Campaign.objects.for_org(org)
        .select_related("template")
        .annotate(
            invited=Count("links", distinct=True),
            answered=Count("links", filter=Q(links__answered=True), distinct=True),
        )
    )
    context = {
        "running": [c for c in campaigns if c.status != CampaignStatus.CLOSED],
        "closed": [c for c in campaigns if c.status == CampaignStatus.CLOSED],
        "can_manage": access.can_manage(membership),
        "threshold": services.settings_for(org).threshold,
    }
    return render(request, "surveys/campaign_list.html", context)


def _recipients_error(form: CampaignForm | InviteForm, error: TandemError) -> None:
    if error.field and error.field.startswith("recipients"):
        form.add_error("emails", error.message)
    else:
        form_error_from(form, error)


@org_view()
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    """Owners and admins start a campaign of a template for an audience between two dates."""
    membership = _manager(request)
    org = membership.organization
    services.templates_install(org)
    initial = {}
    picked = request.GET.get("template", "")
    if picked.isdigit() and len(picked) < 12:
        initial["template"] = picked
    form = CampaignForm(request.POST or None, org=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=membership,
                template=data["template"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                audience=data["audience"],
                department=data["department"],
                side=data["side"],
                recipients=data["emails"],
                send_email=data["send_email"],
                base_url=link_base_url(request),
            )
        except TandemError as error:
            _recipients_error(form, error)
        else:
            invited = campaign.links.count()
            messages.success(request, _("Campaign created: %(n)s people invited.") % {"n": invited})
            return _to("detail", membership, campaign_id=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form}, status=_status(form))


def _progress(campaign: Campaign) -> dict[str, int]:
    counts = campaign.links.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    invited, answered = counts["invited"] or 0, counts["answered"] or 0
    return {
        "invited": invited,
        "answered": answered,
        "percent": round(100 * answered / invited) if invited else 0,
    }


def _enqueue_analysis(data: results.CampaignResults) -> bool:
    """Ask the worker once to group the free-text answers that have no current grouping."""
    waiting = [
        item
        for item in data.items
        if item.kind == QuestionKind.TEXT and item.texts.get("all") and item.key not in data.text_analyses
    ]
    if not waiting:
        return False
    campaign = data.campaign
    key = f"surveys:analyse:{campaign.pk}:{data.responses}:{data.threshold}"
    if cache.add(key, 1, ANALYSIS_ONCE_SECONDS):
        transaction.on_commit(lambda: tasks.analyse_texts.enqueue(campaign_id=campaign.pk))
    return True


def _results_context(membership: Membership, campaign: Campaign) -> dict[str, Any]:
    data = results.campaign_results(campaign)
    if data.available:
        _enqueue_analysis(data)
    return {
        "campaign": campaign,
        "results": data,
        "progress": _progress(campaign),
        "can_manage": access.can_manage(membership),
        "sides_shown": ("business", "it", "partner"),
    }


@org_view()
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Progress while open; when closed, the results that may be shown."""
    membership = _reader(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    return render(request, "surveys/campaign_detail.html", _results_context(membership, campaign))


@org_view()
@require_GET
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The results as a page to print or save as PDF."""
    membership = _reader(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    return render(request, "surveys/report.html", _results_context(membership, campaign))


@org_view()
@require_GET
def campaign_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    """The aggregated results as CSV or XLSX, suppressed exactly as on the page."""
    membership = _reader(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    if fmt not in exports.EXPORT_FORMATS:
        raise NotFound()
    try:
        content = exports.results_export(results.campaign_results(campaign), fmt=fmt)
    except Conflict as error:
        messages.error(request, error.message)
        return _to("detail", membership, campaign_id=campaign.pk)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="survey-{campaign.pk}-results.{fmt}"'
    return response


@org_view()
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Rename a campaign or move its closing date."""
    membership = _manager(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    if campaign.is_closed:
        messages.error(request, _("This campaign is closed; its results are final."))
        return _to("detail", membership, campaign_id=campaign.pk)
    initial = {"title": campaign.title, "closes_on": campaign.closes_on}
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=membership,
                campaign=campaign,
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return _to("detail", membership, campaign_id=campaign.pk)
    context = {"form": form, "campaign": campaign}
    return render(request, "surveys/campaign_edit.html", context, status=_status(form))


@org_view()
@require_POST
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Close now: the links stop working and the results appear."""
    membership = _manager(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    try:
        services.campaign_close(actor=membership, campaign=campaign)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is closed: its links no longer work."))
    return _to("detail", membership, campaign_id=campaign.pk)


@org_view()
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_invite(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Add members or addresses to an open or scheduled campaign and show their links once."""
    membership = _manager(request)
    campaign = access.campaign_get_for_user(membership, campaign_id, request)
    if campaign.is_closed:
        messages.error(request, _("This campaign is closed; it takes no more invitations."))
        return _to("detail", membership, campaign_id=campaign.pk)
    form = InviteForm(request.POST or None, org=membership.organization)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invitations_create(
                actor=membership,
                campaign=campaign,
                members=list(form.cleaned_data["members"]),
                recipients=form.cleaned_data["emails"],
                send_email=form.cleaned_data["send_email"],
                base_url=link_base_url(request),
            )
        except TandemError as error:
            _recipients_error(form, error)
        else:
            links = [
                {
                    "email": link.email,
                    "side": link.get_side_display(),
                    "answered": link.answered,
                    "url": request.build_absolute_uri(reverse("surveys:respond", args=[token])),
                }
                for link, token in invited
            ]
            context = {"campaign": campaign, "links": links}
            return render(request, "surveys/invite_done.html", context)
    context = {"form": form, "campaign": campaign, "progress": _progress(campaign)}
    return render(request, "surveys/invite.html", context, status=_status(form))


# --- Settings ---------------------------------------------------------------------------------------------


@org_view()
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Owners and admins set the anonymity threshold (never below three)."""
    membership = _manager(request)
    current = services.settings_for(membership.organization)
    form = SettingsForm(request.POST or None, initial={"threshold": current.threshold})
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=membership, threshold=form.cleaned_data["threshold"])
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return _to("settings", membership)
    context = {"form": form, "minimum": MIN_THRESHOLD, "current": current.threshold}
    return render(request, "surveys/settings.html", context, status=_status(form))


# --- Templates --------------------------------------------------------------------------------------------


def _editable(template: SurveyTemplate, used: bool) -> bool:
    return not template.builtin and not used


@org_view()
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    membership = _reader(request)
    org = membership.organization
    services.templates_install(org)
    templates = SurveyTemplate.objects.for_org(org).annotate(
        question_count=Count("questions", distinct=True), campaign_count=Count("campaigns", distinct=True)
    )
    context = {"templates": templates, "can_manage": access.can_manage(membership)}
    return render(request, "surveys/template_list.html", context)


def _grouped(questions: list[Question]) -> list[tuple[str, list[Question]]]:
    """Consecutive questions of one criterion together (criterion "" for the rest)."""
    return [
        (criterion, list(group))
        for criterion, group in itertools.groupby(questions, key=lambda q: q.criterion)
    ]


@org_view()
@require_GET
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    membership = _reader(request)
    template = access.template_get_for_user(membership, template_id, request)
    questions = list(template.questions.all())
    used = template.campaigns.exists()
    context = {
        "template": template,
        "groups": _grouped(questions),
        "question_count": len(questions),
        "used": used,
        "editable": _editable(template, used),
        "can_manage": access.can_manage(membership),
        "likert_labels": catalog.LIKERT_LABELS,
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


def _template_editor(
    request: HttpRequest, membership: Membership, template: SurveyTemplate | None
) -> HttpResponse:
    """The name, the description and one fieldset per question; an empty set adds a question."""
    if template is None:
        initial: dict[str, Any] = {}
        questions: list[dict[str, Any]] = []
    else:
        initial = {"name": template.name, "description": template.description}
        questions = question_initial(list(template.questions.all()))
    posted = request.method == "POST"
    adding = posted and "add_question" in request.POST
    data = _with_extra_question(request.POST) if adding else (request.POST if posted else None)
    form = TemplateForm(data, initial=initial)
    formset = cast(BaseQuestionFormSet, QuestionFormSet(data, initial=questions, prefix=QUESTIONS_PREFIX))
    if posted and not adding and form.is_valid() and formset.is_valid():
        kept = formset.questions()
        try:
            if template is None:
                template = services.template_create(actor=membership, questions=kept, **form.cleaned_data)
            else:
                services.template_update(
                    actor=membership, template=template, questions=kept, **form.cleaned_data
                )
        except TandemError as error:
            formset.add_service_error(error, form)
        else:
            messages.success(request, _("Template saved."))
            return _to("template", membership, template_id=template.pk)
    context = {"form": form, "formset": formset, "template": template}
    status = 200 if adding else _status(form, formset)
    return render(request, "surveys/template_form.html", context, status=status)


@org_view()
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    membership = _manager(request)
    return _template_editor(request, membership, None)


@org_view()
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    membership = _manager(request)
    template = access.template_get_for_user(membership, template_id, request)
    if not _editable(template, template.campaigns.exists()):
        messages.error(
            request,
            _(
                "This template ships with Tandem or a campaign has used it, so it cannot change: copy it to edit."
            ),
        )
        return _to("template", membership, template_id=template.pk)
    return _template_editor(request, membership, template)


@org_view()
@require_POST
def template_copy(request: HttpRequest, template_id: int) -> HttpResponse:
    membership = _manager(request)
    template = access.template_get_for_user(membership, template_id, request)
    copy = services.template_copy(actor=membership, template=template)
    messages.success(request, _("A copy is ready to edit."))
    return _to("template_edit", membership, template_id=copy.pk)


@org_view()
@require_POST
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    membership = _manager(request)
    template = access.template_get_for_user(membership, template_id, request)
    try:
        services.template_delete(actor=membership, template=template)
    except Conflict as error:
        messages.error(request, error.message)
        return _to("template", membership, template_id=template.pk)
    messages.success(request, _("Template deleted."))
    return _to("templates", membership)


def _trend_items(template: SurveyTemplate, threshold: int) -> list[dict[str, Any]]:
    """Each numeric item of the template with its points across closed campaigns and its scale."""
    questions = list(template.questions.all())
    campaigns = list(
        Campaign.objects.for_org(template.organization)
        .filter(template=template)
        .select_related("organization", "template")
    )
    trends = results.template_trends(campaigns, threshold=threshold)
    criterion_scale = next((SCALES[q.kind] for q in questions if q.criterion and q.kind in SCALES), (1, 5))
    labels: dict[str, tuple[str, tuple[int, ...]]] = {
        q.field_name: (q.text, SCALES[q.kind]) for q in questions if q.kind in SCALES
    }
    for q in questions:
        if q.criterion:
            labels[f"criterion:{q.criterion}"] = (q.criterion, criterion_scale)
    labels[results.OVERALL_KEY] = (_("Overall alignment maturity"), criterion_scale)
    items = []
    for key, points in trends.items():
        label, scale = labels.get(key, (key, (1, 5)))
        items.append({"key": key, "label": label, "points": points, "low": scale[0], "high": scale[-1]})
    return items


@org_view()
@require_GET
def template_trend(request: HttpRequest, template_id: int) -> HttpResponse:
    """The means of each numeric item across the template's closed campaigns, each suppressed alike."""
    membership = _reader(request)
    template = access.template_get_for_user(membership, template_id, request)
    threshold = services.settings_for(membership.organization).threshold
    context = {"template": template, "items": _trend_items(template, threshold), "threshold": threshold}
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
            options = [(str(i), f"{i} · {label}") for i, label in enumerate(catalog.LIKERT_LABELS, start=1)]
        elif q.kind == QuestionKind.SCORE:
            options = [(str(i), str(i)) for i in SCALES[QuestionKind.SCORE]]
        else:
            options = [(c, c) for c in q.choices]
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


def _state_page(request: HttpRequest, link: Any, message: str, status: int, **extra: Any) -> HttpResponse:
    context = {"campaign": link.campaign, "org_name": link.organization.name, "message": message, **extra}
    response = render(request, "surveys/respond_state.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


STATE_STATUS = {"answered": 409, "closed": 410, "not_open": 409}


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire of a personal link: no account, one response, nothing kept but side,
    department and date."""
    limited = None
    if request.method == "POST":
        # Counted before the link is looked up, so guessing tokens counts against the address.
        try:
            ratelimit.check(request, services.token_hash(token))
        except ratelimit.RateLimited as error:
            limited = error
    link = services.link_from_token(token)
    campaign = link.campaign
    questions = list(campaign.template.questions.all())
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    summary = ""
    if limited is not None:
        response = _state_page(request, link, limited.message, 429)
        response["Retry-After"] = "60"
        return response
    if request.method == "POST":
        answers = _raw_answers(questions, request.POST)
        try:
            services.response_submit(token=token, answers=answers)
        except Conflict as error:
            return _state_page(request, link, error.message, STATE_STATUS.get(error.code, 409))
        except ValidationFailed as error:
            errors = {e["field"]: e["message"] for e in error.extra.get("errors", [])}
            summary = error.message
        else:
            return _state_page(request, link, "", 200, thanks=True)
    elif link.answered:
        return _state_page(request, link, _("This link has already been used to answer. Thank you."), 409)
    elif campaign.status != CampaignStatus.OPEN:
        closed = campaign.status == CampaignStatus.CLOSED
        message = (
            _("This survey has closed. Thank you for your interest.")
            if closed
            else _("This survey opens on %(day)s.") % {"day": campaign.opens_on.isoformat()}
        )
        return _state_page(request, link, message, 410 if closed else 409)
    context = {
        "campaign": campaign,
        "org_name": link.organization.name,
        "threshold": services.settings_for(link.organization).threshold,
        "fields": _fields(questions, answers, errors),
        "summary": summary,
        "error_count": len(errors),
    }
    return render(request, "surveys/respond.html", context, status=422 if errors or summary else 200)
