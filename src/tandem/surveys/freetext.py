"""Free-text answers of a closed campaign grouped by meaning, and whether IT and the business tell
the same story.

It reads only what ``selectors.campaign_results`` publishes (the texts of everyone and of each shown
side), so the grouping never reveals more than the results page: a side that may not be shown
gives no counts and takes no part in the same-story score.

Raw cosines are each engine's own (unrelated answers score about 0.8 with e5 and ``combined``, near
0 with ``lexical``), so they are first mapped to [0, 1] between an engine's "nothing in common"
and "the same" levels; the grouping threshold and the same-story score work on that common scale.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.cache import org_changed
from tandem.core.models import Side
from tandem.core.numbers import fixed
from tandem.surveys import selectors  # which reads stored analyses through ``in_words``
from tandem.surveys.models import Campaign, QuestionKind, TextAnalysis
from tandem.surveys.results import ItemResult

# Raw cosines of two short phrases that mean different things / the same thing, per engine: the
# medians measured for measure names in the why-check calibration (docs/whycheck-scoring.md), the
# closest annotated material to short survey answers. An unknown engine (a test's fake) is taken at
# face value.
LEVELS: dict[str, tuple[float, float]] = {
    "combined": (0.8038, 0.9283),
    "e5": (0.8353, 0.9407),
    "use": (0.1795, 0.7582),
    "lexical": (0.01708, 0.5288),
}
FACE_VALUE = (0.0, 1.0)
# Two groups merge while their answers are on average at least this similar (calibrated scale).
# Chosen on the demo's answers with the default engine: at 0.5 only near-identical answers group
# (19 groups of 23 distinct answers); at 0.3 "involve IT early" phrasings form one theme of six.
GROUP_THRESHOLD = 0.3
MAX_THEMES = 8
MAX_EXAMPLES = 3
LABEL_LENGTH = 80
# Same-story score from which the sides count as telling the same story, or at least overlapping.
ALIKE_FROM = 0.8
PARTLY_FROM = 0.5
COMPARED = (Side.IT, Side.BUSINESS)

Matrix = npt.NDArray[np.float64]


class TextEmbedder(Protocol):
    name: str

    def embed(self, texts: Sequence[str]) -> npt.NDArray[Any]: ...


def calibrated_similarities(texts: Sequence[str], embedder: TextEmbedder) -> Matrix:
    """Every text against every text on the engine's calibrated [0, 1] scale."""
    if not texts:
        return np.zeros((0, 0))
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float64)
    low, high = LEVELS.get(embedder.name, FACE_VALUE)
    raw = vectors @ vectors.T
    scaled: Matrix = np.clip((raw - low) / (high - low), 0.0, 1.0)
    return scaled


def cluster(similarities: Matrix, threshold: float = GROUP_THRESHOLD) -> list[list[int]]:
    """Average-linkage agglomerative clustering: merge the two most similar groups (on average over
    their pairs) while that average reaches ``threshold``. Deterministic: ties go to the lowest
    indices. Groups come back largest first, members in input order."""
    n = len(similarities)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    # Sum of similarities between groups; the average is the sum over the product of sizes.
    sums = similarities.astype(np.float64).copy()
    np.fill_diagonal(sums, -np.inf)
    alive = np.ones(n, dtype=bool)
    sizes = np.ones(n)
    while len(groups) > 1:
        averages = sums / np.outer(sizes, sizes)
        averages[~alive, :] = -np.inf
        averages[:, ~alive] = -np.inf
        best = int(np.argmax(averages))
        a, b = divmod(best, n)
        if averages[a, b] < threshold:
            break
        a, b = min(a, b), max(a, b)
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sums[a, a] = -np.inf
        sizes[a] += sizes[b]
        alive[b] = False
        sums[b, :] = -np.inf
        sums[:, b] = -np.inf
        groups[a] = sorted(groups[a] + groups.pop(b))
    return sorted(groups.values(), key=lambda members: (-len(members), members[0]))


