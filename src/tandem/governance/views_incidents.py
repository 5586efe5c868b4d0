"""Pages of incidents, the party scorecard and the business side's ratings.

Incidents: the list with its filters, raising one, its page (the timeline, each party's own clock,
the escalation level waited for, the agreed service level against the actual times, and every step
for those who may take it) and the post-incident review. The incident pages are drawn afresh on
every read, since their clocks move. The quarterly scorecard compares the parties (and exports as
CSV or XLSX); business co-leads rate the parties they work with, anonymously.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need, OrgRequest, refuse, require_allowed
from tandem.core.decorators import cached_page, org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.models import Membership, Side
from tandem.governance import access, exports, selectors, services
from tandem.governance import scorecard as scoring
from tandem.governance.forms import (
    HELD_FOR_HOURS,
    HandOverForm,
    IncidentFilterForm,
    IncidentForm,
    IncidentStepForm,
    NoteForm,
    PauseForm,
    RatingForm,
    ReopenForm,
    ResolveForm,
    ReviewForm,
)
from tandem.governance.models import (
    EscalationLevel,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentReview,
    IncidentStatus,
    Party,
    PartyKind,
)
from tandem.strategy.models import Initiative

SCORECARD_PER_PAGE = 50
COMPONENTS = {
    "service_levels": gettext_lazy("Service levels met"),
    "rating": gettext_lazy("Business rating"),
    "responsiveness": gettext_lazy("Responsiveness (acknowledged in time)"),
    "escalation_free": gettext_lazy("Escalation-free incidents"),
}
# The steps that put the incident in the hands of a party: it is held since the latest of them.
HELD_FROM = (IncidentEventKind.RAISED, IncidentEventKind.HANDED_OVER, IncidentEventKind.REOPENED)


def _incident_url(request: OrgRequest, incident: Incident) -> str:
    return reverse("governance:incident", kwargs={"org_slug": request.org.slug, "incident_id": incident.pk})


def _initiatives_for(membership: Membership) -> QuerySet[Initiative]:
    """Initiatives to name on an incident: all inside; on the partner side those in whose RACI
    matrix one of their parties has a column (the matrices they may read)."""
    initiatives = Initiative.objects.for_org(membership.organization).order_by(Lower("title"), "pk")
    if access.is_partner(membership):
        own = access.own_party_ids(membership)
        return initiatives.filter(raci_columns__party_id__in=own).distinct()
    return initiatives


def _by_name(parties: QuerySet[Party]) -> QuerySet[Party]:
    return parties.order_by(Lower("name"), "pk")


# --- The incident list ------------------------------------------------------------------------


@org_view(Need.MEMBER)
@require_GET
def incidents(request: OrgRequest) -> HttpResponse:
    """The incidents the member may see, open ones by default, with their filters."""
    m = request.membership
    form = IncidentFilterForm(
        request.GET or None,
        parties=list(_by_name(access.parties_for(m))),
        services=list(access.services_for(m).order_by(Lower("name"), "pk")),
        initiatives=list(_initiatives_for(m)),
    )
    filters = form.filters()
    page = Paginator(_filtered(request, filters), selectors.INCIDENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "filtered": filters != {"status": "open"},
        "can_raise": access.can_raise_incident(m),
        "partner": access.is_partner(m),
    }
    return render(request, "governance/incidents.html", context)


def _filtered(request: OrgRequest, filters: dict[str, Any]) -> QuerySet[Incident]:
    """The visible incidents the filters keep, each with when the party holding it took it on."""
    since = (
        IncidentEvent.objects.for_org(request.org)
        .filter(incident=OuterRef("pk"), kind__in=HELD_FROM)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    status = {"waiting": IncidentStatus.OPEN, "open": "unresolved"}.get(filters["status"], filters["status"])
    rows = selectors.incident_list(access.incidents_for(request.membership), status=status)
    rows = rows.annotate(held_since=Subquery(since))
    for key, field in (("severity", "priority"), ("party", "party_id"), ("service", "service_id")):
        if key in filters:
            rows = rows.filter(**{field: filters[key]})
    if "initiative" in filters:
        rows = rows.filter(initiative_id=filters["initiative"])
    if "held" in filters:
        held_from = timezone.now() - timedelta(hours=HELD_FOR_HOURS[filters["held"]])
        rows = rows.exclude(status=IncidentStatus.RESOLVED).filter(held_since__lte=held_from)
    return rows


# --- Raising one ------------------------------------------------------------------------------


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def incident_new(request: OrgRequest) -> HttpResponse:
    """Raise an incident about a service or an initiative (``?service=`` picks the service)."""
    m = request.membership
    require_allowed(m, access.can_raise_incident(m), why="may not raise incidents")
    form = IncidentForm(
        posted(request),
        initial={"service": request.GET.get("service", "")},
        services=access.services_for(m)
        .filter(is_active=True)
        .select_related("party")
        .order_by(Lower("name")),
        initiatives=_initiatives_for(m),
        parties=_by_name(access.parties_for(m).filter(is_active=True)),
    )
    done = form_submit(
        request,
        form,
        partial(services.incident_raise, actor=m),
        to=partial(_incident_url, request),
        message=_("Incident raised: the party holding it is told, and its clock runs."),
    )
    return done or render_form(request, "governance/incident_form.html", {"form": form}, form)


# --- The incident page and its steps ----------------------------------------------------------


@org_view(Need.MEMBER)
@require_GET
def incident(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_get_for_user(request.membership, incident_id)
    return _incident_page(request, found)


def _hand_over_parties(membership: Membership, incident: Incident) -> QuerySet[Party]:
    """Whom the incident can go to: any other active party; from the partner side, the internal
    teams and the parties that held it before (a partner does not see the other vendors)."""
    parties = (
        Party.objects.for_org(membership.organization).filter(is_active=True).exclude(pk=incident.party_id)
    )
    if access.is_partner(membership):
        parties = parties.filter(
            Q(kind=PartyKind.INTERNAL) | Q(incident_segments__incident=incident)
        ).distinct()
    return _by_name(parties)


def _incident_page(
    request: OrgRequest, found: Incident, failed: IncidentStepForm | None = None
) -> HttpResponse:
    """The incident page; ``failed`` is a step refused, shown with its errors (and the status)."""
    m = request.membership
    work = access.can_work_incident(m, found)
    forms_: dict[str, IncidentStepForm | None] = {
        "hand_over_form": HandOverForm(parties=_hand_over_parties(m, found)) if work else None,
        "pause_form": PauseForm() if work else None,
        "resolve_form": ResolveForm() if work else None,
        "reopen_form": ReopenForm() if work else None,
        "note_form": NoteForm() if access.can_raise_incident(m) else None,
    }
    if failed is not None:  # the refused step keeps what was typed, next to its errors
        forms_.update({name: failed for name, form in forms_.items() if type(form) is type(failed)})
    page = selectors.incident_page(found)
    context = {
        "p": page,
        **_figures(page),
        **forms_,
        "failed": failed,
        "can_work": work,
        "can_review": access.can_review_incident(m, found),
        "partner": access.is_partner(m),
    }
    return render_form(
        request, "governance/incident.html", context, failed, page_url=_incident_url(request, found)
    )


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _figures(page: selectors.IncidentPage) -> dict[str, Any]:
    """What the page shows in working hours, met or not against the service level, and the
    escalation level waited for."""
    incident, level = page.incident, page.level
    acknowledge, resolve = _hours(page.times.acknowledge), _hours(page.times.resolve)
    step = incident.escalation_level
    return {
        "clocks": [(c, _hours(c.seconds), _hours(c.acknowledge_seconds)) for c in page.clocks],
        "acknowledge_hours": acknowledge,
        "resolve_hours": resolve,
        "acknowledge_met": None
        if level is None or acknowledge is None
        else acknowledge <= level.acknowledge_hours,
        "resolve_met": None if level is None or resolve is None else resolve <= level.resolve_hours,
        "left_hours": _hours(incident.escalation_left),
        "current_level": _who(page.path[step]) if step < len(page.path) else "",
        "level_number": step + 1,
    }


def _who(level: EscalationLevel) -> str:
    return level.party.name if level.party else level.membership.user.display_name if level.membership else ""


def _step(
    request: OrgRequest,
    found: Incident,
    form: IncidentStepForm,
    action: Any,
    message: str,
    *,
    fields: bool = True,
) -> HttpResponse:
    """Take one step on the incident through its service; a refusal shows on the incident page."""
    done = form_submit(
        request,
        form,
        partial(action, actor=request.membership, incident=found),
        to=_incident_url(request, found),
        message=message,
        fields=fields,
    )
    return done or _incident_page(request, found, failed=form)


@org_view(Need.MEMBER)
@require_POST
def incident_acknowledge(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    message = _("Acknowledged: the escalation clock has stopped.")
    return _step(request, found, IncidentStepForm(), services.incident_acknowledge, message, fields=False)


@org_view(Need.MEMBER)
@require_POST
def incident_hand_over(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    form = HandOverForm(request.POST, parties=_hand_over_parties(request.membership, found))
    message = _("Handed over: the new party's clock runs from now.")
    return _step(request, found, form, services.incident_hand_over, message)


@org_view(Need.MEMBER)
@require_POST
def incident_pause(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    message = _("Paused: the clock stops until the incident resumes.")
    return _step(request, found, PauseForm(request.POST), services.incident_pause, message)


@org_view(Need.MEMBER)
@require_POST
def incident_resume(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    message = _("Resumed: the clock runs again.")
    return _step(request, found, IncidentStepForm(), services.incident_resume, message, fields=False)


@org_view(Need.MEMBER)
@require_POST
def incident_resolve(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    message = _("Resolved. A post-incident review helps the next one go better.")
    return _step(request, found, ResolveForm(request.POST), services.incident_resolve, message)


@org_view(Need.MEMBER)
@require_POST
def incident_reopen(request: OrgRequest, incident_id: int) -> HttpResponse:
    found = access.incident_for_work(request.membership, incident_id)
    message = _("Reopened: the party holding it must acknowledge it again.")
    return _step(request, found, ReopenForm(request.POST), services.incident_reopen, message)


@org_view(Need.MEMBER)
@require_POST
def incident_note(request: OrgRequest, incident_id: int) -> HttpResponse:
    m = request.membership
    found = access.incident_get_for_user(m, incident_id)
    require_allowed(m, access.can_raise_incident(m), why="may not add notes to incidents")
    return _step(request, found, NoteForm(request.POST), services.incident_note, _("Note added."))


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def incident_review(request: OrgRequest, incident_id: int) -> HttpResponse:
    """The post-incident review of a resolved incident, written (or written again) here."""
    m = request.membership
    found = access.incident_get_for_user(m, incident_id)
    require_allowed(m, access.can_review_incident(m, found), why="may not review this incident")
    review = IncidentReview.objects.for_org(request.org).filter(incident=found).first()
    initial = {k: getattr(review, k) for k in ("summary", "lessons", "actions")} if review else {}
    form = ReviewForm(posted(request), initial=initial)
    done = form_submit(
        request,
        form,
        partial(services.incident_review_write, actor=m, incident=found),
        to=_incident_url(request, found) + "#review",
        message=_("Review saved."),
    )
    context = {"incident": found, "form": form, "review": review}
    return done or render_form(request, "governance/incident_review.html", context, form)


# --- The party scorecard ----------------------------------------------------------------------


def _quarter(request: OrgRequest) -> tuple[date, bool]:
    """The quarter asked for (``?quarter=2026-Q3``), or the last one ended; and whether what was
    asked for could not be read."""
    text = request.GET.get("quarter", "").strip()
    found = scoring.parse_quarter(text) if text else None
    return found or selectors.default_quarter(), bool(text) and found is None


def _scorecard(request: OrgRequest, quarter: date) -> selectors.Scorecard:
    parties = list(_by_name(access.parties_for(request.membership)))
    return selectors.scorecard_rows(request.org, parties, quarter)


@org_view(Need.MEMBER)
@cached_page
@require_GET
def scorecard(request: OrgRequest) -> HttpResponse:
    """The quarter's parties side by side, best score first (a partner sees their own)."""
    quarter, unreadable = _quarter(request)
    card = _scorecard(request, quarter)
    following = scoring.quarter_end(quarter) + timedelta(days=1)
    context = {
        "card": card,
        "page": Paginator(card.rows, SCORECARD_PER_PAGE).get_page(request.GET.get("page")),
        "label": scoring.quarter_label(quarter),
        "unreadable": unreadable,
        "previous": scoring.quarter_label(scoring.previous_quarter(quarter)),
        "next": scoring.quarter_label(following) if following <= timezone.localdate() else "",
        "weights": [(COMPONENTS[key], weight) for key, weight in scoring.WEIGHTS.items()],
    }
    return render(request, "governance/scorecard.html", context)


