"""Per-stage CPU time of the classifier on the short reviews, in-process (µs per review).

    .venv/bin/python bench/stages.py [--n 7205] [--repeat 3]

Each stage runs over every distinct short review (≤ 30 characters) of waimai_train.csv,
the best of --repeat runs by CPU time: where a review's time goes, for speed work. The
stages are those of `reviewbot classify`: reading the JSON line, normalising, the lexicon
reading, the model, the complaint reader, the malice evidence, writing the contract.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewbot.analysis import training  # noqa: E402
from reviewbot.analysis.base import AnalysisContext  # noqa: E402
from reviewbot.analysis.normalize import language_of  # noqa: E402
from reviewbot.analysis.v1 import AnalyzerV1, _fold  # noqa: E402
from reviewbot.app.cli import _freeze_heap  # noqa: E402
from reviewbot.app.contracts import parse_line  # noqa: E402
from reviewbot.safejson import json_bytes  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from classify import find_training_file  # noqa: E402


def best(run, repeat: int) -> float:
    """The least CPU time of `repeat` runs; results are dropped as the CLI drops them."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        for _result in run():
            pass
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts, _ = training.read_csv(find_training_file())
    short = [t for t in texts if 0 < len(t) <= 30]
    n = len(short)
    lines = [
        json.dumps({"id": i, "text": t, "rating": None}, ensure_ascii=False).encode()
        for i, t in enumerate(short)
    ]
    analyzer = AnalyzerV1()
    analyzer.analyze_batch([parse_line(line)[1] for line in lines[:500]])  # load, jieba too
    reviews = [parse_line(line)[1] for line in lines]
    folded = [_fold(r.text.strip()) for r in reviews]
    readings = [analyzer.reader.read(f.text) for f in folded]
    context = AnalysisContext()
    analyses = analyzer.analyze_batch(reviews)
    model_texts = [r.model_text for r in readings]
    _freeze_heap()  # as `reviewbot classify` does once its analyzer is loaded
    stages = {
        "parse the JSON line": lambda: (parse_line(line) for line in lines),
        "normalise (_fold)": lambda: (_fold(r.text.strip()) for r in reviews),
        "language_of": lambda: (language_of(f.text) for f in folded),
        "lexicon reading (aspects.Reader.read)": lambda: (
            analyzer.reader.read(f.text) for f in folded
        ),
        "model (batch of 1,024)": lambda: (
            analyzer.model.calibrated_logits(model_texts[i : i + 1024]) for i in range(0, n, 1024)
        ),
        "complaint reader (complaints.read)": lambda: (
            analyzer.complaints.read(r, f.span) for r, f in zip(readings, folded, strict=True)
        ),
        "malice evidence": lambda: (
            analyzer.malice.evidence(r.text.strip(), context, hurts=True, rating=None)
            for r in reviews
        ),
        "write the contract": lambda: (
            json_bytes(a.to_contract(i)) for i, a in enumerate(analyses)
        ),
        "whole analyze_batch (batches of 1,024)": lambda: (
            analyzer.analyze_batch(reviews[i : i + 1024]) for i in range(0, n, 1024)
        ),
    }
    print(f"{n} distinct short reviews, best of {args.repeat}, CPU µs per review")
    for name, run in stages.items():
        print(f"  {name:<42} {best(run, args.repeat) / n * 1e6:7.1f}")


if __name__ == "__main__":
    main()
