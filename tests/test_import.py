"""`reviewbot import` of merchant exports, run as a user would."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from reviewbot.exports import map_header, parse_export

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """
[database]
url = "sqlite+aiosqlite:///bot.db"
[[stores]]
id = "s"
name = "测试小馆"
[[stores.sources]]
platform = "meituan"
account = "store_001"
app_id = "1234"
app_secret_env = "MT_SECRET"
"""
ROWS = [
    "美团外卖评价导出 2026-11-01 至 2026-11-21",
    "评论ID,用户昵称,订单编号,星级,评论内容,评价时间,追评,商家回复",
    "9007199254740993,吃货小王,,1星,水煮鱼太咸了,2026-11-20 12:30,,",
    "9007199254740994,,,★★★★☆,还不错,2026-11-20,,谢谢",
    ",匿名用户,o-77,2,米饭夹生,2026-11-19 08:00:00,,",
    ",,,,,,,",
    "9007199254740996,,,,,2026-11-19,,",
]


def reviewbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "MT_SECRET": "x"},
    )


def stored(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return db.execute(sql).fetchall()


def test_a_csv_export_is_imported_once_and_changes_become_revisions(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_bytes("\n".join(ROWS).encode("gb18030"))  # as Excel on Chinese Windows saves

    first = reviewbot(
        "import", str(export), "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "新增 3 条，更新 0 条，跳过 1 条" in first.stdout
    assert "无法识别 1 条" in first.stdout and "100%" in first.stderr

    again = reviewbot(
        "import", str(export), "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert "新增 0 条，更新 0 条，跳过 4 条" in again.stdout  # idempotent

    rows = list(ROWS)
    rows[2] = "9007199254740993,吃货小王,,1星,水煮鱼太咸了,2026-11-20 12:30,第二次还是太咸,"
    export.write_bytes("\n".join(rows).encode("gb18030"))
    changed = reviewbot(
        "import", str(export), "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert "新增 0 条，更新 1 条" in changed.stdout, changed.stdout

    reviews = stored(
        tmp_path,
        "SELECT account, external_id, rating, text, author, order_id, follow_up, revision "
        "FROM reviews ORDER BY id",
    )
    assert reviews[0] == (
        "store_001",
        "9007199254740993",
        1.0,
        "水煮鱼太咸了",
        "吃货小王",
        None,
        "第二次还是太咸",
        2,
    )
    assert reviews[1][2] == 4.0
    assert reviews[2][1].startswith("x-") and reviews[2][5] == "o-77"  # a stable derived id
    assert stored(tmp_path, "SELECT count(*) FROM quarantine")[0][0] == 1  # kept once, not per run


def test_an_excel_export_for_an_unpolled_platform(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.append(["Review ID", "Content", "Rating", "Date", "Images"])
    sheet.append(
        ["r-1", "Cold food", 40, datetime(2026, 11, 20, 19, 5), "https://i/1.jpg,https://i/2.jpg"]
    )
    sheet.append(["r-2", "", 5, datetime(2026, 11, 21, 9, 0), None])
    book.save(tmp_path / "export.xlsx")

    done = reviewbot(
        "import", "export.xlsx", "--store", "s", "--platform", "eleme", "-c", "c.toml", cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert "新增 2 条" in done.stdout and "s:export" in done.stdout
    assert stored(tmp_path, "SELECT platform, account, enabled FROM sources") == [
        ("eleme", "s:export", 0)  # kept and processed, never polled
    ]
    rows = stored(tmp_path, "SELECT external_id, rating, created_at, images FROM reviews")
    assert rows[0][:2] == ("r-1", 4.0)  # tens, as Dianping-style exports write stars
    assert rows[0][2].startswith("2026-11-20 11:05")  # Beijing evening → UTC
    assert "https://i/2.jpg" in rows[0][3]


def test_a_file_without_a_recognisable_header_is_refused_clearly(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "x.csv").write_text("foo,bar\n1,2\n", encoding="utf-8")
    done = reviewbot(
        "import", "x.csv", "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert done.returncode == 2 and "评价内容" in done.stderr and "Traceback" not in done.stderr


def test_header_variants_map_to_the_same_fields():
    assert map_header(["评价 内容", "评分（星）", "Order_ID", "用户昵称"]) == {
        "text": 0,
        "order_id": 2,
        "author": 3,
    } or map_header(["评价 内容", "评分", "Order_ID"]) == {"text": 0, "rating": 1, "order_id": 2}
    parsed = parse_export([["内容", "星级"], ["好吃", "5"], ["x" * 9000, "1"]])
    assert [r.rating for r in parsed.records] == [5.0, 1.0]
    assert parsed.records[1].text_truncated and len(parsed.records[1].text) <= 5001
