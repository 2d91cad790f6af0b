"""Build the Chinese font bundled with reviewbot, so charts are readable on any machine.

The digest and report charts are drawn with matplotlib, whose own fonts have no Chinese
glyphs: on a server without a CJK font every label would be an empty box. reviewbot
therefore ships `reviewbot/_fonts/ReviewbotCJKSC-Regular.otf`, registered with matplotlib
as the last resort (a system CJK font, when there is one, still wins).

Provenance: the Simplified Chinese face of Noto Sans CJK 2.004, Regular weight
(https://github.com/googlefonts/noto-cjk, SIL Open Font License 1.1), as packaged by
Debian in `fonts-noto-cjk` 1:20220127+repack1-1, file
/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc (sha256 below). The upstream file
Sans/OTF/SimplifiedChinese/NotoSansCJKsc-Regular.otf of release Sans2.004 is the same face
and works too.

What is kept: printable ASCII, Latin-1 punctuation, the general and CJK punctuation and
full-width forms, and every character of GB2312 (the 6,763 common Simplified Chinese
characters and its symbols, ★ and ☆ included). That is what chart labels, category names
and nearly all store names use, at about a fifth of the full font's size. The family is
renamed "Reviewbot CJK SC", so it can never be mistaken for (or shadow) a full Noto Sans
CJK installed on the system; the OFL allows modified versions under another name.

Rebuild (fontTools is needed here only, not at run time):

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb noto
    .venv/bin/python tools/build_cjk_font.py \
        noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The output is byte-for-byte reproducible for the same input and fontTools version.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE_FAMILY = "Noto Sans CJK SC"
KNOWN_SOURCES = {
    # fonts-noto-cjk 1:20220127+repack1-1 (Debian), Noto Sans CJK 2.004
    "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a": "NotoSansCJK-Regular.ttc",
}
FAMILY = "Reviewbot CJK SC"
POSTSCRIPT = "ReviewbotCJKSC-Regular"
OUT = Path(__file__).resolve().parent.parent / "reviewbot" / "_fonts" / f"{POSTSCRIPT}.otf"
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ·, ×, °, «»
    (0x2000, 0x206F),  # general punctuation: — … ‘’ “” •
    (0x2100, 0x215F),  # letterlike symbols and number forms: ℃, №, ⅓
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ②
    (0x25A0, 0x25FF),  # geometric shapes: ■ ● ▲
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。《》「」【】
    (0xFF00, 0xFFEF),  # full-width forms: ，：；！？（）
)


def gb2312() -> set[int]:
    """Every character GB2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    chars: set[int] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def codepoints() -> list[int]:
    chars = gb2312()
    for start, end in RANGES:
        chars.update(range(start, end + 1))
    return sorted(chars)


def source_face(path: Path) -> TTFont:
    """The Noto Sans CJK SC face of a collection (.ttc) or a single font file."""
    if path.suffix.lower() in (".ttc", ".otc"):
        for number in range(len(TTCollection(str(path)).fonts)):
            face = TTFont(str(path), fontNumber=number, recalcTimestamp=False)
            if face["name"].getDebugName(1) == SOURCE_FAMILY:
                return face
        sys.exit(f"{path}: no {SOURCE_FAMILY!r} face in this collection")
    face = TTFont(str(path), recalcTimestamp=False)
    if face["name"].getDebugName(1) != SOURCE_FAMILY:
        sys.exit(f"{path}: is {face['name'].getDebugName(1)!r}, not {SOURCE_FAMILY!r}")
    return face


def rename(font: TTFont, source_version: str) -> None:
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 5, 6, 10, 16, 17, 21, 22):
            names.removeNames(nameID=record.nameID)
    for name_id, text in (
        (1, FAMILY),
        (3, f"{POSTSCRIPT};reviewbot subset of Noto Sans CJK SC {source_version}"),
        (4, FAMILY),
        (5, f"{source_version}; subset of Noto Sans CJK SC for reviewbot"),
        (6, POSTSCRIPT),
        (
            10,
            "A subset of Noto Sans CJK SC Regular (Google, Adobe; SIL Open Font License 1.1): "
            "ASCII, GB2312 and common punctuation, renamed. Built by tools/build_cjk_font.py.",
        ),
    ):
        names.setName(text, name_id, 3, 1, 0x409)
        names.setName(text, name_id, 1, 0, 0)
    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT]
    top = cff.topDictIndex[0]
    for key, value in (("FullName", FAMILY), ("FamilyName", FAMILY)):
        if hasattr(top, key):
            setattr(top, key, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", type=Path, help="NotoSansCJK-Regular.ttc or NotoSansCJKsc-Regular.otf"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    digest = hashlib.sha256(args.source.read_bytes()).hexdigest()
    print(f"source {args.source} sha256 {digest} ({KNOWN_SOURCES.get(digest, 'not a known file')})")
    font = source_face(args.source)
    version = font["name"].getDebugName(5).split(";")[0]
    options = subset.Options()
    options.layout_features = ["*"]  # keep vertical forms, locl, kerning
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    rename(font, version)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.out), reorderTables=True)
    kept = len(font.getBestCmap())
    print(f"wrote {args.out}: {kept} characters, {args.out.stat().st_size / 1e6:.2f} MB")
    print(f"sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
