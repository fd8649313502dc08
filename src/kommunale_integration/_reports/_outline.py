"""The one outline of the Jahresbericht: sections, their order, headings and table columns.

:func:`build_outline` turns a :class:`~kommunale_integration.ReportContext` into an
:class:`Outline`: a title, the Vorlage header and numbered :class:`Section` objects made
of a few kinds of blocks (:class:`Paragraph`, :class:`Items`, :class:`Table`,
:class:`Chart`), every text already formatted in the report language. The HTML,
Markdown and DOCX renderers only walk this structure, so the three formats cannot drift
apart: a section, a column or a heading is defined here once. Every text of the concept
(a measure's title, a Kennzahl's name, a glossary entry …) enters here through
:meth:`Formatter.own <._format.Formatter.own>`, which marks it as German in a report of
another language; the renderers turn the marks into ``lang="de"`` (HTML) and runs of
``de-DE`` (DOCX) and drop them in Markdown (:func:`._format.plain`).

A section whose builder returns nothing is left out (no empty sections, no "keine …
erfasst" lines); sections are numbered after that. To add a section, write a builder
``(ctx, fmt) -> Body | None`` and add a :class:`SectionSpec` to :data:`SECTIONS` (main
part) or :data:`ANNEXES`; ``build_outline(..., extra=…)`` adds sections without changing
this module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Final, Literal

import attrs

from .._engine.forecasting import WINDOW, Forecast, ForecastRefusal, ForecastStatus
from .._model import CaseCount, CaseCountKind, Indicator, MeasureStatus, ObservationStatus
from .._periods import ReportPeriod
from ._charts import chart_description, chart_gaps, chart_title, has_chart
from ._context import (
    DecisionView,
    Figure,
    GoalView,
    MeasureView,
    OutsideView,
    Point,
    ReportContext,
    _shift,
)
from ._format import GLUE, Formatter, plain

__all__ = [
    "ANNEXES",
    "KEEP_TOGETHER_ROWS",
    "SECTIONS",
    "Body",
    "Chart",
    "Column",
    "Item",
    "Items",
    "Outline",
    "Paragraph",
    "Section",
    "SectionSpec",
    "Table",
    "build_outline",
]

#: Lists longer than this go to the annex; the main text gives their count.
LIST_LIMIT: Final = 6

#: Symbols of the forecast status that also print in black and white.
FORECAST_SYMBOLS: Final = {
    ForecastStatus.ON_TRACK: "●",
    ForecastStatus.AT_RISK: "◐",
    ForecastStatus.OFF_TRACK: "○",
}

#: Between a forecast symbol and its word: a no-break space, so that a narrow column or
#: the end of a printed line never leaves the symbol alone ("○" / "nicht auf Kurs").
SYMBOL_GLUE: Final = GLUE


def _glued(text: str) -> str:
    """*text* with every forecast symbol (and ``–`` for none) bound to the word after it."""
    for symbol in (*FORECAST_SYMBOLS.values(), "–"):
        text = text.replace(f"{symbol} ", f"{symbol}{SYMBOL_GLUE}")
    return text


@attrs.frozen(kw_only=True)
class Paragraph:
    """Running text; ``label`` is printed in bold before it. ``intro`` is body text that
    introduces what follows ("Maßnahmen:"): on paper it never ends a page."""

    text: str
    label: str | None = None
    style: Literal["body", "note", "lead", "intro"] = "body"
    kind: Literal["paragraph"] = "paragraph"


@attrs.frozen(kw_only=True)
class Item:
    """An entry of a bullet list: bold ``label``, ``text`` and an optional link on it."""

    text: str
    label: str | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class Items:
    """A bullet list. ``intro``: it introduces what follows (the goals of a
    Handlungsfeld before its tables): on paper it never ends a page."""

    items: tuple[Item, ...]
    intro: bool = False
    kind: Literal["items"] = "items"


@attrs.frozen(kw_only=True)
class Column:
    """A table column: its heading and whether it holds numbers (right-aligned)."""

    header: str
    numeric: bool = False


#: A table of at most this many rows is kept on one page, in print and in the DOCX: the
#: Kreis report printed the header and one row of a two-row table at the foot of a page
#: and its second row on the next; the Stadt report the header of a one-row table at the
#: foot of page 3 and its row on page 4 (Chromium does not keep a header with its first
#: row where the heading, goals and caption above it are kept with it too).
KEEP_TOGETHER_ROWS: Final = 4


@attrs.frozen(kw_only=True)
class Table:
    """A table with a caption; the first cell of each row is its row header."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: Literal["table"] = "table"

    @property
    def short(self) -> bool:
        """Whether the table is kept on one page (:data:`KEEP_TOGETHER_ROWS`)."""
        return len(self.rows) <= KEEP_TOGETHER_ROWS


@attrs.frozen(kw_only=True)
class Chart:
    """A trend chart of a Kennzahl, with title and text alternative."""

    figure: Figure
    chart_id: str
    title: str
    description: str
    gaps: str = ""
    """The periods the chart draws no point for, and why (:func:`chart_gaps`)."""
    kind: Literal["chart"] = "chart"


Block = Paragraph | Items | Table | Chart


@attrs.frozen(kw_only=True)
class Body:
    """What a section builder returns: blocks and subsections (heading, blocks)."""

    blocks: tuple[Block, ...] = ()
    subsections: tuple[tuple[str, Body], ...] = ()


@attrs.frozen(kw_only=True)
class Section:
    """A numbered section of the outline."""

    id: str
    number: str
    title: str
    level: int
    blocks: tuple[Block, ...]
    children: tuple[Section, ...] = ()
    break_after: bool = False

    @property
    def heading(self) -> str:
        """Number and title, e.g. ``3.2 Sprache``."""
        return f"{self.number} {self.title}" if self.number else self.title


@attrs.frozen(kw_only=True)
class Outline:
    """The whole report as formatted, format-independent structure."""

    lang: str
    title: str
    meta: str
    banner: tuple[str, str] | None
    vorlage: Table
    sections: tuple[Section, ...]
    footer: str
    running_header: str
    author: str


Builder = Callable[[ReportContext, Formatter], Body | None]


@attrs.frozen(kw_only=True)
class SectionSpec:
    """A section of the report: an anchor id, the key of its title and its builder."""

    id: str
    title_key: str
    build: Builder
    break_after: bool = False


# --------------------------------------------------------------------------- helpers


