"""Why-check scorer: accuracy on the labelled answer pairs, the fitted constants, and the speed.

For each engine, in a child process of its own (so the load time is a cold load and the peak memory
is that engine's alone):
- accuracy of the committed constants (``scoring.CALIBRATIONS``) on the labelled set: overall, macro
  (the mean of the per-class accuracies), per class, per language, and the confusion matrix;
- the fitting procedure (docs/whycheck-scoring.md) run on the whole set: the constants it would
  commit, and its leave-one-out accuracy (every pair judged by constants fitted on the other pairs);
- model load time, peak memory of the process, texts embedded per second, and comparisons per
  second: one by one with nothing cached (what a fresh round costs), in batches (``compare_many``,
  what the CLI does), and with the vectors in memory (the scoring alone).

    .venv/bin/python benchmarks/whycheck_quality.py [--engines default,use,e5,lexical] [--data FILE] [--no-fit]

The fit with leave-one-out takes a few minutes per engine; ``--no-fit`` prints the rest in seconds.

It asserts nothing: the figures are printed for docs/whycheck-scoring.md and the closing note.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from tandem.text.embedding import Embedder, get_embedder, model_load_seconds  # noqa: E402
from tandem.whycheck import scoring  # noqa: E402
from tandem.whycheck.scoring import Answer, Calibration  # noqa: E402

DATA = REPO / "tests" / "data" / "whycheck_pairs.jsonl"
LABELS = ("aligned", "partial", "misaligned")
WEIGHTS = [round(0.2 + 0.05 * i, 2) for i in range(13)]  # purpose weight 0.20 … 0.80
MATCH_THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 … 0.90
PURPOSE_FLOORS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]  # least purpose for "aligned"


@dataclass(frozen=True)
class Pair:
    id: str
    business: Answer
    it: Answer
    label: str
    lang: str
    matches: frozenset[tuple[int, int]] | None  # annotated measure correspondences, if any


def load_pairs(path: Path) -> list[Pair]:
    """The labelled pairs of a JSON-lines file in the CLI's input format plus label/lang/matches."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        matches = row.get("matches")
        pairs.append(
            Pair(
                id=str(row["id"]),
                business=scoring.answer_from_dict(row["business"], "business"),
                it=scoring.answer_from_dict(row["it"], "it"),
                label=row["label"],
                lang=row.get("lang", "?"),
                matches=None if matches is None else frozenset((int(i), int(j)) for i, j in matches),
            )
        )
    return pairs


