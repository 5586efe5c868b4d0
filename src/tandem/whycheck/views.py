"""Why-check pages: the gate loads, a service writes, ``selectors.round_view`` decides what a person
sees (the blind rule), a template renders. Nothing here scores: the comparison runs in the worker
and the page shows "scoring…" until it is stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.access import Need
from tandem.core.access import require as require_need
from tandem.core.charts import svg_chart
from tandem.core.decorators import org_view
from tandem.core.errors import Conflict, NotFound, TandemError
from tandem.core.forms import form_error_from
from tandem.core.models import Membership, Side
from tandem.strategy.models import Initiative, Stage
from tandem.whycheck import access, selectors, services
from tandem.whycheck.forms import AnswerForm, DecisionForm, OverrideForm, SettingsForm, StartForm
from tandem.whycheck.models import RoundStatus, Verdict, WhyCheck
from tandem.whycheck.schemas import comparison_of, measure_of

PAGE_SIZE = 50
SAVED_BLIND = gettext_lazy(
    "Your answer is saved. It stays hidden until your co-lead has answered too; you can revise it until then."
)
REVEALED = gettext_lazy("Both answers are in: here they are side by side. Tandem is comparing them.")


def _reader(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require_need(membership, Need.READER)
    return membership


def _status(*forms_: forms.Form | None) -> int:
    return 422 if any(form is not None and form.errors for form in forms_) else 200


def _to_detail(membership: Membership, round_: WhyCheck, anchor: str = "") -> HttpResponseRedirect:
    url = reverse(
        "whycheck:detail", kwargs={"org_slug": membership.organization.slug, "why_check_id": round_.pk}
    )
    return HttpResponseRedirect(url + anchor)


def _views(rounds: Sequence[WhyCheck], membership: Membership) -> list[selectors.RoundView]:
    return [selectors.round_view(r, membership, list(r.answers.all())) for r in rounds]


def _open_initiatives(org: Any) -> QuerySet[Initiative]:
    """The initiatives a round can still run on, for the picker of the list page."""
    closed = (Stage.CLOSED, Stage.CANCELLED)
    return Initiative.objects.for_org(org).exclude(stage__in=closed).order_by("title").only("pk", "title")


# --- The organisation's rounds -------------------------------------------------------------------


@org_view()
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """Open rounds first (who has answered, never what), then revealed and closed ones with verdicts."""
    membership = _reader(request)
    org = membership.organization
    picked = request.GET.get("initiative", "")
    if picked.isdigit() and len(picked) < 19:  # the picker below: open that initiative's rounds
        initiative = access.initiative_for_why_check(membership, int(picked))
        return redirect("whycheck:initiative_rounds", org_slug=org.slug, initiative_id=initiative.pk)
    open_views = _views(list(selectors.rounds_for_org(org, status=RoundStatus.OPEN)), membership)
    done = selectors.rounds_for_org(org).exclude(status=RoundStatus.OPEN)
    context = {
        "open": open_views,
        "waiting": [v for v in open_views if v.can_answer and v.my_side and not v.answered[v.my_side]],
        "page": Paginator(done, PAGE_SIZE).get_page(request.GET.get("page")),
        "settings": services.settings_for(org),
        "today": timezone.localdate(),
        "initiatives": _open_initiatives(org),
        "can_start": access.can_start(membership),
    }
    return render(request, "whycheck/round_list.html", context)


@org_view(Need.ADMIN)
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Owners and admins choose whether a misaligned why check blocks approval."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    current = services.settings_for(membership.organization)
    form = SettingsForm(request.POST or None, initial={"gate": current.gate})
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=membership, gate=form.cleaned_data["gate"])
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("whycheck:settings", org_slug=membership.organization.slug)
    return render(request, "whycheck/settings.html", {"form": form}, status=_status(form))


# --- One initiative's rounds ---------------------------------------------------------------------


@org_view()
@require_http_methods(["GET", "POST"])
def initiative_rounds(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """The history of rounds on an initiative with the score over time; leads start a new round."""
    membership = _reader(request)
    starting = request.method == "POST"
    initiative = access.initiative_for_why_check(membership, initiative_id, start=starting)
    form = StartForm(request.POST if starting else None) if access.can_start(membership) else None
    if starting and form is not None and form.is_valid():
        try:
            round_ = services.whycheck_start(
                actor=membership, initiative=initiative, deadline=form.cleaned_data["deadline"]
            )
        except TandemError as error:
            form_error_from(form, error)
        else:
            when = date_format(round_.deadline, "j F Y")
            messages.success(
                request,
                _("Why check started: both co-leads are asked to answer by %(date)s.") % {"date": when},
            )
            return _to_detail(membership, round_)
    rounds = list(selectors.rounds_for_initiative(initiative))
    for r in rounds:
        r.initiative = initiative  # one initiative: no query per row
    context = {
        "initiative": initiative,
        "views": _views(rounds, membership),
        "chart": score_chart(rounds, "score-history"),
        "form": form,
        "has_open": any(r.status == RoundStatus.OPEN for r in rounds),
    }
    return render(request, "whycheck/initiative_rounds.html", context, status=_status(form))


# --- One round -----------------------------------------------------------------------------------


def _sides(view: selectors.RoundView, comparison: Any) -> list[dict[str, Any]]:
    """Business, then IT: the co-lead, whether they answered, what of it this person may see, their
    decision and drift."""
    r = view.round
    leads = {Side.BUSINESS: r.initiative.business_co_lead, Side.IT: r.initiative.it_co_lead}
    decisions = {
        Side.BUSINESS: (r.business_decision_by, r.business_decision_at),
        Side.IT: (r.it_decision_by, r.it_decision_at),
    }
    rows = []
    for side, label in ((Side.BUSINESS, _("Business")), (Side.IT, _("IT"))):
        answer = view.answers.get(side)
        rows.append(
            {
                "key": str(side),
                "label": label,
                "lead": leads[side],
                "answered": view.answered[side],
                "answer": answer,
                "measures": [measure_of(m) for m in answer.measures] if answer else [],
                "mine": view.my_side == side,
                "decided_by": decisions[side][0],
                "decided_at": decisions[side][1],
                "drift": comparison.drift.get(str(side)) if comparison is not None else None,
            }
        )
    return rows


def _render_detail(
    request: HttpRequest,
    membership: Membership,
    round_: WhyCheck,
    *,
    answer_form: AnswerForm | None = None,
    decision_form: DecisionForm | None = None,
    override_form: OverrideForm | None = None,
) -> HttpResponse:
    view = selectors.round_view(round_, membership)
    comparison = comparison_of(round_.result) if round_.is_revealed else None
    both = all(view.answered.values())
    my_decided = (view.my_side == Side.BUSINESS and round_.business_decision_at is not None) or (
        view.my_side == Side.IT and round_.it_decision_at is not None
    )
    context = {
        "rv": view,
        "round": round_,
        "initiative": round_.initiative,
        "sides": _sides(view, comparison),
        "comparison": comparison,
        "scoring": round_.is_revealed and both and round_.scored_at is None,
        "both": both,
        "overdue": round_.status == RoundStatus.OPEN and round_.deadline < timezone.localdate(),
        "answer_form": answer_form or (AnswerForm(answer=view.my_answer) if view.can_answer else None),
        "decision_form": decision_form or (DecisionForm() if view.can_decide and not my_decided else None),
        "override_form": override_form or (OverrideForm() if view.can_override else None),
        "can_close": view.can_close and round_.status == RoundStatus.OPEN,
    }
    status = _status(answer_form, decision_form, override_form)
    return render(request, "whycheck/round_detail.html", context, status=status)


def _conflict(
    request: HttpRequest, membership: Membership, round_: WhyCheck, error: Conflict
) -> HttpResponse:
    """The round moved on (revealed, decided, overridden) since the page was loaded: say so."""
    messages.error(request, error.message)
    return _to_detail(membership, round_)


@org_view()
@require_GET
def round_detail(request: HttpRequest, why_check_id: int) -> HttpResponse:
    membership = _reader(request)
    return _render_detail(request, membership, access.why_check_get_for_user(membership, why_check_id))


@org_view()
@require_POST
def answer(request: HttpRequest, why_check_id: int) -> HttpResponse:
    """A co-lead gives or revises their own answer; the second answer reveals both."""
    membership = _reader(request)
    round_ = access.why_check_get_for_user(membership, why_check_id)
    if services.side_of(membership, round_.initiative) is None:
        raise NotFound()
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.whycheck_submit_answer(
                actor=membership, why_check=round_, why=form.cleaned_data["why"], measures=form.measures()
            )
        except Conflict as error:
            return _conflict(request, membership, round_, error)
        except TandemError as error:
            form.add_service_error(error)
        else:
            messages.success(request, REVEALED if round_.is_revealed else SAVED_BLIND)
            return _to_detail(membership, round_)
    return _render_detail(request, membership, round_, answer_form=form)


@org_view()
@require_POST
def close(request: HttpRequest, why_check_id: int) -> HttpResponse:
    """End a round before both answered: what is in is shown, and two answers are compared."""
    membership = _reader(request)
    round_ = access.why_check_get_for_user(membership, why_check_id)
    if not access.can_start(membership):
        raise NotFound()
    services.whycheck_close(actor=membership, why_check=round_)
    messages.success(request, _("The why check is closed: the answers given are shown to everyone."))
    return _to_detail(membership, round_)


@org_view()
@require_POST
def decision(request: HttpRequest, why_check_id: int) -> HttpResponse:
    """A co-lead records what they agreed after a "needs discussion" verdict."""
    membership = _reader(request)
    round_ = access.why_check_get_for_user(membership, why_check_id)
    if services.side_of(membership, round_.initiative) is None:
        raise NotFound()
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.whycheck_record_decision(
                actor=membership, why_check=round_, note=form.cleaned_data["note"]
            )
        except Conflict as error:
            return _conflict(request, membership, round_, error)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("Your decision is recorded."))
            return _to_detail(membership, round_, "#effect")
    return _render_detail(request, membership, round_, decision_form=form)


@org_view()
@require_POST
def override(request: HttpRequest, why_check_id: int) -> HttpResponse:
    """An owner or admin sets a misaligned verdict aside, with a reason (audited)."""
    membership = _reader(request)
    round_ = access.why_check_get_for_user(membership, why_check_id)
    require_need(membership, Need.ADMIN)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.whycheck_override(actor=membership, why_check=round_, reason=form.cleaned_data["reason"])
        except Conflict as error:
            return _conflict(request, membership, round_, error)
        except TandemError as error:
            form_error_from(form, error)
        else:
            messages.success(request, _("The misaligned verdict is overridden; the pause is lifted."))
            return _to_detail(membership, round_, "#effect")
    return _render_detail(request, membership, round_, override_form=form)


# --- The score chart -----------------------------------------------------------------------------

HEIGHT, TOP, BOTTOM = 200, 14, 28
MUTED, LINE, WASH, BRAND = "#5a6478", "#d9dee8", "#f5f7fb", "#2353c6"
VERDICT_COLOURS: dict[str, str] = {
    Verdict.ALIGNED: "#1d7a34",
    Verdict.PARTIAL: "#8a5a00",
    Verdict.MISALIGNED: "#b3261e",
}


def score_chart(rounds: Sequence[WhyCheck], chart_id: str) -> SafeString:
    """The agreement score of the scored rounds over time, as an SVG line with points coloured by
    verdict (inline SVG with presentation attributes only: the CSP forbids styles).

    Horizontal positions are percentages and vertical ones pixels, so the chart fills any width.
    """
    points = sorted(
        (r for r in rounds if r.scored_at is not None and r.score is not None),
        key=lambda r: (r.scored_at, r.pk),
    )
    if not points:
        return SafeString("")
    plot_h = HEIGHT - TOP - BOTTOM
    times = [r.scored_at.timestamp() for r in points]  # type: ignore[union-attr]
    first, last = times[0], times[-1]

    def x(i: int) -> str:
        if last > first:
            share = (times[i] - first) / (last - first)
        else:  # one round, or rounds scored in the same instant
            share = i / (len(points) - 1) if len(points) > 1 else 0.5
        return f"{3 + 94 * share:.2f}%"

    def y(score: float) -> float:
        return round(TOP + plot_h * (1 - max(0.0, min(1.0, score))), 1)

    def day(r: WhyCheck) -> str:
        return date_format(localtime(r.scored_at), "j M Y")  # type: ignore[arg-type]

    latest = points[-1]
    title = _("Agreement score over time")
    desc = ngettext(
        "One scored round, on %(last)s: %(score).2f (%(verdict)s).",
        "%(n)s scored rounds from %(first)s to %(last)s; the latest scored %(score).2f (%(verdict)s).",
        len(points),
    ) % {
        "n": len(points),
        "first": day(points[0]),
        "last": day(latest),
        "score": latest.score,
        "verdict": latest.get_verdict_display(),
    }
    grid = format_html_join(
        "",
        '<line x1="0" x2="100%" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="0" y="{}" fill="{}" font-size="12">{}</text>',
        ((y(v), y(v), LINE, y(v) - 3, MUTED, label) for v, label in ((1.0, "1"), (0.5, "0.5"), (0.0, "0"))),
    )
    lines = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" stroke-linecap="round"/>',
        (
            (x(i - 1), y(points[i - 1].score or 0), x(i), y(points[i].score or 0), BRAND)
            for i in range(1, len(points))
        ),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#ffffff" stroke-width="1.5"><title>{}: {} ({})</title></circle>',
        (
            (
                x(i),
                y(r.score or 0),
                VERDICT_COLOURS.get(r.verdict, MUTED),
                day(r),
                f"{r.score:.2f}",
                r.get_verdict_display(),
            )
            for i, r in enumerate(points)
        ),
    )
    dates = format_html(
        '<text x="0" y="{}" fill="{}" font-size="12">{}</text>'
        '<text x="100%" y="{}" fill="{}" font-size="12" text-anchor="end">{}</text>',
        HEIGHT - 8,
        MUTED,
        day(points[0]),
        HEIGHT - 8,
        MUTED,
        day(latest),
    )
    wash = format_html('<rect x="0" y="{}" width="100%" height="{}" fill="{}"/>', TOP, plot_h, WASH)
    return svg_chart(chart_id, title, desc, wash + grid + lines + dots + dates, height=HEIGHT)
