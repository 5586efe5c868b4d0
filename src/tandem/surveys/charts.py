"""The survey app's charts, drawn with the core chart kit: the distribution of answers, the business
and IT answers side by side, the gap between them question by question, the maturity radar and the
trend across campaigns. The pages also show every figure as a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.core import charts
from tandem.core.charts import Axis, Bar, Gap, Key, Pair, Places, Series
from tandem.core.models import Side
from tandem.core.numbers import fixed, number
from tandem.surveys.models import SCALES
from tandem.surveys.results import GroupResult, ItemResult, TrendPoint, difference_of

SCALE_LOW, SCALE_HIGH = 1.0, 5.0
# The maturity levels the radar's rings stand for, 1 to 5 (Luftman's strategic alignment maturity).
LEVEL_WORDS = (
    pgettext_lazy("maturity level", "initial"),
    pgettext_lazy("maturity level", "committed"),
    pgettext_lazy("maturity level", "established"),
    pgettext_lazy("maturity level", "improved"),
    pgettext_lazy("maturity level", "optimised"),
)


def _shares(group: GroupResult) -> dict[str, float]:
    """Each answer option's share of the group's answers."""
    distribution = group.distribution or ()
    total = sum(count for _option, count in distribution) or 1
    return {option: count / total for option, count in distribution}


def _share_axis() -> Axis:
    return Axis(_("Share of answers"), 0.0, 1.0, (0.0, 0.5, 1.0), charts.percent)


def distribution_chart(group: GroupResult, chart_id: str, label: str = "") -> SafeString:
    """A bar per answer option, its length the share of the group's answers; the empty string when
    the group is hidden or has no answer."""
    if group.suppressed or not group.distribution:
        return charts.EMPTY
    shares = _shares(group)
    return charts.bar_chart(
        chart_id,
        _("Distribution of answers: %(label)s") % {"label": label or group.label},
        "; ".join(f"{option}: {count}" for option, count in group.distribution),
        bars=[Bar(option, share) for option, share in shares.items()],
        axis=_share_axis(),
        category_title=_("Answer"),
    )


def sides_chart(item: ItemResult, chart_id: str) -> SafeString:
    """The business's and IT's answers to one item side by side, option by option (the business to
    the left); the empty string unless both sides are shown."""
    business, it = item.side(Side.BUSINESS), item.side(Side.IT)
    if business is None or it is None or business.suppressed or it.suppressed:
        return charts.EMPTY
    if not business.distribution or not it.distribution:
        return charts.EMPTY
    left, right = _shares(business), _shares(it)
    options = [option for option, _count in business.distribution]
    return charts.diverging_bar_chart(
        chart_id,
        _("Answers of the business and IT: %(label)s") % {"label": item.label},
        "; ".join(
            _("%(option)s: business %(business)s, IT %(it)s")
            % {"option": o, "business": charts.percent(left[o]), "it": charts.percent(right.get(o, 0.0))}
            for o in options
        ),
        pairs=[Pair(o, left[o], right.get(o, 0.0)) for o in options],
        axis=_share_axis(),
        category_title=_("Answer"),
    )


def maturity_radar(criteria: Sequence[ItemResult], chart_id: str) -> SafeString:
    """The criteria as spokes from 1 (centre) to 5 (rim), the business and IT levels overlaid.

    A side is drawn only when all its criteria are shown; the table beside has every figure."""
    drawn: list[Series] = []
    for side, label in ((Side.BUSINESS, _("Business")), (Side.IT, _("IT"))):
        means = [g.mean if (g := c.side(side)) is not None and not g.suppressed else None for c in criteria]
        if criteria and all(m is not None for m in means):
            drawn.append(
                Series(
                    label,
                    tuple(means),
                    charts.SIDE_COLOURS[side],
                    notes=tuple(
                        f"{label}, {c.label}: {fixed(m or 0.0, 1)}"
                        for c, m in zip(criteria, means, strict=True)
                    ),
                )
            )
    desc = "; ".join(
        f"{s.label}: "
        + ", ".join(f"{c.label} {fixed(m or 0, 1)}" for c, m in zip(criteria, s.values, strict=True))
        for s in drawn
    )
    return charts.radar_chart(
        chart_id,
        _("Maturity by criterion: IT and the business"),
        desc or _("Neither side can be drawn: some of their figures are hidden."),
        spokes=[c.label for c in criteria],
        axis=Axis(_("Level, from 1 (centre) to 5 (rim)"), SCALE_LOW, SCALE_HIGH, (1, 2, 3, 4, 5)),
        series=drawn,
        rings=[str(word) for word in LEVEL_WORDS],
    )


def _range(item: ItemResult) -> int:
    scale = SCALES.get(item.kind, (1, 2, 3, 4, 5))
    return scale[-1] - scale[0]


def question_gap_chart(items: Sequence[ItemResult], chart_id: str) -> SafeString:
    """IT against the business, question by question (``items`` in the order given): a bar
    leftwards where the business rates a question higher, rightwards where IT does, its length
    the gap of the means, and the words of the difference at the right. Gaps are in points of the
    answer scale when every question has the same scale, else in percent of each one's range.
    The empty string when no question compares the two sides."""
    compared = [i for i in items if i.comparison is not None and i.kind in SCALES]
    if not compared:
        return charts.EMPTY
    same_scale = len({_range(i) for i in compared}) == 1
    widest = max(abs(i.comparison.gap) / (1 if same_scale else _range(i)) for i in compared if i.comparison)
    if same_scale:
        limit = max(1.0, float(math.ceil(widest)))
        axis = Axis(
            _("Gap of the means, in points of the answer scale"),
            -limit,
            limit,
            charts.nice_ticks(-limit, limit),
            _signed,
        )
    else:
        limit = max(0.25, math.ceil(widest * 4) / 4)
        axis = Axis(
            _("Gap of the means, in percent of the answer scale"),
            -limit,
            limit,
            charts.nice_ticks(-limit, limit),
            lambda v: _signed(v * 100) + "%" if v else "0",
        )
    gaps = []
    for item in compared:
        difference = difference_of(item.comparison)
        if difference is None:  # not reached: every item here has a comparison
            continue
        value = difference.gap / (1 if same_scale else _range(item))
        business, it = item.side(Side.BUSINESS), item.side(Side.IT)
        note = _("%(question)s: business %(business)s, IT %(it)s (%(words)s)") % {
            "question": item.label,
            "business": fixed(business.mean or 0.0, 1) if business else "",
            "it": fixed(it.mean or 0.0, 1) if it else "",
            "words": difference.words,
        }
        gaps.append(Gap(item.label, value, note, difference.words))
    return charts.gap_chart(
        chart_id,
        _("Business and IT, question by question"),
        "; ".join(g.note for g in gaps),
        gaps=gaps,
        axis=axis,
        category_title=_("Question"),
        left=Key(_("The business rates it higher"), charts.BUSINESS),
        right=Key(_("IT rates it higher"), charts.IT),
    )


def _signed(value: float) -> str:
    """ "+0.5", "−1", "0": a gap with its direction."""
    if not value:
        return "0"
    text = number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}"


def trend_chart(
    points: Sequence[TrendPoint], chart_id: str, label: str, low: float = 1, high: float = 5
) -> SafeString:
    """The overall, business and IT means of one item across campaigns, oldest first; a hidden
    figure breaks its line. The empty string when no campaign has closed."""
    if not points:
        return charts.EMPTY
    groups = (
        (_("Everyone"), tuple(p.overall for p in points), charts.BRAND, "6 4"),
        (_("Business"), tuple(p.business for p in points), charts.BUSINESS, "none"),
        (_("IT"), tuple(p.it for p in points), charts.IT, "none"),
    )
    series = [
        Series(
            name,
            values,
            colour,
            dash,
            notes=tuple(_mean_text(name, p.campaign.title, v) for p, v in zip(points, values, strict=True)),
        )
        for name, values, colour, dash in groups
    ]
    desc = "; ".join(
        f"{p.campaign.title}: " + ", ".join(_mean_text(s.label, "", s.values[i]) for s in series)
        for i, p in enumerate(points)
    )
    return charts.line_chart(
        chart_id,
        _("Trend of %(label)s") % {"label": label},
        desc,
        places=Places(
            _("Campaign, by the month it opened"),
            charts.evenly(len(points)),
            tuple(date_format(p.campaign.opens_on, "YEAR_MONTH_FORMAT") for p in points),
        ),
        axis=Axis.nice(_("Mean answer"), low, high),
        series=series,
    )


def _mean_text(group: str, campaign: str, mean: float | None) -> str:
    figure = _("hidden") if mean is None else fixed(mean, 1)
    return f"{group}, {campaign}: {figure}" if campaign else f"{group} {figure}"
