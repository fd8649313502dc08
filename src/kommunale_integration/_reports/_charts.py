"""Charts of indicator trends and targets: SVG with pygal, PNG with matplotlib (DOCX).

The SVG is made for inline use in a self-contained HTML page under a strict content
security policy: pygal's configuration script, comments and namespace URLs are removed,
the random element id is replaced by a stable one, and the ``<svg>`` gets
``role="img"`` with a ``<title>`` and a ``<desc>`` (text alternative) that screen
readers announce. Every chart is accompanied by a data table in the report.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Final

from .._errors import require_extra, shown
from .._i18n import tr
from .._model import ObservationStatus
from ._context import Figure
from ._format import Formatter

__all__ = [
    "chart_description",
    "chart_gaps",
    "chart_title",
    "has_chart",
    "trend_png",
    "trend_svg",
    "value_axis_title",
]

#: Colours with a contrast of at least 4.5:1 against white.
COLOURS = ("#0b4f8a", "#8a3b00")
_TEXT = "#1a1a1a"

log = logging.getLogger("kommunale_integration")


def value_axis_title(figure: Figure) -> str | None:
    """The title of the value axis: the unit of the Kennzahl (``Personen``, ``%``,
    ``Fälle``), the same in the SVG (HTML) and the PNG (DOCX); ``None`` without a unit.

    A printed chart is read without its caption as often as with it: "300" on the axis
    says nothing until the axis says "Personen".
    """
    unit = (figure.indicator.unit or "").strip()
    return unit or None


#: The longest Kennzahl name a chart's legend shows; a longer one is "Wert" there (the
#: caption under the chart names the Kennzahl). In the SVG the legend's text begins
#: about 115 of 400 units from the left, at 13 units a letter about 7 wide: 40 letters
#: end inside the picture ("In Arbeit oder Ausbildung vermittelte Zugewanderte", 50,
#: printed as "… Zugewan", cut off by the picture's edge).
LEGEND_CHARS: Final = 40


def legend_name(figure: Figure, fmt: Formatter) -> str:
    """The name of the Kennzahl's line in the legend of its chart, the same in the SVG
    (HTML) and the PNG (DOCX): the name, or "Wert" when it is longer than
    :data:`LEGEND_CHARS` (the caption names it in full)."""
    name = figure.indicator.name
    return name if len(name) <= LEGEND_CHARS else fmt.t("value")


def chart_title(figure: Figure, fmt: Formatter, *, own: bool = False) -> str:
    """The chart's title with the unit of its values (also on the value axis:
    :func:`value_axis_title`), e.g.
    ``Entwicklung von „Vermittlungsquote (%)“ (Kreis Coesfeld)``; *own*: the Kennzahl's
    name marked as the concept's text (:meth:`Formatter.own`, the caption under it)."""
    from ._outline import indicator_label

    label = indicator_label(figure.indicator)
    if own:
        label = fmt.own(label)
    return fmt.t("chart_trend", name=label, territory=figure.territory_name)


def chart_description(figure: Figure, fmt: Formatter) -> str:
    """A text alternative listing every value with its period."""
    values = "; ".join(
        f"{fmt.period(p.period)}: {fmt.cell(p.value, p.status, figure.decimals)}"
        for p in figure.series
    )
    if figure.chart_target is None:
        return fmt.t("chart_desc_no_target", values=values)
    return fmt.t(
        "chart_desc", values=values, target=fmt.number(figure.chart_target, figure.decimals)
    )


def chart_gaps(figure: Figure, fmt: Formatter) -> str:
    """What the printed chart leaves out, said under it: the periods without a point,
    with their symbol and its meaning (``Ohne Punkt: 2022 (* nicht veröffentlicht)``);
    empty when every value is drawn.

    A suppressed or missing value is a gap in the line, which on paper looks like an
    error of the chart; its ``*`` stood only in the text alternative, and the table
    above the chart explains a ``*`` only when it has one itself.
    """
    hidden = ObservationStatus.SUPPRESSED
    suppressed = [p for p in figure.series if p.status is hidden]
    missing = [p for p in figure.series if p.published is None and p.status is not hidden]
    parts = [
        fmt.t(key, periods=", ".join(fmt.period(p.period) for p in points))
        for key, points in (("chart_gap_suppressed", suppressed), ("chart_gap_missing", missing))
        if points
    ]
    return fmt.t("chart_gaps", gaps="; ".join(parts)) if parts else ""


def has_chart(figure: Figure) -> bool:
    """Whether a trend chart says anything: at least two published values."""
    return sum(1 for p in figure.series if p.published is not None) >= 2


