"""Quality and cost of the sentence-embedding engines of tandem.text on the STS benchmark.

For each engine: cosine Spearman x 100 against the human scores of the stsb-multi-mt dev pairs,
per split (English, Dutch, English sentence 1 vs Dutch sentence 2, and the reverse), beside the
published figures of the data's README; the model load time, sentences per second (a batch of
every distinct sentence), the time of one uncached pair (what a why-check comparison waits for),
and the peak memory of the process. Each engine runs in a child process of its own, so the load
time is a cold load and the peak memory is that engine's alone.

    .venv/bin/python benchmarks/text_quality.py [--limit N] [--engines use,e5,lexical,combined]

The data is read from ../shared/data/stsb-multi-mt beside the repository and never copied into it;
without it the benchmark says so and exits 0. ``--check-weights`` also tests the weights of
"combined" on held-out halves of the pairs (a weight chosen on one half, judged on the other).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "stsb-multi-mt"
ENGINES = ("use", "e5", "lexical", "combined")
# Which published model each engine runs (the README names them as MTEB reports them).
PUBLISHED_NAMES = {"use": "multilingual USE v3", "e5": "multilingual-e5-small"}
PAIR_PROBES = 20  # uncached single pairs timed one by one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="evaluate on the first N pairs only")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engine names")
    parser.add_argument(
        "--data", type=Path, default=DATA, help="folder of stsb-en-dev.csv and stsb-nl-dev.csv"
    )
    parser.add_argument(
        "--check-weights", action="store_true", help="held-out test of the weights of 'combined'"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (args.data / "stsb-en-dev.csv").is_file() or not (args.data / "stsb-nl-dev.csv").is_file():
        print(
            f"text_quality: skipped, the STS data is not at {args.data} (../shared/data beside the repository)."
        )
        return 0
    if args.worker:
        print(json.dumps(_measure(args.worker, args.data, args.limit, args.vectors)))
        return 0
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if args.check_weights:
        engines = list(dict.fromkeys([*engines, "use", "e5"]))
    with tempfile.TemporaryDirectory() as scratch:
        results = {name: _run_worker(name, args, Path(scratch) / f"{name}.npy") for name in engines}
        _print_table(results, args.data)
        if args.check_weights:
            _check_weights(args.data, args.limit, Path(scratch))
    return 0


def _run_worker(name: str, args: argparse.Namespace, vectors: Path) -> dict[str, Any]:
    print(f"text_quality: measuring {name} ...", file=sys.stderr, flush=True)
    command = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--data",
        str(args.data),
        "--vectors",
        str(vectors),
    ]
    if args.limit:
        command += ["--limit", str(args.limit)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if completed.returncode != 0:
        raise SystemExit(f"text_quality: engine {name} failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _measure(name: str, data: Path, limit: int | None, vectors_path: Path | None) -> dict[str, Any]:
    """Run in a child process: load, embed every sentence once, time single pairs, correlate."""
    from tandem.text.embedding import get_embedder, model_load_seconds, similarity
    from tandem.text.sts import read_pairs, split_correlations

    pairs = read_pairs(data, limit)
    texts = pairs.texts()
    base_mb = _peak_mb()
    embedder = get_embedder(name)
    start = time.perf_counter()
    embedder.embed(["Tandem loads the model."])  # the first call loads the model
    first_call = time.perf_counter() - start
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    batch_seconds = time.perf_counter() - start
    # Pairs not seen before, one at a time: sentence 1 of the Dutch file against sentence 2 in English.
    probes = [(pairs.nl[i][0], pairs.en[-1 - i][1]) for i in range(min(PAIR_PROBES, len(pairs.en)))]
    start = time.perf_counter()
    for a, b in probes:
        similarity(a, b, embedder)
    pair_seconds = (time.perf_counter() - start) / max(len(probes), 1)
    peak_mb = _peak_mb()  # before the evaluation's own arrays
    if vectors_path is not None:
        np.save(vectors_path, vectors)
    loads = model_load_seconds()
    return {
        "engine": embedder.name,
        "version": embedder.version,
        "pairs": len(pairs.scores),
        "sentences": len(texts),
        "spearman": split_correlations(pairs, vectors, texts),
        "displayed": _displayed_correlations(pairs, vectors, texts, embedder),
        "load_seconds": sum(loads.values()) if loads else first_call,
        "first_call_seconds": first_call,
        "sentences_per_second": len(texts) / batch_seconds,
        "pair_ms": 1000 * pair_seconds,
        "base_mb": base_mb,
        "peak_mb": peak_mb,
    }


def _displayed_correlations(
    pairs: Any, vectors: np.ndarray, texts: list[str], embedder: Any
) -> dict[str, float]:
    """Spearman x 100 of the score the why check shows (``scoring.compare`` of two answers without
    measures, what ``tandem whycheck compare`` prints) against the human scores, per split."""
    from tandem.text.sts import SPLITS, spearman
    from tandem.whycheck import scoring

    known = dict(zip(texts, vectors, strict=True))

    class Known:  # the vectors already computed; anything else (a cleaned variant) from the engine
        name, version = embedder.name, embedder.version

        def embed(self, batch: list[str]) -> np.ndarray:
            missing = [t for t in batch if t not in known]
            if missing:
                known.update(zip(missing, embedder.embed(missing), strict=True))
            return np.array([known[t] for t in batch])

    engine = Known()
    results = {}
    for name in SPLITS:
        answers = [(scoring.Answer(a), scoring.Answer(b)) for a, b in pairs.split(name)]
        shown = [c.score for c in scoring.compare_many(answers, embedder=engine, themes=False, batch=256)]
        results[name] = 100.0 * spearman(shown, pairs.scores)
    return results


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _published(data: Path) -> dict[str, str]:
    """The reference figures of the README: {model name: Spearman x 100}, as written there."""
    text = (data / "README.md").read_text(encoding="utf-8") if (data / "README.md").is_file() else ""
    match = re.search(r"Published reference \(([^)]*)\):\s*(.+?)\.\s*$", text, re.DOTALL | re.MULTILINE)
    if not match:
        return {}
    figures = {}
    for item in match.group(2).replace("\n", " ").split(","):
        model, _, figure = item.strip().rpartition(" ")
        figures[model] = figure
    figures["__source__"] = match.group(1)
    return figures


def _print_table(results: dict[str, dict[str, Any]], data: Path) -> None:
    from tandem.text.embedding import DEFAULT_ENGINE
    from tandem.text.sts import SPLITS

    published = _published(data)
    some = next(iter(results.values()))
    print(
        f"\nSTS benchmark (stsb-multi-mt dev, {some['pairs']} pairs, {some['sentences']} distinct sentences)"
    )
    print("cosine Spearman x 100 per split; en-nl = English sentence 1 vs Dutch sentence 2")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load} at the end: timings drift with the machine's load\n")
    header = ["engine", *SPLITS, "published EN", "load s", "sent/s", "pair ms", "base MB", "peak MB"]
    print("  ".join(f"{h:>12}" if i else f"{h:<18}" for i, h in enumerate(header)))
    for name, result in results.items():
        label = name + (" (default)" if name == DEFAULT_ENGINE else "")
        if result["engine"] != name:
            label += f" -> {result['engine']}"
        reference = PUBLISHED_NAMES.get(name)
        cells = [
            *(f"{result['spearman'][split]:.1f}" for split in SPLITS),
            published.get(reference, "-") if reference else "-",
            f"{result['load_seconds']:.2f}",
            f"{result['sentences_per_second']:.0f}",
            f"{result['pair_ms']:.1f}",
            f"{result['base_mb']:.0f}",
            f"{result['peak_mb']:.0f}",
        ]
        print(f"{label:<18}  " + "  ".join(f"{c:>12}" for c in cells))
    print(
        "\nthe why check's displayed score (two answers without measures) against the raw cosine, Spearman x 100"
    )
    print("  ".join(f"{h:>12}" if i else f"{h:<18}" for i, h in enumerate(["engine", *SPLITS])))
    for name, result in results.items():
        cells = [
            f"{result['displayed'][s]:.1f} ({result['displayed'][s] - result['spearman'][s]:+.1f})"
            for s in SPLITS
        ]
        print(f"{name:<18}  " + "  ".join(f"{c:>12}" for c in cells))
    if published:
        others = ", ".join(f"{m} {f}" for m, f in published.items() if m != "__source__")
        print(f"\npublished ({published['__source__']}): {others}")
    print(
        "load s: the cold model load; sent/s: one batch of every sentence; pair ms: one uncached pair "
        "(two sentences) embedded alone;\nbase MB: peak RSS of the process before the engine was built; "
        "peak MB: after embedding every sentence in one call and the pairs (resource.getrusage)."
    )


def _check_weights(data: Path, limit: int | None, scratch: Path) -> None:
    """Choose the e5 weight on a random half of the pairs (the one whose worst split gains most over
    e5 alone), judge it on the other half; repeated over 10 halvings. Also the configured weight."""
    from tandem.text.embedding import COMBINED_WEIGHTS
    from tandem.text.sts import SPLITS, read_pairs, spearman

    pairs = read_pairs(data, limit)
    texts = pairs.texts()
    row = {text: index for index, text in enumerate(texts)}
    scores = np.asarray(pairs.scores)
    cosines: dict[str, dict[str, np.ndarray]] = {}
    for engine in ("e5", "use"):
        vectors = np.load(scratch / f"{engine}.npy").astype(np.float64)
        cosines[engine] = {}
        for split in SPLITS:
            left = vectors[[row[a] for a, _ in pairs.split(split)]]
            right = vectors[[row[b] for _, b in pairs.split(split)]]
            cosines[engine][split] = np.einsum("ij,ij->i", left, right)

    def gains(weight: float, subset: np.ndarray) -> np.ndarray:
        return np.array(
            [
                100 * spearman(weight * c[subset] + (1 - weight) * cosines["use"][s][subset], scores[subset])
                - 100 * spearman(c[subset], scores[subset])
                for s, c in cosines["e5"].items()
            ]
        )

    everything = np.arange(len(scores))
    configured = COMBINED_WEIGHTS["e5"]
    print(f"\ncombined, configured weight of e5 {configured}: gain over e5 alone per split (all pairs):")
    print(
        "  " + "  ".join(f"{s} {g:+.2f}" for s, g in zip(SPLITS, gains(configured, everything), strict=True))
    )
    grid = np.round(np.arange(0.80, 1.0001, 0.01), 2)
    rng = np.random.default_rng(2026)
    held_out, chosen = [], []
    for _ in range(10):
        order = rng.permutation(len(scores))
        for train, test in ((order[::2], order[1::2]), (order[1::2], order[::2])):
            best = max(grid, key=lambda w, train=train: gains(float(w), train).min())
            chosen.append(float(best))
            held_out.append(gains(float(best), test))
    mean = np.mean(held_out, axis=0)
    worst = np.min(held_out, axis=0)
    print(
        f"held-out check, 20 halves: weights chosen {min(chosen):.2f}..{max(chosen):.2f} (median {np.median(chosen):.2f})"
    )
    print(
        "  mean gain on the other half: "
        + "  ".join(f"{s} {g:+.2f}" for s, g in zip(SPLITS, mean, strict=True))
    )
    print(
        "  worst gain on the other half: "
        + "  ".join(f"{s} {g:+.2f}" for s, g in zip(SPLITS, worst, strict=True))
    )


if __name__ == "__main__":
    sys.exit(main())