@org_view(Need.MEMBER)
@require_GET
def scorecard_export(request: OrgRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise refuse("unknown export format", org=request.org)
    quarter, _unreadable = _quarter(request)
    content = exports.scorecard_file(_scorecard(request, quarter), fmt=fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="scorecard-{scoring.quarter_label(quarter)}.{fmt}"'
    )
    return response


# --- The business side's ratings --------------------------------------------------------------


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def ratings(request: OrgRequest) -> HttpResponse:
    """A business co-lead rates, once a quarter and anonymously, the parties of the initiatives
    they co-lead; anyone else reads what the ratings are and who gives them."""
    m, quarter = request.membership, services.rating_quarter()
    parties = selectors.parties_to_rate(m, quarter)
    if request.method == "POST":
        require_allowed(m, bool(parties), why="has no parties to rate")
    form = RatingForm(
        posted(request), parties=Party.objects.for_org(request.org).filter(pk__in=[p.pk for p in parties])
    )
    done = form_submit(
        request,
        form,
        partial(services.party_rate, actor=m),
        to=reverse("governance:ratings", kwargs={"org_slug": request.org.slug}),
        message=_("Thank you: your rating is stored without your name."),
    )
    return done or render_form(
        request, "governance/ratings.html", _ratings_context(m, quarter, parties, form), form
    )


def _ratings_context(
    membership: Membership, quarter: date, parties: list[Party], form: RatingForm
) -> dict[str, Any]:
    rated = selectors.rated_party_ids(membership, quarter)
    failed = form.data.get("party", "") if form.errors else ""
    return {
        "rows": [(p, p.pk in rated, str(p.pk) == failed) for p in parties],
        "form": form,
        "label": scoring.quarter_label(quarter),
        "closes": scoring.quarter_end(quarter) + timedelta(days=selectors.RATING_GRACE_DAYS),
        "business": membership.side == Side.BUSINESS,
    }
