"""The Handlungsplan (action plan): measures by field of action and status.

For one municipality the plan holds the measures that apply there: those without
territories (the whole area of the concept), those naming the municipality, and those
naming a territory that contains it (its Kreis). The status is the latest one, or the
one on ``on`` when given.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Literal

import attrs

from .._errors import InvalidValueError, shown
from .._io import atomic_write
from .._model import Concept, Measure, MeasureStatus
from ._format import Formatter
from ._markdown import tidy_markdown
from ._templates import environment, render

__all__ = ["ActionPlan", "action_plan", "build_action_plan"]

#: The order of the status groups in the plan.
STATUS_ORDER = (
    MeasureStatus.ONGOING,
    MeasureStatus.PLANNED,
    MeasureStatus.RECOMMENDED,
    MeasureStatus.COMPLETED,
    MeasureStatus.DISCONTINUED,
)


@attrs.frozen(kw_only=True)
class PlanMeasure:
    """A measure in the plan."""

    id: str
    title: str
    responsible: str | None
    partners: tuple[str, ...]
    territories: tuple[str, ...]
    start: date | None
    end: date | None
    goals: tuple[str, ...]
    expected_result: str | None


@attrs.frozen(kw_only=True)
class PlanField:
    """One field of action with its measures grouped by status."""

    id: str
    title: str
    groups: tuple[tuple[MeasureStatus, tuple[PlanMeasure, ...]], ...]


@attrs.frozen(kw_only=True)
class ActionPlan:
    """The content of the Handlungsplan, unformatted.

    .. versionadded:: 0.1.0
    """

    title: str
    concept_title: str
    municipality: str | None
    municipality_name: str | None
    on: date | None
    fields: tuple[PlanField, ...]
    counts: tuple[tuple[MeasureStatus, int], ...]
    today: date


def _applies(measure: Measure, ags: str) -> bool:
    if not measure.territories:
        return True
    return any(ags == t or (len(t) < len(ags) and ags.startswith(t)) for t in measure.territories)


def action_plan(
    concept: Concept,
    *,
    municipality: str | None = None,
    on: date | None = None,
    lang: str = "de",
    today: date | None = None,
) -> ActionPlan:
    """Return the content of the Handlungsplan (see :func:`build_action_plan`).

    .. versionadded:: 0.1.0
    """
    fmt = Formatter(lang)
    names = {t.ags: t.name for t in concept.territories}
    if municipality is not None and municipality not in names:
        raise InvalidValueError(
            "municipality",
            "{found} is not a territory of the concept",
            found=shown(municipality),
        )

    def actor_name(actor_id: str) -> str:
        actor = concept.actor(actor_id)
        return actor.name if actor is not None else actor_id

    goal_text = {g.id: g.text for g in concept.goals}
    selected = [m for m in concept.measures if municipality is None or _applies(m, municipality)]
    field_ids = [f.id for f in concept.fields]
    field_ids += sorted({m.field for m in selected} - set(field_ids))
    fields: list[PlanField] = []
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for field_id in field_ids:
        by_status: dict[MeasureStatus, list[PlanMeasure]] = {s: [] for s in STATUS_ORDER}
        for measure in selected:
            if measure.field != field_id:
                continue
            status = (measure.status_on(on) if on else measure.status) or MeasureStatus.RECOMMENDED
            counts[status] += 1
            by_status[status].append(
                PlanMeasure(
                    id=measure.id,
                    title=measure.title,
                    responsible=actor_name(measure.responsible) if measure.responsible else None,
                    partners=tuple(actor_name(p) for p in measure.partners),
                    territories=tuple(names.get(t, t) for t in measure.territories),
                    start=measure.timeframe.start if measure.timeframe else None,
                    end=measure.timeframe.end if measure.timeframe else None,
                    goals=tuple(goal_text.get(g, g) for g in measure.goals),
                    expected_result=measure.expected_result,
                )
            )
        groups = tuple((s, tuple(ms)) for s, ms in by_status.items() if ms)
        if groups:
            field = concept.field(field_id)
            fields.append(
                PlanField(
                    id=field_id,
                    title=field.title if field else fmt.field_code(field_id),
                    groups=groups,
                )
            )
    town = names.get(municipality) if municipality else None
    title = fmt.t("action_plan") + (" " + fmt.t("for_municipality", name=town) if town else "")
    return ActionPlan(
        title=title,
        concept_title=concept.title,
        municipality=municipality,
        municipality_name=town,
        on=on,
        fields=tuple(fields),
        counts=tuple((s, n) for s, n in counts.items() if n),
        today=today or date.today(),  # noqa: DTZ011 - a calendar day, no time zone
    )


def build_action_plan(
    concept: Concept,
    *,
    format: Literal["html", "md"] = "html",
    municipality: str | None = None,
    on: date | None = None,
    lang: str = "de",
    output: str | os.PathLike[str] | None = None,
    templates: str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> str:
    """Build the Handlungsplan: measures by field of action and status.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        format: ``"html"`` (self-contained page) or ``"md"`` (Markdown).
        municipality: AGS of a Stadt or Gemeinde: only the measures that apply there
            (those for the whole area, for the municipality or for its Kreis).
        on: Show the status on this day (default: the latest status).
        lang: ``"de"`` (default) or ``"en"``.
        output: When given, the plan is also written there, atomically.
        templates: A folder with Jinja2 templates that override the built-in ones
            (``plan.html.j2``, ``plan.md.j2``).
        today: The build date printed in the footer (default: today).

    Returns:
        The plan as text.

    Raises:
        InvalidValueError: unknown format, language or municipality.
        TemplateError: a template is missing or uses an undefined value.

    Example:
        >>> concept = ki.Concept(
        ...     id="k", title="Konzept", territory="05558",
        ...     measures=[ki.Measure(id="m1", title="Sprachcafé", field="sprache")],
        ... )
        >>> md = ki.build_action_plan(concept, format="md", today=datetime.date(2026, 1, 5))
        >>> print(md.splitlines()[0])
        # Handlungsplan

    .. versionadded:: 0.1.0
    """
    if format not in ("html", "md"):
        raise InvalidValueError(
            "format", "expected 'html' or 'md', got {found}", found=shown(format)
        )
    fmt = Formatter(lang)
    plan = action_plan(concept, municipality=municipality, on=on, lang=lang, today=today)
    env = environment(format, fmt, templates)
    text = render(env, f"plan.{format}.j2", plan=plan, running_header=plan.title)
    if format == "md":
        text = tidy_markdown(text)
    if output is not None:
        atomic_write(output, text)
    return text
