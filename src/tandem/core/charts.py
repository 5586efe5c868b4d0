"""The frame every server-rendered SVG chart shares: accessible (a title and a description the chart
is labelled by) and CSP-safe (presentation attributes only, no inline style or script)."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString


def svg_chart(
    chart_id: str, title: str, desc: str, body: SafeString, *, height: int, view_box: str = ""
) -> SafeString:
    """``body`` (already escaped SVG) inside an ``<svg>`` with ``<title>`` and ``<desc>``."""
    box = format_html(' viewBox="{}"', view_box) if view_box else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{}"{} role="img" '
        'aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        height,
        box,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )
