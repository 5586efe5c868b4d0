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
import hashlib
import json
import pickle
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

DATA_DIR = REPO / "tests" / "data"
# The development part: the 69 calibration pairs (with annotated measure matches) and the pairs
# three writers added in their own styles. The locked test part is scored only for the report.
DEVELOPMENT = (DATA_DIR / "whycheck_pairs.jsonl", DATA_DIR / "whycheck_dev.jsonl")
TEST = DATA_DIR / "whycheck_test.jsonl"
FOLDS = 10  # cross-validation of the whole fitting procedure on the development part
TIMED_PAIRS = 40  # pairs timed one by one, uncached
LABELS = ("aligned", "partial", "misaligned")
MATCH_THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]  # 0.30 … 0.90


@dataclass(frozen=True)
class Pair:
    id: str
    business: Answer
    it: Answer
    label: str
    lang: str
    matches: frozenset[tuple[int, int]] | None  # annotated measure correspondences, if any
    style: str = "calibration"


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
                style=row.get("style", "calibration"),
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

L2 = 1.0  # ridge penalty on the standardised weights (the bias is free)
# Error rates the cut-offs may not exceed on the development pairs (the limits, tightened).
MAX_MISALIGNED_AS_ALIGNED = 0.02
MAX_ALIGNED_AS_MISALIGNED = 0.03


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
    cosines = {
        label: [
            vectors.cosine(scoring._clean(p.business.why), scoring._clean(p.it.why))
            for p in pairs
            if p.label == label
        ]
        for label in LABELS
    }
    high, low = statistics.median(cosines["aligned"]), statistics.median(cosines["misaligned"])
    # The medians of the aligned and the misaligned whys sit at purpose 0.88 and 0.12.
    calibration = replace(
        calibration, purpose_center=(high + low) / 2, purpose_spread=max(1e-6, (high - low) / 4)
    )
    rows = np.array([pair_features(p, vectors, calibration) for p in pairs])
    labels = np.array([p.label for p in pairs])
    aligned = logistic_fit(rows, (labels == "aligned").astype(float))
    related = logistic_fit(rows, (labels != "misaligned").astype(float))
    calibration = replace(
        calibration, aligned_model=(aligned[0], *aligned[1]), related_model=(related[0], *related[1])
    )
    scores = np.array([scoring.combine(r, calibration) for r in rows])
    low_cut, high_cut = best_cutoffs(scores, [p.label for p in pairs])
    return replace(
        calibration,
        aligned_from=high_cut,
        misaligned_below=low_cut,
        engine_version=getattr(embedder, "version", ""),
    )


def pair_features(pair: Pair, vectors: scoring.TextVectors, calibration: Calibration) -> tuple[float, ...]:
    matched, _, _ = scoring.match_measures(pair.business.measures, pair.it.measures, vectors, calibration)
    pairs = [
        scoring._measure_pair(
            pair.business.measures[i], pair.it.measures[j], similarity, scoring.BUSINESS_AND_IT
        )
        for i, j, similarity in matched
    ]
    return scoring.features(pair.business, pair.it, pairs, vectors, calibration)


# The direction each feature may push the score (scoring.FEATURES): more evidence of agreement never
# lowers it, and conflicting targets never raise it. A weight fitted against its sign is a quirk of
# the sample (features that overlap), not knowledge; it is set to 0 and the rest fitted again.
SIGNS = (1, 1, 0, -1, 1, 1, 1, -1, 1, 0, -1)


def logistic_fit(rows: np.ndarray, targets: np.ndarray) -> tuple[float, list[float]]:
    """Bias and weights (on the features' own scale) of a logistic model of the 0/1 targets,
    ridge-penalised on standardised features, by Newton's method, each weight of its ``SIGNS``
    direction or 0."""
    active = list(range(rows.shape[1]))
    while True:
        bias, weights = _logistic(rows[:, active], targets)
        wrong = [k for k, w in zip(active, weights, strict=True) if w * SIGNS[k] < 0]
        if not wrong:
            full = [0.0] * rows.shape[1]
            for k, w in zip(active, weights, strict=True):
                full[k] = w
            return bias, full
        active = [k for k in active if k not in wrong]


def _logistic(rows: np.ndarray, targets: np.ndarray) -> tuple[float, list[float]]:
    if rows.shape[1] == 0:
        share = float(np.clip(targets.mean(), 1e-6, 1 - 1e-6))
        return float(np.log(share / (1 - share))), []
    mean, spread = rows.mean(axis=0), rows.std(axis=0)
    spread = np.where(spread < 1e-9, 1.0, spread)
    z = np.hstack([np.ones((len(rows), 1)), (rows - mean) / spread])
    theta = np.zeros(z.shape[1])
    penalty = np.diag([0.0] + [L2] * rows.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(z @ theta)))
        gradient = z.T @ (p - targets) + penalty @ theta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    weights = theta[1:] / spread
    bias = float(theta[0] - np.sum(weights * mean))
    return bias, [float(w) for w in weights]


def best_cutoffs(scores: np.ndarray, labels: Sequence[str]) -> tuple[float, float]:
    """Cut-offs (misaligned below ``low``, aligned from ``high``) with the best macro-F1 among those
    that call at most ``MAX_MISALIGNED_AS_ALIGNED`` of the misaligned pairs aligned and at most
    ``MAX_ALIGNED_AS_MISALIGNED`` of the aligned pairs misaligned; among equals the widest margin.
    Candidates are the midpoints between consecutive distinct scores."""
    truth = np.array([LABELS.index(label) for label in labels])
    distinct = np.unique(np.round(scores, 9))
    cuts = np.concatenate(([0.0], (distinct[:-1] + distinct[1:]) / 2, [1.0 + 1e-9]))
    best: tuple[float, ...] | None = None
    chosen = (0.0, 1.0)
    margins = np.array([np.min(np.abs(scores - c)) for c in cuts])
    for a, low in enumerate(cuts):
        for b in range(a, len(cuts)):
            high = cuts[b]
            verdict = np.where(scores >= high, 0, np.where(scores < low, 2, 1))
            if np.mean(verdict[truth == 2] == 0) > MAX_MISALIGNED_AS_ALIGNED:
                continue
            if np.mean(verdict[truth == 0] == 2) > MAX_ALIGNED_AS_MISALIGNED:
                continue
            key = (macro_f1(truth, verdict), min(margins[a], margins[b]))
            if best is None or key > best:
                best, chosen = key, (float(low), float(high))
    return chosen


def macro_f1(truth: np.ndarray, verdict: np.ndarray) -> float:
    scores = []
    for c in range(3):
        hits = np.sum((verdict == c) & (truth == c))
        wrong = np.sum((verdict == c) & (truth != c)) + np.sum((verdict != c) & (truth == c))
        scores.append(2 * hits / (2 * hits + wrong) if hits + wrong else 1.0)
    return float(np.mean(scores))


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


# --- Reporting ---------------------------------------------------------------------------------


def evaluate(pairs: Sequence[Pair], predicted: Sequence[str]) -> dict[str, Any]:
    labels = [p.label for p in pairs]
    confusion = {truth: dict.fromkeys(LABELS, 0) for truth in LABELS}
    for truth, guess in zip(labels, predicted, strict=True):
        confusion[truth][guess] += 1
    per_class = {c: confusion[c][c] / max(1, sum(confusion[c].values())) for c in LABELS}

    def binary(chosen: Sequence[int]) -> float:
        hits = [(labels[i] == "aligned") == (predicted[i] == "aligned") for i in chosen]
        return sum(hits) / len(hits) if hits else float("nan")

    groups: dict[str, dict[str, list[int]]] = {"lang": {}, "style": {}}
    for i, p in enumerate(pairs):
        groups["lang"].setdefault(p.lang, []).append(i)
        groups["style"].setdefault(p.style, []).append(i)
    truth_ids = np.array([LABELS.index(label) for label in labels])
    verdict_ids = np.array([LABELS.index(v) for v in predicted])
    return {
        "n": len(labels),
        "accuracy": sum(t == g for t, g in zip(labels, predicted, strict=True)) / max(1, len(labels)),
        "binary": binary(range(len(pairs))),
        "macro_f1": macro_f1(truth_ids, verdict_ids),
        "misaligned_as_aligned": confusion["misaligned"]["aligned"]
        / max(1, sum(confusion["misaligned"].values())),
        "aligned_as_misaligned": confusion["aligned"]["misaligned"]
        / max(1, sum(confusion["aligned"].values())),
        "per_class": per_class,
        "per_language": {k: binary(v) for k, v in sorted(groups["lang"].items())},
        "per_style": {k: binary(v) for k, v in sorted(groups["style"].items())},
        "confusion": confusion,
    }


def load_all(paths: Sequence[Path]) -> list[Pair]:
    return [pair for path in paths for pair in load_pairs(path)]


def _fold_of(pair: Pair) -> int:
    return int(hashlib.sha256(pair.id.encode()).hexdigest(), 16) % FOLDS


def measure_engine(
    engine: str, data: Sequence[Path], fit_too: bool, test: bool, cache: Path | None
) -> dict[str, Any]:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    raw = get_embedder(engine)
    start = time.perf_counter()
    raw.embed(["warm up"])
    first_call = time.perf_counter() - start
    loads = model_load_seconds()
    pairs = load_all(data)
    committed = scoring.calibration_for(raw)

    # Cold, one by one: every comparison embeds its own texts (no cache anywhere).
    timed = pairs[:TIMED_PAIRS]
    start = time.perf_counter()
    for p in timed:
        scoring.compare(p.business, p.it, embedder=raw)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    scoring.compare_many([(p.business, p.it) for p in timed], embedder=raw)
    batched = time.perf_counter() - start
    memo = MemoEmbedder(raw)
    cached = cache / f"{engine}.pickle" if cache else None
    if cached and cached.exists():
        memo.memo.update(pickle.loads(cached.read_bytes()))  # noqa: S301 (a file this script wrote)
    texts = scoring._texts_needed((a for p in timed for a in (p.business, p.it)), themes=True)
    start = time.perf_counter()
    MemoEmbedder(raw).embed(texts)
    embed_seconds = time.perf_counter() - start
    everything = pairs + (load_pairs(TEST) if test else [])
    memo.embed(scoring._texts_needed((a for p in everything for a in (p.business, p.it)), themes=True))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(memo.memo))
    start = time.perf_counter()
    warm_runs = 3
    for _ in range(warm_runs):
        scoring.compare_many([(p.business, p.it) for p in timed], embedder=memo)
    warm = (time.perf_counter() - start) / warm_runs

    def verdicts(chosen: Sequence[Pair], calibration: Calibration) -> list[str]:
        found = scoring.compare_many(
            [(p.business, p.it) for p in chosen], embedder=memo, calibration=calibration, themes=False
        )
        return [c.verdict for c in found]

    result: dict[str, Any] = {
        "engine": raw.name,
        "version": getattr(raw, "version", ""),
        "calibrated": raw.name in scoring.CALIBRATIONS,
        "load_seconds": sum(loads.values()) if loads else first_call,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024,
        "texts_per_second": len(set(texts)) / embed_seconds,
        "ms_per_comparison_cold": 1000 * cold / len(timed),
        "comparisons_per_second_batched": len(timed) / batched,
        "comparisons_per_second_warm": len(timed) / warm,
        "committed": evaluate(pairs, verdicts(pairs, committed)),
        "committed_constants": asdict(committed),
    }
    if test:
        locked = load_pairs(TEST)
        result["locked_test"] = evaluate(locked, verdicts(locked, committed))
    if fit_too:
        full = fit(pairs, memo, committed)
        crossed = dict.fromkeys(range(len(pairs)), "")
        for fold in range(FOLDS):
            held = [i for i, p in enumerate(pairs) if _fold_of(p) == fold]
            kept = [p for p in pairs if _fold_of(p) != fold]
            constants = fit(kept, memo, committed)
            for i, verdict in zip(held, verdicts([pairs[i] for i in held], constants), strict=True):
                crossed[i] = verdict
        result["fitted_constants"] = asdict(full)
        result["fitted_in_sample"] = evaluate(pairs, verdicts(pairs, full))
        result["cross_validated"] = evaluate(pairs, [crossed[i] for i in range(len(pairs))])
    return result


