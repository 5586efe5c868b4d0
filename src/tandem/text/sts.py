"""Semantic textual similarity (STS) evaluation: Spearman correlation of an engine's cosines with
human judgements, per split (English, Dutch, English-vs-Dutch, Dutch-vs-English).

Reads the stsb-multi-mt dev files (CSV without a header: sentence1, sentence2, score; line N of
the English file and of the Dutch file are the same pair). Nothing here ships the data: the caller
passes the folder. Used by ``benchmarks/text_quality.py``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tandem.text._vectors import Vectors

SPLITS = ("en", "nl", "en-nl", "nl-en")


@dataclass(frozen=True)
class StsPairs:
    """Aligned English and Dutch pairs and their human scores (0 = unrelated, 5 = same meaning)."""

    en: tuple[tuple[str, str], ...]
    nl: tuple[tuple[str, str], ...]
    scores: tuple[float, ...]

    def split(self, name: str) -> list[tuple[str, str]]:
        """The pairs of a split: "en-nl" takes sentence 1 in English and sentence 2 in Dutch."""
        first, _, second = name.partition("-")
        second = second or first
        left, right = {"en": self.en, "nl": self.nl}[first], {"en": self.en, "nl": self.nl}[second]
        return [(a[0], b[1]) for a, b in zip(left, right, strict=True)]

    def texts(self) -> list[str]:
        """Every distinct sentence of both languages (each embedded once for all four splits)."""
        return list(dict.fromkeys(text for pair in (*self.en, *self.nl) for text in pair))


def read_pairs(folder: Path, limit: int | None = None) -> StsPairs:
    """The first ``limit`` (all when None) pairs of stsb-en-dev.csv and stsb-nl-dev.csv in ``folder``.

    Raises ValueError when the two files disagree on the number of pairs or on the scores.
    """
    en, en_scores = _read(folder / "stsb-en-dev.csv", limit)
    nl, nl_scores = _read(folder / "stsb-nl-dev.csv", limit)
    if len(en) != len(nl) or not np.allclose(en_scores, nl_scores):
        raise ValueError(f"{folder}: the English and Dutch files are not line-aligned")
    return StsPairs(en=tuple(en), nl=tuple(nl), scores=tuple(en_scores))


def _read(path: Path, limit: int | None) -> tuple[list[tuple[str, str]], list[float]]:
    pairs: list[tuple[str, str]] = []
    scores: list[float] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if limit is not None and len(pairs) >= limit:
                break
            pairs.append((row[0], row[1]))
            scores.append(float(row[2]))
    return pairs, scores


def rank(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Ranks from 1, ties sharing the mean of their ranks (as in Spearman's definition)."""
    data = np.asarray(values, dtype=np.float64)
    order = np.argsort(data, kind="stable")
    sorted_values = data[order]
    # Start of each run of equal values, and the mean rank of each run.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(data)]
    ranks = np.empty(len(data))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def spearman(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Spearman's rank correlation: Pearson's correlation of the tie-averaged ranks."""
    ra, rb = rank(a), rank(b)
    if len(ra) != len(rb) or len(ra) < 2:
        raise ValueError("spearman needs two sequences of the same length, at least 2")
    ra -= ra.mean()
    rb -= rb.mean()
    denominator = float(np.sqrt((ra @ ra) * (rb @ rb)))
    return float(ra @ rb) / denominator if denominator else float("nan")


def split_correlations(pairs: StsPairs, vectors: Vectors, texts: Sequence[str]) -> dict[str, float]:
    """Spearman x 100 of the cosines against the human scores, per split; ``vectors[i]`` embeds
    ``texts[i]`` (unit rows)."""
    row = {text: index for index, text in enumerate(texts)}
    results: dict[str, float] = {}
    for name in SPLITS:
        split = pairs.split(name)
        left = vectors[[row[a] for a, _ in split]].astype(np.float64)
        right = vectors[[row[b] for _, b in split]].astype(np.float64)
        cosines = np.einsum("ij,ij->i", left, right)
        results[name] = 100.0 * spearman(cosines, pairs.scores)
    return results