def _float(value: Decimal | None) -> float | None:
    """*value* as a point of a chart; none for a value beyond what a float holds (10^308)."""
    number = float(value) if value is not None else None
    return number if number is not None and math.isfinite(number) else None


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pygal() -> Any:
    """Import pygal without its legacy import hook.

    pygal appends a ``find_module``-only finder for its map plugins to
    ``sys.meta_path``; on Python 3.11 that finder makes every later failed import emit
    an ``ImportWarning`` in the whole process. The reports use no map plugins, so the
    finder is taken out again.
    """
    import pygal

    fixer = getattr(pygal, "PluginImportFixer", None)
    if fixer is not None:
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, fixer)]
    return pygal


def y_ticks(top: Decimal | float, *, whole: bool = False) -> list[float]:
    """Round marks from 0 to at least *top*, at most six (a scale on every chart:
    pygal's own major labels left some charts with only "0", its minor ones crowd).
    *whole*: the values are counts, so a mark is never between two whole numbers.

    >>> y_ticks(358)
    [0.0, 100.0, 200.0, 300.0, 400.0]
    >>> y_ticks(12.5)
    [0.0, 5.0, 10.0, 15.0]
    >>> y_ticks(2, whole=True)
    [0.0, 1.0, 2.0]
    """
    high = float(top)
    if not math.isfinite(high):
        return []
    if high <= 0:
        return [0.0, 1.0]
    step = 10.0 ** math.floor(math.log10(high / 5))
    for factor in (1, 2, 5, 10):
        if high / (step * factor) <= 5:
            step *= factor
            break
    if whole:
        step = max(step, 1.0)
    count = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def trend_svg(figure: Figure, fmt: Formatter, *, chart_id: str) -> str:
    """Return the trend chart of *figure* as inline SVG (no script, no external reference).

    Args:
        figure: The indicator figure with its series.
        fmt: Formatter of the report language.
        chart_id: A stable, page-unique id for the chart (letters, digits and ``-``).
    """
    pygal = _pygal()
    from pygal.style import Style

    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground=_TEXT,
        foreground_strong=_TEXT,
        foreground_subtle="#595959",
        colors=COLOURS,
        font_family="system-ui, 'Segoe UI', Arial, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        value_font_size=13,
        tooltip_font_size=13,
    )
    # A small canvas: the chart is drawn half the text wide (two a row), so its labels
    # print at about 8 pt (on a 640-wide canvas they shrank to 4 pt).
    chart = pygal.Line(
        js=[],
        disable_xml_declaration=True,
        width=400,
        height=220,
        style=style,
        show_legend=figure.chart_target is not None,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,  # one entry a line, a long name is "Wert": legend_name
        truncate_legend=-1,
        allow_interruptions=True,
        include_x_axis=True,
        explicit_size=False,
        value_formatter=lambda v: fmt.number(Decimal(str(v)), figure.decimals),
        print_values=False,
        show_x_guides=False,
        show_minor_y_labels=True,
        dots_size=4,
        margin_bottom=8,
        y_title=value_axis_title(figure),
        title_font_size=13,
    )
    chart.x_labels = [fmt.period(p.period) for p in figure.series]
    known = [v for v in (*(p.published for p in figure.series), figure.chart_target) if v]
    if all(v > 0 for v in known):  # below zero pygal's own scale stays
        ticks = y_ticks(max(known, default=Decimal(0)), whole=figure.decimals == 0)
        if ticks:
            chart.y_labels = ticks
    chart.add(
        legend_name(figure, fmt),
        [_float(p.published) for p in figure.series],
        stroke_style={"width": 3},
    )
    if figure.chart_target is not None:
        chart.add(
            fmt.t("target"),
            [_float(figure.chart_target)] * len(figure.series),
            show_dots=False,
            stroke_style={"dasharray": "8,5", "width": 3},
        )
    svg: str = chart.render(is_unicode=True)
    # the title with the Kennzahl's name marked as the concept's (German) text: the
    # page marks it in the language of the concept (_html.mark_languages)
    title = chart_title(figure, fmt, own=True)
    return _clean(svg, chart_id, title, chart_description(figure, fmt))


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_XMLNS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')


def _clean(svg: str, chart_id: str, title: str, desc: str) -> str:
    svg = _COMMENT.sub("", svg)
    svg = _SCRIPT.sub("", svg)
    svg = _XMLNS.sub("", svg)
    match = re.search(r'id="(chart-[0-9a-f-]+)"', svg)
    if match:
        svg = svg.replace(match.group(1), chart_id)
    head_end = svg.index(">") + 1
    head = svg[:head_end].replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"',
        1,
    )
    accessible = (
        f'<title id="{chart_id}-title">{_xml(title)}</title>'
        f'<desc id="{chart_id}-desc">{_xml(desc)}</desc>'
    )
    svg = head + accessible + svg[head_end:]
    if "http" in svg or "url(" in svg:  # pragma: no cover - guards a pygal change
        svg = re.sub(r"https?://[^\s\"'<>)]*", "", svg)
    return svg


