"""Template helpers of the survey pages: the gap in words, and the charts (distribution bars, the
business and IT side by side, the maturity radar, trend lines) drawn by ``tandem.surveys.charts``."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from tandem.core.numbers import fixed
from tandem.surveys import charts
from tandem.surveys.labels import EFFECT_WORDS, shipped
from tandem.surveys.models import CampaignStatus
from tandem.surveys.results import Comparison, GroupResult, ItemResult

register = template.Library()


@register.filter
def p_text(p_value: float | None) -> str:
    """A p-value as people read it: "p < 0.001", "p = 0.01", "p = 0.42" (in Dutch "p < 0,001")."""
    if p_value is None:
        return ""
    if p_value < 0.001:
        return f"p < {fixed(0.001, 3)}"
    return f"p = {fixed(p_value, 3)}" if p_value < 0.01 else f"p = {fixed(p_value, 2)}"


@register.filter
def gap_sentence(comparison: Comparison | None) -> str:
    """ "IT rates this 0.8 lower than the business (medium difference, p = 0.01)."""
    if comparison is None:
        return ""
    gap = comparison.gap
    effect = EFFECT_WORDS.get(comparison.effect, comparison.effect)
    if abs(gap) < 0.05:
        head = _("IT and the business rate this the same on average")
    elif gap < 0:
        head = _("IT rates this %(gap)s lower than the business") % {"gap": fixed(-gap, 1)}
    else:
        head = _("IT rates this %(gap)s higher than the business") % {"gap": fixed(gap, 1)}
    if comparison.p_value is None:  # a criterion or the overall level: no test of its own
        return f"{head} ({effect})."
    return f"{head} ({effect}, {p_text(comparison.p_value)})."


@register.filter
def chance_text(comparison: Comparison | None) -> str:
    """What the p-value means, in plain words."""
    if comparison is None or comparison.p_value is None:
        return ""
    if comparison.p_value < 0.05:
        return _("A difference this size is unlikely to be chance.")
    return _("A difference this size could well be chance.")


@register.filter
def side_of(item: ItemResult, key: str) -> GroupResult | None:
    return item.side(key)


@register.filter
def get(mapping: dict[str, object] | None, key: str) -> object:
    return (mapping or {}).get(key)


register.simple_tag(charts.distribution_chart)
register.simple_tag(charts.sides_chart)
register.simple_tag(charts.maturity_radar)
register.simple_tag(charts.trend_chart)


@register.filter
def status_label(status: str) -> str:
    return str(CampaignStatus(status).label) if status in CampaignStatus.values else status


register.filter("shipped", shipped)
