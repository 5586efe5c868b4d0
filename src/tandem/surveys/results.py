"""The results of a campaign, with the anonymity threshold applied: the one place that decides
what may be shown. The results page, the printable report, the CSV and XLSX exports, the trend
and the API all read a ``CampaignResults`` and nothing else, so suppression holds the same way
everywhere.

A question's figures come from its answers; a maturity criterion's and the overall level's come
from the figures of their questions alone (``_derived``), so that no combination of figures
isolates a respondent who skipped a question. The threshold is the campaign's own, fixed once it
has closed (``Campaign.threshold``), so a campaign is never shown under two thresholds.

Results exist only for a closed campaign. While it is open, two looks at the results a response
apart would show that one response by difference; so an open campaign shows how many have
answered, nothing more.

Nothing here reads the database: ``selectors.campaign_results`` reads the rows and hands them to
``campaign_results_from``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from statistics import fmean
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.models import Department, Side
from tandem.core.numbers import fixed
from tandem.surveys import stats
from tandem.surveys.labels import EFFECT_WORDS, shipped
from tandem.surveys.models import (
    CHOICE_KINDS,
    SCALES,
    Campaign,
    Question,
    QuestionKind,
    SurveyResponse,
)
from tandem.surveys.suppression import Published, publishable

SIDES: tuple[str, ...] = (Side.BUSINESS, Side.IT, Side.PARTNER)
OVERALL_KEY = "overall"


@dataclass(frozen=True)
class GroupResult:
    """The figures of one group for one item, or ``suppressed`` (then every figure is None)."""

    key: str  # "all", a side, or "department:<id>"
    label: str
    suppressed: bool
    n: int | None = None
    mean: float | None = None
    sd: float | None = None
    # (option or scale value, count) in the order of the scale or the choices.
    distribution: tuple[tuple[str, int], ...] | None = None


@dataclass(frozen=True)
class Comparison:
    """IT against the business on one item (both groups shown). A criterion and the overall level
    are compared on their parts' figures alone: the gap of the means and the mean of the parts'
    rank-biserial correlations, with no test of their own (``u``, ``p_value`` and ``cohens_d`` None)."""

    gap: float  # IT mean minus business mean
    u: float | None
    p_value: float | None
    rank_biserial: float  # positive: IT tends to answer higher
    effect: str  # negligible, small, medium, large
    cohens_d: float | None


@dataclass(frozen=True)
class ItemResult:
    """A question, a maturity criterion or the overall maturity level."""

    key: str  # "q<id>", "criterion:<name>", "overall"
    label: str
    kind: str  # a QuestionKind, "criterion" or "overall"
    help_text: str
    overall: GroupResult
    sides: tuple[GroupResult, ...]
    departments: tuple[GroupResult, ...]
    hidden_departments: bool  # some departments answered but cannot be shown
    excluded_sides: tuple[str, ...]  # sides left out of every figure (under the threshold)
    comparison: Comparison | None = None
    # Free text: the answers of each shown side, and of everyone when the total is shown.
    texts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.kind in SCALES or self.kind in ("criterion", OVERALL_KEY)

    def side(self, key: str) -> GroupResult | None:
        return next((g for g in self.sides if g.key == key), None)


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    threshold: int
    available: bool  # closed and enough responses
    invited: int
    responses: int
    counts: tuple[GroupResult, ...]  # responses per side (suppressed where needed)
    items: tuple[ItemResult, ...] = ()
    criteria: tuple[ItemResult, ...] = ()
    maturity: ItemResult | None = None
    text_analyses: dict[str, dict[str, Any]] = field(default_factory=dict)
    reason: str = ""

    @property
    def gaps(self) -> list[ItemResult]:
        """Numeric items with a comparison, the widest gap first."""
        compared = [i for i in (*self.items, *self.criteria) if i.comparison is not None and i.numeric]
        return sorted(compared, key=lambda i: -abs(i.comparison.gap if i.comparison else 0))


# --- Building blocks --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    side: str
    department: int | None
    value: Any


def _side_label(side: str) -> str:
    return str(Side(side).label) if side in Side.values else side


def _cells(rows: Iterable[_Row]) -> dict[tuple[Hashable, Hashable], int]:
    return dict(Counter((r.side, r.department) for r in rows))


def _distribution(kind: str, values: Sequence[Any], choices: Sequence[str]) -> tuple[tuple[str, int], ...]:
    if kind in CHOICE_KINDS:
        counts: Counter[str] = Counter()
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        return tuple((shipped(choice), counts.get(choice, 0)) for choice in choices)
    scale = SCALES.get(kind, (1, 2, 3, 4, 5))
    summary = stats.describe([float(v) for v in values], scale)
    return tuple((str(k), count) for k, count in summary.distribution.items())


def _group(
    key: str, label: str, rows: Sequence[_Row], kind: str, choices: Sequence[str], shown: bool
) -> GroupResult:
    if not shown:
        return GroupResult(key=key, label=label, suppressed=True)
    values = [r.value for r in rows]
    if kind == QuestionKind.TEXT:
        return GroupResult(key=key, label=label, suppressed=False, n=len(values))
    distribution = _distribution(kind, values, choices)
    if kind in CHOICE_KINDS:
        return GroupResult(key=key, label=label, suppressed=False, n=len(values), distribution=distribution)
    summary = stats.describe([float(v) for v in values], SCALES.get(kind))
    return GroupResult(
        key=key,
        label=label,
        suppressed=False,
        n=summary.n,
        mean=summary.mean,
        sd=summary.sd,
        distribution=distribution,
    )


def _compare(rows: Sequence[_Row], sides: Mapping[str, GroupResult]) -> Comparison | None:
    it, business = sides.get(Side.IT), sides.get(Side.BUSINESS)
    if it is None or business is None or it.suppressed or business.suppressed:
        return None
    if it.mean is None or business.mean is None:
        return None
    x = [float(r.value) for r in rows if r.side == Side.IT]
    y = [float(r.value) for r in rows if r.side == Side.BUSINESS]
    test = stats.mann_whitney_u(x, y)
    return Comparison(
        gap=it.mean - business.mean,
        u=test.u,
        p_value=test.p_value,
        rank_biserial=test.rank_biserial,
        effect=stats.effect_label(test.rank_biserial),
        cohens_d=stats.cohens_d(x, y),
    )


def item_result(
    *,
    key: str,
    label: str,
    kind: str,
    rows: Sequence[_Row],
    threshold: int,
    departments: Mapping[int, Department],
    choices: Sequence[str] = (),
    help_text: str = "",
) -> ItemResult:
    """The figures of one item, every group checked by ``suppression.publishable``."""
    published: Published = publishable(_cells(rows), threshold)
    included = [r for r in rows if r.side not in published.excluded]
    by_side = {
        side: _group(
            side,
            _side_label(side),
            [r for r in included if r.side == side],
            kind,
            choices,
            published.side(side),
        )
        for side in SIDES
        if any(r.side == side for r in rows)
    }
    shown_departments = sorted(
        (d for d in published.departments if isinstance(d, int) and d in departments),
        key=lambda d: departments[d].name.casefold(),
    )
    department_groups = tuple(
        _group(
            f"department:{d}",
            departments[d].name,
            [r for r in included if r.department == d],
            kind,
            choices,
            True,
        )
        for d in shown_departments
    )
    answered_departments = {r.department for r in included if r.department is not None}
    texts: dict[str, tuple[str, ...]] = {}
    if kind == QuestionKind.TEXT and published.total:
        texts["all"] = tuple(sorted(str(r.value) for r in included))
        for side, group in by_side.items():
            if not group.suppressed:
                texts[side] = tuple(sorted(str(r.value) for r in included if r.side == side))
    return ItemResult(
        key=key,
        label=label,
        kind=kind,
        help_text=help_text,
        overall=_group("all", _("Everyone"), included, kind, choices, published.total),
        sides=tuple(by_side.values()),
        departments=department_groups,
        hidden_departments=bool(answered_departments - set(shown_departments)) and published.total,
        excluded_sides=tuple(sorted(str(s) for s in published.excluded)),
        comparison=_compare(included, by_side)
        if kind in SCALES or kind in ("criterion", OVERALL_KEY)
        else None,
        texts=texts,
    )


def _derived(key: str, label: str, kind: str, parts: Sequence[ItemResult]) -> ItemResult:
    """A criterion (from its questions) or the overall level (from the criteria), computed from the
    figures ``parts`` show and from nothing else: per group, the mean of the parts' means, shown
    only where the group is shown in every part that anyone answered.

    Computed from the responses instead (each respondent's mean over the questions they answered),
    it would reveal people by difference: a respondent who skips one of two questions counts in
    the criterion with the other answer alone, so twice the criterion's sum minus the two
    questions' sums is that answer. A figure that follows from shown figures reveals nothing more.
    It has no distribution, spread or test of its own for the same reason; ``n`` is the most
    answers any of its parts had."""
    parts = [p for p in parts if p.sides]  # a question nobody answered has no figures to take
    departments = {g.key: g.label for p in parts for g in p.departments}

    def group(group_key: str, label: str, figures: Sequence[GroupResult | None]) -> GroupResult:
        if not figures or any(g is None or g.suppressed or g.mean is None for g in figures):
            return GroupResult(key=group_key, label=label, suppressed=True)
        shown = [g for g in figures if g is not None]
        return GroupResult(
            key=group_key,
            label=label,
            suppressed=False,
            n=max(g.n or 0 for g in shown),
            mean=fmean(g.mean for g in shown if g.mean is not None),
        )

    def department(p: ItemResult, key: str) -> GroupResult | None:
        return next((g for g in p.departments if g.key == key), None)

    sides = tuple(
        group(side, _side_label(side), [p.side(side) for p in parts])
        for side in SIDES
        if any(p.side(side) is not None for p in parts)
    )
    shown = (group(d, name, [department(p, d) for p in parts]) for d, name in departments.items())
    shown_departments = tuple(g for g in shown if not g.suppressed)
    by_side = {g.key: g for g in sides}
    return ItemResult(
        key=key,
        label=label,
        kind=kind,
        help_text="",
        overall=group("all", _("Everyone"), [p.overall for p in parts]),
        sides=sides,
        departments=tuple(sorted(shown_departments, key=lambda g: g.label.casefold())),
        hidden_departments=any(p.hidden_departments for p in parts)
        or len(shown_departments) < len(departments),
        excluded_sides=tuple(sorted({s for p in parts for s in p.excluded_sides})),
        comparison=_derived_comparison(parts, by_side),
    )


def _derived_comparison(parts: Sequence[ItemResult], sides: Mapping[str, GroupResult]) -> Comparison | None:
    """IT against the business on a derived item: the gap of its means, and the mean of its
    parts' rank-biserial correlations as its effect (every part compared, or no comparison)."""
    it, business = sides.get(Side.IT), sides.get(Side.BUSINESS)
    if it is None or business is None or it.mean is None or business.mean is None:
        return None
    compared = [p.comparison for p in parts]
    if not compared or any(c is None for c in compared):
        return None
    effect = fmean(c.rank_biserial for c in compared if c is not None)
    return Comparison(
        gap=it.mean - business.mean,
        u=None,
        p_value=None,
        rank_biserial=effect,
        effect=stats.effect_label(effect),
        cohens_d=None,
    )


def _maturity(
    items: Mapping[str, ItemResult], questions: Sequence[Question]
) -> tuple[tuple[ItemResult, ...], ItemResult | None]:
    """The maturity criteria (each from its scored questions) and the overall level (from the
    criteria), from the questions' shown figures (``_derived``)."""
    by_criterion: dict[str, list[ItemResult]] = {}
    for q in questions:
        if q.criterion and q.kind in SCALES:
            by_criterion.setdefault(q.criterion, []).append(items[q.field_name])
    if not by_criterion:
        return (), None
    criteria = tuple(
        _derived(f"criterion:{name}", shipped(name), "criterion", parts)
        for name, parts in by_criterion.items()
    )
    level = _derived(OVERALL_KEY, _("Overall alignment maturity"), OVERALL_KEY, criteria)
    return criteria, level


# --- The results of a campaign ------------------------------------------------------------------------------


def campaign_results_from(
    *,
    campaign: Campaign,
    invited: int,
    responses: Sequence[SurveyResponse],
    departments: Mapping[int, Department],
    questions: Sequence[Question],
    analyses: dict[str, dict[str, Any]],
) -> CampaignResults:
    """Everything that may be shown about a campaign, suppression applied, from rows already read
    (``selectors.campaign_results`` reads them), at the campaign's own threshold."""
    threshold = campaign.threshold
    base = partial(
        CampaignResults, campaign=campaign, threshold=threshold, invited=invited, responses=len(responses)
    )
    if not campaign.is_closed:
        return base(
            available=False,
            counts=(),
            reason=_(
                "Results appear when the campaign closes, so that no single response can be worked out."
            ),
        )
    count_rows = [_Row(r.side, r.department_id, 1) for r in responses]
    counts_item = item_result(
        key="responses",
        label=_("Responses"),
        kind=QuestionKind.TEXT,
        rows=count_rows,
        threshold=threshold,
        departments={},
    )
    if counts_item.overall.suppressed:
        return base(
            available=False,
            counts=(),
            reason=_(
                "Fewer than %(n)s responses: no result can be shown without risking someone's anonymity."
            )
            % {"n": threshold},
        )
    items = [_question_item(q, responses, threshold, departments) for q in questions]
    criteria, maturity = _maturity({i.key: i for i in items}, questions)
    return base(
        available=True,
        counts=(counts_item.overall, *counts_item.sides),
        items=tuple(items),
        criteria=criteria,
        maturity=maturity,
        text_analyses=analyses,
    )


def _question_item(
    question: Question,
    responses: Sequence[SurveyResponse],
    threshold: int,
    departments: Mapping[int, Department],
) -> ItemResult:
    key = str(question.pk)
    rows = [
        _Row(r.side, r.department_id, r.answers[key])
        for r in responses
        if key in r.answers and r.answers[key] not in (None, "", [])
    ]
    return item_result(
        key=question.field_name,
        label=shipped(question.text),
        kind=question.kind,
        rows=rows,
        threshold=threshold,
        departments=departments,
        choices=question.choices,
        help_text=shipped(question.help_text),
    )


def texts_waiting(data: CampaignResults) -> list[ItemResult]:
    """The free-text items shown in the results that have no current grouping by meaning yet."""
    if not data.available:
        return []
    return [
        item
        for item in data.items
        if item.kind == QuestionKind.TEXT and item.texts.get("all") and item.key not in data.text_analyses
    ]


@dataclass(frozen=True)
class TrendPoint:
    campaign: Campaign
    overall: float | None
    business: float | None
    it: float | None


def trends_from(results: Sequence[CampaignResults]) -> dict[str, list[TrendPoint]]:
    """Every numeric item (question ``q<id>``, criterion, overall level) across the results of the
    closed campaigns of one template, in the order given; each point obeys its own campaign's
    suppression."""
    trends: dict[str, list[TrendPoint]] = {}
    closed = [r.campaign for r in results]
    for index, data in enumerate(results):
        for item in (*data.items, *data.criteria, data.maturity):
            if item is None or not item.numeric:
                continue
            business, it = item.side(Side.BUSINESS), item.side(Side.IT)
            points = trends.setdefault(item.key, [TrendPoint(c, None, None, None) for c in closed[:index]])
            points.append(
                TrendPoint(
                    data.campaign,
                    item.overall.mean,
                    business.mean if business else None,
                    it.mean if it else None,
                )
            )
        for points in trends.values():
            if len(points) < index + 1:
                points.append(TrendPoint(data.campaign, None, None, None))
    return trends


# --- Reading the results: the words of a difference, the group types, the heatmap --------------------------

# Below this p-value the test says a difference is unlikely to be chance.
SIGNIFICANCE = 0.05

DIFFERENCE_LEVELS = ("same", "chance", "small", "medium", "large")
DIFFERENCE_WORDS = {
    "same": gettext_lazy("about the same"),
    "chance": gettext_lazy("no clear difference"),
    "small": EFFECT_WORDS["small"],
    "medium": EFFECT_WORDS["medium"],
    "large": EFFECT_WORDS["large"],
}


@dataclass(frozen=True)
class Difference:
    """How IT and the business differ on one item, as every page, chart and file words it.

    ``level`` is "same" (a negligible effect size), "chance" (a larger effect that the test says
    could well be chance), or the effect size ("small", "medium", "large") of a difference the
    test says is unlikely to be chance; a criterion or the overall level has no test of its own,
    so its level is its effect size alone."""

    level: str
    words: str
    gap: float  # IT mean minus business mean
    p_value: float | None

    @property
    def real(self) -> bool:
        """True when the words say the two sides differ (not "same", not "chance")."""
        return self.level not in ("same", "chance")


def difference_of(comparison: Comparison | None) -> Difference | None:
    """The one place that decides the words of a difference, from the effect size and the test."""
    if comparison is None:
        return None
    if comparison.effect == "negligible":
        level = "same"
    elif comparison.p_value is not None and comparison.p_value >= SIGNIFICANCE:
        level = "chance"
    else:
        level = comparison.effect if comparison.effect in DIFFERENCE_WORDS else "large"
    return Difference(level, str(DIFFERENCE_WORDS[level]), comparison.gap, comparison.p_value)


def p_text(p_value: float | None) -> str:
    """A p-value as people read it: "p < 0.001", "p = 0.01", "p = 0.42" (in Dutch "p < 0,001")."""
    if p_value is None:
        return ""
    if p_value < 0.001:
        return f"p < {fixed(0.001, 3)}"
    return f"p = {fixed(p_value, 3)}" if p_value < 0.01 else f"p = {fixed(p_value, 2)}"


def difference_sentence(comparison: Comparison | None) -> str:
    """ "IT rates this 0.8 lower than the business (medium difference, p = 0.01)." in words that
    always agree with ``difference_of``: "the same" only for a negligible effect, a direction
    only for a gap that shows at one decimal."""
    difference = difference_of(comparison)
    if difference is None:
        return ""
    gap = difference.gap
    if difference.level == "same":
        head = _("IT and the business rate this the same on average")
    elif round(abs(gap), 1) == 0:
        head = _("IT and the business have the same mean but answer differently")
    elif gap < 0:
        head = _("IT rates this %(gap)s lower than the business") % {"gap": fixed(-gap, 1)}
    else:
        head = _("IT rates this %(gap)s higher than the business") % {"gap": fixed(gap, 1)}
    if difference.level == "same":
        return f"{head} ({p_text(difference.p_value)})." if difference.p_value is not None else f"{head}."
    if difference.p_value is None:  # a criterion or the overall level: no test of its own
        return f"{head} ({difference.words})."
    return f"{head} ({difference.words}, {p_text(difference.p_value)})."


def chance_sentence(comparison: Comparison | None) -> str:
    """What the test means in plain words, in agreement with ``difference_of``."""
    difference = difference_of(comparison)
    if difference is None or difference.p_value is None or difference.level == "same":
        return ""
    if difference.level == "chance":
        return _("A difference this size could well be chance.")
    return _("A difference this size is unlikely to be chance.")


GROUP_TYPES = {
    "everyone": gettext_lazy("everyone"),
    "side": gettext_lazy("side"),
    "department": gettext_lazy("department"),
}


def group_type(group: GroupResult) -> str:
    """ "everyone", "side" or "department": what kind of group ``group`` is (a department may
    share its name with a side, "IT" say)."""
    if group.key == "all":
        return "everyone"
    return "department" if group.key.startswith("department:") else "side"


HEAT_STEPS = 5  # the colour steps of the heatmap, from the bottom of the scale to the top


@dataclass(frozen=True)
class HeatColumn:
    key: str
    label: str
    type: str  # everyone, side, department


@dataclass(frozen=True)
class HeatCell:
    """One group's mean on one item: ``state`` "shown" (with the mean and its colour step),
    "hidden" (suppressed, or a department not shown for this item) or "none" (nobody of that
    side answered it)."""

    state: str
    mean: float | None = None
    step: int | None = None  # 0 (the bottom of the scale) to HEAT_STEPS - 1 (the top)
    n: int | None = None


@dataclass(frozen=True)
class HeatRow:
    item: ItemResult
    number: int  # the question's number on the page
    low: int
    high: int
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Heatmap:
    columns: tuple[HeatColumn, ...]
    rows: tuple[HeatRow, ...]


def _heat_cell(group: GroupResult | None, low: int, high: int, *, absent: str) -> HeatCell:
    if group is None:
        return HeatCell(absent)
    if group.suppressed or group.mean is None:
        return HeatCell("hidden")
    share = (group.mean - low) / (high - low) if high > low else 0.5
    step = min(HEAT_STEPS - 1, max(0, int(share * HEAT_STEPS)))
    return HeatCell("shown", group.mean, step, group.n)


def heatmap(data: CampaignResults) -> Heatmap:
    """The mean of every scaled question by every group (everyone, the sides, the departments
    shown for any question), from the figures the results show and nothing else: a department
    not shown for a question is "hidden" whether it answered or not."""
    numbered = [(n, item) for n, item in enumerate(data.items, start=1) if item.kind in SCALES]
    sides = [s for s in SIDES if any(item.side(s) is not None for _n, item in numbered)]
    departments: dict[str, str] = {}
    for _n, item in numbered:
        departments.update((g.key, g.label) for g in item.departments)
    columns = (
        HeatColumn("all", _("Everyone"), "everyone"),
        *(HeatColumn(s, _side_label(s), "side") for s in sides),
        *(
            HeatColumn(key, label, "department")
            for key, label in sorted(departments.items(), key=lambda kv: kv[1].casefold())
        ),
    )
    rows = []
    for number, item in numbered:
        scale = SCALES[item.kind]
        low, high = scale[0], scale[-1]
        by_key = {g.key: g for g in item.departments}
        cells = [_heat_cell(item.overall, low, high, absent="hidden")]
        cells += [_heat_cell(item.side(s), low, high, absent="none") for s in sides]
        cells += [
            _heat_cell(by_key.get(c.key), low, high, absent="hidden")
            for c in columns
            if c.type == "department"
        ]
        rows.append(HeatRow(item, number, low, high, tuple(cells)))
    return Heatmap(columns, tuple(rows))


def question_gaps(data: CampaignResults) -> list[ItemResult]:
    """The scaled questions that compare IT and the business, widest gap (as a share of the
    question's scale) first."""
    compared = [i for i in data.items if i.kind in SCALES and i.comparison is not None]

    def width(item: ItemResult) -> float:
        scale = SCALES[item.kind]
        return abs(item.comparison.gap if item.comparison else 0) / (scale[-1] - scale[0])

    return sorted(compared, key=lambda i: -width(i))


def suppression_notes(data: CampaignResults) -> dict[str, bool]:
    """What the one note at the top of the results must mention: some group hidden somewhere,
    departments left out, a side left out of every figure."""
    items = [*data.items, *data.criteria]
    groups = [g for i in items for g in (i.overall, *i.sides)]
    return {
        "hidden_groups": any(g.suppressed for g in (*groups, *data.counts)),
        "hidden_departments": any(i.hidden_departments for i in items),
        "excluded_sides": any(i.excluded_sides for i in items),
    }
