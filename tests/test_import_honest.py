"""`reviewbot import` reads what the file says, or says what it could not read: rows in
mixed encodings, rows in none, and spreadsheet formulas (issue 13)."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from openpyxl import Workbook

from reviewbot.app import cli
from reviewbot.app.exports import parse_export
from reviewbot.app.sheets import read_rows

HEADER = "评价编号,评价内容,评分,评价时间"
ROWS = [
    "r1,水煮鱼太咸了,1,2026-11-20 12:30",
    "r2,送餐很快，包装完好,5,2026-11-20 13:00",
    "r3,米饭夹生，汤也洒了,2,2026-11-19 08:00",
    "r4,麻婆豆腐一般般,3,2026-11-19 09:00",
]
CONFIG = (
    '[database]\nurl = "sqlite+aiosqlite:///bot.db"\n'
    '[[stores]]\nid = "s"\nname = "测试小馆"\n'  # no sources: an imports-only store
)


def _csv(tmp_path: Path, *lines: bytes) -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _import(tmp_path: Path, export: Path) -> str:
    (tmp_path / "c.toml").write_text(CONFIG, encoding="utf-8")
    out = io.StringIO()
    args = ["import", str(export), "--store", "s", "--platform", "meituan"]
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        assert cli.main([*args, "-c", str(tmp_path / "c.toml")]) == 0
    return out.getvalue()


def _stored(tmp_path: Path) -> dict[str, tuple]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute("SELECT external_id, text, rating FROM reviews").fetchall()
    return {external_id: (text, rating) for external_id, text, rating in rows}


def test_a_csv_mixing_gb18030_and_utf8_rows_is_read_row_by_row(tmp_path):
    gb, utf8 = "gb18030", "utf-8"
    export = _csv(
        tmp_path,
        HEADER.encode(gb),
        ROWS[0].encode(gb),
        ROWS[1].encode(utf8),  # pasted in from a file saved elsewhere
        ROWS[2].encode(gb),
        ROWS[3].encode(utf8),
    )
    out = _import(tmp_path, export)
    stored = _stored(tmp_path)
    assert stored == {
        "r1": ("水煮鱼太咸了", 1.0),
        "r2": ("送餐很快，包装完好", 5.0),
        "r3": ("米饭夹生，汤也洒了", 2.0),
        "r4": ("麻婆豆腐一般般", 3.0),
    }
    assert "文件编码：GB18030" in out
    assert "编码：修复 2 行（第 3、5 行），无法解码而拒绝 0 行" in out


def test_a_gb18030_file_with_one_utf8_row_finds_its_header(tmp_path):
    export = _csv(
        tmp_path,
        "美团外卖评价导出".encode("gb18030"),
        HEADER.encode("gb18030"),
        ROWS[0].encode("gb18030"),
        ROWS[1].encode("utf-8"),
    )
    _import(tmp_path, export)
    assert _stored(tmp_path)["r2"] == ("送餐很快，包装完好", 5.0)


def test_a_row_in_no_known_encoding_is_refused_by_number_never_stored_garbled(tmp_path):
    export = _csv(
        tmp_path,
        HEADER.encode("gb18030"),
        ROWS[0].encode("gb18030"),
        b"r9,\xff\xfe\x80\x80,1,2026-11-18",  # neither UTF-8 nor GB18030
        ROWS[2].encode("gb18030"),
    )
    out = _import(tmp_path, export)
    stored = _stored(tmp_path)
    assert set(stored) == {"r1", "r3"}
    assert not any("\ufffd" in text for text, _ in stored.values())
    assert "拒绝 1 行（第 3 行）" in out
    with sqlite3.connect(tmp_path / "bot.db") as db:
        (reason,) = db.execute("SELECT reason FROM quarantine").fetchone()
    assert reason == "row 3: neither UTF-8 nor GB18030"


def test_formula_text_in_a_csv_is_never_a_rating_and_is_reported(tmp_path):
    export = _csv(
        tmp_path,
        HEADER.encode(),
        "r1,好吃,=5,2026-11-20".encode(),
        b'r2,=HYPERLINK("http://x.example"),1,2026-11-20',
        b"r3,@SUM(A1),+4,2026-11-20",
        "r4,没评分,-,2026-11-20".encode(),  # a lone dash is an empty cell, not a formula
    )
    parsed = parse_export(read_rows(export))
    by_id = {r.external_id: r for r in parsed.records}
    assert by_id["r1"].rating is None  # never 5 stars
    assert by_id["r2"].text == '=HYPERLINK("http://x.example")' and by_id["r2"].rating == 1.0
    assert by_id["r3"].rating is None
    assert by_id["r4"].rating is None
    assert parsed.formula_ratings == [2, 4]
    assert parsed.formula_texts == [3, 4]
    notes = "\n".join(parsed.notes())
    assert "第 2、4 行" in notes and "第 3、4 行" in notes


def _xlsx_with_cached(path: Path, cached: dict[str, str]) -> None:
    """An .xlsx with formulas, and for the cells in `cached` the result Excel would have
    saved beside them (openpyxl writes formulas without results)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["评价编号", "评价内容", "评分", "评价时间"])
    sheet.append(["x1", '=CONCAT("太","咸")', "=2+2", "2026-11-20 12:00"])
    sheet.append(["x2", '=CONCAT("送餐","慢")', "=1+1", "2026-11-20 12:00"])
    sheet.append(["x3", "=5", 1, "2026-11-20 12:00"])  # a text cell, typed as '=5
    sheet["B4"].data_type = "s"
    book.save(path)
    with zipfile.ZipFile(path) as old:
        files = {name: old.read(name) for name in old.namelist()}
    xml = files["xl/worksheets/sheet1.xml"].decode()
    for ref, value in cached.items():
        kind = "" if re.fullmatch(r"[\d.]+", value) else ' t="str"'
        xml = re.sub(
            rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v */>',
            lambda m, ref=ref, kind=kind, value=value: (
                f'<c r="{ref}"{m[1]}{kind}><f>{m[2]}</f><v>{value}</v>'
            ),
            xml,
        )
    files["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w") as new:
        for name, data in files.items():
            new.writestr(name, data)


def test_xlsx_formulas_give_their_cached_results_or_are_reported_blank(tmp_path):
    path = tmp_path / "export.xlsx"
    _xlsx_with_cached(path, {"B2": "太咸", "C2": "4"})  # row 3: no results saved
    parsed = parse_export(read_rows(path))
    by_id = {r.external_id: r for r in parsed.records}
    assert (by_id["x1"].text, by_id["x1"].rating) == ("太咸", 4.0)
    assert "x2" not in by_id  # nothing readable left: quarantined, not an empty review
    assert [item.reason for item in parsed.rejected] == ["row 3: neither review text nor a rating"]
    assert by_id["x3"].text == "=5" and by_id["x3"].rating == 1.0
    assert parsed.formula_results == [2] and parsed.formula_blanks == [3]
    notes = "\n".join(parsed.notes())
    assert "公式没有计算结果（第 3 行" in notes and "第 4 行" in notes


def test_an_xlsx_rating_typed_as_eq5_is_not_five_stars(tmp_path):
    book = Workbook()
    book.active.append(["评价内容", "评分"])
    book.active.append(["一般", "=5"])
    book.active["B2"].data_type = "s"
    book.save(tmp_path / "e.xlsx")
    (record,) = parse_export(read_rows(tmp_path / "e.xlsx")).records
    assert record.rating is None
