"""Benchmark `reviewbot import` on a large merchant export, CSV and XLSX.

    .venv/bin/python bench/import.py [--rows 50000] [--formats csv,xlsx] [--code DIR]

Writes an export of N distinct reviews (the columns of a Meituan back-end download, a
title row above the header, Chinese text, star ratings, dates) as GB18030 CSV and as
.xlsx in a temporary directory, then runs `reviewbot import` on each, in process, into a
new SQLite database, and prints rows per second (the whole command: reading, parsing and
storing, progress bar included, sent to /dev/null). A second import of the same file
(nothing new: every row compared and skipped) is timed too.

`--code DIR` imports reviewbot from another checkout (e.g. an export of an older commit:
`git archive COMMIT | tar -x -C DIR`), to measure the same files before and after a change.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = ["评论ID", "用户昵称", "订单编号", "星级", "评论内容", "评价时间", "追评", "商家回复"]
TEXTS = [
    "水煮鱼太咸了，米饭也是夹生的",
    "送餐很快，包装完好，味道不错",
    "麻婆豆腐一般般，分量有点少",
    "等了一个多小时，汤都洒了",
    "老板人很好，下次还来",
    "价格偏贵，但是环境干净",
]


def rows(n: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    out: list[list[object]] = [["美团外卖评价导出"], HEADER]
    for i in range(n):
        day = 1 + i % 28
        out.append(
            [
                str(10_000_000 + i),
                f"顾客{rng.randrange(100000)}",
                f"o-{i}",
                f"{rng.randint(1, 5)}星",
                f"{rng.choice(TEXTS)}（第{i}条）",
                f"2026-10-{day:02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}",
                "",
                "",
            ]
        )
    return out


def write_csv(path: Path, data: list[list[object]]) -> None:
    text = "\n".join(",".join(str(c) for c in row) for row in data) + "\n"
    path.write_bytes(text.encode("gb18030"))


def write_xlsx(path: Path, data: list[list[object]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in data:
        sheet.append(row)
    book.save(path)


def run_import(cli, directory: Path, export: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): on a shared machine the CPU time is the
    steadier figure, the wall time the one a person waits."""
    config = directory / "c.toml"
    started, cpu = time.perf_counter(), time.process_time()
    with (
        open(os.devnull, "w") as null,
        contextlib.redirect_stderr(null),
        contextlib.redirect_stdout(io.StringIO()) as out,
    ):
        code = cli.main(
            ["import", str(export), "--store", "s", "--platform", "meituan", "-c", str(config)]
        )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if code != 0:
        raise SystemExit(f"import failed ({code}): {out.getvalue()}")
    summary = [line for line in out.getvalue().splitlines() if line.startswith("导入完成")]
    print(f"    {summary[-1] if summary else out.getvalue().strip()[-200:]}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    from reviewbot.app import cli

    print(f"reviewbot from {Path(cli.__file__).resolve().parents[2]}, {args.rows} rows")
    data = rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for fmt in args.formats.split(","):
            database = directory / f"{fmt}.db"
            (directory / "c.toml").write_text(
                f'[database]\nurl = "sqlite+aiosqlite:///{database}"\n'
                '[[stores]]\nid = "s"\nname = "测试小馆"\n'
                '[[stores.sources]]\nplatform = "demo"\naccount = "d"\n',
                encoding="utf-8",
            )
            export = directory / f"export.{fmt}"
            (write_csv if fmt == "csv" else write_xlsx)(export, data)
            for label in ("first import", "again (unchanged)"):
                wall, cpu = run_import(cli, directory, export)
                print(
                    f"{fmt:>5} {label:<18} {wall:6.1f} s = {args.rows / wall:6.0f} rows/s "
                    f"(CPU {cpu:6.1f} s = {args.rows / cpu:6.0f} rows/s)"
                )


if __name__ == "__main__":
    main()