def print_evaluation(title: str, figures: dict[str, Any]) -> None:
    per_class = ", ".join(f"{c} {figures['per_class'][c]:.0%}" for c in LABELS)
    print(
        f"  {title} (n={figures['n']}): aligned-vs-not {figures['binary']:.1%}, macro-F1 {figures['macro_f1']:.2f}, "
        f"accuracy {figures['accuracy']:.1%}; misaligned called aligned {figures['misaligned_as_aligned']:.1%}, "
        f"aligned called misaligned {figures['aligned_as_misaligned']:.1%}"
    )
    print(f"    per class: {per_class}")
    print(
        "    aligned-vs-not per language: "
        + ", ".join(f"{k} {v:.0%}" for k, v in figures["per_language"].items())
    )
    print(
        "    aligned-vs-not per style: " + ", ".join(f"{k} {v:.0%}" for k, v in figures["per_style"].items())
    )
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
        f"  one comparison uncached: {result['ms_per_comparison_cold']:.0f} ms; comparisons per second: "
        f"{result['comparisons_per_second_batched']:.1f} batched, {result['comparisons_per_second_warm']:.0f} with vectors cached"
    )
    print_evaluation("committed constants, development part", result["committed"])
    if "locked_test" in result:
        print_evaluation("committed constants, LOCKED TEST part", result["locked_test"])
    if "fitted_constants" in result:
        constants = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v!r}"
            for k, v in result["fitted_constants"].items()
        )
        print(f"  fitted on the development part: {constants}")
        print_evaluation("fitted, in sample", result["fitted_in_sample"])
        print_evaluation(f"{FOLDS}-fold cross-validation of the whole fit", result["cross_validated"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engines", default="default", help="comma-separated: default, combined, use, e5, lexical"
    )
    parser.add_argument(
        "--data",
        default=",".join(str(p) for p in DEVELOPMENT),
        help="labelled pairs (JSON lines, comma-separated)",
    )
    parser.add_argument("--no-fit", action="store_true", help="skip the fit and the cross-validation")
    parser.add_argument(
        "--test", action="store_true", help="also score the locked test part (for the report)"
    )
    parser.add_argument("--cache", type=Path, help="keep each engine's vectors in this folder between runs")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = [Path(p) for p in args.data.split(",") if p]
    if args.worker:
        print(json.dumps(measure_engine(args.worker, data, not args.no_fit, args.test, args.cache)))
        return 0
    pairs = load_all(data)
    counts = Counter(p.label for p in pairs)
    print(f"whycheck_quality: {len(pairs)} labelled development pairs: {dict(counts)}")
    print(f"  languages: {dict(Counter(p.lang for p in pairs))}")
    failed = 0
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        command = [sys.executable, __file__, "--worker", engine, "--data", args.data]
        command += ["--no-fit"] if args.no_fit else []
        command += ["--test"] if args.test else []
        command += ["--cache", str(args.cache)] if args.cache else []
        child = subprocess.run(command, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            failed += 1
            print(f"\n== engine {engine}: failed\n{child.stderr[-2000:]}")
            continue
        print_report(json.loads(child.stdout.strip().splitlines()[-1]))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
