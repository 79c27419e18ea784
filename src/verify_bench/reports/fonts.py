"""Fonts for the PDF report: bundled DejaVu (Latin, Cyrillic, Greek, Arabic, Hebrew…), CJK by fallback.

DejaVu Sans / Sans Mono ship under ``resources/reports/fonts/`` (Bitstream Vera licence, which
permits bundling), so the PDF embeds every Latin, Cyrillic and Arabic glyph from a plain pip
install. DejaVu has no CJK glyphs and a CJK TrueType font is several megabytes: a CJK run uses the
first TrueType CJK font found on the system (or ``$VERIFY_BENCH_CJK_FONT``), embedded; failing
that, one of the standard Adobe CJK fonts, which PDF readers supply (not embedded). Arabic and
Hebrew are shaped (``arabic-reshaper``) and put in display order (``python-bidi``), since
reportlab lays glyphs out left to right.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import resources_dir
from .presentation import visible

SANS, BOLD, MONO = "VB-Sans", "VB-Sans-Bold", "VB-Mono"
CJK_ENV = "VERIFY_BENCH_CJK_FONT"
#: TrueType (not CFF) fonts with CJK glyphs, where common systems put them.
CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@cache
def register() -> dict[str, str]:
    """Register the report fonts once; returns ``{"cjk": name, "hangul": name, "cjk_embedded": "yes"|"no"}``."""
    folder = resources_dir() / "reports" / "fonts"
    for name, file in ((SANS, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"), (MONO, "DejaVuSansMono.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=BOLD, italic=SANS, boldItalic=BOLD)
    found = _system_cjk()
    if found is not None:
        return {"cjk": found, "hangul": found, "cjk_embedded": "yes"}
    for cid in ("STSong-Light", "HYSMyeongJo-Medium"):
        pdfmetrics.registerFont(UnicodeCIDFont(cid))
    return {"cjk": "STSong-Light", "hangul": "HYSMyeongJo-Medium", "cjk_embedded": "no"}


def _system_cjk() -> str | None:
    paths = [os.environ.get(CJK_ENV, "")] + list(CJK_CANDIDATES)
    for path in paths:
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("VB-CJK", path, subfontIndex=0))
            except Exception:  # noqa: BLE001 - a font reportlab cannot embed (CFF outlines…): try the next
                continue
            return "VB-CJK"
    return None


@cache
def _covered(font: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def markup(text: object, font: str = SANS) -> str:
    """Paragraph markup for ``text``: XML-escaped, RTL runs in display order, CJK runs in a CJK font."""
    s = visible("" if text is None else str(text))
    if _RTL.search(s):
        s = _display_order(s)
    names = register()
    covered = _covered(font)
    out: list[str] = []
    run: list[str] = []
    run_font = font
    for ch in s:
        want = font if ord(ch) in covered or ch in "\n\t " else _fallback(ch, names)
        if want != run_font and run:
            out.append(_run("".join(run), run_font, font))
            run = []
        run_font = want
        run.append(ch)
    if run:
        out.append(_run("".join(run), run_font, font))
    return "".join(out)


def _run(text: str, face: str, base: str) -> str:
    body = escape(text)
    return body if face == base else f'<font face="{face}">{body}</font>'


def _fallback(ch: str, names: dict[str, str]) -> str:
    if "HANGUL" in unicodedata.name(ch, ""):
        return names["hangul"]
    return names["cjk"]


def _display_order(text: str) -> str:
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))
