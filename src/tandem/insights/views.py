"""Pages of the alignment index: the gate loads, a selector reads, a template renders.

The index page (the figure, its trend, its components, what moved it this week and what costs it
the most points); a component's page (every row, costliest first); a week's page (the snapshot
kept that week and what moved since the week before); an initiative's page (its own index and
rows); the weights (every internal member reads them, owners and admins change them). Partners see
none of it. The pages show only their organisation's data as one member sees it in the hour they
are drawn, so they are kept whole under its versions (``core.cache.page_cached``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.access import Need, OrgRequest, refuse
from tandem.core.cache import app_versions, page_cached
from tandem.core.decorators import org_view
from tandem.core.forms import form_submit, posted, render_form
from tandem.core.insights import COMPONENT_KEYS
from tandem.insights import access, charts, selectors, services
from tandem.insights.forms import WeightsForm
from tandem.insights.index import DEFAULT_WEIGHTS, Breakdown

ROWS_PER_PAGE = 50
WEEKS_PER_PAGE = 13  # a quarter
CAUSES = 10  # the costliest rows on the index page
MOVED = 10  # the rows that moved it most, on the index and week pages


def _url(request: OrgRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"insights:{name}", kwargs={"org_slug": request.org.slug, **kwargs})


def _kept(request: OrgRequest, draw: Callable[[], HttpResponse]) -> HttpResponse:
    """The page, kept whole under the organisation's data and the apps' versions."""
    return page_cached(request, draw, app_versions(request.org))


def _weeks(request: OrgRequest) -> Any:
    weeks = selectors.snapshot_list(request.org).only("id", "week", "index")
    return Paginator(weeks, WEEKS_PER_PAGE).get_page(request.GET.get("weeks"))


@org_view(Need.READER)
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    """The organisation's index: the figure, its trend, components, moves and costliest rows."""
    access.require_reader(request.membership)
    return _kept(request, partial(_index_page, request))


def _index_page(request: OrgRequest) -> HttpResponse:
    org = request.org
    now = selectors.index_now(org)
    trend = selectors.trend(org)
    moves = selectors.moves_this_week(org)
    context = {
        "breakdown": now,
        "trend_chart": charts.trend_chart(trend, now.index, chart_id="alignment-trend"),
        "trend": trend,
        "moves": moves,
        "moved_rows": moves.rows[:MOVED] if moves else [],
        "causes": selectors.top_causes(now, CAUSES),
        "weeks": _weeks(request),
        "can_manage": access.can_manage(request.membership),
    }
    return render(request, "insights/index.html", context)


@org_view(Need.READER)
@require_GET
def component(request: OrgRequest, key: str) -> HttpResponse:
    """One component: its score, weight and every row, costliest first."""
    access.require_reader(request.membership)
    if key not in COMPONENT_KEYS:
        raise refuse("no such component", org=request.org)
    return _kept(request, partial(_component_page, request, key))


def _component_page(request: OrgRequest, key: str) -> HttpResponse:
    now = selectors.index_now(request.org)
    view = now.component(key)
    if view is None:
        raise refuse("no such component", org=request.org)
    rows = sorted(selectors.component_rows(now, key), key=lambda r: (-r.loss, r.points, r.label))
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "insights/component.html", {"breakdown": now, "component": view, "page": page})


@org_view(Need.READER)
@require_GET
def initiative(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """One initiative's index: each component over its own rows."""
    found = access.initiative_get_for(request.membership, initiative_id)
    return _kept(request, partial(_initiative_page, request, found))


def _initiative_page(request: OrgRequest, found: Any) -> HttpResponse:
    breakdown = selectors.initiative_breakdown(request.org, found)
    rows = breakdown.all_rows or breakdown.rows
    context = {
        "initiative": found,
        "breakdown": breakdown,
        "rows": sorted(rows, key=lambda r: (-r.loss, r.points, r.component, r.label)),
        "org_index": selectors.index_now(request.org).index,
    }
    return render(request, "insights/initiative.html", context)


@org_view(Need.READER)
@require_GET
def week(request: OrgRequest, snapshot_id: int) -> HttpResponse:
    """A week's snapshot: the index as it stood, its rows, and what moved since the week before."""
    snapshot = access.snapshot_get_for(request.membership, snapshot_id)
    return _kept(request, partial(_week_page, request, snapshot))


def _week_page(request: OrgRequest, snapshot: Any) -> HttpResponse:
    org = request.org
    breakdown = selectors.breakdown_of(snapshot)
    before = selectors.previous_snapshot(org, before=snapshot.week)
    later = selectors.snapshot_list(org).filter(week__gt=snapshot.week).order_by("week").only("id", "week")
    moves = selectors.moves(selectors.breakdown_of(before) if before is not None else None, breakdown)
    page = Paginator(breakdown.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "snapshot": snapshot,
        "breakdown": breakdown,
        "before": before,
        "after": later.first(),
        "moves": moves,
        "moved_rows": moves.rows[:MOVED],
        "page": page,
    }
    return render(request, "insights/week.html", context)


@org_view(Need.READER)
@require_http_methods(["GET", "POST"])
def weights(request: OrgRequest) -> HttpResponse:
    """The weights of the components: read by every internal member, changed by owners and admins."""
    m = request.membership
    access.require_reader(m)
    if request.method == "POST":
        access.require_manager(m)
    org = request.org
    now = selectors.index_now(org)
    current = selectors.weights_for(org)
    form = WeightsForm(
        posted(request),
        components=now.components,
        defaults=DEFAULT_WEIGHTS,
        initial={key: current.get(key, 0) for key in COMPONENT_KEYS},
    )

    def save(**chosen: int) -> object:
        return services.weights_update(actor=m, weights=chosen)

    done = form_submit(
        request, form, save, to=_url(request, "weights"), message=_("Weights saved: the index uses them now.")
    )
    context = {
        "form": form,
        "breakdown": now,
        "rows": _weight_rows(now, current),
        "can_manage": access.can_manage(m),
    }
    return done or render_form(request, "insights/weights.html", context, form)


def _weight_rows(breakdown: Breakdown, current: dict[str, int]) -> list[dict[str, Any]]:
    """Each component with its weight now, its default and its share of the index."""
    counted = sum(c.weight for c in breakdown.components if c.counted)
    return [
        {
            "component": c,
            "weight": current.get(c.key, c.weight),
            "default": DEFAULT_WEIGHTS.get(c.key, 0),
            "share": (c.weight / counted) if c.counted and counted else None,
        }
        for c in breakdown.components
    ]
