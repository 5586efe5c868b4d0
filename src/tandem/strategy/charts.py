"""The strategy app's charts, drawn with the core chart kit: the history of a key result's check-ins."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from tandem.core import charts
from tandem.core.charts import Axis, Band, Places, Rule, Series
from tandem.core.numbers import number
from tandem.strategy.models import CheckIn, KeyResult
from tandem.strategy.progress import Direction


def _day(check_in: CheckIn) -> str:
    return date_format(localtime(check_in.created_at))


def _value_axis(key_result: KeyResult, values: Sequence[float]) -> Axis:
    """An axis wide enough for every value, the baseline, the target and any band, with some air."""
    scale = [*values, key_result.baseline, key_result.target]
    if key_result.direction == Direction.WITHIN:
        scale += [v for v in (key_result.band_min, key_result.band_max) if v is not None]
    low, high = min(scale), max(scale)
    pad = (high - low) * 0.12 or 1.0
    title = f"{key_result.metric} ({key_result.unit})" if key_result.unit else key_result.metric
    return Axis.nice(title, low - pad, high + pad)


def check_in_chart(check_ins: Sequence[CheckIn], key_result: KeyResult, chart_id: str) -> SafeString:
    """The check-in values over time as a line, with the baseline, the target (or band) drawn in;
    the empty string when there is no check-in."""
    points = sorted(check_ins, key=lambda c: (c.created_at, c.pk))
    if not points:
        return charts.EMPTY
    values = [c.value for c in points]
    days = [_day(c) for c in points]
    title = _("History of %(metric)s") % {"metric": key_result.metric}
    desc = _("%(n)s check-ins from %(first)s to %(last)s; latest value %(value)s; target %(target)s.") % {
        "n": len(points),
        "first": days[0],
        "last": days[-1],
        "value": number(values[-1]),
        "target": number(key_result.target),
    }
    band_min, band_max = key_result.band_min, key_result.band_max
    within = key_result.direction == Direction.WITHIN and band_min is not None and band_max is not None
    return charts.line_chart(
        chart_id,
        title,
        desc,
        places=Places(
            _("Date of the check-in"),
            charts.spread([c.created_at.timestamp() for c in points]),
            tuple(day if i in (0, len(days) - 1) else "" for i, day in enumerate(days)),
        ),
        axis=_value_axis(key_result, values),
        series=[
            Series(
                _("Check-in value"),
                tuple(values),
                charts.BRAND,
                notes=tuple(f"{day}: {number(v)}" for day, v in zip(days, values, strict=True)),
            )
        ],
        rules=[
            Rule(_("baseline"), key_result.baseline, charts.MUTED, dash="2 4"),
            Rule(_("target"), key_result.target, charts.OK),
        ],
        bands=[Band(_("range to stay within"), band_min or 0, band_max or 0)] if within else [],
    )
