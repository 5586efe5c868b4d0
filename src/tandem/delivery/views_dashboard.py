"""The delivery dashboard, its export and the organisation's thresholds.

The dashboard shows the figures ``selectors.dashboard`` computes (the same numbers the API, the
export and the weekly review tell), the alerts past the thresholds, the breakdowns per initiative,
party and department, the twelve-month trend and the deliverables no end user has rated since
delivery. A partner sees their parties' rows only. A figure without facts reads "not yet", never 0.
A breakdown shows its rows with alerts first, then by name, at most ``ROWS`` of them (the export
holds every row); the quiet deliverables those accepted longest ago, at most ``QUIET``, with their
number. The page is kept whole per version of the organisation's data and of its end-user
feedback, which leaves the data version alone (``core.cache.page_cached`` with
``selectors.feedback_version``); nothing is written on a read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import Need, OrgRequest, meets, refuse
from tandem.core.cache import page_cached
from tandem.core.decorators import org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.models import Side
from tandem.core.numbers import number
from tandem.delivery import access, charts, exports, selectors, services
from tandem.delivery.forms_dashboard import SettingsForm
from tandem.delivery.metrics import Breach, Figures
from tandem.delivery.models import ChangeStatus, RejectionReason

BREACHES = {
    "on_time": gettext_lazy("On-time rate %(value)s is below the threshold of %(limit)s"),
    "first_time_right": gettext_lazy("First-time-right rate %(value)s is below the threshold of %(limit)s"),
    "scope_creep": gettext_lazy(
        "Approved change budget %(value)s of the original budget is above the threshold of %(limit)s"
    ),
    "unexplained": gettext_lazy("Unexplained changes: %(value)s, above the threshold of %(limit)s"),
}
PERCENT_BREACHES = {"on_time", "first_time_right", "scope_creep"}
ROWS = 50  # per breakdown, and initiatives with alerts, on the page: the export holds every row
QUIET = 20  # deliverables without end-user feedback listed, those accepted longest ago


# --- Figures in words ----------------------------------------------------------------------------
# ``None`` stays ``None``: the template says "not yet", so a figure without facts never reads 0.


def _pct(share: float | None) -> str | None:
    return None if share is None else f"{number(round(share * 100, 1))}%"


def _signed(value: float | Decimal) -> str:
    return ("+" if value > 0 else "") + number(value)


def _days(value: float | None, *, signed: bool = False) -> str | None:
    if value is None:
        return None
    value = round(value, 1)
    shown = _signed(value) if signed else number(value)
    return ngettext("%(n)s day", "%(n)s days", 1 if abs(value) == 1 else 2) % {"n": shown}


def _growth(pct: float | None) -> str | None:
    return None if pct is None else f"{_signed(round(pct, 1))}%"


def _budget(f: Figures) -> str | None:
    if f.budget_variance is None:
        return None
    pct = "" if f.budget_variance_pct is None else f" ({_growth(f.budget_variance_pct)})"
    return _signed(f.budget_variance) + pct


def breach_text(breach: Breach) -> str:
    """A figure past its threshold in words: "On-time rate 50% is below the threshold of 70%"."""
    unit = "%" if breach.code in PERCENT_BREACHES else ""
    values = {"value": number(breach.value) + unit, "limit": number(breach.limit) + unit}
    return str(BREACHES.get(breach.code, "%(value)s / %(limit)s")) % values


@dataclass(frozen=True)
class Shown:
    """One figure of the organisation's headline: ``value`` is ``None`` while there are no facts."""

    label: str
    value: str | None
    note: str = ""


