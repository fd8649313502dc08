"""Helpers for testing code that uses kommunale_integration.

Hypothesis strategies for every model type, so that downstream projects can write
property tests against valid objects::

    from hypothesis import given
    from kommunale_integration import testing

    @given(testing.actors())
    def test_my_export(actor): ...

The strategies are also registered with :func:`hypothesis.strategies.from_type`
through the ``hypothesis`` entry point, so ``st.from_type(Actor)`` works.

This module needs ``hypothesis`` (a test dependency, not a runtime one).

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import string
from datetime import date, time
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from . import _model as m
from ._periods import ReportPeriod
from ._schedule import MeetingSchedule, MovedMeeting

__all__ = [
    "STRATEGIES",
    "actors",
    "ags_municipality",
    "concepts",
    "dates",
    "money",
    "report_periods",
    "slugs",
    "texts",
    "translation_texts",
]

_LETTERS = string.ascii_lowercase + string.digits

#: Identifier slugs such as ``drk-coesfeld``.
slugs = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=_LETTERS + "-_", max_size=12),
)

#: Text for people (letters incl. umlauts and other scripts, digits, punctuation, spaces).
texts = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "Zs", "S"), exclude_characters="\x85\u2028\u2029"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")

#: Dates between 1990 and 2040.
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))

#: Non-negative amounts in EUR with cents.
money = st.decimals(min_value=Decimal(0), max_value=Decimal("10000000"), places=2, allow_nan=False)

#: 8-digit AGS of a municipality in NRW.
ags_municipality = st.from_regex(r"\A05[0-9]{6}\Z")

_decimals = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=3, allow_nan=False
)
_counts = st.integers(min_value=0, max_value=100000)
# a host name: letters, digits and inner hyphens (no "_" or "." as in an id)
_host = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?\Z")
_emails = st.builds(lambda a, b: f"{a}@{b}.de", slugs, _host)
_urls = st.builds(lambda a: f"https://{a}.example.org/", slugs)
_phones = st.from_regex(r"\A\+49 [1-9][0-9]{2,4} [0-9]{4,8}\Z")


def _opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def _tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[Any]:
    return st.lists(strategy, max_size=max_size).map(tuple)


@st.composite
def _ordered_dates(draw: st.DrawFn) -> tuple[date | None, date | None]:
    a, b = draw(_opt(dates)), draw(_opt(dates))
    if a is not None and b is not None and b < a:
        a, b = b, a
    return a, b


@st.composite
def report_periods(draw: st.DrawFn) -> ReportPeriod:
    """Strategy for :class:`~kommunale_integration.ReportPeriod` of every kind."""
    year = draw(st.integers(min_value=1995, max_value=2035))
    kind = draw(st.sampled_from(["year", "half", "quarter", "month", "week", "sj", "hj", "iv"]))
    if kind == "year":
        return ReportPeriod.year(year)
    if kind == "half":
        return ReportPeriod.half_year(year, draw(st.integers(1, 2)))
    if kind == "quarter":
        return ReportPeriod.quarter(year, draw(st.integers(1, 4)))
    if kind == "month":
        return ReportPeriod.month(year, draw(st.integers(1, 12)))
    if kind == "week":
        return ReportPeriod.week(year, draw(st.integers(1, 52)))
    if kind == "sj":
        return ReportPeriod.school_year(year)
    if kind == "hj":
        return ReportPeriod.budget_year(year)
    start = draw(dates)
    end = draw(dates.filter(lambda d: d >= start))
    return ReportPeriod.interval(start, end)


@st.composite
def date_ranges(draw: st.DrawFn) -> m.DateRange:
    """:class:`~kommunale_integration.DateRange` values."""
    start, end = draw(_ordered_dates())
    return m.DateRange(start=start, end=end)


@st.composite
def territories(draw: st.DrawFn) -> m.Territory:
    """Municipalities of a Kreis in NRW."""
    ags = draw(ags_municipality)
    start, end = draw(_ordered_dates())
    return m.Territory(
        ags=ags,
        name=draw(texts),
        kind=draw(st.sampled_from([m.TerritoryKind.TOWN, m.TerritoryKind.MUNICIPALITY])),
        parent=draw(st.sampled_from([None, ags[:5]])),
        valid_from=start,
        valid_to=end,
    )


votes = st.builds(m.Votes, yes=_counts, no=_counts, abstain=_counts, recused=_counts)
decisions = st.builds(
    m.Decision,
    id=slugs,
    body=texts,
    date=dates,
    result=st.sampled_from(m.DecisionResult),
    document_number=_opt(texts),
    votes=_opt(votes),
    text=_opt(texts),
)


@st.composite
def contacts(draw: st.DrawFn) -> m.Contact:
    """Contacts with a role or a name."""
    name = draw(_opt(texts))
    return m.Contact(
        name=name,
        role=draw(texts) if name is None else draw(_opt(texts)),
        phone=draw(_opt(_phones)),
        email=draw(_opt(_emails)),
        web=draw(_opt(_urls)),
    )


venues = st.builds(
    m.Venue,
    name=_opt(texts),
    street=_opt(texts),
    postal_code=_opt(st.from_regex(r"\A[0-9]{5}\Z")),
    city=_opt(texts),
    municipality=_opt(ags_municipality),
)
staff_positions = st.builds(
    m.StaffPosition,
    role=texts,
    fte=st.decimals(min_value=0, max_value=40, places=2, allow_nan=False),
    funding=_opt(slugs),
    seconded=st.booleans(),
    note=_opt(texts),
)


translation_texts = st.builds(
    m.Translation,
    name=_opt(texts),
    description=_opt(texts),
    responsibility=_opt(texts),
    eligibility=_opt(texts),
    schedule_note=_opt(texts),
    cost_note=_opt(texts),
)
_LANGS = st.sampled_from(["ar", "fa", "uk", "ru", "tr", "ti", "en"])
_actor_translations = st.dictionaries(
    _LANGS,
    st.builds(m.Translation, name=_opt(texts), description=_opt(texts), responsibility=_opt(texts)),
    max_size=2,
)
_offer_translations = st.dictionaries(
    _LANGS,
    st.builds(
        m.Translation,
        name=_opt(texts),
        description=_opt(texts),
        eligibility=_opt(texts),
        schedule_note=_opt(texts),
        cost_note=_opt(texts),
    ),
    max_size=2,
)


@st.composite
def _times(draw: st.DrawFn) -> tuple[time | None, time | None]:
    start = draw(_opt(st.times().map(lambda t: t.replace(second=0, microsecond=0))))
    if start is None or start >= time(23, 0):
        return start, None
    later = time(draw(st.integers(start.hour + 1, 23)), draw(st.integers(0, 59)))
    return start, draw(_opt(st.just(later)))


@st.composite
def actors(draw: st.DrawFn) -> m.Actor:
    """Strategy for :class:`~kommunale_integration.Actor` (Akteure)."""
    return m.Actor(
        id=draw(slugs),
        name=draw(texts),
        category=draw(slugs),
        parent=draw(_opt(slugs)),
        volunteer=draw(st.booleans()),
        territories=draw(_tuples(ags_municipality)),
        fields=draw(_tuples(slugs)),
        target_groups=draw(_tuples(slugs)),
        contacts=draw(_tuples(contacts(), 2)),
        venue=draw(_opt(venues)),
        web=draw(_opt(_urls)),
        responsibility=draw(_opt(texts)),
        description=draw(_opt(texts)),
        staff=draw(_tuples(staff_positions)),
        founded=draw(_opt(dates)),
        last_verified=draw(_opt(dates)),
        last_changed=draw(_opt(dates)),
        illustrative=draw(st.booleans()),
        extras=tuple(draw(st.dictionaries(slugs, texts, max_size=2)).items()),
        translations=tuple(draw(_actor_translations).items()),
    )


@st.composite
def eligibilities(draw: st.DrawFn) -> m.Eligibility:
    """Eligibility rules."""
    low = draw(_opt(st.integers(0, 99)))
    high = draw(_opt(st.integers(low or 0, 120)))
    return m.Eligibility(
        legal_bases=draw(_tuples(st.sampled_from(["AsylbLG", "SGB II", "SGB XII", "AufenthG"]))),
        residence_statuses=draw(_tuples(slugs)),
        min_age=low,
        max_age=high,
        note=draw(_opt(texts)),
    )


@st.composite
def offers(draw: st.DrawFn) -> m.Offer:
    """Offers (Angebote)."""
    start, end = draw(_ordered_dates())
    begins, ends = draw(_times())
    return m.Offer(
        id=draw(slugs),
        name=draw(texts),
        actor=draw(slugs),
        fields=draw(_tuples(slugs)),
        target_groups=draw(_tuples(slugs)),
        eligibility=draw(eligibilities()),
        languages=draw(_tuples(st.sampled_from(["de", "en", "ar", "uk", "fa", "tr", "ru"]))),
        venue=draw(_opt(venues)),
        territories=draw(_tuples(ags_municipality)),
        schedule=draw(_opt(st.sampled_from(["FREQ=WEEKLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=1MO"]))),
        start_time=begins,
        end_time=ends,
        schedule_note=draw(_opt(texts)),
        cost=draw(_opt(money)),
        cost_note=draw(_opt(texts)),
        capacity=draw(_opt(_counts)),
        contacts=draw(_tuples(contacts(), 2)),
        web=draw(_opt(_urls)),
        description=draw(_opt(texts)),
        valid_from=start,
        valid_to=end,
        last_verified=draw(_opt(dates)),
        last_changed=draw(_opt(dates)),
        illustrative=draw(st.booleans()),
        extras=tuple(draw(st.dictionaries(slugs, texts, max_size=2)).items()),
        translations=tuple(draw(_offer_translations).items()),
    )


fields_of_action = st.builds(
    m.FieldOfAction, id=slugs, title=texts, description=_opt(texts), area=_opt(slugs)
)
goals = st.builds(
    m.Goal,
    id=slugs,
    field=slugs,
    text=texts,
    kind=st.sampled_from(m.GoalKind),
    parent=_opt(slugs),
    indicators=_tuples(slugs),
    territories=_tuples(ags_municipality),
)
status_changes = st.builds(
    m.StatusChange, date=dates, status=st.sampled_from(m.MeasureStatus), note=_opt(texts)
)
measures = st.builds(
    m.Measure,
    id=slugs,
    title=texts,
    field=slugs,
    goals=_tuples(slugs),
    description=_opt(texts),
    history=_tuples(status_changes),
    responsible=_opt(slugs),
    partners=_tuples(slugs),
    territories=_tuples(ags_municipality),
    timeframe=_opt(date_ranges()),
    funding=_tuples(slugs),
    indicators=_tuples(slugs),
    capacity=_opt(_counts),
    expected_result=_opt(texts),
    illustrative=st.booleans(),
)
fundings = st.builds(
    m.Funding,
    id=slugs,
    programme=texts,
    provider=texts,
    amount=money,
    per_year=st.booleans(),
    period=_opt(date_ranges()),
    recipient=_opt(slugs),
    purpose=_opt(texts),
    illustrative=st.booleans(),
)
case_filters = st.builds(m.CaseFilter, attribute=slugs, values=_tuples(slugs))


@st.composite
def case_counts(draw: st.DrawFn) -> m.CaseCount:
    """Case-based counts."""
    kind = draw(st.sampled_from(m.CaseCountKind))
    events = draw(st.lists(slugs, min_size=1 if kind is m.CaseCountKind.EVENTS else 0, max_size=3))
    return m.CaseCount(count=kind, events=tuple(events), filters=draw(_tuples(case_filters, 2)))


_terms = case_counts() | st.sampled_from(["a / b", "vhs_participants", "(x + y) * 2"])
confidentialities = st.builds(
    m.Confidentiality,
    threshold=st.integers(0, 10),
    rounding=st.sampled_from([None, 5, 10]),
)
indicators = st.builds(
    m.Indicator,
    id=slugs,
    name=texts,
    numerator=_terms,
    denominator=_opt(_terms),
    scale=st.sampled_from([1, 100, 1000]),
    definition=_opt(texts),
    unit=_opt(texts),
    direction=st.sampled_from(m.Direction),
    source=_opt(texts),
    origin=st.sampled_from(["IntMK", "NRW", "BA", "Destatis", "lokal"]),
    fields=_tuples(slugs),
    disaggregations=_tuples(st.sampled_from(["sex", "legal_basis", "age_group"])),
    confidentiality=confidentialities,
    reference_date=_opt(texts),
    method_notes=_opt(texts),
    proportion=st.booleans(),
)


@st.composite
def observations(draw: st.DrawFn) -> m.Observation:
    """Indicator values (Kennzahlwerte)."""
    status = draw(st.sampled_from(m.ObservationStatus))
    needs_value = status in (m.ObservationStatus.OK, m.ObservationStatus.ROUNDED)
    dims = draw(st.dictionaries(st.sampled_from(["sex", "legal_basis", "age_group"]), slugs))
    return m.Observation(
        indicator=draw(slugs),
        period=draw(report_periods()),
        territory=draw(ags_municipality | st.just("all")),
        value=draw(_decimals if needs_value else _opt(_decimals)),
        disaggregation=tuple(dims.items()),
        numerator=draw(_opt(st.decimals(min_value=0, max_value=10**6, places=0))),
        denominator=draw(_opt(st.decimals(min_value=0, max_value=10**6, places=0))),
        status=status,
        note=draw(_opt(texts)),
        illustrative=draw(st.booleans()),
    )


targets = st.builds(
    m.Target,
    indicator=slugs,
    territory=ags_municipality,
    period=report_periods(),
    value=_decimals,
    note=_opt(texts),
    illustrative=st.booleans(),
)
baselines = st.builds(
    m.Baseline,
    indicator=slugs,
    territory=ags_municipality,
    period=report_periods(),
    value=_decimals,
    note=_opt(texts),
    illustrative=st.booleans(),
)
_RULES = ["FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2", "FREQ=WEEKLY;BYDAY=WE", "FREQ=YEARLY"]


@st.composite
def meeting_schedules(draw: st.DrawFn) -> MeetingSchedule:
    """Meeting rules with cancelled and moved meetings taken from their own dates."""
    from dateutil.rrule import rrulestr

    rule, start = draw(st.sampled_from(_RULES)), draw(dates)
    occurrences = iter(rrulestr(rule, dtstart=_midnight(start)))
    first = [next(occurrences).date() for _ in range(8)]
    picked = draw(st.lists(st.sampled_from(first), max_size=4, unique=True))
    split = draw(st.integers(0, len(picked)))
    moved = tuple(MovedMeeting(original=day, new=draw(dates)) for day in picked[split:])
    return MeetingSchedule(rrule=rule, dtstart=start, exdates=tuple(picked[:split]), moved=moved)


def _midnight(day: date) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


@st.composite
def networks(draw: st.DrawFn) -> m.Network:
    """Networks (Netzwerke, Gremien)."""
    founded, dissolved = draw(_ordered_dates())
    return m.Network(
        id=draw(slugs),
        name=draw(texts),
        kind=draw(st.sampled_from(["round-table", "steering-group", "working-group"])),
        coordinator=draw(_opt(slugs)),
        members=draw(_tuples(slugs)),
        territories=draw(_tuples(ags_municipality)),
        schedule=draw(_opt(meeting_schedules())),
        description=draw(_opt(texts)),
        founded=founded,
        dissolved=dissolved,
    )


meetings = st.builds(
    m.Meeting,
    id=slugs,
    network=slugs,
    date=dates,
    participants=_tuples(slugs),
    participant_count=_opt(_counts),
    topics=_tuples(texts),
    results=_tuples(texts),
    location=_opt(texts),
    illustrative=st.booleans(),
)
glossary_terms = st.builds(m.GlossaryTerm, term=texts, definition=texts, see_also=_tuples(texts))
abbreviations = st.builds(m.Abbreviation, short=texts, long=texts)
accepted_findings = st.builds(
    m.AcceptedFinding,
    code=st.sampled_from(["duplicate-structure", "coverage-gap", "stale-entry"]),
    subject=texts,
    reason=texts,
    date=dates,
    by=texts,
)
legal_bases = st.builds(
    m.LegalBasis,
    id=slugs,
    law=texts,
    title=texts,
    paragraph=_opt(texts),
    url=_opt(_urls),
    summary=_opt(texts),
)


def _in_fiscal_years(items: tuple[Any, ...], month: int) -> tuple[Any, ...]:
    """*items* with every budget-year period moved to the fiscal start *month*."""
    return tuple(
        attrs.evolve(item, period=ReportPeriod.budget_year(item.period.start.year, month))
        if item.period.budget_start_month is not None
        else item
        for item in items
    )


@st.composite
def concepts(draw: st.DrawFn) -> m.Concept:
    """Strategy for small :class:`~kommunale_integration.Concept` objects.

    Every collection holds a few items; references between them need not resolve.
    """
    start, end = draw(_ordered_dates())
    fiscal = draw(st.sampled_from([1, 1, 4, 7, 10]))
    return m.Concept(
        id=draw(slugs),
        title=draw(texts),
        territory=draw(st.sampled_from(["05558", "05558012"])),
        version=draw(texts),
        adopted=draw(_opt(slugs)),
        valid_from=start,
        valid_to=end,
        predecessor=draw(_opt(texts)),
        committee=draw(_opt(texts)),
        summary=draw(_opt(texts)),
        starting_point=draw(_opt(texts)),
        outlook=draw(_opt(texts)),
        fiscal_year_start=fiscal,
        facts=draw(_opt(texts)),
        alternatives=draw(_opt(texts)),
        impacts=draw(_opt(texts)),
        competence=draw(_opt(texts)),
        meeting_date=draw(_opt(dates)),
        languages=tuple(draw(st.sets(st.sampled_from(["ar", "fa", "uk", "ti"]), max_size=2))),
        territories=draw(_tuples(territories(), 2)),
        decisions=draw(_tuples(decisions, 2)),
        fields=draw(_tuples(fields_of_action, 2)),
        goals=draw(_tuples(goals, 2)),
        measures=draw(_tuples(measures, 2)),
        actors=draw(_tuples(actors(), 2)),
        offers=draw(_tuples(offers(), 2)),
        funding=draw(_tuples(fundings, 2)),
        indicators=draw(_tuples(indicators, 2)),
        targets=_in_fiscal_years(draw(_tuples(targets, 2)), fiscal),
        baselines=_in_fiscal_years(draw(_tuples(baselines, 1)), fiscal),
        observations=_in_fiscal_years(draw(_tuples(observations(), 2)), fiscal),
        networks=draw(_tuples(networks(), 2)),
        meetings=draw(_tuples(meetings, 2)),
        glossary=draw(_tuples(glossary_terms, 2)),
        abbreviations=draw(_tuples(abbreviations, 2)),
        legal_bases=draw(_tuples(legal_bases, 2)),
        accepted_findings=draw(_tuples(accepted_findings, 2)),
    )


#: Strategy for each model type, as registered with hypothesis.
STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    m.Abbreviation: abbreviations,
    m.AcceptedFinding: accepted_findings,
    m.Actor: actors(),
    m.Baseline: baselines,
    m.CaseCount: case_counts(),
    m.CaseFilter: case_filters,
    m.Concept: concepts(),
    m.Confidentiality: confidentialities,
    m.Contact: contacts(),
    m.DateRange: date_ranges(),
    m.Decision: decisions,
    m.Eligibility: eligibilities(),
    m.FieldOfAction: fields_of_action,
    m.Funding: fundings,
    m.GlossaryTerm: glossary_terms,
    m.Goal: goals,
    m.Indicator: indicators,
    m.LegalBasis: legal_bases,
    m.Measure: measures,
    m.Meeting: meetings,
    MeetingSchedule: meeting_schedules(),
    MovedMeeting: st.builds(MovedMeeting, original=dates, new=dates),
    m.Network: networks(),
    m.Observation: observations(),
    m.Offer: offers(),
    ReportPeriod: report_periods(),
    m.StaffPosition: staff_positions,
    m.StatusChange: status_changes,
    m.Target: targets,
    m.Territory: territories(),
    m.Translation: translation_texts,
    m.Venue: venues,
    m.Votes: votes,
}


def register_strategies() -> None:
    """Register :data:`STRATEGIES` with :func:`hypothesis.strategies.register_type_strategy`."""
    for cls, strategy in STRATEGIES.items():
        st.register_type_strategy(cls, strategy)
