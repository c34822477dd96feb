"""The PDF fonts, and which characters they can print.

The fonts are taken at set-up from Debian's packages into the git-ignored static/vendor/fonts/.
Debian ships Noto Sans CJK as .ttc collections whose first face is the Japanese one; WeasyPrint's
``@font-face`` would load that face, so the Simplified Chinese face is extracted once into its own
file. Noto Naskh Arabic (fonts-noto-core) extracts Uyghur and Kazakh text correctly, unlike the PyPI
Noto Sans Arabic 2.012 build (research/pdf-fonts.md §3). Noto Sans Mongolian (fonts-noto-core) prints
the traditional Mongolian script of Bortala's Mongol residents, joined, laid out horizontally (WeasyPrint
has no vertical writing).
Run ``python -m gongfa.web.fonts`` (the set-up does).

``unprintable()`` is the one answer to "will this character print?": forms refuse such characters at the
door (web/forms.py) and the PDFs replace those that slipped in earlier (web/pdf.py).
"""

import shutil
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FONT_DIR = ROOT / "static" / "vendor" / "fonts"
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc")
NOTO = Path("/usr/share/fonts/truetype/noto")
CJK_FACE = "Noto Sans CJK SC"

# family in our CSS → weight → file under FONT_DIR
FONTS = {
    "App CJK": {400: "NotoSansCJKsc-Regular.otf", 700: "NotoSansCJKsc-Bold.otf"},
    "App Arabic": {400: "NotoNaskhArabic-Regular.ttf", 700: "NotoNaskhArabic-Bold.ttf"},
    # Noto Sans Mongolian has no bold face and WeasyPrint never makes one up: a Mongolian name in a bold
    # heading prints in the regular face, named here for 700 as well so that nothing else is ever chosen.
    "App Mongolian": {400: "NotoSansMongolian-Regular.ttf", 700: "NotoSansMongolian-Regular.ttf"},
}
# Files copied as they are from fonts-noto-core (the CJK faces are extracted from their collections).
COPIED = {"NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSansMongolian-Regular.ttf"}

# Characters that print as nothing and so need no glyph: tab and line breaks, spaces, zero-width and
# direction format characters (the <bdi>-like isolates the PDFs put around names), variation selectors.
# Each one was rendered between Chinese and Uyghur letters, bold and regular, without a .notdef box or a
# fallback font (tests/web/test_print_coverage.py keeps it so). Not here, because they print a box or pull in
# a system font: U+2028 LINE SEPARATOR, U+0085, U+1680, U+061C ARABIC LETTER MARK, U+034F.
NO_GLYPH = frozenset({
    0x09, 0x0A, 0x0D,
    *range(0x2000, 0x200B), 0x202F, 0x205F, 0x2029,
    *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A),
    0x00AD, 0x180E, 0xFEFF,
    *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0),
})


class FontMissingError(RuntimeError):
    """A font file the set-up should have put in place is not there."""


def font_paths() -> list[Path]:
    """Every font file the PDFs use, once each."""
    return sorted({FONT_DIR / name for weights in FONTS.values() for name in weights.values()})


@cache
def covered() -> frozenset[int]:
    """Code points our fonts can print (loaded once per process, about half a second)."""
    from fontTools.ttLib import TTFont

    points: set[int] = set(NO_GLYPH)
    for path in font_paths():
        if not path.exists():
            raise FontMissingError(f"font file missing: {path} (run the set-up)")
        font = TTFont(str(path), lazy=True)
        points.update(font.getBestCmap().keys())
        font.close()
    return frozenset(points)


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no PDF font prints, each once, in order of appearance."""
    points = covered()
    return [ch for ch in dict.fromkeys(text) if ord(ch) not in points]


def prepare() -> list[Path]:
    """Extract/copy the fonts into FONT_DIR unless already there; return the written paths."""
    from fontTools.ttLib import TTCollection

    FONT_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for weight_name, weight in (("Regular", 400), ("Bold", 700)):
        out = FONT_DIR / FONTS["App CJK"][weight]
        if not out.exists():
            collection = TTCollection(str(CJK_TTC).format(weight=weight_name))
            face = next(f for f in collection.fonts if f["name"].getDebugName(1) == CJK_FACE)
            face.save(str(out))
            written.append(out)
    for name in sorted(COPIED):
        out = FONT_DIR / name
        if not out.exists():
            shutil.copyfile(NOTO / name, out)
            written.append(out)
    return written


if __name__ == "__main__":
    for path in prepare():
        print(f"font ready: {path.relative_to(ROOT)}", file=sys.stderr)
