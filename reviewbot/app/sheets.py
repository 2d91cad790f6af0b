"""Reading a merchant export's rows honestly: CSV (or tab-separated text) in whatever
encoding each row was saved in, .xlsx with formulas' cached results, old .xls.

Files exported on Chinese Windows are GB18030; files edited elsewhere are UTF-8; a file
pasted together from both is both, row by row. Each CSV row is decoded strictly, UTF-8
first and then GB18030 (a GB18030 row is almost never valid UTF-8, while UTF-8 bytes often
decode as GB18030 mojibake): a row in the file's minority encoding is read correctly and
counted as repaired, and a row that is neither is refused by number instead of being
stored with replacement characters. CSV structure is the same bytes in both encodings
(GB18030's trailing bytes never collide with `,` `"` tab or newline), so the file is split
into rows first and each row decoded after.

Spreadsheet formulas: an .xlsx keeps each formula's last result when Excel saved it, and
that is what a person saw; a formula without one (a file written by a program, never
opened in Excel) is left empty and reported, never stored as `=…` text.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENCODINGS = ("utf-8", "gb18030")
NAMES = {"utf-8": "UTF-8", "gb18030": "GB18030", "mixed": "UTF-8 与 GB18030 混合"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of Excel 97-2003 workbooks
# A review cell may be long (spam is); the csv module's default limit is 128 KiB.
FIELD_LIMIT = min(sys.maxsize, 1 << 26)


class ExportError(Exception):
    """The file cannot be imported as it is; the message says why, for the person at hand."""


@dataclass
class SheetRows:
    """A file's rows (row N of the file is `rows[N - 1]`) and what reading them took."""

    rows: list[list[Any]]
    encoding: str | None = None  # text files: the encoding most rows are in
    repaired: dict[int, str] = field(default_factory=dict)  # row → the other encoding
    refused: dict[int, str] = field(default_factory=dict)  # row → its bytes, escaped
    cached: list[int] = field(default_factory=list)  # rows with a formula's result used
    uncached: list[int] = field(default_factory=list)  # rows with a formula left empty


def read_rows(path: Path) -> SheetRows:
    """All rows of a CSV (any mix of UTF-8 and GB18030, UTF-16 with a byte-order mark,
    comma or tab separated), an .xlsx or an Excel 97-2003 .xls workbook."""
    if not path.exists():
        raise ExportError(f"{path} does not exist")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    raw = path.read_bytes()
    if path.suffix.lower() == ".xls":
        if raw.startswith(_OLE2):
            return SheetRows(_xls_rows(path))
        if re.match(rb"\s*<", raw[:512]):
            raise ExportError(
                f"{path} is a web page saved with an .xls name, not a spreadsheet: open it in "
                "Excel or WPS and save it as .xlsx or .csv"
            )
        # Some back-ends write tab-separated text and call it .xls: read it as such.
    return decode_text(raw)