def shorten(text: str, length: int = LABEL_LENGTH) -> str:
    """The text cut at a word boundary to at most ``length`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0] or text[: length - 1]
    return cut.rstrip(" ,;:.") + "…"


def _central_first(members: list[int], similarities: Matrix) -> list[int]:
    """The members, the one most similar on average to the others first."""
    if len(members) == 1:
        return members
    block = similarities[np.ix_(members, members)]
    centrality = (block.sum(axis=1) - np.diag(block)) / (len(members) - 1)
    return [members[i] for i in sorted(range(len(members)), key=lambda i: (-centrality[i], i))]


def _mean_pairs(block: Matrix, *, within: bool) -> float:
    if within:
        n = len(block)
        return float((block.sum() - np.trace(block)) / (n * (n - 1)))
    return float(block.mean())


def same_story(similarities: Matrix, sides: Sequence[str | None]) -> float | None:
    """Mean cross-side (IT × business) similarity over the mean within-side similarity, in [0, 1].

    None unless both sides have at least two texts. The within-side figure is the mean of the two
    sides' means, so a larger side does not weigh more; when no two answers of a side have anything
    in common the ratio means nothing and is None.
    """
    it = [i for i, side in enumerate(sides) if side == Side.IT]
    business = [i for i, side in enumerate(sides) if side == Side.BUSINESS]
    if len(it) < 2 or len(business) < 2:
        return None
    within = (
        _mean_pairs(similarities[np.ix_(it, it)], within=True)
        + _mean_pairs(similarities[np.ix_(business, business)], within=True)
    ) / 2
    if within <= 1e-9:
        return None
    cross = _mean_pairs(similarities[np.ix_(it, business)], within=False)
    return float(np.clip(cross / within, 0.0, 1.0))


def _summary(score: float | None, texts: int, themes: int) -> str:
    if score is None:
        return ngettext(
            "%(texts)s answers in %(themes)s group.", "%(texts)s answers in %(themes)s groups.", themes
        ) % {"texts": texts, "themes": themes}
    values = {"score": fixed(score, 2)}
    if score >= ALIKE_FROM:
        return _("IT and the business describe it alike (same-story %(score)s).") % values
    if score >= PARTLY_FROM:
        return _("IT and the business describe it partly alike (same-story %(score)s).") % values
    return _("IT and the business describe it differently (same-story %(score)s).") % values


def _attribute(item: ItemResult) -> tuple[list[str], list[str | None], list[str]]:
    """The texts of everyone, the shown side of each (None when its side is not shown), the shown sides."""
    texts = list(item.texts.get("all", ()))
    shown = [side for side in item.texts if side != "all"]
    pools = {side: Counter(item.texts[side]) for side in shown}
    sides: list[str | None] = []
    for text in texts:
        owner = next((side for side in shown if pools[side][text] > 0), None)
        if owner is not None:
            pools[owner][text] -= 1
        sides.append(owner)
    return texts, sides, shown


def analyse_item(item: ItemResult, *, embedder: TextEmbedder) -> dict[str, Any]:
    """Themes, counts per shown side, the same-story score and a one-line summary of one question."""
    texts, sides, shown = _attribute(item)
    similarities = calibrated_similarities(texts, embedder)
    groups = cluster(similarities)
    named = [g for g in groups if len(g) > 1]
    rest = [i for g in groups if len(g) == 1 for i in g]
    if len(named) + bool(rest) > MAX_THEMES:  # the smallest themes join "Other"
        rest += [i for g in named[MAX_THEMES - 1 :] for i in g]
        named = named[: MAX_THEMES - 1]

    def theme(members: list[int], *, other: bool) -> dict[str, Any]:
        ordered = sorted(members) if other else _central_first(members, similarities)
        counts = Counter(sides[i] for i in members)
        return {
            "label": _("Other") if other else shorten(texts[ordered[0]]),
            "size": len(members),
            "by_side": {side: counts.get(side, 0) for side in shown},
            "examples": list(dict.fromkeys(texts[i] for i in ordered))[:MAX_EXAMPLES],
            "other": other,
        }

    themes = [theme(g, other=False) for g in named]
    if rest:
        themes.append(theme(sorted(rest), other=True))
    score = same_story(similarities, sides)
    return {
        "themes": themes,
        "same_story": score,
        "summary": _summary(score, len(texts), len(themes)),
        "sides": shown,
    }


def in_words(result: dict[str, Any]) -> dict[str, Any]:
    """A stored analysis with its words in the reader's language: the summary and the "Other"
    theme are written again from the stored figures, whichever language the analysis ran in."""
    themes = [{**t, "label": _("Other")} if t.get("other") else t for t in result.get("themes", [])]
    texts = sum(t.get("size", 0) for t in themes)
    return {**result, "themes": themes, "summary": _summary(result.get("same_story"), texts, len(themes))}


def analyse_campaign(campaign: Campaign, *, embedder: TextEmbedder) -> int:
    """Analyse every free-text question of a closed campaign and store the results where
    ``campaign_results`` finds them (same threshold, same response count); returns how many."""
    results = selectors.campaign_results(campaign)
    if not results.available:
        return 0
    questions = {q.field_name: q for q in campaign.template.questions.filter(kind=QuestionKind.TEXT)}
    analysed = 0
    for item in results.items:
        question = questions.get(item.key)
        if question is None or "all" not in item.texts:
            continue
        result = analyse_item(item, embedder=embedder)
        with transaction.atomic():
            TextAnalysis.objects.for_org(campaign.organization).update_or_create(
                campaign=campaign,
                question=question,
                defaults={
                    "organization": campaign.organization,
                    "threshold": results.threshold,
                    "responses": results.responses,
                    "computed_at": timezone.now(),
                    "result": result,
                },
            )
            # Cached results and pages of the organisation show the themes from now on.
            org_changed(campaign.organization_id)
        analysed += 1
    return analysed