def _headline(f: Figures) -> list[Shown]:
    return [
        Shown(
            _("On time"),
            _pct(f.on_time_rate),
            _("of the accepted deliverables, against the first commitment"),
        ),
        Shown(
            _("Mean slip"), _days(f.mean_slip_days, signed=True), _("accepted date minus first commitment")
        ),
        Shown(_("First time right"), _pct(f.first_time_right_rate), _("accepted at their first offer")),
        Shown(
            _("Scope creep"), _pct(f.scope_creep_index), _("approved change budget of the original budget")
        ),
        Shown(
            _("Schedule growth"), _growth(f.schedule_growth_pct), _("target dates moved, of the planned time")
        ),
        Shown(
            _("Unexplained changes"), number(f.unexplained_changes), _("without an approved change request")
        ),
        Shown(_("Budget variance"), _budget(f), _("current minus original budget")),
        Shown(
            _("Schedule variance"),
            _days(f.schedule_variance_days, signed=True),
            _("current minus original target"),
        ),
    ]


@dataclass(frozen=True)
class TableRow:
    """One initiative, party or department of a table: its cells (``None`` is "not yet")."""

    label: str
    url: str
    cells: list[str | None]
    alerts: list[str]


def _delivery_cells(f: Figures) -> list[str | None]:
    return [
        number(f.deliverables),
        number(f.accepted),
        _pct(f.on_time_rate),
        _days(f.mean_slip_days, signed=True),
        _pct(f.first_time_right_rate),
        number(f.rejected_offers),
    ]


def _plan_cells(f: Figures) -> list[str | None]:
    return [
        *_delivery_cells(f),
        _pct(f.scope_creep_index),
        _growth(f.schedule_growth_pct),
        number(f.unexplained_changes),
    ]


def _delivery_columns() -> list[str]:
    return [
        _("Deliverables"),
        _("Accepted"),
        _("On time"),
        _("Mean slip"),
        _("First time right"),
        _("Rejected offers"),
    ]


def _plan_columns() -> list[str]:
    return [*_delivery_columns(), _("Scope creep"), _("Schedule growth"), _("Unexplained changes")]


@dataclass(frozen=True)
class Table:
    """A breakdown: per initiative, party or department."""

    key: str
    title: str
    caption: str
    subject: str
    columns: list[str]
    rows: list[TableRow]
    more: int = 0  # rows not shown: the export holds them


Cells = Callable[[Figures], list[str | None]]
Link = Callable[[object], str]


def _rows(rows: list[selectors.Row], cells: Cells, url: Link | None = None) -> list[TableRow]:
    return [
        TableRow(r.label, url(r.key) if url else "", cells(r.figures), [breach_text(b) for b in r.breaches])
        for r in rows
    ]


def _shown(rows: list[selectors.Row], cells: Cells, url: Link | None = None) -> tuple[list[TableRow], int]:
    """The rows a page shows: those with alerts first, then in their order (by name), at most
    ``ROWS``; and how many more there are (the export holds them)."""
    shown = sorted(rows, key=lambda r: not r.breaches)[:ROWS]
    return _rows(shown, cells, url), len(rows) - len(shown)


def _tables(board: selectors.Dashboard, initiative_url: Link, *, partner: bool) -> list[Table]:
    """The breakdowns that have rows; a partner's is their parties only."""
    parties = Table(
        "parties",
        _("Your parties") if partner else _("Per party"),
        _("The delivery figures of the deliverables each party owns"),
        _("Party"),
        _delivery_columns(),
        *_shown(board.parties, _delivery_cells),
    )
    if partner:
        return [parties] if parties.rows else []
    tables = [
        Table(
            "initiatives",
            _("Per initiative"),
            _("The delivery figures of each initiative"),
            _("Initiative"),
            _plan_columns(),
            *_shown(board.initiatives, _plan_cells, initiative_url),
        ),
        parties,
        Table(
            "departments",
            _("Per department served"),
            _("The delivery figures of the initiatives serving each department"),
            _("Department"),
            _plan_columns(),
            *_shown(board.departments, _plan_cells),
        ),
    ]
    return [t for t in tables if t.rows]


