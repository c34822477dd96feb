"""The PDF fonts: taken at set-up from Debian's packages into the git-ignored static/vendor/fonts/.

Debian ships Noto Sans CJK as .ttc collections whose first face is the Japanese one; WeasyPrint's
``@font-face`` would load that face, so the Simplified Chinese face is extracted once into its own
file. Noto Naskh Arabic (fonts-noto-core) extracts Uyghur and Kazakh text correctly, unlike the PyPI
Noto Sans Arabic 2.012 build (research/pdf-fonts.md §3).
Run ``python -m gongfa.web.fonts`` (the set-up does).
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
FONT_DIR = ROOT / "static" / "vendor" / "fonts"
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc")
NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-{weight}.ttf")
CJK_FACE = "Noto Sans CJK SC"

# family in our CSS → weight → file under FONT_DIR
FONTS = {
    "App CJK": {400: "NotoSansCJKsc-Regular.otf", 700: "NotoSansCJKsc-Bold.otf"},
    "App Arabic": {400: "NotoNaskhArabic-Regular.ttf", 700: "NotoNaskhArabic-Bold.ttf"},
}


def font_paths() -> list[Path]:
    """Every font file the PDFs use."""
    return [FONT_DIR / name for weights in FONTS.values() for name in weights.values()]


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
        out = FONT_DIR / FONTS["App Arabic"][weight]
        if not out.exists():
            shutil.copyfile(str(NASKH).format(weight=weight_name), out)
            written.append(out)
    return written


if __name__ == "__main__":
    for path in prepare():
        print(f"font ready: {path.relative_to(ROOT)}", file=sys.stderr)
