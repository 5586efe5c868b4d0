"""Template helpers of the alignment pages: index figures in words, and the initiative's index
for its page (``insights/_initiative_link.html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from tandem.core.numbers import number
from tandem.insights import access, selectors

register = template.Library()

# Where the index reads as aligned, as needing attention, or as off track (0-100).
ALIGNED_FROM = 75
ATTENTION_FROM = 50


@register.filter
def points(value: float | None) -> str:
    """A figure out of 100 as people read it: whole above 10, one decimal below; "–" for none."""
    if value is None:
        return "–"
    value = float(value)
    return number(round(value) if abs(value) >= 10 else round(value, 1))


@register.filter
def signed(value: float | None) -> str:
    """A change in index points with its sign: +2.5, −0.3, ±0; "–" for none."""
    if value is None:
        return "–"
    value = round(float(value), 1)
    if value == 0:
        return "±0"
    return ("+" if value > 0 else "−") + number(abs(value))


@register.filter
def band(value: float | None) -> str:
    """The band of an index figure: "ok", "warn", "bad" (a badge's colour), or "muted" for none."""
    if value is None:
        return "muted"
    return "ok" if value >= ALIGNED_FROM else "warn" if value >= ATTENTION_FROM else "bad"


@register.filter
def band_label(value: float | None) -> str:
    """The band of an index figure in words."""
    if value is None:
        return _("no data")
    if value >= ALIGNED_FROM:
        return _("aligned")
    return _("needs attention") if value >= ATTENTION_FROM else _("off track")


@register.filter
def component_label(breakdown: Any, key: str) -> str:
    """The label of component ``key`` in ``breakdown`` (the key itself when unknown)."""
    found = breakdown.component(key) if breakdown is not None else None
    return str(found.label) if found is not None else key


@register.simple_tag(takes_context=True)
def initiative_index(context: template.Context, initiative: Any) -> float | None:
    """The live index of ``initiative`` for the page's member; ``None`` for partners (they do not
    see the index) and when nothing measures the initiative."""
    request = context.get("request")
    membership = getattr(request, "membership", None)
    if membership is None or initiative is None or not access.can_read(membership):
        return None
    return selectors.initiative_index(membership.organization, initiative.pk)


@register.filter
def lost(value: float | None) -> float | None:
    """The points an index figure lost: 100 minus it."""
    return None if value is None else 100.0 - float(value)