def trend_png(figure: Figure, fmt: Formatter) -> bytes:
    """Return the trend chart of *figure* as PNG (for DOCX; needs the ``docx`` extra)."""
    plot = trend_plot(figure, fmt)
    buffer = io.BytesIO()
    plot.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


#: matplotlib's own font, first: Latin, Greek, Cyrillic, Arabic, Hebrew, Georgian …
_PNG_FONT: Final = "DejaVu Sans"


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    """The characters the font file *path* has (none when it cannot be read)."""
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


@functools.cache
def _installed_fonts() -> tuple[tuple[str, str], ...]:
    """``(family, file)`` of the regular face of every font family matplotlib finds on
    this computer, in a fixed order (its own DejaVu Sans first); not "Last Resort"
    (matplotlib 3.10+ ships it): it has every character, each as a box."""
    from matplotlib import font_manager

    faces: dict[str, str] = {}
    for face in sorted(font_manager.fontManager.ttflist, key=lambda f: (f.name, str(f.fname))):
        regular = face.style == "normal" and face.weight in (400, "normal", "regular")
        if regular and face.stretch == "normal" and not face.name.startswith("Last Resort"):
            faces.setdefault(face.name, str(face.fname))
    return tuple(sorted(faces.items(), key=lambda font: font[0] != _PNG_FONT))


def png_fonts(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The font families that draw *texts* in the PNG, and the texts that no font
    installed on this computer can draw.

    The PNG is drawn once, with the fonts of the computer that builds the report (the
    DOCX's own text is drawn later by the reader's Word). DejaVu Sans comes first; a
    character it lacks (Tigrinya's Ethiopic ፊደል, Chinese, Devanagari …) is taken from
    the first installed font that has it, as matplotlib falls back from font to font.
    A text with a character no installed font has would print as boxes: it is left
    out of the picture (the caption below names the Kennzahl with its unit), and the
    report builder says so (:func:`trend_plot`). No font is bundled: an openly licensed
    Ethiopic font alone weighs more than the wheel's code.
    """
    families = [_PNG_FONT]
    undrawable: list[str] = []
    fonts = _installed_fonts()
    for text in texts:
        missing = {ord(ch) for ch in text if not ch.isspace()}
        for family, path in fonts:
            if not missing:
                break
            found = missing & _charmap(path)
            if found:
                missing -= found
                if family not in families:
                    families.append(family)
        if missing:
            undrawable.append(text)
    return families, undrawable


def trend_plot(figure: Figure, fmt: Formatter) -> Any:
    """The matplotlib figure of :func:`trend_png` (needs the ``docx`` extra).

    A name or unit that no installed font can draw is left out of the picture, with a
    warning (see :func:`png_fonts`): the legend says "Wert" for the name, the value
    axis has no title; the caption, text of the DOCX, names both.
    """
    require_extra("matplotlib", "docx")
    import matplotlib

    matplotlib.use("Agg", force=False)
    name, title = legend_name(figure, fmt), value_axis_title(figure)
    families, undrawable = png_fonts([name, fmt.t("target"), *([title] if title else [])])
    for text in undrawable:
        log.warning(
            "%s",
            tr(
                "no font on this computer has every character of {text}: the chart in "
                "the DOCX shows this text only in its caption (install a font with these "
                "characters, e.g. Noto: on Debian and Ubuntu the package fonts-noto-core)",
                text=shown(text),
            ),
        )
    if name in undrawable:
        name = fmt.t("value")
    if title in undrawable:
        title = None
    with matplotlib.rc_context({"font.family": families}):
        return _draw(figure, fmt, name, title)


def _draw(figure: Figure, fmt: Formatter, name: str, title: str | None) -> Any:
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    labels = [fmt.period(p.period) for p in figure.series]
    values: list[Any] = [_float(p.published) for p in figure.series]
    # No title in the picture (the caption below carries it, so it is never cut off).
    # Drawn 4.2 inches wide and printed 7.9 cm (3.1 inches): the 10 pt labels print at
    # about 7.5 pt (at 6.4 inches they printed at 5 pt, too small to read on paper).
    plot = MplFigure(figsize=(4.2, 1.7), dpi=220)
    axes = plot.subplots()
    axes.plot(
        labels,
        [v if v is not None else float("nan") for v in values],
        marker="o",
        color=COLOURS[0],
        label=name,
    )
    if figure.chart_target is not None:
        axes.axhline(
            float(figure.chart_target), color=COLOURS[1], linestyle="--", label=fmt.t("target")
        )
        axes.legend(loc="best", fontsize=8)
    axes.set_ylim(bottom=0)
    if title is not None:
        axes.set_ylabel(title, fontsize=10)
    axes.grid(axis="y", color="#dddddd")
    axes.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(
            lambda v, _pos: fmt.number(Decimal(str(round(v, 6))), figure.decimals)
        )
    )
    plot.tight_layout()
    return plot
