"""The why-check app's charts, drawn with the core chart kit: an initiative's agreement score over
time, each round's point coloured by its verdict."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core import charts
from tandem.core.charts import Axis, Key, Places, Series
from tandem.core.numbers import fixed
from tandem.whycheck.models import Verdict, WhyCheck

VERDICT_COLOURS: dict[str, str] = {
    Verdict.ALIGNED: charts.OK,
    Verdict.PARTIAL: charts.WARN,
    Verdict.MISALIGNED: charts.BAD,
}


def _day(round_: WhyCheck) -> str:
    return date_format(localtime(round_.scored_at))


def score_chart(rounds: Sequence[WhyCheck], chart_id: str) -> SafeString:
    """The agreement score of the scored rounds over time, a point per round coloured by verdict;
    the empty string before any round is scored."""
    points = sorted(
        (r for r in rounds if r.scored_at is not None and r.score is not None),
        key=lambda r: (r.scored_at, r.pk),
    )
    if not points:
        return charts.EMPTY
    days = [_day(r) for r in points]
    latest = points[-1]
    desc = ngettext(
        "One scored round, on %(last)s: %(score)s (%(verdict)s).",
        "%(n)s scored rounds from %(first)s to %(last)s; the latest scored %(score)s (%(verdict)s).",
        len(points),
    ) % {
        "n": len(points),
        "first": days[0],
        "last": days[-1],
        "score": fixed(latest.score or 0.0, 2),
        "verdict": latest.get_verdict_display(),
    }
    score = Series(
        _("Agreement score"),
        tuple(r.score for r in points),
        charts.BRAND,
        notes=tuple(
            f"{day}: {fixed(r.score or 0.0, 2)} ({r.get_verdict_display()})"
            for day, r in zip(days, points, strict=True)
        ),
        point_colours=tuple(VERDICT_COLOURS.get(r.verdict, charts.MUTED) for r in points),
    )
    return charts.line_chart(
        chart_id,
        _("Agreement score over time"),
        desc,
        places=Places(
            _("Date scored"),
            charts.spread([r.scored_at.timestamp() for r in points]),  # type: ignore[union-attr]
            tuple(day if i in (0, len(days) - 1) else "" for i, day in enumerate(days)),
        ),
        axis=Axis(_("Agreement, from 0 (nothing in common) to 1 (the same)"), 0.0, 1.0, (0.0, 0.5, 1.0)),
        series=[score],
        keys=[Key(str(Verdict(verdict).label), colour) for verdict, colour in VERDICT_COLOURS.items()],
    )