def _table(
    caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> Table:
    """A :class:`Table`; the columns at the indexes in *numeric* hold numbers."""
    return Table(
        caption=caption,
        columns=tuple(Column(header=h, numeric=i in numeric) for i, h in enumerate(headers)),
        rows=tuple(tuple(row) for row in rows),
    )


def _paragraphs(
    fmt: Formatter, text: str | None, style: Literal["body", "note", "lead", "intro"] = "body"
) -> list[Block]:
    """The paragraphs of a text of the concept (a Sachverhalt, a field's description)."""
    return [
        Paragraph(text=fmt.own(" ".join(part.split())), style=style)
        for part in (text or "").split("\n\n")
        if part.strip()
    ]


def _value(fmt: Formatter, figure: Figure) -> str:
    point = figure.current
    if point is None:
        return fmt.symbol("missing")
    return fmt.cell(point.value, point.status, figure.decimals)


def _change(fmt: Formatter, figure: Figure) -> str:
    return fmt.change(
        figure.change_abs,
        figure.change_rel,
        figure.decimals,
        percentage_points=figure.percentage_points,
    )


def _target(fmt: Formatter, figure: Figure) -> str:
    if figure.target is None or figure.target_period is None:
        return fmt.symbol("missing")
    return f"{fmt.number(figure.target, figure.decimals)}{GLUE}({fmt.period(figure.target_period)})"


def _attainment(fmt: Formatter, figure: Figure) -> str:
    if figure.derived.below_baseline:
        return fmt.t("below_baseline")
    if figure.attainment is None:
        return fmt.symbol("missing")
    return fmt.percent(fmt.number(figure.attainment, 0))


def _attainment_note(fmt: Formatter, figure: Figure) -> str | None:
    """Baseline and formula of an attainment, or why there is none (one sentence)."""
    d = figure.derived
    if d.target is None or d.target_period is None:
        return None
    name, places = fmt.own(figure.indicator.name), figure.decimals
    if d.attainment_note == "other-period-kind":
        return fmt.t(
            "note_other_kind",
            name=name,
            target_period=fmt.period(d.target_period),
            period=fmt.period(d.period),
        )
    if d.value is None or d.attainment is None:
        return None
    values = {
        "name": name,
        "value": fmt.number(d.value, places),
        "target": fmt.number(d.target, places),
        "target_period": fmt.period(d.target_period),
        "attainment": fmt.percent(fmt.number(d.attainment, 0)),
    }
    if d.baseline is not None and d.baseline_period is not None and d.baseline != d.target:
        values["baseline"] = fmt.number(d.baseline, places)
        values["baseline_period"] = fmt.period(d.baseline_period)
        if d.below_baseline:
            return fmt.t("note_below_baseline", **values)
        return fmt.t("note_attainment_baseline", **values)
    key = "note_attainment_down" if figure.indicator.direction == "down" else "note_attainment"
    return fmt.t(key, **values)


def forecast_label(fmt: Formatter, outlook: Forecast | None) -> str:
    """Symbol and label of a forecast status, e.g. ``● auf Kurs``; ``–`` without one."""
    if outlook is None or outlook.status is None:
        return fmt.symbol("missing")
    return f"{FORECAST_SYMBOLS[outlook.status]}{SYMBOL_GLUE}{fmt.t('forecast_' + outlook.status)}"


def forecast_sentence(fmt: Formatter, figure: Figure) -> str | None:
    """The one sentence of the Erfolgsprognose for *figure* (``None`` without a target)."""
    outlook = figure.forecast
    if outlook is None:
        return None
    places = figure.decimals
    values = {
        "name": fmt.own(figure.indicator.name),
        "target": fmt.number(outlook.target, places),
        "target_period": fmt.period(outlook.target_period),
        "period": fmt.period(figure.derived.period),
    }
    if outlook.refusal is not None:
        key = f"forecast_refused_{outlook.refusal}"
        if outlook.refusal is ForecastRefusal.TOO_FEW_POINTS:
            if not outlook.points:  # not "nur 0 veröffentlichte Werte"
                return fmt.t("forecast_refused_no-points", **values)
            return fmt.tn(key, outlook.points, **values)
        return fmt.t(key, **values)
    if (  # pragma: no cover - by construction
        outlook.status is None
        or outlook.expected is None
        or outlook.low is None
        or outlook.high is None
    ):
        return None
    if outlook.steps == 0:
        key = "reached" if outlook.status is ForecastStatus.ON_TRACK else "missed"
        return fmt.t(f"forecast_now_{key}", expected=fmt.number(outlook.expected, places), **values)
    said = fmt.forecast_range(outlook.expected, outlook.low, outlook.high, places)
    return fmt.t(f"forecast_sentence_{outlook.status}", outlook=said, **values)


def _suppressed(point: Point | None) -> bool:
    return point is not None and point.status is ObservationStatus.SUPPRESSED


def _marked(
    fmt: Formatter, figures: Sequence[Figure], status: ObservationStatus, *, previous: bool
) -> list[str]:
    """The Kennzahlen of *figures* whose value shows the mark of *status*; one whose
    value does not but whose previous period does is named with that period
    (``Aktive Fälle (Vorperiode 2025)``), so that the note does not seem to speak of the
    value beside it. *previous*: whether the table shows the previous period."""
    names: list[str] = []
    for f in figures:
        if f.current is not None and f.current.status is status:
            names.append(fmt.own(f.indicator.name))
        elif previous and f.previous is not None and f.previous.status is status:
            names.append(
                fmt.t(
                    "suppressed_previous",
                    name=fmt.own(f.indicator.name),
                    period=fmt.period(f.previous.period),
                )
            )
    return names


#: The marks a value can carry after it, with the sentence that explains them under the
#: table: ``*`` (nicht veröffentlicht), ``p`` (vorläufig) and ``r`` (gerundet).
_MARK_NOTES: Final = (
    (ObservationStatus.SUPPRESSED, "suppressed_note"),
    (ObservationStatus.PROVISIONAL, "provisional_note"),
    (ObservationStatus.ROUNDED, "rounded_note"),
)


def marks_note(
    fmt: Formatter, figures: Sequence[Figure], *, previous: bool = True
) -> Paragraph | None:
    """The note under a table of *figures* that explains its marks in plain words: which
    Kennzahlen show ``*`` and why, which ``p`` (vorläufig) and which ``r`` (gerundet);
    ``None`` when none shows a mark. "17 p" stood on the first page of the Stadt report
    with its meaning only in the annex."""
    sentences = [
        fmt.t(key, names=", ".join(names), symbol=fmt.symbol(status))
        for status, key in _MARK_NOTES
        if (names := _marked(fmt, figures, status, previous=previous))
    ]
    return Paragraph(text=" ".join(sentences), style="note") if sentences else None


def indicator_label(indicator: Indicator) -> str:
    """The name of a Kennzahl with its unit: ``Begonnene Sprachkurse (Personen)``,
    ``Vermittlungsquote (%)``; not ``Aktive Fälle (Fälle)``, where the name says it.

    >>> from kommunale_integration import Indicator
    >>> indicator_label(Indicator(id="a", name="Aktive Fälle", unit="Fälle"))
    'Aktive Fälle'
    >>> indicator_label(Indicator(id="k", name="Begonnene Sprachkurse", unit="Personen"))
    'Begonnene Sprachkurse (Personen)'
    """
    unit = indicator.unit
    if not unit or unit.casefold() in indicator.name.casefold().split():
        return indicator.name
    return f"{indicator.name} ({unit})"


def _figure_table(fmt: Formatter, figures: Sequence[Figure], caption: str) -> Table:
    t = fmt.t
    return _table(
        caption,
        [t("indicator"), t("value"), t("previous"), t("change"), t("target"), t("attainment")],
        [
            (
                fmt.own(indicator_label(f.indicator)),
                _value(fmt, f),
                fmt.cell(f.previous.value, f.previous.status, f.decimals)
                if f.previous
                else fmt.symbol("missing"),
                _change(fmt, f),
                _target(fmt, f),
                _attainment(fmt, f),
            )
            for f in figures
        ],
        numeric=(1, 2, 3, 4, 5),
    )


# --------------------------------------------------------------------------- sections


def _glance(ctx: ReportContext, fmt: Formatter) -> Body:
    t = fmt.t
    blocks: list[Block] = []
    if ctx.today <= ctx.period.end:
        # Built on 1 December for the running year, the report compared eleven months
        # with the whole previous year and said "Zielwert 2026 ist nicht erreicht".
        running = t(
            "period_running",
            period=fmt.period(ctx.period),
            today=fmt.date(ctx.today),
            end=fmt.date(ctx.period.end),
        )
        blocks.append(Paragraph(text=running, style="lead"))
    if ctx.targeted:
        blocks.append(
            _table(
                t("glance_indicators", period=fmt.period(ctx.period)),
                [t("indicator"), t("value"), t("target"), t("forecast")],
                [
                    (
                        fmt.own(indicator_label(f.indicator)),  # with its unit, as in the fields
                        _value(fmt, f),
                        _target(fmt, f),
                        forecast_label(fmt, f.forecast),
                    )
                    for f in ctx.targeted
                ],
                numeric=(1, 2),
            )
        )
        if note := marks_note(fmt, ctx.targeted, previous=False):
            blocks.append(note)
    facts: list[Item] = []
    if ctx.decisions:  # in the order of the sections: Beschlüsse before Handlungsfelder
        facts.append(Item(label=t("decisions"), text=_glance_decisions(ctx, fmt)))
    if ctx.measures:
        counts = Counter(m.status for m in ctx.measures)
        text = ", ".join(
            f"{fmt.number(counts[s], 0)} {fmt.status(s)}" for s in MeasureStatus if counts[s]
        )
        facts.append(Item(label=t("measures"), text=text))
    if ctx.networks:
        held = sum(len(n.meetings) for n in ctx.networks)
        planned = sum(n.planned or 0 for n in ctx.networks)
        networks = fmt.tn("glance_in_networks", len(ctx.networks))
        text = fmt.tn("glance_meetings", held, networks=networks)
        if planned:
            text += t("glance_planned", planned=fmt.number(planned, 0))
        facts.append(Item(label=t("networks"), text=text))
    money = ctx.finances
    if money.funding:
        facts.append(
            Item(
                label=t("funding"),
                text=fmt.tn(
                    "glance_funding", len(money.funding), total=fmt.money_short(money.total)
                ),
            )
        )
    if money.staff:
        facts.append(
            Item(
                label=t("staff"),
                text=t("glance_staff", fte=fmt.number(money.fte, 1))
                + (
                    t("glance_seconded", fte=fmt.number(money.fte_seconded, 1))
                    if money.fte_seconded
                    else ""
                ),
            )
        )
    if money.places:
        facts.append(
            Item(
                label=t("glance_capacity"),
                text=fmt.tn(
                    "glance_places",
                    len(money.places),
                    places=fmt.number(money.places_total, 0),
                ),
            )
        )
    a = ctx.actors
    if a.actor_count or a.offer_count:
        facts.append(
            Item(
                label=t("actors_offers"),
                text=_summary_counts(fmt, a.actor_count, a.offer_count),
            )
        )
    if facts:
        blocks.append(Items(items=tuple(facts)))
    if ctx.targeted:
        missing = fmt.symbol("missing")
        if any(forecast_label(fmt, f.forecast) == missing for f in ctx.targeted):
            legend = t("forecast_legend_none", section=t("forecast_title"))
        else:
            legend = t("forecast_legend")
        blocks.append(Paragraph(text=_glued(legend), style="note"))
    return Body(blocks=tuple(blocks))


#: At most this many decisions of the period are named at a glance; more are counted.
GLANCE_DECISIONS: Final = 3


def _glance_decisions(ctx: ReportContext, fmt: Formatter) -> str:
    """What the committee and the council decided, at a glance: the decisions of the
    period with their votes, or else the one that adopted the concept (the first page
    said nothing of them, the committee's 9 to 0 stood on page 2)."""
    t = fmt.t

    def one(d: DecisionView, *, mark: bool = True) -> str:
        notes = [t("adopts_concept")] if mark and d.adopts_concept else []
        notes.append(t("glance_vote", votes=votes_text(fmt, d)))
        return t(
            "glance_decision",
            body=fmt.own(d.body),
            date=fmt.date(d.date),
            result=t(f"result_{d.result}"),
            notes="; ".join(notes),
        )

    current = [d for d in ctx.decisions if d.in_period]
    if len(current) > GLANCE_DECISIONS:
        return t("glance_decisions_many", count=fmt.number(len(current), 0))
    if current:
        return t(
            "glance_decisions_period",
            count=fmt.number(len(current), 0),
            decisions="; ".join(one(d) for d in current),
        )
    adopting = next((d for d in reversed(ctx.decisions) if d.adopts_concept), None)
    if adopting is None:
        return t("glance_decisions_none")
    return t("glance_decisions_concept", decision=one(adopting, mark=False))


def _facts(ctx: ReportContext, fmt: Formatter) -> Body | None:
    blocks: list[Block] = [
        *_paragraphs(fmt, ctx.concept.facts),
        *_paragraphs(fmt, ctx.starting_point),
        *_paragraphs(fmt, ctx.summary),
    ]
    return Body(blocks=tuple(blocks)) if blocks else None


def _figure_blocks(
    ctx: ReportContext, fmt: Formatter, figures: Sequence[Figure], title: str, chart_prefix: str
) -> list[Block]:
    """The table of *figures*, its notes (suppressed cells, attainment) and the charts."""
    t = fmt.t
    # The column "Vorperiode" does not say which period it is: the caption does.
    previous = next((f.previous.period for f in figures if f.previous is not None), None)
    caption = f"{t('indicators')}: {title} ({ctx.territory_name}, {fmt.period(ctx.period)})"
    if previous is not None:
        caption = t(
            "figures_caption_previous",
            title=f"{t('indicators')}: {title}",
            place=ctx.territory_name,
            period=fmt.period(ctx.period),
            previous=fmt.period(previous),
        )
    blocks: list[Block] = [_figure_table(fmt, figures, caption)]
    if note := marks_note(fmt, figures):
        blocks.append(note)
    before = _shift(ctx.period, -1)
    if previous is None and ctx.cases_from and before and before.end < ctx.cases_from:
        # "–" in every row of "Vorperiode" says nothing of why (a council member asked)
        blocks.append(
            Paragraph(
                text=t(
                    "previous_before_export",
                    previous=fmt.period(before),
                    day=fmt.date(ctx.cases_from),
                ),
                style="note",
            )
        )
    notes = [n for f in figures if (n := _attainment_note(fmt, f))]
    blocks.extend(Paragraph(text=n, style="note") for n in notes)
    for number, f in enumerate(figures, start=1):
        if has_chart(f):
            blocks.append(
                Chart(
                    figure=f,
                    chart_id=f"{chart_prefix}-{number}",
                    title=chart_title(f, fmt, own=True),
                    description=chart_description(f, fmt),
                    gaps=chart_gaps(f, fmt),
                )
            )
    return blocks


def _field_body(ctx: ReportContext, fmt: Formatter, index: int) -> Body:
    t = fmt.t
    field = ctx.fields[index]
    # The description and the goals introduce the field's tables: on paper neither ends
    # a page (keeping the goals with the tables left "4.4 Arbeitsmarktintegration" and
    # its description alone at the foot of a page).
    tables = bool(field.measures or field.figures)
    blocks: list[Block] = list(
        _paragraphs(fmt, field.description, style="intro" if tables or field.goals else "body")
    )
    if field.goals:
        blocks.append(
            Items(
                items=tuple(
                    Item(label=fmt.goal_kind(g.kind), text=fmt.own(g.text)) for g in field.goals
                ),
                intro=tables,
            )
        )
    if field.measures:
        blocks.append(
            _table(
                f"{t('measures')}: {fmt.own(field.title)}",
                [t("measure"), t("status"), t("responsible"), t("timeframe")],
                [
                    (
                        fmt.own(m.title),
                        fmt.status(m.status)
                        + (
                            f" ({t('since')} {fmt.date(m.status_since)})"
                            if m.status_changed and m.status_since
                            else ""
                        ),
                        fmt.own(m.responsible) if m.responsible else t("not_named"),
                        fmt.span(m.start, m.end),
                    )
                    for m in field.measures
                ],
            )
        )
    if field.figures:
        title = fmt.own(field.title)
        blocks.extend(_figure_blocks(ctx, fmt, field.figures, title, f"chart-{index + 1}"))
    if field.references:
        names = ", ".join(fmt.own(f.indicator.name) for f in field.references)
        homes = {f.field for f in field.references}
        where = ", ".join(fmt.own(s.title) for s in ctx.fields if s.id in homes)
        blocks.append(Paragraph(text=t("see_also", names=names, fields=where), style="note"))
    return Body(blocks=tuple(blocks))


def votes_text(fmt: Formatter, decision: DecisionView) -> str:
    """``27 Ja, 3 Nein, 2 Enthaltungen`` (and ``, 1 befangen``); ``nicht erfasst``.

    Each count is joined to its word by a no-break space, in every format: a narrow
    column ("Abstimmung") breaks after a comma, never between "0" and "Enthaltungen".
    """
    votes = decision.votes
    if votes is None:
        return fmt.t("votes_not_recorded")
    text = fmt.t(
        "votes_text",
        yes=fmt.number(votes.yes, 0),
        no=fmt.number(votes.no, 0),
        abstain=fmt.tn("n_abstentions", votes.abstain),
    )
    if votes.recused:
        text += fmt.t("votes_recused", count=fmt.number(votes.recused, 0))
    return re.sub(r"(?<=\d) (?=\w)", GLUE, text)


def _decision_table(fmt: Formatter, decisions: Sequence[DecisionView], until: date) -> Table:
    t = fmt.t
    return _table(
        t("decisions_caption", date=fmt.date(until)),
        [t("date"), t("deciding_body"), t("document_number"), t("decision_result"), t("vote")],
        [
            (
                fmt.date(d.date),
                fmt.own(d.body),
                d.document_number or fmt.symbol("missing"),
                t(f"result_{d.result}") + (f" ({t('adopts_concept')})" if d.adopts_concept else ""),
                votes_text(fmt, d),
            )
            for d in decisions
        ],
    )


def _decisions(ctx: ReportContext, fmt: Formatter) -> Body | None:
    """The decisions up to the end of the period with their votes; more than
    :data:`LIST_LIMIT` keep the adopting one and those of the period (all in the annex)."""
    decisions = ctx.decisions
    if not decisions:
        return None
    blocks: list[Block] = []
    if len(decisions) <= LIST_LIMIT:
        blocks.append(_decision_table(fmt, decisions, ctx.period.end))
    else:
        shown = [d for d in decisions if d.in_period or d.adopts_concept]
        if shown:
            blocks.append(_decision_table(fmt, shown, ctx.period.end))
        note = fmt.t("decisions_in_annex", count=fmt.number(len(decisions), 0))
        blocks.append(Paragraph(text=note, style="note"))
    # What was decided in the period, in its own words (earlier ones only by their row).
    worded = [d for d in decisions if d.in_period and d.text]
    if worded:
        blocks.append(Paragraph(text=fmt.t("decided_in_period"), style="lead"))
        items = (
            Item(label=f"{fmt.date(d.date)}, {fmt.own(d.body)}", text=fmt.own(d.text or ""))
            for d in worded
        )
        blocks.append(Items(items=tuple(items)))
    return Body(blocks=tuple(blocks))


def _decision_list(ctx: ReportContext, fmt: Formatter) -> Body | None:
    if len(ctx.decisions) <= LIST_LIMIT:
        return None
    return Body(blocks=(_decision_table(fmt, ctx.decisions, ctx.period.end),))


def _fields(ctx: ReportContext, fmt: Formatter) -> Body | None:
    filled = [(i, f) for i, f in enumerate(ctx.fields) if not f.empty]
    empty = [fmt.own(f.title) for f in ctx.fields if f.empty]
    if not filled and not empty and not ctx.without_values and not ctx.unplaced:
        return None
    blocks: list[Block] = []
    if empty:
        blocks.append(
            Paragraph(text=fmt.t("without_entries", fields=", ".join(empty)), style="note")
        )
    if ctx.without_values:
        names = ", ".join(fmt.own(i.name) for i in ctx.without_values)
        blocks.append(Paragraph(text=fmt.t("without_values", names=names), style="note"))
    subsections = [(fmt.own(field.title), _field_body(ctx, fmt, i)) for i, field in filled]
    if ctx.unplaced:
        title = fmt.t("other_indicators")
        body = _figure_blocks(ctx, fmt, ctx.unplaced, title, "chart-other")
        subsections.append((title, Body(blocks=tuple(body))))
    return Body(blocks=tuple(blocks), subsections=tuple(subsections))


def _forecast_paragraphs(fmt: Formatter, figures: Sequence[Figure]) -> list[Block]:
    return [
        Paragraph(label=forecast_label(fmt, f.forecast), text=sentence)
        for f in figures
        if (sentence := forecast_sentence(fmt, f))
    ]


def _measure_items(
    fmt: Formatter, measures: Sequence[MeasureView], by_code: Mapping[str, Figure]
) -> list[Item]:
    """The measures with their status, expected result and the forecast of their
    Kennzahlen."""
    items = []
    for m in measures:
        parts = [fmt.status(m.status)]
        if m.expected_result:
            parts.append(fmt.t("measure_expected", result=fmt.own(m.expected_result)))
        watched = [by_code[c] for c in m.indicators if c in by_code and by_code[c].forecast]
        if watched:
            parts.append(
                fmt.t("measure_indicators")
                + " "
                + ", ".join(
                    f"{fmt.own(f.indicator.name)} ({forecast_label(fmt, f.forecast)})"
                    for f in watched
                )
            )
        items.append(Item(label=fmt.own(m.title), text="; ".join(parts)))
    return items


def _forecast(ctx: ReportContext, fmt: Formatter) -> Body | None:
    """The Erfolgsprognose per goal: every goal, under it the forecast of every Kennzahl
    with a target that measures it (or :func:`_without_forecast`: why there is none),
    then the measures serving it (of a goal without a forecast only where one has an
    expected result). Kennzahlen with a target that no goal names, and
    measures with an expected result or a forecast that serve no goal, follow under
    their own heading."""
    t = fmt.t
    by_code = {f.indicator.id: f for f in ctx.figures}
    targeted = {f.indicator.id for f in ctx.targeted}
    placed: set[str] = set()
    blocks: list[Block] = []
    for field in ctx.fields:
        for goal in field.goals:
            figures = [by_code[c] for c in goal.indicators if c in targeted]
            measures = [m for m in ctx.measures if goal.id in m.goals]
            placed.update(f.indicator.id for f in figures)
            blocks.append(
                Paragraph(
                    label=f"{fmt.goal_kind(goal.kind)}:", text=fmt.own(goal.text), style="lead"
                )
            )
            said = _forecast_paragraphs(fmt, figures)
            blocks.extend(said)
            blocks.extend(_without_forecast(ctx, fmt, goal, targeted, forecast=bool(said)))
            # Its measures where they say what is expected: the goal's forecast, or an
            # expected result (the rest stand in the field's table; the report stays short)
            if measures and (said or any(m.expected_result for m in measures)):
                blocks.append(Paragraph(text=t("goal_measures"), style="intro"))
                blocks.append(Items(items=tuple(_measure_items(fmt, measures, by_code))))
    rest: list[Block] = []
    rest.extend(
        _forecast_paragraphs(fmt, [f for f in ctx.targeted if f.indicator.id not in placed])
    )
    goals = {g.id for field in ctx.fields for g in field.goals}
    loose = [
        m
        for m in ctx.measures
        if not goals.intersection(m.goals)
        and (m.expected_result or any(c in by_code and by_code[c].forecast for c in m.indicators))
    ]
    if loose:
        rest.append(Paragraph(text=t("measures_expected"), style="intro"))
        rest.append(Items(items=tuple(_measure_items(fmt, loose, by_code))))
    if rest and blocks:
        blocks.append(Paragraph(text=t("forecast_other"), style="lead"))
    blocks.extend(rest)
    if not blocks:
        return None
    return Body(blocks=(*_forecast_basis(ctx, fmt), *blocks))


def _without_forecast(
    ctx: ReportContext, fmt: Formatter, goal: GoalView, targeted: set[str], *, forecast: bool
) -> list[Block]:
    """Why a goal has no forecast, or which of its Kennzahlen have none: no Kennzahl is
    assigned (a Leitziel is pursued through the goals below it), or none of them has a
    target (a council member asked for the forecast of every goal; a goal left out
    said nothing). *forecast*: whether the goal has a forecast of one Kennzahl."""
    names = {i.id: i.name for i in ctx.indicators}
    untargeted = [fmt.own(names.get(c, c)) for c in goal.indicators if c not in targeted]
    if forecast:
        if not untargeted:
            return []
        text = fmt.t("forecast_goal_partly", names=", ".join(untargeted))
        return [Paragraph(text=text, style="note")]
    if untargeted:
        text = fmt.t("forecast_goal_no_target", names=", ".join(untargeted))
    elif below := sum(1 for g in ctx.concept.goals if g.parent == goal.id):
        text = fmt.tn("forecast_goal_below", below)
    else:
        text = fmt.t("forecast_goal_no_indicator")
    return [Paragraph(text=text)]


def _forecast_basis(ctx: ReportContext, fmt: Formatter) -> list[Block]:
    """What the forecasts rest on, said before them (a council member asked "on what
    grounds?"): the values of which periods, continued how, and what it does not say."""
    fitted = {f.forecast.points for f in ctx.targeted if f.forecast and f.forecast.points}
    if fitted != {WINDOW}:  # not every trend rests on the same, full window
        return [Paragraph(text=fmt.t("forecast_basis_general"), style="body")]
    first = ctx.period
    for _ in range(WINDOW - 1):
        first = first.previous()
    return [
        Paragraph(
            text=fmt.t("forecast_basis", first=fmt.period(first), last=fmt.period(ctx.period)),
            style="body",
        )
    ]


def _finances(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    money = ctx.finances
    blocks: list[Block] = list(_paragraphs(fmt, ctx.concept.impacts))
    if money.empty:
        return Body(blocks=tuple(blocks)) if blocks else None
    if money.funding:
        rows = [
            (
                fmt.own(f.programme),
                fmt.own(f.provider),
                # an empty cell says nothing to a council member: "nicht benannt"
                ", ".join(fmt.own(m) for m in f.measures)
                or (fmt.own(f.recipient) if f.recipient else t("not_named")),
                fmt.money_short(f.amount) + (f" {t('per_year')}" if f.per_year else ""),
            )
            for f in money.funding
        ]
        rows.append((t("total"), "", "", fmt.money_short(money.total)))
        headers = [t("programme"), t("provider"), t("used_for"), t("amount")]
        caption = t("funding_caption", period=fmt.period(ctx.period))
        blocks.append(_table(caption, headers, rows, numeric=(3,)))
    if money.undated:
        listed = "; ".join(
            f"{fmt.own(f.programme)} ({fmt.own(f.provider)}) {fmt.money_short(f.amount)}"
            + (f" – {', '.join(fmt.own(m) for m in f.measures)}" if f.measures else "")
            for f in money.undated
        )
        blocks.append(Paragraph(text=t("funding_undated", grants=listed), style="note"))
    if money.staff:
        rows = [
            (
                fmt.own(s.role)
                + (
                    f" ({t('seconded')})"
                    if s.seconded and t("seconded").casefold() not in s.role.casefold()
                    else ""
                ),
                fmt.own(s.actor),
                fmt.own(s.funding) if s.funding else t("not_named"),
                fmt.number(s.fte, 1),
            )
            for s in money.staff
        ]
        rows.append((t("total"), "", "", fmt.number(money.fte, 1)))
        headers = [t("role"), t("actor"), t("financed_by"), t("fte")]
        blocks.append(_table(t("staff_caption"), headers, rows, numeric=(3,)))
        if money.fte_seconded:
            blocks.append(
                Paragraph(
                    text=t("seconded_note", fte=fmt.number(money.fte_seconded, 1)), style="note"
                )
            )
    if money.places:
        places = [
            (fmt.own(p.measure), fmt.status(p.status), fmt.number(p.places, 0))
            for p in money.places
        ]
        places.append((t("total"), "", fmt.number(money.places_total, 0)))
        headers = [t("measure"), t("status"), t("capacity")]
        caption = t("places_caption", period=fmt.period(ctx.period))
        blocks.append(_table(caption, headers, places, numeric=(2,)))
    return Body(blocks=tuple(blocks))


def _networks(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    if not ctx.networks:
        return None
    # Held "of" planned in one column, so that the topics keep the room (and a council
    # member reads "6 von 6", not a bare "Geplant"); the note says what is counted.
    rows = tuple(
        (
            fmt.own(n.name),
            fmt.number(len(n.meetings), 0)
            if n.planned is None
            else t(
                "held_of_planned",
                held=fmt.number(len(n.meetings), 0),
                planned=fmt.number(n.planned, 0),
            ),
            fmt.number(n.participants, 0),
            "; ".join(
                fmt.own(x)
                for x in dict.fromkeys(x for m in n.meetings for x in (*m.topics, *m.results))
            ),
        )
        for n in ctx.networks
    )
    return Body(
        blocks=(
            _table(
                t("meetings_caption", period=fmt.period(ctx.period)),
                [t("network"), t("held"), t("attendance"), t("topics_results")],
                rows,
                numeric=(1, 2),
            ),
            Paragraph(text=t("meetings_note"), style="note"),
        )
    )


def _summary_counts(fmt: Formatter, actors: int, offers: int) -> str:
    """``3 Akteure mit 1 Angebot.``"""
    return fmt.t(
        "summary_counts",
        actors=fmt.tn("n_actors", actors),
        offers=fmt.tn("n_offers", offers),
    )


def _entries_text(fmt: Formatter, entries: Sequence[object]) -> str:
    names = [fmt.own(getattr(e, "name", "")) for e in entries]
    return ", ".join(names)


def _actors(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    a = ctx.actors
    if not (a.actor_count or a.offer_count):
        return None
    if a.compared_with:
        rule = t("rule_new_previous", version=a.compared_with)
    elif a.new or a.changed:
        rule = t("rule_new_period")  # what "new" and "changed" mean, beside their lists
    else:
        rule = t("rule_new_none")
    blocks: list[Block] = [
        Paragraph(text=_summary_counts(fmt, a.actor_count, a.offer_count) + " " + rule)
    ]
    items: list[Item] = []
    groups = [
        ("new_entries", a.new),
        ("changed_entries", a.changed),
        ("removed_entries", a.removed),
    ]
    groups.append(("stale_entries", a.stale))
    for key, entries in groups:
        if not entries:
            continue
        if len(entries) <= LIST_LIMIT:
            items.append(
                Item(
                    label=f"{t(key)} ({fmt.number(len(entries), 0)})",
                    text=_entries_text(fmt, entries),
                )
            )
        else:
            items.append(
                Item(label=t(key), text=t("count_in_annex", count=fmt.number(len(entries), 0)))
            )
    if a.compared_with is None and a.verified:
        items.append(Item(label=t("verified_entries"), text=fmt.number(a.verified, 0)))
    if a.gaps_everywhere:
        everywhere = ", ".join(fmt.own(f) for f in a.gaps_everywhere)
        items.append(Item(label=t("gaps_everywhere"), text=everywhere))
    if a.gaps:
        items.append(Item(label=t("gaps"), text=fmt.tn("gaps_count", len(a.gaps))))
    if len(a.outside) > LIST_LIMIT:
        count = t("count_in_annex", count=fmt.number(len(a.outside), 0))
        items.append(Item(label=t("offers_outside"), text=count))
    if items:
        blocks.append(Items(items=tuple(items)))
    if a.outside and len(a.outside) <= LIST_LIMIT:
        blocks.extend(_outside(fmt, a.outside))
    if a.duplicates:
        blocks.append(
            _table(
                t("duplicates"),
                [f"{t('offer')} A", f"{t('offer')} B", t("fields"), t("territory")],
                [
                    (
                        f"{fmt.own(d.offer_a)} ({fmt.own(d.actor_a)})",
                        f"{fmt.own(d.offer_b)} ({fmt.own(d.actor_b)})",
                        ", ".join(fmt.own(f) for f in d.fields),
                        ", ".join(d.territories) if d.territories else t("whole_area"),
                    )
                    for d in a.duplicates
                ],
            )
        )
    return Body(blocks=tuple(blocks))


def _outside(fmt: Formatter, outside: Sequence[OutsideView]) -> list[Block]:
    """Offers held outside the territory ("außerhalb"): where, and whom they count for."""
    t = fmt.t
    rows = [
        (fmt.own(o.offer), o.place, ", ".join(o.serves) or t("counts_for_none")) for o in outside
    ]
    table = _table(t("offers_outside"), [t("offer"), t("held_in"), t("counts_for")], rows)
    return [table, Paragraph(text=t("outside_note"), style="note")]


def _text_section(attribute: str) -> Builder:
    def build(ctx: ReportContext, fmt: Formatter) -> Body | None:
        blocks = _paragraphs(fmt, getattr(ctx.concept, attribute))
        return Body(blocks=tuple(blocks)) if blocks else None

    return build


# --------------------------------------------------------------------------- annexes


def _definition(indicator: Indicator, fmt: Formatter) -> str:
    """The definition of a Kennzahl in the annex: the concept's; without one, that of a
    plain count of active or new cases (the committee read "keine Definition erfasst"
    for the Stadt's "Begleitete Fälle (aktiv)"); else a note, never an empty cell."""
    own = " ".join(x for x in (indicator.definition, indicator.method_notes) if x)
    if own:
        return fmt.own(own)
    count = indicator.numerator
    if (
        isinstance(count, CaseCount)
        and indicator.denominator is None
        and indicator.scale == 1
        and not count.filters
        and count.count is not CaseCountKind.EVENTS
    ):
        return fmt.t(f"definition_{count.count.value}")
    return fmt.t("definition_missing")


def _definitions(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    if not ctx.indicators:
        return None
    return Body(
        blocks=(
            _table(
                t("indicator_definitions"),
                [t("indicator"), t("definition"), t("source")],
                [
                    (
                        fmt.own(indicator_label(i)),
                        _definition(i, fmt),
                        "; ".join(
                            x
                            for x in (
                                fmt.own(i.source or ""),
                                t("origin_local")
                                if i.origin == "lokal"
                                else t("origin_named", origin=i.origin),
                            )
                            if x
                        ),
                    )
                    for i in ctx.indicators
                ],
            ),
        )
    )


def _by_municipality(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    figures = [f for f in ctx.figures if f.by_municipality]
    if not figures:
        return None
    towns = list(dict.fromkeys((ags, name) for f in figures for ags, name, _ in f.by_municipality))
    tables: list[Block] = []
    for start in range(0, len(figures), 4):
        chunk = figures[start : start + 4]
        cells = {(f.indicator.id, ags): p for f in chunk for ags, _, p in f.by_municipality}
        rows = [
            (
                name,
                *(
                    fmt.cell(p.value, p.status, f.decimals)
                    if (p := cells.get((f.indicator.id, ags))) is not None
                    else fmt.symbol("missing")
                    for f in chunk
                ),
            )
            for ags, name in towns
        ]
        headers = [t("municipality"), *(fmt.own(indicator_label(f.indicator)) for f in chunk)]
        caption = t("by_municipality_caption", period=fmt.period(ctx.period))
        tables.append(_table(caption, headers, rows, numeric=range(1, len(headers))))
        if any(_suppressed(p) for p in cells.values()):
            tables.append(Paragraph(text=t("suppressed_note_cells"), style="note"))
    return Body(blocks=tuple(tables))


def _entry_lists(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    a = ctx.actors
    blocks: list[Block] = []
    for key, entries in (
        ("new_entries", a.new),
        ("changed_entries", a.changed),
        ("removed_entries", a.removed),
        ("stale_entries", a.stale),
    ):
        if len(entries) <= LIST_LIMIT:
            continue
        blocks.append(
            _table(
                t(key),
                [t("item"), t("actor"), t("last_verified")],
                [
                    (
                        fmt.own(e.name),
                        fmt.own(e.actor) if e.actor else t("actor"),
                        fmt.date(e.last_verified) if e.last_verified else t("never_verified"),
                    )
                    for e in entries
                ],
            )
        )
    if len(a.outside) > LIST_LIMIT:
        blocks.extend(_outside(fmt, a.outside))
    if a.gaps_everywhere and (a.gaps or not (a.actor_count or a.offer_count)):
        # Beside the table it lists, or where no section on actors and offers says it
        everywhere = ", ".join(fmt.own(f) for f in a.gaps_everywhere)
        note = t("gaps_everywhere_note", fields=everywhere)
        blocks.append(Paragraph(text=f"{note} {t('gaps_other_note')}" if a.gaps else note))
    if a.gaps:
        blocks.append(
            _table(
                t("gaps"),
                [t("municipality"), t("fields")],
                [(town, ", ".join(fmt.own(f) for f in fields)) for town, fields in a.gaps],
            )
        )
    return Body(blocks=tuple(blocks)) if blocks else None


def _accepted(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    if not ctx.accepted:
        return None
    rows = [
        (
            item.finding.message,
            fmt.own(item.acceptance.reason),
            f"{fmt.date(item.acceptance.date)}, {fmt.own(item.acceptance.by)}",
        )
        for item in ctx.accepted
    ]
    return Body(
        blocks=(
            Paragraph(text=t("accepted_note")),
            _table(t("accepted_findings"), [t("finding"), t("reason"), t("reviewed")], rows),
        )
    )


def _legal_bases(ctx: ReportContext, fmt: Formatter) -> Body | None:
    if not ctx.legal_bases:
        return None
    return Body(
        blocks=(
            Items(
                items=tuple(
                    Item(
                        label=fmt.own(b.law + (f" {b.paragraph}" if b.paragraph else "")),
                        text=fmt.own(b.title + (f" – {b.summary}" if b.summary else "")),
                        url=b.url,
                    )
                    for b in ctx.legal_bases
                )
            ),
        )
    )


def _glossary(ctx: ReportContext, fmt: Formatter) -> Body | None:
    t = fmt.t
    if not ctx.glossary:
        return None
    rows = [(fmt.own(g.term), fmt.own(g.definition)) for g in ctx.glossary]
    return Body(blocks=(_table(t("glossary"), [t("term"), t("explanation")], rows),))


def _abbreviations(ctx: ReportContext, fmt: Formatter) -> Body | None:
    """The concept's abbreviations and those the report itself uses (``VZÄ`` heads the
    staff table), unless the concept explains them already."""
    t = fmt.t
    rows = [(fmt.own(a.short), fmt.own(a.long)) for a in ctx.abbreviations]
    own = [(t("fte"), t("fte_long"))] if ctx.finances.staff else []
    known = {plain(short).casefold() for short, _ in rows}
    rows.extend(row for row in own if row[0].casefold() not in known)
    if not rows:
        return None
    rows.sort(key=lambda row: plain(row[0]).casefold())
    return Body(blocks=(_table(t("abbreviations"), [t("abbreviation"), t("long_form")], rows),))


def _symbols(ctx: ReportContext, fmt: Formatter) -> Body:
    """Every mark a report can print, with its meaning; :func:`build_outline` keeps the
    rows of the marks that the other sections print (:func:`_printed_marks`)."""
    t = fmt.t
    rows = [*fmt.symbol_legend()]
    rows.extend((symbol, t("forecast_" + status)) for status, symbol in FORECAST_SYMBOLS.items())
    rows.append((t("pp"), t("pp_meaning")))
    return Body(blocks=(_table(t("symbols"), [t("symbol"), t("meaning")], rows),))


#: The id of the Zeichenerklärung: it lists only the marks the rest of the report prints
#: ("r" and "p" stood in the legend of every report, with no table showing either).
SYMBOLS_ID: Final = "zeichen"

#: A value's text in a chart's text alternative (``2024: *; 2025: 8``).
_CHART_VALUE: Final = re.compile(r"(?<=: )[^;]*(?=;)")


def _printed_marks(bodies: Sequence[Body], legend: Sequence[str]) -> set[str]:
    """The marks of *legend* that *bodies* print: a value's mark is a table cell (or a
    value in a chart's text alternative, or the label of a paragraph) that is the mark
    or ends with it after a number (``*``, ``–``, ``17 p``, ``+0,2 Pp.``); a forecast's
    symbol stands bound to its word anywhere in the text (``◐ gefährdet``). Notes are
    not read: they explain marks (the scale of the forecast under "Auf einen Blick")."""
    cells: list[str] = []
    texts: list[str] = []

    def walk(body: Body) -> None:
        for block in body.blocks:
            if isinstance(block, Table):
                cells.extend(plain(cell) for row in block.rows for cell in row)
            elif isinstance(block, Chart):
                cells.extend(_CHART_VALUE.findall(plain(block.description)))
            elif isinstance(block, Paragraph) and block.style != "note":
                cells.append(plain(block.label or ""))
                texts.append(plain(block.text))
            elif isinstance(block, Items):
                texts.extend(plain(f"{i.label or ''} {i.text}") for i in block.items)
        for _, sub in body.subsections:
            walk(sub)

    for body in bodies:
        walk(body)
    texts.extend(cells)
    forecast = set(FORECAST_SYMBOLS.values())
    return {
        mark
        for mark in legend
        if (
            any(mark + SYMBOL_GLUE in text for text in texts)
            if mark in forecast
            else any(cell == mark or cell.endswith(GLUE + mark) for cell in cells)
        )
    }


def _only_printed(symbols: Body, bodies: Sequence[Body]) -> Body | None:
    """The legend *symbols* (:func:`_symbols`) cut to the marks *bodies* print; ``None``
    when they print none."""
    [table] = [b for b in symbols.blocks if isinstance(b, Table)]
    printed = _printed_marks(bodies, [plain(row[0]) for row in table.rows])
    rows = tuple(row for row in table.rows if plain(row[0]) in printed)
    return Body(blocks=(attrs.evolve(table, rows=rows),)) if rows else None


def _method(ctx: ReportContext, fmt: Formatter) -> Body:
    t = fmt.t
    keys = ["method_values", "method_attainment", "method_forecast", "method_entries"]
    return Body(blocks=tuple(Paragraph(text=t(k)) for k in keys))


#: The main part of the report, in order.
SECTIONS: Final[tuple[SectionSpec, ...]] = (
    SectionSpec(id="auf-einen-blick", title_key="at_a_glance", build=_glance, break_after=True),
    SectionSpec(id="sachverhalt", title_key="facts", build=_facts),
    SectionSpec(id="beschluesse", title_key="decisions", build=_decisions),
    SectionSpec(id="handlungsfelder", title_key="fields", build=_fields),
    SectionSpec(id="erfolgsprognose", title_key="forecast_title", build=_forecast),
    SectionSpec(id="finanzen", title_key="finances", build=_finances),
    SectionSpec(id="netzwerke", title_key="networks", build=_networks),
    SectionSpec(id="akteure", title_key="actors_offers", build=_actors),
    SectionSpec(id="alternativen", title_key="alternatives", build=_text_section("alternatives")),
    SectionSpec(id="zustaendigkeit", title_key="competence", build=_text_section("competence")),
    SectionSpec(id="ausblick", title_key="outlook", build=_text_section("outlook")),
)

#: The annexes (Anhang), in order.
ANNEXES: Final[tuple[SectionSpec, ...]] = (
    SectionSpec(id="definitionen", title_key="indicator_definitions", build=_definitions),
    SectionSpec(id="kommunen", title_key="by_municipality_title", build=_by_municipality),
    SectionSpec(id="beschlussliste", title_key="decisions", build=_decision_list),
    SectionSpec(id="eintraege", title_key="entry_lists", build=_entry_lists),
    SectionSpec(id="akzeptiert", title_key="accepted_findings", build=_accepted),
    SectionSpec(id="rechtsgrundlagen", title_key="legal_bases", build=_legal_bases),
    SectionSpec(id="glossar", title_key="glossary", build=_glossary),
    SectionSpec(id="abkuerzungen", title_key="abbreviations", build=_abbreviations),
    SectionSpec(id=SYMBOLS_ID, title_key="symbols", build=_symbols),
    SectionSpec(id="methode", title_key="method", build=_method),
)


#: The longest opening paragraph kept whole with what follows (about six printed lines):
#: a longer text of the town's own (a Sachverhalt) may break across pages.
OPENING_LIMIT: Final = 600


def _opened(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """*blocks* with their first paragraph as an ``intro`` when more follow: on paper a
    heading with only the paragraph under it never ends a page (the Erfolgsprognose's
    heading and what the forecasts rest on stood at the foot of a page, its first goal
    on the next, in German and in English)."""
    first = blocks[0] if blocks else None
    if (
        isinstance(first, Paragraph)
        and first.style == "body"
        and len(blocks) > 1
        and len(plain(first.text)) <= OPENING_LIMIT
    ):
        return (attrs.evolve(first, style="intro"), *blocks[1:])
    return blocks


def _bodies(
    ctx: ReportContext, fmt: Formatter, specs: Sequence[SectionSpec]
) -> list[tuple[SectionSpec, Body | None]]:
    """Every section of *specs* built; the Zeichenerklärung (:data:`SYMBOLS_ID`) last,
    from what the others print."""
    built = [(spec, spec.build(ctx, fmt)) for spec in specs]
    others = [body for spec, body in built if body is not None and spec.id != SYMBOLS_ID]
    return [
        (spec, _only_printed(body, others) if spec.id == SYMBOLS_ID and body else body)
        for spec, body in built
    ]


def _sections(
    fmt: Formatter, built: Sequence[tuple[SectionSpec, Body | None]], prefix: str
) -> list[Section]:
    found: list[Section] = []
    for spec, body in built:
        if body is None or not (body.blocks or body.subsections):
            continue
        number = f"{prefix}{len(found) + 1}"
        children = tuple(
            Section(
                id=f"{spec.id}-{index}",
                number=f"{number}.{index}",
                title=title,
                level=2,
                blocks=_opened(sub.blocks),
            )
            for index, (title, sub) in enumerate(body.subsections, start=1)
        )
        found.append(
            Section(
                id=spec.id,
                number=number,
                title=fmt.t(spec.title_key),
                level=1,
                blocks=_opened(body.blocks),
                children=children,
                break_after=spec.break_after,
            )
        )
    return found


def build_outline(
    ctx: ReportContext, fmt: Formatter, *, extra: Sequence[SectionSpec] = ()
) -> Outline:
    """Build the outline of the Jahresbericht (see the module notes).

    Args:
        ctx: The report content.
        fmt: The formatter of the report language.
        extra: Further annexes, appended after :data:`ANNEXES`.
    """
    t = fmt.t
    v = ctx.vorlage
    # The date of the paper (the day it was built): a Vorlage without one left the
    # council member with no date before the colophon on the last page.
    subject = v.subject or ""
    if subject == default_subject(fmt, ctx.period, ctx.concept.title):
        # the report's own subject, with the concept's title in it (German: own)
        subject = default_subject(fmt, ctx.period, fmt.own(ctx.concept.title))
    rows = [
        (t("subject"), subject),
        (t("document_number"), v.document_number or t("not_assigned")),
        (t("date"), fmt.date(ctx.today)),
        (t("body"), v.body or t("not_named")),
    ]
    if v.meeting_date is not None:
        rows.append((t("meeting_date"), fmt.date(v.meeting_date)))
    rows.append((t("resolution"), v.resolution or ""))
    built = _bodies(ctx, fmt, (*SECTIONS, *ANNEXES, *extra))
    main = _sections(fmt, built[: len(SECTIONS)], "")
    annex = _sections(fmt, built[len(SECTIONS) :], "A")
    if annex:
        main.append(
            Section(
                id="anhang",
                number="",
                title=t("annex"),
                level=1,
                blocks=(),
                children=tuple(attrs.evolve(s, level=2) for s in annex),
            )
        )
    title = subject or t("report")
    banner = (t("internal_banner"), t("internal_note")) if ctx.internal else None
    return Outline(
        lang=fmt.lang,
        title=title,
        meta=f"{t('report')} · {ctx.territory_name} · {fmt.period(ctx.period)}",
        banner=banner,
        vorlage=_table(t("vorlage"), [t("vorlage"), ""], rows),
        sections=tuple(main),
        # The colophon names the Gemeindeverzeichnis (its licence asks for attribution).
        footer=f"{t('generated', date=fmt.date(ctx.today), version=_version())} "
        f"{territory_attribution(ctx.concept.gebietsstand, lang=fmt.lang)}",
        running_header=(f"{t('internal_banner')} · " if ctx.internal else "") + title,
        author=ctx.territory_name,
    )


def default_subject(fmt: Formatter, period: ReportPeriod, title: str) -> str:
    """The subject of the Vorlage when none is given: ``Jahresbericht 2025 zum
    {title}`` (*title*: the concept's)."""
    return fmt.t("default_subject", period=fmt.period(period), title=title)


def territory_attribution(gebietsstand: date | None = None, *, lang: str = "de") -> str:
    """The attribution line of the Gemeindeverzeichnis (Gebietsstand, Destatis, licence).

    The Gebietsstand is the one the concept records, else that of the shipped catalogue.
    """
    from .._territories import territory_attribution as line

    return line(gebietsstand=gebietsstand, lang=lang)


def _version() -> str:
    from .._version import __version__

    return __version__