def _alerts(board: selectors.Dashboard, initiative_url: Link) -> tuple[list[tuple[str, str, list[str]]], int]:
    """What is past a threshold: the organisation first, then each initiative (name, link, texts),
    at most ``ROWS`` initiatives; and how many more initiatives have alerts."""
    found = []
    if board.organization_breaches:
        found.append((_("The organisation"), "", [breach_text(b) for b in board.organization_breaches]))
    alerting = [row for row in board.initiatives if row.breaches]
    for row in alerting[:ROWS]:
        found.append((row.label, initiative_url(row.key), [breach_text(b) for b in row.breaches]))
    return found, len(alerting[ROWS:])


def _trend_rows(board: selectors.Dashboard) -> list[tuple[date, str | None, str | None, int]]:
    return [(month, _pct(on_time), _pct(ftr), n) for month, on_time, ftr, n in board.trend]


def _dashboard_context(request: OrgRequest, board: selectors.Dashboard, *, partner: bool) -> dict[str, Any]:
    slug, f = request.org.slug, board.organization
    initiative_url = partial(_initiative_url, slug)
    reasons, sides = dict(RejectionReason.choices), dict(Side.choices)
    alerts, more_alerts = ([], 0) if partner else _alerts(board, initiative_url)
    return {
        "board": board,
        "partner": partner,
        "empty": f.deliverables == 0,
        "headline": _headline(f),
        "rejections": [(reasons.get(code, code), n) for code, n in f.rejections.items()],
        "change_sides": [(sides.get(side, side), n) for side, n in f.change_requests_by_side.items()],
        "alerts": alerts,
        "more_alerts": more_alerts,
        "tables": _tables(board, initiative_url, partner=partner),
        "quiet": board.quiet[:QUIET],
        "quiet_total": len(board.quiet),
        "trend_chart": charts.trend_chart(board.trend, board.thresholds),
        "trend_rows": _trend_rows(board),
        "awaiting": access.change_requests_for(request.membership).filter(status=ChangeStatus.OPEN).count(),
        "can_configure": meets(request.membership, Need.ADMIN),
    }


def _initiative_url(slug: str, pk: object) -> str:
    return reverse("delivery:initiative", kwargs={"org_slug": slug, "initiative_id": pk})


# --- The pages -----------------------------------------------------------------------------------


@org_view(Need.MEMBER)
@require_GET
def dashboard(request: OrgRequest) -> HttpResponse:
    """The organisation's delivery figures, alerts, breakdowns and trend (a partner: their parties),
    kept whole per version of its data and of its end-user feedback (the quiet deliverables)."""
    return page_cached(request, partial(_dashboard_page, request), selectors.feedback_version(request.org))


def _dashboard_page(request: OrgRequest) -> HttpResponse:
    party_ids = access.require_dashboard(request.membership)
    board = selectors.dashboard(request.org, party_ids=party_ids)
    context = _dashboard_context(request, board, partner=party_ids is not None)
    return render(request, "delivery/dashboard.html", context)


@org_view(Need.MEMBER)
@require_GET
def export(request: OrgRequest, fmt: str) -> HttpResponse:
    """Every figure of the dashboard as CSV or XLSX, one row per organisation, initiative, party
    and department (a partner's holds their parties only)."""
    if fmt not in exports.FORMATS:
        raise refuse("unknown export format", org=request.org)
    party_ids = access.require_dashboard(request.membership)
    board = selectors.dashboard(request.org, party_ids=party_ids)
    content = exports.dashboard_file(
        board, fmt=fmt, organisation=request.org.name, partner=party_ids is not None
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    filename = f"delivery-{timezone.localdate().isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view(Need.MEMBER)
@require_http_methods(["GET", "POST"])
def settings(request: OrgRequest) -> HttpResponse:
    """Owners and admins set the thresholds past which a figure is an alert."""
    access.require_settings(request.membership)
    current = selectors.delivery_settings(request.org)
    form = SettingsForm(posted(request), initial=SettingsForm.initial_from(current))
    done = form_submit(
        request,
        form,
        partial(services.settings_update, actor=request.membership),
        to=reverse("delivery:settings", kwargs={"org_slug": request.org.slug}),
        message=_("Thresholds saved. The dashboard's alerts follow them from now on."),
    )
    return done or render_form(request, "delivery/settings.html", {"form": form}, form)
