"""`reviewbot train`, `reviewbot eval` and the streaming of `reviewbot classify`, run as a user
would."""

from __future__ import annotations

import csv
import json

import pytest

from tests.harness.classify_probe import classify_probe
from tests.test_cli import here, reviewbot

GOOD = [
    "味道很好",
    "送餐很快",
    "分量很足",
    "服务热情",
    "包装很好",
    "很好吃",
    "下次还点",
    "性价比高",
]
BAD = ["太难吃了", "送得太慢", "分量太少", "态度很差", "汤洒了", "凉了", "不会再点", "太贵了"]


def small_csv(path) -> None:
    """80 short reviews, half of each label, made of fixed phrases."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "review"])
        for i, a in enumerate(GOOD):
            for b in GOOD[i : i + 5]:
                writer.writerow([1, f"{a}，{b}"])
        for i, a in enumerate(BAD):
            for b in BAD[i : i + 5]:
                writer.writerow([0, f"{a}，{b}"])


def test_train_is_reproducible_byte_for_byte(tmp_path):
    """Trained once by a process of its own and once by main() in this process (another
    hash seed, no second interpreter start): the same bytes."""
    small_csv(tmp_path / "small.csv")
    outputs = []
    for train, name in ((reviewbot, "a.bin"), (here, "b.bin")):
        done = train(
            "train", "--data", str(tmp_path / "small.csv"), "--out", str(tmp_path / name),
            "--no-aux",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        assert b"calibration fold 5/5" in done.stderr  # progress is printed as it goes
        assert b"trained on" in done.stdout
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    # and the weights are usable at once
    line = '{"id": 1, "text": "太难吃了", "rating": null}'.encode()
    done = here("classify", "--model", str(tmp_path / "a.bin"), stdin=line)
    assert json.loads(done.stdout)["negative"] is True


def test_train_rejects_a_csv_without_the_columns(tmp_path):
    (tmp_path / "bad.csv").write_text("text,stars\n好吃,5\n", encoding="utf-8")
    done = here("train", "--data", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "x"))
    assert done.returncode != 0 and b"label,review" in done.stderr
    assert not (tmp_path / "x").exists()


def test_eval_prints_accuracy_precision_recall_and_a_confusion_matrix(tmp_path):
    small_csv(tmp_path / "small.csv")
    done = here("eval", "--data", str(tmp_path / "small.csv"))
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert "accuracy" in out and "neg precision" in out and "neg recall" in out
    assert "confusion matrix" in out and "label 0 (neg)" in out and "label 1 (pos)" in out
    flag_line = next(line for line in out.splitlines() if line.startswith('"negative" flag'))
    accuracy = float(flag_line.split()[2].rstrip("%"))
    assert accuracy >= 90.0  # these phrases are easy; the shipped model gets them right


@pytest.mark.xdist_group("layout")  # shares its process with test_layout.py's probe
def test_classify_answers_each_line_before_stdin_closes():
    probe = classify_probe()  # `classify` in a process of its own, stdin a real pipe
    assert [answer["id"] for answer in probe.answers] == [0, 1]
    assert probe.returncode == 0, probe.stderr


def test_classify_keeps_order_and_errors_in_place_across_batches():
    lines = []
    for i in range(3000):
        lines.append(
            b"not json" if i % 997 == 0 else json.dumps({"id": i, "text": "好吃"}).encode()
        )
    done = here("classify", stdin=b"\n".join(lines))
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == 3000
    for i, result in enumerate(out):
        if i % 997 == 0:
            assert "error" in result
        else:
            assert result["id"] == i and "sentiment" in result