def _records(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    csv.field_size_limit(FIELD_LIMIT)
    try:
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ExportError(f"not a readable CSV file: {exc}") from None


def _decode_cells(cells: list[bytes]) -> tuple[list[str], str] | None:
    """The row's cells and its encoding ("ascii", "utf-8", "gb18030" or "mixed"), or None."""
    if all(cell.isascii() for cell in cells):
        return [cell.decode("ascii") for cell in cells], "ascii"
    for encoding in ENCODINGS:
        try:
            return [cell.decode(encoding) for cell in cells], encoding
        except UnicodeDecodeError:
            continue
    decoded: list[str] = []
    for cell in cells:  # a row pasted together from both: each cell on its own
        for encoding in ENCODINGS:
            try:
                decoded.append(cell.decode(encoding))
                break
            except UnicodeDecodeError:
                continue
        else:
            return None
    return decoded, "mixed"


def _has_utf8_line(raw: bytes) -> bool:
    """Whether any line with non-ASCII bytes is valid UTF-8 (so the file is not all GB18030,
    although GB18030 would decode the whole of it, wrongly)."""
    for line in raw.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
                return True
            except UnicodeDecodeError:
                continue
    return False


def decode_text(raw: bytes) -> SheetRows:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return SheetRows(_records(raw.decode("utf-16")), encoding="UTF-16")
        except UnicodeDecodeError as exc:
            raise ExportError(f"a damaged UTF-16 file (at byte {exc.start})") from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return SheetRows(_records(raw.decode("utf-8")), encoding="UTF-8")
    except UnicodeDecodeError:
        pass
    try:  # all GB18030, as Excel on Chinese Windows saves: one decode, no row by row
        if not _has_utf8_line(raw):
            return SheetRows(_records(raw.decode("gb18030")), encoding="GB18030")
    except UnicodeDecodeError:
        pass
    # Latin-1 maps each byte to one character and back: the CSV is split on bytes.
    records = _records(raw.decode("latin-1"))
    rows: list[list[Any]] = []
    used: dict[int, str] = {}
    refused: dict[int, str] = {}
    for number, record in enumerate(records, start=1):
        cells = [cell.encode("latin-1") for cell in record]
        decoded = _decode_cells(cells)
        if decoded is None:
            rows.append([])
            refused[number] = ",".join(c.decode("utf-8", "backslashreplace") for c in cells)
            continue
        rows.append(decoded[0])
        if decoded[1] != "ascii":
            used[number] = decoded[1]
    counts = {enc: sum(1 for e in used.values() if e == enc) for enc in ENCODINGS}
    main = max(ENCODINGS, key=lambda enc: (counts[enc], enc == "gb18030"))
    if used and len(refused) > len(rows) // 2:
        raise ExportError(
            f"most rows are neither UTF-8 nor GB18030 ({len(refused)} of {len(rows)}): "
            "open the file in Excel or WPS and save it as .xlsx, or as CSV UTF-8"
        )
    repaired = {n: NAMES[e] for n, e in used.items() if e != main}
    return SheetRows(rows, encoding=NAMES[main], repaired=repaired, refused=refused)


# A formula element in a worksheet's XML (`<f>`, `<f t="shared" …/>`), not <font> or the
# <formula1> of a data validation.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the .xlsx holds a formula: one scan of its XML, far cheaper
    than reading the cells."""
    try:
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    continue
                with book.open(name) as sheet:
                    tail = b""
                    while chunk := sheet.read(1 << 20):
                        if _FORMULA.search(tail + chunk):
                            return True
                        tail = chunk[-32:]
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
    return False


def _xlsx_rows(path: Path) -> SheetRows:
    """The first sheet of an .xlsx. Without formulas (nearly every export), by calamine,
    which reads 50,000 rows some twenty times faster than openpyxl. With formulas, by
    openpyxl: as written first (a formula as its `=…` text), then again for the results
    Excel cached, so each formula is reported and none is stored as its text."""
    if not _has_formulas(path):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            grid = sheet.to_python(skip_empty_area=False)  # row N stays row N
        except Exception as exc:  # calamine raises its own kinds for a broken file
            raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
        return SheetRows([[None if value == "" else value for value in row] for row in grid])
    from openpyxl import load_workbook  # only needed for Excel files with formulas

    def sheet(data_only: bool) -> list[list[Any]]:
        try:
            book = load_workbook(path, read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
        try:
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        except Exception as exc:
            raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
        finally:
            book.close()

    rows = sheet(data_only=False)
    formulas = [
        (r, c)
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and value.startswith("=")
    ]
    if not formulas:
        return SheetRows(rows)
    results = sheet(data_only=True)
    cached: set[int] = set()
    uncached: set[int] = set()
    for r, c in formulas:
        value = results[r][c] if r < len(results) and c < len(results[r]) else None
        if value == rows[r][c]:
            continue  # text that merely starts with "=" (typed with a leading ')
        rows[r][c] = value
        (cached if value is not None else uncached).add(r + 1)
    return SheetRows(rows, cached=sorted(cached), uncached=sorted(uncached))


def _xls_rows(path: Path) -> list[list[Any]]:
    """The first sheet of an Excel 97-2003 workbook (formulas as their stored results),
    with dates as datetimes (as openpyxl gives them for .xlsx) and numbers as floats."""
    import xlrd  # only needed for old Excel files

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as exc:  # xlrd raises several kinds for a broken file
        raise ExportError(f"{path} is not a readable Excel file: {exc}") from None
    try:
        sheet = book.sheet_by_index(0)
        empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR)

        def value(cell: Any) -> Any:
            if cell.ctype in empty:
                return None
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    return xlrd.xldate_as_datetime(cell.value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    return None  # a date Excel itself could not show: no date, not a guess
            if cell.ctype == xlrd.XL_CELL_BOOLEAN:
                return bool(cell.value)
            return cell.value

        return [[value(cell) for cell in sheet.row(r)] for r in range(sheet.nrows)]
    finally:
        book.release_resources()
