"""A report chart drawn as PNG, for the DOCX edition (python-docx cannot embed SVG).

The drawing follows :func:`wpstrack.charts.bar_chart`: horizontal bars, one per category,
the scale rounded up to 1, 2 or 5 × 10^n, the value written beside each bar, the axis named
in words, so the Word and PDF editions show the same chart. Pillow draws it (WeasyPrint
already depends on it) at twice the printed size for a sharp print. Text uses a system font
that has the language's characters (IPA Gothic or Noto Sans CJK for Japanese, DejaVu Sans
otherwise), falling back to Pillow's own font when none is installed.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from wpstrack.charts import nice_max
from wpstrack.i18n import _

WIDTH = 1600  # px: printed 16 cm wide at 254 dpi
BAR = 44
GAP = 16
LABEL_WIDTH = 520
COLOUR = (91, 42, 134)  # the report's purple, as in the SVG
FONTS = {
    "ja": ("ipag.ttf", "ipagp.ttf", "NotoSansCJK-Regular.ttc", "DejaVuSans.ttf"),
    "en": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "ipag.ttf"),
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(language: str, size: int) -> Font:
    """The first font of the language's list that the system has (Pillow searches the
    system's font folders by file name)."""
    for name in FONTS.get(language, FONTS["en"]):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:,.1f}"


def _fit(draw: ImageDraw.ImageDraw, label: str, face: Font, width: int) -> str:
    if draw.textlength(label, font=face) <= width:
        return label
    while label and draw.textlength(label + "…", font=face) > width:
        label = label[:-1]
    return label + "…"


def bar_chart_png(
    title: str,
    items: list[tuple[str, float]],
    *,
    value_label: str,
    category_label: str,
    language: str = "en",
) -> bytes:
    """Horizontal bars, one per ``(label, value)``, as the bytes of a PNG image."""
    height = 150 + max(1, len(items)) * (BAR + GAP)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    text, small = font(language, 26), font(language, 22)
    scale = nice_max(max((v for _label, v in items), default=0.0))
    plot = WIDTH - LABEL_WIDTH - 140
    draw.text((8, 8), title, fill=(17, 17, 17), font=text)
    draw.text((8, 52), category_label, fill=(85, 85, 85), font=small)
    top = 90
    draw.line((LABEL_WIDTH, top - 6, LABEL_WIDTH, height - 56), fill=(51, 51, 51), width=2)
    for i, (label, value) in enumerate(items):
        y = top + i * (BAR + GAP)
        length = plot * value / scale
        shown = _fit(draw, label, text, LABEL_WIDTH - 24)
        draw.text((LABEL_WIDTH - 12, y + BAR / 2), shown, fill=(17, 17, 17), font=text, anchor="rm")
        if length > 0:
            draw.rectangle((LABEL_WIDTH, y, LABEL_WIDTH + length, y + BAR), fill=COLOUR)
        draw.text(
            (LABEL_WIDTH + length + 10, y + BAR / 2),
            _number(value),
            fill=(17, 17, 17),
            font=text,
            anchor="lm",
        )
    axis = _("%(label)s (0 to %(top)s)", label=value_label, top=_number(scale))
    draw.text(
        (LABEL_WIDTH + plot / 2, height - 24), axis, fill=(85, 85, 85), font=small, anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
