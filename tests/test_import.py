"""`reviewbot import` of merchant exports, run as a user would."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from reviewbot.app.daemon import Daemon
from reviewbot.app.exports import import_export, map_header, parse_export
from reviewbot.chat.console import ConsoleNotifier
from reviewbot.store.schema import Alert, Review
from tests.conftest import make_settings
from tests.harness.cli import reviewbot_here

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


def installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "reviewbot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "MT_SECRET": "x"},
    )


def reviewbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The same command through the same main(), in this process (tests/harness/cli.py):
    no interpreter start and imports for each call."""
    done = reviewbot_here(*args, cwd=cwd, env={"MT_SECRET": "x"})
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def stored(tmp_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return db.execute(sql).fetchall()


@pytest.mark.slow
def test_a_csv_export_is_imported_once_and_changes_become_revisions(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_bytes("\n".join(ROWS).encode("gb18030"))  # as Excel on Chinese Windows saves

    first = installed(
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


@pytest.mark.slow
def test_a_row_the_database_refuses_is_quarantined_and_the_rest_land(tmp_path):
    # As polling does: whatever makes the database refuse one row (a trigger stands in for
    # a limit nothing above the database knows about), the others are stored.
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    assert reviewbot("db", "upgrade", "-c", "c.toml", cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "bot.db") as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON reviews "
            "WHEN NEW.text = '还不错' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    export = tmp_path / "export.csv"
    export.write_text("\n".join(ROWS), encoding="utf-8")
    done = reviewbot(
        "import", str(export), "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    texts = [row[0] for row in stored(tmp_path, "SELECT text FROM reviews ORDER BY id")]
    assert texts == ["水煮鱼太咸了", "米饭夹生"]  # the textless row is unreadable anyway
    reasons = [r[0] for r in stored(tmp_path, "SELECT reason FROM quarantine")]
    assert any(reason.startswith("could not be stored: ") for reason in reasons)


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


@pytest.mark.slow
def test_an_old_excel_97_2003_export_is_read_like_the_others(tmp_path):
    """Dianping's and older Meituan back-ends download .xls workbooks: read with their
    dates, and an 18-digit id Excel stored as a float is refused, not rounded."""
    import xlwt

    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("评价列表")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    rows = [
        ["评价ID", "评价内容", "评分", "评价时间", "用户昵称"],
        [20261120001.0, "水煮鱼太咸了", 1.0, datetime(2026, 11, 20, 19, 5), "吃货"],
        [20261121002.0, "麻婆豆腐不错", 5.0, datetime(2026, 11, 21, 12, 0), "匿名"],
        [1.2345678901234568e17, "米饭夹生", 2.0, datetime(2026, 11, 22, 8, 30), "小王"],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(
                r, c, value, when if isinstance(value, datetime) else xlwt.Style.default_style
            )
    book.save(str(tmp_path / "export.xls"))

    done = reviewbot(
        "import",
        "export.xls",
        "--store",
        "s",
        "--platform",
        "meituan",
        "-c",
        "c.toml",
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    rows = stored(tmp_path, "SELECT external_id, text, rating, created_at FROM reviews ORDER BY id")
    assert [r[:3] for r in rows[:2]] == [
        ("20261120001", "水煮鱼太咸了", 1.0),
        ("20261121002", "麻婆豆腐不错", 5.0),
    ]
    assert rows[0][3].startswith("2026-11-20 11:05")  # Beijing evening → UTC
    # The mangled id: the row is kept under an id of its own making, never a rounded one.
    assert len(rows) == 3 and rows[2][1] == "米饭夹生"
    assert not rows[2][0].startswith("1234567890")
    again = reviewbot(
        "import",
        "export.xls",
        "--store",
        "s",
        "--platform",
        "meituan",
        "-c",
        "c.toml",
        cwd=tmp_path,
    )
    assert again.returncode == 0 and "新增 0 条" in again.stdout, again.stdout


def test_a_web_page_or_text_saved_as_xls_is_handled(tmp_path):
    """Some back-ends save an HTML table or tab-separated text under an .xls name."""
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "page.xls").write_text("<html><table><tr><td>评价</td></tr></table></html>")
    page = reviewbot(
        "import", "page.xls", "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert page.returncode != 0 and "web page" in page.stderr and "Traceback" not in page.stderr
    tabbed = "评价ID\t评价内容\t评分\t评价时间\n7001\t送餐太慢了，汤都凉了\t2\t2026-11-20 19:05\n"
    (tmp_path / "text.xls").write_bytes(tabbed.encode("gb18030"))
    text = reviewbot(
        "import", "text.xls", "--store", "s", "--platform", "meituan", "-c", "c.toml", cwd=tmp_path
    )
    assert text.returncode == 0, text.stderr
    assert stored(tmp_path, "SELECT external_id, text, rating FROM reviews") == [
        ("7001", "送餐太慢了，汤都凉了", 2.0)
    ]


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
        "rating": 1,
        "order_id": 2,
        "author": 3,
    }
    assert map_header(["评价 内容", "评分", "Order_ID"]) == {"text": 0, "rating": 1, "order_id": 2}
    aliases = ["评价日期", "整体评分", "评论内容", "评价人", "订单评分", "顾客昵称"]
    assert map_header(aliases) == {"created_at": 0, "rating": 1, "text": 2, "author": 3}
    assert map_header(["星级评分", "评论日期", "用户评分"]) == {"rating": 0, "created_at": 1}
    by_contents = [
        "回复时间",  # not the review's time
        "评价时间（北京时间）",
        "口味评分（星）",  # a sub-score, not the overall rating
        "总体星级（1-5）",
        "评价人昵称",
        "商家回复内容",
        "追评日期",
    ]
    assert map_header(by_contents) == {
        "created_at": 1,
        "taste": 2,
        "rating": 3,
        "author": 4,
        "reply": 5,
        "follow_up_at": 6,
    }
    parsed = parse_export([["内容", "星级"], ["好吃", "5"], ["x" * 9000, "1"]])
    assert [r.rating for r in parsed.records] == [5.0, 1.0]
    assert parsed.records[1].text_truncated and len(parsed.records[1].text) <= 5001


SHARED_IDS = [
    "评论ID,用户昵称,星级,评论内容,评价时间",
    "9.00720E+15,,1,汤里有头发,2026-11-20 12:30",
    "9.00720E+15,,2,米饭夹生,2026-11-20 13:00",
    "9.00720E+15,,1,送餐太慢,2026-11-20 14:10",
    "123,小李,5,很好吃,2026-11-19",
    "123,小李,5,很好吃,2026-11-19",  # the same row twice
    "124,小王,1,太咸了,2026-11-19",
    "124,小王,1,其实还行,2026-11-19",  # the same id, other words
]


def test_rows_sharing_an_id_are_never_lost(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "e.csv").write_text("\n".join(SHARED_IDS), encoding="utf-8")
    args = ("import", "e.csv", "--store", "s", "--platform", "meituan", "-c", "c.toml")

    done = reviewbot(*args, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "新增 5 条，更新 0 条，跳过 2 条" in done.stdout, done.stdout
    assert "文件内重复 1 条" in done.stdout and "编号相同但内容不同 1 条" in done.stdout
    assert "3 行的评价编号不可用（第 2、3、4 行" in done.stdout  # told, not silent
    texts = {row[0] for row in stored(tmp_path, "SELECT text FROM reviews")}
    assert {"汤里有头发", "米饭夹生", "送餐太慢", "很好吃", "太咸了"} == texts
    quarantined = stored(tmp_path, "SELECT raw, reason FROM quarantine")
    assert len(quarantined) == 1 and json.loads(quarantined[0][0])["评论内容"] == "其实还行"
    again = reviewbot(*args, cwd=tmp_path)
    assert "新增 0 条，更新 0 条，跳过 7 条" in again.stdout, again.stdout  # derived ids are stable


def test_float_ids_beyond_2_to_the_53_are_not_trusted():
    rows = [
        ["评价ID", "评价内容"],
        [9007199254740993.0, "第一条"],  # .xlsx stores both as 9007199254740992.0
        [9007199254740995.0, "第二条"],
        [12345.0, "短编号没问题"],
    ]
    parsed = parse_export(rows)
    ids = [r.external_id for r in parsed.records]
    assert len(set(ids)) == 3 and ids[2] == "12345"
    assert ids[0].startswith("x-") and ids[1].startswith("x-")
    assert parsed.derived_ids == [2, 3] and parsed.conflicts == []


ALIKE = [
    ["评价编号", "用户", "评分", "评价内容", "评价时间"],
    [9.007199254740993e15, "匿名用户", 5, "", "2026/11/20"],
    [9.007199254740995e15, "匿名用户", 5, "", "2026/11/20"],
    [9.007199254740997e15, "匿名用户", 5, "好吃", "2026/11/20"],
    [9.007199254740999e15, "匿名用户", 5, "好吃", "2026/11/20"],
    ["9.00720E+15", "匿名用户", 4, "好吃", "2026/11/20"],
    ["9.00720E+15", "匿名用户", 5, "好吃", "2026/11/20"],
]


def test_rows_alike_in_all_but_their_mangled_ids_are_each_kept_and_stable():
    """Stars-only or two-word 匿名用户 reviews of one day, their ids mangled by Excel: six
    reviews, numbered the same way on re-import of the same file."""
    parsed = parse_export(ALIKE)
    ids = [r.external_id for r in parsed.records]
    assert len(set(ids)) == 6 and parsed.duplicates == 0 and parsed.conflicts == []
    assert [r.external_id for r in parse_export(ALIKE).records] == ids


async def test_rows_stored_before_ids_read_the_stars_keep_their_ids(sessions):
    """An import before this change stored the first 好吃 row under the id derived from
    its date, name and words only: importing the file now adds the others, not it."""
    parsed = parse_export(ALIKE)
    third = parsed.records[2]
    assert third.created_at is not None
    basis = "\x1f".join([third.created_at.isoformat(), "匿名用户", "", "好吃"])
    older = "x-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
    where = dict(store_id="s", store_name="店", platform="meituan", account="a", polled=False)
    now = datetime(2026, 12, 6, 10, tzinfo=UTC)
    before = replace(parsed, records=[replace(third, external_id=older)], legacy_ids={})
    assert (await import_export(sessions, before, now=now, **where)).new == 1
    again = await import_export(sessions, parsed, now=now, **where)
    assert (again.new, again.unchanged) == (5, 1)
    assert (await import_export(sessions, parse_export(ALIKE), now=now, **where)).new == 0


DATED = [
    "顾客昵称,订单评分,评价日期,评价内容,回复时间",
    "小张,1,2026/11/20 12:30,菜是凉的，还有头发,",
    "小李,2,2026/1/5,太辣了，完全没法吃,",
    "小赵,1,2026年11月20日,吃出了异物，太恶心了,",
    "小钱,1,2026.11.20,难吃，肉都馊了,",
    "小孙,1,昨天,吃完拉肚子，太恶心了,",
    "小周,1,,等了两个小时，菜全凉了,",
]


def test_chinese_export_dates_are_read_and_undated_rows_stay_undated(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "d.csv").write_bytes("\n".join(DATED).encode("gb18030"))

    done = reviewbot(
        "import", "d.csv", "--store", "s", "--platform", "eleme", "-c", "c.toml", cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr
    assert "识别的列：顾客昵称→昵称，订单评分→评分，评价日期→评价时间，评价内容→评价内容" in (
        done.stdout
    )
    assert "未使用的列：回复时间" in done.stdout
    assert "1 行的日期无法识别（第 6 行“昨天”）" in done.stdout
    assert "其中 2 条没有可识别的日期" in done.stdout
    rows = dict(stored(tmp_path, "SELECT author, created_at FROM reviews"))
    assert rows["小张"].startswith("2026-11-20 04:30")  # Beijing 12:30
    assert rows["小李"].startswith("2026-01-04 16:00")
    assert rows["小赵"].startswith("2026-11-19 16:00") and rows["小钱"] == rows["小赵"]
    assert rows["小孙"] is None and rows["小周"] is None  # never "now"


async def test_undated_imported_rows_are_never_alerted(database_url, clock):
    daemon = Daemon(
        make_settings(
            database_url,
            sources=[{"platform": "demo", "account": "shop-1", "base_url": "http://127.0.0.1:9"}],
        ),
        clock=clock,
        notifier=ConsoleNotifier(io.StringIO()),
    )
    await daemon.start(schedule=False)
    try:
        parsed = parse_export([row.split(",") for row in DATED])
        await import_export(
            daemon.sessions,
            parsed,
            store_id="store-1",
            store_name="测试小馆",
            platform="eleme",
            account="store-1:export",
            polled=False,
            now=clock.now(),
        )
        await daemon.drain()
        async with daemon.sessions() as session:
            alerted = set(
                (
                    await session.scalars(
                        select(Review.author).join(Alert, Alert.review_id == Review.id)
                    )
                ).all()
            )
            dates = dict((await session.execute(select(Review.author, Review.created_at))).all())
    finally:
        await daemon.stop()
        await daemon.close()
    assert dates["小孙"] is None and dates["小周"] is None
    assert "小张" in alerted  # recent, dated and bad: news
    assert "小李" not in alerted  # dated months ago: history
    assert not alerted & {"小孙", "小周"}  # undated: possibly years old, never news
