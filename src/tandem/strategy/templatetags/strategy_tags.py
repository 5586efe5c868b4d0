"""Template helpers of the strategy pages: stage badges, percentages, amounts of money, sortable
headers, the check-in history chart and the portfolio's timeline (drawn by ``tandem.strategy.charts``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from tandem.core.numbers import number
from tandem.strategy import charts
from tandem.strategy.models import Stage

register = template.Library()

STAGE_BADGES: dict[str, str] = {
    Stage.IDEA: "badge-muted",
    Stage.PROPOSED: "badge-muted",
    Stage.APPROVED: "badge-ok",
    Stage.IN_DELIVERY: "badge-ok",
    Stage.DELIVERED: "badge-ok",
    Stage.CLOSED: "badge-muted",
    Stage.PAUSED: "badge-warn",
    Stage.CANCELLED: "badge-bad",
}
# Stages at which bringing IT in is too late: it is there to retrofit delivery, not to plan.
LATE_FOR_IT = {Stage.APPROVED, Stage.IN_DELIVERY, Stage.DELIVERED, Stage.CLOSED}


@register.filter
def stage_badge(stage: str) -> str:
    """The badge class of a stage."""
    return STAGE_BADGES.get(stage, "badge-muted")


@register.filter
def it_joined_late(stage: str) -> bool:
    return stage in LATE_FOR_IT


@register.filter
def percent(share: float | None) -> int:
    """A share in [0, 1] as a whole percentage."""
    return round(max(0.0, min(1.0, share or 0.0)) * 100)


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, **attrs: Any) -> SafeString:
    """A column header that sorts by ``key`` (and the reverse when already sorted by it).

    Extra keyword arguments become attributes of the ``th`` (``scope``, ``colspan``, ``rowspan``).
    """
    request = context["request"]
    current = request.GET.get("sort", "")
    descending = current == f"-{key}"
    next_key = key if descending or current != key else f"-{key}"
    query = request.GET.copy()
    query["sort"] = next_key
    query.pop("page", None)
    attrs = {"scope": "col", **attrs}
    arrow = ""
    if current in (key, f"-{key}"):
        attrs["aria-sort"] = "descending" if descending else "ascending"
        arrow = "▼" if descending else "▲"
    return format_html(
        '<th{}><a href="?{}">{}{}</a></th>',
        format_html_join("", ' {}="{}"', sorted(attrs.items())),
        query.urlencode(),
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.filter
def num(value: float | None) -> str:
    """A reading without needless decimals (3.9, not 3.90); an em dash when there is none."""
    return "—" if value is None else number(value)


register.simple_tag(charts.check_in_chart)
register.simple_tag(charts.timeline_axis)
register.simple_tag(charts.timeline_bar)

# The sign of the currencies people write with one; other currencies are written with their code.
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """An amount in its currency as people of the active language write it: €1,250 and €1,250.50
    in English, € 1.250 and € 1.250,50 in Dutch, CHF 1,250 for a currency without a sign of its own;
    an em dash when there is none."""
    if amount is None:
        return "—"
    places = 0 if amount == amount.to_integral_value() else 2
    figure = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    sign = CURRENCY_SIGNS.get(currency.upper())
    if sign and not (get_language() or "").startswith("nl"):
        return f"{sign}{figure}"
    return f"{sign or currency.upper()}\u00a0{figure}"


def _has_dates(row: Any) -> bool:
    return row.initiative.start_date is not None or row.initiative.target_date is not None


@register.filter
def dated(rows: Any) -> list[Any]:
    """The portfolio rows whose initiative has a start or a target date (for the timeline)."""
    return [row for row in rows if _has_dates(row)]


@register.filter
def undated(rows: Any) -> list[Any]:
    """The portfolio rows whose initiative has neither a start nor a target date."""
    return [row for row in rows if not _has_dates(row)]
