"""Template helpers of the governance pages: one cell of the RACI editor, drawn in Python because
a matrix has hundreds of them (a template loop per option costs more than the rest of the page)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tandem.governance.models import RaciActivity
from tandem.governance.selectors import MatrixColumn

register = template.Library()

CHOICES = ("", "R", "A", "C", "I")


@register.simple_tag
def raci_cell(
    activity: RaciActivity, column: MatrixColumn, letter: str, editable: bool, own: set[int] | None = None
) -> SafeString:
    """A cell's choice (empty, R, A, C, I), labelled by its activity and column for screen readers
    and the keyboard; the letter alone when the reader may not edit it (a partner edits only the
    columns in ``own``, their party's)."""
    if not editable and column.column.pk not in (own or ()):
        return format_html("<strong>{}</strong>", letter)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == letter else "", value or "–") for value in CHOICES),
    )
    return format_html(
        '<select name="cell-{}-{}" aria-label="{} — {}">{}</select>',
        activity.pk,
        column.column.pk,
        activity.name,
        column.label,
        options,
    )