class MemoEmbedder:
    """An engine's vectors kept in memory, each text embedded once (for fitting and warm timing)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = getattr(inner, "version", "")
        self.memo: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> Any:
        todo = sorted({t for t in texts if t not in self.memo})
        if todo:
            self.memo.update(zip(todo, self.inner.embed(todo), strict=True))
        return np.vstack([self.memo[t] for t in texts]) if texts else self.inner.embed([])


# --- The fitting procedure ---------------------------------------------------------------------


def fit(pairs: Sequence[Pair], embedder: Embedder, start: Calibration) -> Calibration:
    """Constants fitted on ``pairs`` (see docs/whycheck-scoring.md); ``start`` fills what the pairs
    cannot (names, when no pair has annotated matches)."""
    vectors = scoring.TextVectors(
        embedder, scoring._texts_needed((a for p in pairs for a in (p.business, p.it)), themes=False)
    )
    calibration = start
    annotated = [p for p in pairs if p.matches is not None]
    if annotated:
        same, different = [], []
        for p in annotated:
            for i, a in enumerate(p.business.measures):
                for j, b in enumerate(p.it.measures):
                    cosine = vectors.cosine(scoring._clean(a.name), scoring._clean(b.name))
                    (same if (i, j) in (p.matches or ()) else different).append(cosine)
        calibration = replace(
            calibration, name_low=statistics.median(different), name_high=statistics.median(same)
        )
        f1 = {
            t: matching_f1(annotated, vectors, replace(calibration, match_threshold=t))
            for t in MATCH_THRESHOLDS
        }
        best = max(f1.values())
        tied = [t for t in MATCH_THRESHOLDS if f1[t] >= best - 1e-12]
        calibration = replace(calibration, match_threshold=tied[len(tied) // 2])
    purpose = {
        label: [
            vectors.cosine(scoring._clean(p.business.why), scoring._clean(p.it.why))
            for p in pairs
            if p.label == label
        ]
        for label in LABELS
    }
    calibration = replace(
        calibration,
        purpose_low=statistics.median(purpose["misaligned"]),
        purpose_high=statistics.median(purpose["aligned"]),
    )
    parts = [purpose_and_measures(p, vectors, calibration) for p in pairs]
    purposes = [purpose for purpose, _ in parts]
    labels = [p.label for p in pairs]
    best_key: tuple[float, ...] | None = None
    for weight in WEIGHTS:
        scores = [
            purpose if measures is None else weight * purpose + (1 - weight) * measures
            for purpose, measures in parts
        ]
        for floor in PURPOSE_FLOORS:
            accuracy, gap, low, high = best_cutoffs(scores, purposes, floor, labels)
            # Equals are told apart by the widest gap, then a weight near 0.5 and a floor near 0.3.
            key = (accuracy, gap, -abs(weight - 0.5), -abs(floor - 0.3))
            if best_key is None or key > best_key:
                best_key = key
                calibration = replace(
                    calibration,
                    purpose_weight=weight,
                    aligned_purpose_from=floor,
                    misaligned_below=low,
                    aligned_from=high,
                )
    return replace(calibration, engine_version=getattr(embedder, "version", ""))


def purpose_and_measures(
    pair: Pair, vectors: scoring.TextVectors, calibration: Calibration
) -> tuple[float, float | None]:
    result = scoring._compare(
        pair.business, pair.it, vectors, calibration, scoring.BUSINESS_AND_IT, False, vectors_engine(vectors)
    )
    return result.purpose, (result.measures if result.details["measures_given"] else None)


def vectors_engine(vectors: scoring.TextVectors) -> Embedder:
    return vectors.embedder


def matching_f1(pairs: Sequence[Pair], vectors: scoring.TextVectors, calibration: Calibration) -> float:
    found = true = hits = 0
    for p in pairs:
        matched, _, _ = scoring.match_measures(p.business.measures, p.it.measures, vectors, calibration)
        predicted = {(i, j) for i, j, _ in matched}
        found += len(predicted)
        true += len(p.matches or ())
        hits += len(predicted & (p.matches or frozenset()))
    return 2 * hits / (found + true) if found + true else 1.0


def best_cutoffs(
    scores: Sequence[float], purposes: Sequence[float], floor: float, labels: Sequence[str]
) -> tuple[float, float, float, float]:
    """Cut-offs (misaligned below ``low``; aligned from ``high`` when the purpose reaches ``floor``)
    with the best macro accuracy; among equals the widest gap between a cut-off and the nearest
    score. Candidates are the midpoints between consecutive distinct scores. Returns (macro
    accuracy, gap, low, high)."""
    values, purpose = np.array(scores), np.array(purposes)
    distinct = np.unique(np.round(values, 9))
    cuts = np.concatenate(([0.0], (distinct[:-1] + distinct[1:]) / 2, [1.0 + 1e-9]))
    classes = np.array([LABELS.index(label) for label in labels])
    below = values[None, :] < cuts[:, None]  # [cut, pair]: the score is below the cut
    aligned_at = ~below & (purpose >= floor)[None, :]  # aligned if this cut is the high one

    def share(mask: np.ndarray, label: int) -> np.ndarray:
        chosen = classes == label
        return mask[:, chosen].mean(axis=1) if chosen.any() else np.full(len(cuts), np.nan)

    # With low <= high: misaligned = below low; aligned = at or above high with the purpose floor;
    # needs discussion = the rest (at or above low, and not aligned).
    aligned = share(aligned_at, 0)[None, :]  # [low, high]
    misaligned = share(below, 2)[:, None]
    partial = share(~below, 1)[:, None] - share(aligned_at, 1)[None, :]
    recalls = np.stack(np.broadcast_arrays(aligned, partial, misaligned))
    accuracy = np.nanmean(recalls, axis=0)
    gaps = np.min(np.abs(values[None, :] - cuts[:, None]), axis=1)
    gap = np.minimum(gaps[:, None], gaps[None, :])
    valid = cuts[:, None] <= cuts[None, :]
    accuracy = np.where(valid, accuracy, -1.0)
    best_accuracy = accuracy.max()
    candidates = np.where(accuracy >= best_accuracy - 1e-12, gap, -1.0)
    low, high = np.unravel_index(int(np.argmax(candidates)), candidates.shape)
    return float(best_accuracy), float(gap[low, high]), float(cuts[low]), float(cuts[high])


# --- Reporting ---------------------------------------------------------------------------------


def evaluate(labels: Sequence[str], predicted: Sequence[str], langs: Sequence[str]) -> dict[str, Any]:
    confusion = {truth: dict.fromkeys(LABELS, 0) for truth in LABELS}
    for truth, guess in zip(labels, predicted, strict=True):
        confusion[truth][guess] += 1
    per_class = {c: confusion[c][c] / max(1, sum(confusion[c].values())) for c in LABELS}
    per_lang: dict[str, list[int]] = {}
    for truth, guess, lang in zip(labels, predicted, langs, strict=True):
        per_lang.setdefault(lang, []).append(int(truth == guess))
    return {
        "n": len(labels),
        "accuracy": sum(t == g for t, g in zip(labels, predicted, strict=True)) / max(1, len(labels)),
        "macro_accuracy": sum(per_class.values()) / 3,
        "per_class": per_class,
        "per_language": {lang: sum(v) / len(v) for lang, v in sorted(per_lang.items())},
        "confusion": confusion,
    }


def measure_engine(engine: str, path: Path, fit_too: bool) -> dict[str, Any]:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    raw = get_embedder(engine)
    start = time.perf_counter()
    raw.embed(["warm up"])
    first_call = time.perf_counter() - start
    loads = model_load_seconds()
    pairs = load_pairs(path)
    labels, langs = [p.label for p in pairs], [p.lang for p in pairs]
    committed = scoring.calibration_for(raw)

    # Cold, one by one: every comparison embeds its own texts (no cache anywhere).
    start = time.perf_counter()
    one_by_one = [scoring.compare(p.business, p.it, embedder=raw) for p in pairs]
    cold = time.perf_counter() - start
    start = time.perf_counter()
    scoring.compare_many([(p.business, p.it) for p in pairs], embedder=raw)
    batched = time.perf_counter() - start
    memo = MemoEmbedder(raw)
    texts = scoring._texts_needed((a for p in pairs for a in (p.business, p.it)), themes=True)
    start = time.perf_counter()
    memo.embed(texts)
    embed_seconds = time.perf_counter() - start
    start = time.perf_counter()
    warm_runs = 3
    for _ in range(warm_runs):
        scoring.compare_many([(p.business, p.it) for p in pairs], embedder=memo)
    warm = (time.perf_counter() - start) / warm_runs

    result: dict[str, Any] = {
        "engine": raw.name,
        "version": getattr(raw, "version", ""),
        "calibrated": raw.name in scoring.CALIBRATIONS,
        "load_seconds": sum(loads.values()) if loads else first_call,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
        "texts_per_second": len(set(texts)) / embed_seconds,
        "comparisons_per_second_cold": len(pairs) / cold,
        "comparisons_per_second_batched": len(pairs) / batched,
        "comparisons_per_second_warm": len(pairs) / warm,
        "committed": evaluate(labels, [c.verdict for c in one_by_one], langs),
        "committed_constants": asdict(committed),
    }
    if fit_too:
        full = fit(pairs, memo, committed)
        loo = []
        for k, held_out in enumerate(pairs):
            fold = fit(pairs[:k] + pairs[k + 1 :], memo, committed)
            loo.append(
                scoring.compare(
                    held_out.business, held_out.it, embedder=memo, calibration=fold, themes=False
                ).verdict
            )
        in_sample = [
            c.verdict
            for c in scoring.compare_many(
                [(p.business, p.it) for p in pairs], embedder=memo, calibration=full, themes=False
            )
        ]
        result["fitted_constants"] = asdict(full)
        result["fitted_in_sample"] = evaluate(labels, in_sample, langs)
        result["leave_one_out"] = evaluate(labels, loo, langs)
    return result


def print_evaluation(title: str, figures: dict[str, Any]) -> None:
    per_class = ", ".join(f"{c} {figures['per_class'][c]:.0%}" for c in LABELS)
    per_lang = ", ".join(f"{lang} {v:.0%}" for lang, v in figures["per_language"].items())
    print(
        f"  {title}: accuracy {figures['accuracy']:.1%}, macro {figures['macro_accuracy']:.1%} (n={figures['n']})"
    )
    print(f"    per class: {per_class}")
    print(f"    per language: {per_lang}")
    print(f"    confusion (rows: label, columns: verdict)   {'  '.join(f'{c:>10}' for c in LABELS)}")
    for truth in LABELS:
        row = "  ".join(f"{figures['confusion'][truth][g]:>10}" for g in LABELS)
        print(f"      {truth:>10}{'':33}{row}")


def print_report(result: dict[str, Any]) -> None:
    print(f"\n== engine {result['engine']} ({result['version']})")
    if not result["calibrated"]:
        print("  (no committed calibration for this engine: the face-value defaults were used)")
    print(
        f"  model load {result['load_seconds']:.2f} s, peak memory {result['peak_rss_mb']:.0f} MB "
        f"(+{result['rss_growth_mb']:.0f} MB for the engine and the run), {result['texts_per_second']:.0f} texts/s"
    )
    print(
        f"  comparisons per second: {result['comparisons_per_second_cold']:.1f} one by one uncached, "
        f"{result['comparisons_per_second_batched']:.1f} batched, {result['comparisons_per_second_warm']:.0f} with vectors cached"
    )
    print_evaluation("committed constants", result["committed"])
    if "fitted_constants" in result:
        constants = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}"
            for k, v in result["fitted_constants"].items()
        )
        print(f"  fitted on the whole set: {constants}")
        print_evaluation("fitted, in sample", result["fitted_in_sample"])
        print_evaluation("leave-one-out (constants fitted without the pair judged)", result["leave_one_out"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engines", default="default", help="comma-separated: default, combined, use, e5, lexical"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="labelled pairs (JSON lines)")
    parser.add_argument("--no-fit", action="store_true", help="skip the fit and the leave-one-out run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure_engine(args.worker, args.data, not args.no_fit)))
        return 0
    pairs = load_pairs(args.data)
    counts = Counter(p.label for p in pairs)
    print(f"whycheck_quality: {len(pairs)} labelled pairs from {args.data.name}: {dict(counts)}")
    print(f"  languages: {dict(Counter(p.lang for p in pairs))}")
    failed = 0
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        command = [sys.executable, __file__, "--worker", engine, "--data", str(args.data)]
        if args.no_fit:
            command.append("--no-fit")
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            failed += 1
            print(f"\n== engine {engine}: failed\n{child.stderr[-2000:]}")
            continue
        print_report(json.loads(child.stdout.strip().splitlines()[-1]))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
