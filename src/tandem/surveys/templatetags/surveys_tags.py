"""Template helpers of the survey pages: the gap in words (decided by ``results.difference_of``),
the heatmap and the notes of the results, and the charts (distribution bars, the business and IT
side by side and question by question, the maturity radar, trend lines) drawn by
``tandem.surveys.charts``."""

from __future__ import annotations

from django import template

from tandem.surveys import charts, results
from tandem.surveys.labels import shipped
from tandem.surveys.models import CampaignStatus
from tandem.surveys.results import Comparison, GroupResult, ItemResult

register = template.Library()


# The words of a difference are decided once, in ``results.difference_of``; these only show them.
p_text = register.filter("p_text", results.p_text)
gap_sentence = register.filter("gap_sentence", results.difference_sentence)
chance_text = register.filter("chance_text", results.chance_sentence)
heatmap = register.filter("heatmap", results.heatmap)
question_gaps = register.filter("question_gaps", results.question_gaps)
suppression_notes = register.filter("suppression_notes", results.suppression_notes)


@register.filter
def difference_words(comparison: Comparison | None) -> str:
    """ "large difference", "no clear difference", "about the same"; "" without a comparison."""
    difference = results.difference_of(comparison)
    return difference.words if difference else ""


@register.filter
def difference_level(comparison: Comparison | None) -> str:
    """same, chance, small, medium or large (for a class name); "" without a comparison."""
    difference = results.difference_of(comparison)
    return difference.level if difference else ""


@register.filter
def group_type_label(group: GroupResult) -> str:
    return str(results.GROUP_TYPES[results.group_type(group)])


@register.filter
def side_of(item: ItemResult, key: str) -> GroupResult | None:
    return item.side(key)


@register.filter
def get(mapping: dict[str, object] | None, key: str) -> object:
    return (mapping or {}).get(key)


register.simple_tag(charts.distribution_chart)
register.simple_tag(charts.sides_chart)
register.simple_tag(charts.maturity_radar)
register.simple_tag(charts.question_gap_chart)
register.simple_tag(charts.trend_chart)


@register.filter
def status_label(status: str) -> str:
    return str(CampaignStatus(status).label) if status in CampaignStatus.values else status


register.filter("shipped", shipped)
