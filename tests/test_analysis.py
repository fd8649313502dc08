"""Analyses of actors and offers: duplicate structures, coverage gaps, stale entries."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    Actor,
    Concept,
    Eligibility,
    FieldOfAction,
    InvalidValueError,
    Offer,
    ReportPeriod,
    Territory,
    TerritoryKind,
    Venue,
)
from kommunale_integration._analysis import (
    CoverageGap,
    DuplicateStructure,
    Overlap,
    StaleEntry,
    coverage_gaps,
    find_duplicate_structures,
    stale_entries,
)
from kommunale_integration._schedule import time_windows

KREIS = "05558"
TOWNS = ("05558004", "05558008", "05558012")


def _concept(offers: list[Offer], **extra: Any) -> Concept:
    territories = [Territory(ags=KREIS, name="Kreis Coesfeld", kind=TerritoryKind.DISTRICT)]
    territories += [
        Territory(ags=ags, name=f"Gemeinde {ags}", kind=TerritoryKind.MUNICIPALITY, parent=KREIS)
        for ags in TOWNS
    ]
    actors = sorted({o.actor for o in offers})
    return Concept(
        id="kreis-coesfeld",
        title="Integrationskonzept",
        territory=KREIS,
        territories=tuple(territories),
        fields=(
            FieldOfAction(id="sprache", title="Sprache"),
            FieldOfAction(id="arbeit", title="Arbeit"),
        ),
        actors=tuple(Actor(id=a, name=a, last_verified=date(2026, 1, 1)) for a in actors),
        offers=tuple(offers),
        **extra,
    )


def _offer(id: str, actor: str, **kw: Any) -> Offer:
    kw.setdefault("fields", ("sprache",))
    return Offer(id=id, name=id, actor=actor, **kw)


# --------------------------------------------------------------------------- duplicates

YEAR = ReportPeriod.year(2026)


def test_duplicate_of_two_actors_in_same_field_and_town() -> None:
    concept = _concept(
        [
            _offer("kurs-a", "vhs", territories=(TOWNS[0],), target_groups=("women",)),
            _offer("kurs-b", "drk", territories=(TOWNS[0], TOWNS[1])),
        ]
    )
    assert find_duplicate_structures(concept, period=YEAR) == [
        DuplicateStructure(
            offer_a="kurs-a",
            offer_b="kurs-b",
            actor_a="vhs",
            actor_b="drk",
            fields=("sprache",),
            target_groups=("women",),
            territories=(TOWNS[0],),
            overlap=Overlap.UNKNOWN,
            missing=("kurs-a", "kurs-b"),
        )
    ]


def test_kreis_wide_offer_overlaps_local_offer_and_names_the_town() -> None:
    concept = _concept(
        [
            _offer("kreisweit", "vhs", territories=(KREIS,)),
            _offer("lokal", "drk", territories=(TOWNS[2],)),
        ]
    )
    (dup,) = find_duplicate_structures(concept, period=YEAR)
    assert dup.territories == (TOWNS[2],)
    assert (dup.offer_a, dup.offer_b) == ("kreisweit", "lokal")


def test_two_offers_everywhere_have_empty_common_territories() -> None:
    concept = _concept([_offer("a", "vhs"), _offer("b", "drk")])
    (dup,) = find_duplicate_structures(concept, period=YEAR)
    assert dup.territories == ()
    assert dup.target_groups == ()


WEEKLY = "FREQ=WEEKLY;BYDAY="


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # same actor
        ({"actor": "vhs"}, {"actor": "vhs"}),
        # different fields
        ({"fields": ("sprache",)}, {"fields": ("arbeit",)}),
        # disjoint target groups
        ({"target_groups": ("women",)}, {"target_groups": ("youth",)}),
        # different towns
        ({"territories": (TOWNS[0],)}, {"territories": (TOWNS[1],)}),
        # different towns given by the venue only
        (
            {"venue": Venue(name="Treff", municipality=TOWNS[0])},
            {"venue": Venue(name="Kurs", municipality=TOWNS[1])},
        ),
        # one ended before the other started
        ({"valid_to": date(2024, 12, 31)}, {"valid_from": date(2025, 1, 1)}),
        # both valid in 2025 but not in the period 2026
        ({"valid_to": date(2025, 12, 31)}, {"valid_to": date(2025, 12, 31)}),
        # Monday and Wednesday
        ({"schedule": WEEKLY + "MO"}, {"schedule": WEEKLY + "WE"}),
        # the same weekday, hours apart
        (
            {"schedule": WEEKLY + "TH", "schedule_note": "donnerstags 16–18 Uhr"},
            {"schedule": WEEKLY + "MO,TU,WE,TH,FR", "schedule_note": "8:30–12:45 Uhr"},
        ),
        # one after the other: 16–18 and 18–20 do not overlap
        (
            {"schedule": WEEKLY + "TH", "schedule_note": "16–18 Uhr"},
            {"schedule": WEEKLY + "TH", "schedule_note": "18–20 Uhr"},
        ),
        # a rule that ends before the period
        ({"schedule": WEEKLY + "TU;UNTIL=20251231"}, {"schedule": WEEKLY + "TU"}),
        # Thursdays, but one offer ends in March and the other starts in April
        (
            {"schedule": WEEKLY + "TH", "valid_to": date(2026, 3, 31)},
            {"schedule": WEEKLY + "TH", "valid_from": date(2026, 4, 1)},
        ),
        # different Rechtskreise
        (
            {"eligibility": Eligibility(legal_bases=("AsylbLG",))},
            {"eligibility": Eligibility(legal_bases=("SGB II",))},
        ),
        # different residence statuses
        (
            {"eligibility": Eligibility(residence_statuses=("gestattung",))},
            {"eligibility": Eligibility(residence_statuses=("aufenthaltserlaubnis",))},
        ),
        # ages apart: up to 17 and from 18
        ({"eligibility": Eligibility(max_age=17)}, {"eligibility": Eligibility(min_age=18)}),
    ],
)
def test_no_duplicate(first: dict[str, Any], second: dict[str, Any]) -> None:
    a = {"actor": "vhs", **first}
    b = {"actor": "drk", **second}
    concept = _concept([_offer("a", **a), _offer("b", **b)])
    assert find_duplicate_structures(concept, period=YEAR) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"eligibility": Eligibility(max_age=18)}, {"eligibility": Eligibility(min_age=18)}),
        (
            {"eligibility": Eligibility(legal_bases=("AsylbLG", "SGB II"))},
            {"eligibility": Eligibility(legal_bases=("SGB II",))},
        ),
        ({"eligibility": Eligibility(legal_bases=("AsylbLG",))}, {}),
        ({"valid_to": date(2026, 1, 1)}, {"valid_from": date(2026, 1, 1)}),
    ],
)
def test_eligibility_and_validity_touching_at_one_value_still_overlap(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    concept = _concept([_offer("a", "vhs", **first), _offer("b", "drk", **second)])
    assert len(find_duplicate_structures(concept, period=YEAR)) == 1


def test_cafe_in_wettringen_and_morning_course_in_rheine_are_no_duplicate() -> None:
    kreis, rheine, wettringen = "05566", "05566076", "05566096"
    concept = Concept(
        id="kreis-steinfurt",
        title="Integrationskonzept",
        territory=kreis,
        territories=(
            Territory(ags=kreis, name="Kreis Steinfurt", kind=TerritoryKind.DISTRICT),
            Territory(ags=rheine, name="Rheine", kind=TerritoryKind.MUNICIPALITY, parent=kreis),
            Territory(
                ags=wettringen, name="Wettringen", kind=TerritoryKind.MUNICIPALITY, parent=kreis
            ),
        ),
        fields=(FieldOfAction(id="sprache", title="Sprache"),),
        offers=(
            _offer(
                "sprachcafe",
                "initiative",
                venue=Venue(name="Café", municipality=wettringen),
                schedule=WEEKLY + "TH",
                schedule_note="donnerstags 16–18 Uhr",
            ),
            _offer(
                "integrationskurs",
                "vhs",
                territories=(rheine,),
                schedule=WEEKLY + "MO,TU,WE,TH,FR",
                schedule_note="montags bis freitags 8:30–12:45 Uhr",
            ),
        ),
    )
    assert find_duplicate_structures(concept, period=YEAR) == []
    # Same place: still no duplicate, the hours do not meet.
    same_place = concept.evolve(
        offers=(concept.offers[0], attrs.evolve(concept.offers[1], territories=(wettringen,)))
    )
    assert find_duplicate_structures(same_place, period=YEAR) == []
    # Same place and an afternoon course: a real overlap on Thursdays 16–17.
    afternoon = same_place.evolve(
        offers=(
            concept.offers[0],
            attrs.evolve(same_place.offers[1], schedule_note="montags bis freitags 15–17 Uhr"),
        )
    )
    (dup,) = find_duplicate_structures(afternoon, period=YEAR)
    assert dup.overlap is Overlap.TIMES
    assert dup.weekdays == (3,)
    assert dup.hours == ((16 * 60, 17 * 60),)
    assert dup.days == 53  # Thursdays of 2026
    assert dup.first_day == date(2026, 1, 1)
    assert dup.territories == (wettringen,)


def test_offer_that_ended_in_2020_is_no_duplicate_in_2026() -> None:
    concept = _concept([_offer("alt", "vhs", valid_to=date(2020, 12, 31)), _offer("neu", "drk")])
    assert find_duplicate_structures(concept, period=YEAR) == []
    assert len(find_duplicate_structures(concept, period="2020")) == 1


def test_common_days_without_hours_are_a_days_overlap() -> None:
    concept = _concept(
        [
            _offer("a", "vhs", schedule=WEEKLY + "MO,WE", schedule_note="16–18 Uhr"),
            _offer("b", "drk", schedule=WEEKLY + "WE", schedule_note="nachmittags"),
        ]
    )
    (dup,) = find_duplicate_structures(concept, period="2026-01")
    assert dup.overlap is Overlap.DAYS
    assert dup.weekdays == (2,)
    assert dup.days == 4  # Wednesdays of January 2026
    assert dup.missing == ("b",)
    assert dup.hours == ()


def test_invalid_rule_counts_as_unknown() -> None:
    concept = _concept(
        [_offer("a", "vhs", schedule="every tuesday"), _offer("b", "drk", schedule=WEEKLY + "TU")]
    )
    (dup,) = find_duplicate_structures(concept, period=YEAR)
    assert dup.overlap is Overlap.UNKNOWN
    assert dup.missing == ("a",)


@pytest.mark.parametrize(
    ("note", "spans"),
    [
        ("donnerstags 16–18 Uhr", ((960, 1080),)),
        ("montags bis freitags 8:30–12:45 Uhr", ((510, 765),)),
        ("16.00 bis 18.00 Uhr", ((960, 1080),)),
        ("10-12h", ((600, 720),)),
        ("14:00-16:00", ((840, 960),)),
        ("9 - 12 Uhr und 14–16 Uhr", ((540, 720), (840, 960))),
        ("20–24 Uhr", ((1200, 1440),)),
        ("Klasse 5-10", ()),
        ("2020-2021", ()),
        ("18–16 Uhr", ()),
        ("25–26 Uhr", ()),
        ("9:60–10 Uhr", ()),
        # the ends of the rules (pinned by a mutation run, fifteenth session)
        ("9:59–10 Uhr", ((599, 600),)),  # minute 59 is a minute of the hour
        ("9:60–11 Uhr", ()),  # minute 60 is not
        ("23–25 Uhr", ()),  # hour 25 is none; 24 only as an end without minutes
        ("23–24:30 Uhr", ()),
        ("23:30–24 Uhr", ((1410, 1440),)),
        ("16–16 Uhr", ()),  # a span must end after it starts
        ("8–9 Uhr", ((480, 540),)),  # one-digit hours at both ends
        ("14:00-16", ()),  # without a unit both ends need their minutes
        ("- 14 Uhr", ()),  # no start hour
        ("9– Uhr", ()),  # no end hour
        ("nach Vereinbarung", ()),
        (None, ()),
    ],
)
def test_time_windows(note: str | None, spans: tuple[tuple[int, int], ...]) -> None:
    assert time_windows(note) == spans


_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def _offer_lists(draw: st.DrawFn) -> list[Offer]:
    count = draw(st.integers(0, 8))
    offers = []
    for i in range(count):
        start = draw(st.one_of(st.none(), st.integers(2024, 2027)))
        length = draw(st.integers(0, 3))
        days = draw(st.one_of(st.none(), st.sets(st.integers(0, 6), min_size=1, max_size=3)))
        hours = draw(st.one_of(st.none(), st.tuples(st.integers(8, 18), st.integers(1, 4))))
        low = draw(st.one_of(st.none(), st.integers(0, 30)))
        offers.append(
            _offer(
                f"o{i}",
                draw(st.sampled_from(["vhs", "drk", "caritas"])),
                fields=draw(st.lists(st.sampled_from(["sprache", "arbeit"]), max_size=2)),
                target_groups=draw(st.lists(st.sampled_from(["women", "youth"]), max_size=2)),
                territories=draw(st.lists(st.sampled_from([KREIS, *TOWNS]), max_size=2)),
                venue=draw(
                    st.one_of(
                        st.none(),
                        st.sampled_from(TOWNS).map(lambda ags: Venue(name="Ort", municipality=ags)),
                    )
                ),
                eligibility=Eligibility(
                    legal_bases=draw(st.lists(st.sampled_from(["AsylbLG", "SGB II"]), max_size=2)),
                    min_age=low,
                    max_age=None if low is None else low + draw(st.integers(0, 20)),
                ),
                valid_from=None if start is None else date(start, draw(st.integers(1, 12)), 1),
                valid_to=None if start is None else date(start + length, 12, 31),
                schedule=None
                if days is None
                else WEEKLY + ",".join(_DAYS[d] for d in sorted(days)),
                schedule_note=None if hours is None else f"{hours[0]}–{sum(hours)} Uhr",
            )
        )
    return offers


def _brute_force(concept: Concept, first: date, last: date) -> dict[tuple[str, str], Overlap]:
    """Every pair compared with every other, days counted one by one."""

    def places(offer: Offer) -> set[str]:
        if offer.territories:
            if KREIS in offer.territories:
                return set(TOWNS)
            return set(offer.territories)
        if offer.venue is not None:
            return {offer.venue.municipality or ""}
        return set(TOWNS)

    def ages(offer: Offer) -> range:
        e = offer.eligibility
        return range(e.min_age or 0, (200 if e.max_age is None else e.max_age) + 1)

    def hours(offer: Offer) -> tuple[int, int] | None:
        if offer.schedule_note is None:
            return None
        start, end = offer.schedule_note.removesuffix(" Uhr").split("–")
        return int(start) * 60, int(end) * 60

    def days(offer: Offer) -> set[date] | None:
        if offer.schedule is None:
            return None
        wanted = {_DAYS.index(d) for d in offer.schedule.removeprefix(WEEKLY).split(",")}
        found = set()
        day = first
        while day <= last:
            if day.weekday() in wanted and day in offer.validity:
                found.add(day)
            day += timedelta(days=1)
        return found

    found = {}
    for a, b in combinations(concept.offers, 2):
        if a.actor == b.actor or not set(a.fields) & set(b.fields):
            continue
        if a.target_groups and b.target_groups and not set(a.target_groups) & set(b.target_groups):
            continue
        ea, eb = a.eligibility, b.eligibility
        if ea.legal_bases and eb.legal_bases and not set(ea.legal_bases) & set(eb.legal_bases):
            continue
        if not set(ages(a)) & set(ages(b)) or not places(a) & places(b):
            continue
        common = {
            d
            for d in (first + timedelta(days=n) for n in range((last - first).days + 1))
            if d in a.validity and d in b.validity
        }
        if not common:
            continue
        days_a, days_b = days(a), days(b)
        if days_a == set() or days_b == set():
            continue
        if days_a is None or days_b is None:
            found[(a.id, b.id)] = Overlap.UNKNOWN
            continue
        if not days_a & days_b:
            continue
        ha, hb = hours(a), hours(b)
        if ha is None or hb is None:
            found[(a.id, b.id)] = Overlap.DAYS
        elif max(ha[0], hb[0]) < min(ha[1], hb[1]):
            found[(a.id, b.id)] = Overlap.TIMES
    return found


@given(_offer_lists(), st.sampled_from(["2025", "2026-Q2", "2027-03"]))
def test_indexed_search_equals_comparing_all_pairs(offers: list[Offer], notation: str) -> None:
    concept = _concept(offers)
    period = ReportPeriod.parse(notation)
    found = find_duplicate_structures(concept, period=period)
    assert {(d.offer_a, d.offer_b): d.overlap for d in found} == _brute_force(
        concept, period.start, period.end
    )
    assert len(found) == len({(d.offer_a, d.offer_b) for d in found})


# --------------------------------------------------------------------------- coverage


def test_coverage_gaps_per_town_and_field() -> None:
    concept = _concept(
        [
            _offer("sprachcafe", "vhs", territories=(TOWNS[0],)),
            _offer("jobcafe", "drk", fields=("arbeit",), territories=(KREIS,)),
            _offer(
                "treff",
                "caritas",
                territories=(TOWNS[0],),
                venue=Venue(name="Treff", municipality=TOWNS[1]),
            ),
        ]
    )
    assert coverage_gaps(concept, on=date(2026, 6, 1)) == [
        CoverageGap(municipality=TOWNS[2], field="sprache")
    ]


def test_offer_without_territories_serves_all_and_ended_offers_do_not_count() -> None:
    concept = _concept(
        [
            _offer("alle", "vhs"),
            _offer("alt", "drk", fields=("arbeit",), valid_to=date(2025, 12, 31)),
        ]
    )
    gaps = coverage_gaps(concept, on=date(2026, 6, 1))
    assert gaps == [CoverageGap(municipality=ags, field="arbeit") for ags in TOWNS]
    assert coverage_gaps(concept, on=date(2025, 6, 1)) == []


def test_coverage_ignores_municipalities_that_no_longer_exist() -> None:
    concept = _concept([]).evolve(
        territories=(
            Territory(ags=KREIS, name="Kreis", kind=TerritoryKind.DISTRICT),
            Territory(
                ags=TOWNS[0],
                name="Alt",
                kind=TerritoryKind.MUNICIPALITY,
                valid_to=date(2020, 12, 31),
            ),
        )
    )
    assert coverage_gaps(concept, on=date(2026, 1, 1)) == []


# --------------------------------------------------------------------------- currency


def test_stale_entries() -> None:
    concept = _concept(
        [
            _offer("frisch", "vhs", last_verified=date(2025, 7, 1)),
            _offer("alt", "vhs", last_verified=date(2025, 6, 30)),
            _offer("nie", "vhs"),
            _offer("beendet", "vhs", valid_to=date(2026, 1, 31)),
        ]
    ).evolve(actors=(Actor(id="vhs", name="VHS"),))
    assert stale_entries(concept, date(2026, 7, 1)) == [
        StaleEntry(collection="actors", id="vhs", last_verified=None),
        StaleEntry(collection="offers", id="alt", last_verified=date(2025, 6, 30)),
        StaleEntry(collection="offers", id="nie", last_verified=None),
    ]
    assert [e.id for e in stale_entries(concept, date(2026, 7, 1), months=13)] == ["vhs", "nie"]


def test_stale_entries_refuses_negative_months() -> None:
    with pytest.raises(InvalidValueError, match="months"):
        stale_entries(_concept([]), date(2026, 1, 1), months=-1)


def test_start_and_end_time_take_precedence_over_the_note() -> None:
    from datetime import time

    concept = _concept(
        [
            _offer(
                "a",
                "vhs",
                schedule=WEEKLY + "TH",
                start_time=time(16),
                end_time=time(18),
                schedule_note="9–12 Uhr",
            ),
            _offer("b", "drk", schedule=WEEKLY + "TH", schedule_note="17:30–19:00"),
        ]
    )
    (dup,) = find_duplicate_structures(concept, period=YEAR)
    assert dup.hours == ((17 * 60 + 30, 18 * 60),)
    later = concept.evolve(
        offers=(
            concept.offers[0],
            attrs.evolve(concept.offers[1], start_time=time(18), end_time=time(19)),
        )
    )
    assert find_duplicate_structures(later, period=YEAR) == []


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("kreis_coesfeld", {("drk-sprachtreff-coesfeld", "fi-sprachcafe-coesfeld")}),
        ("stadt_coesfeld", {("drk-sprachtreff", "fi-sprachcafe")}),
    ],
)
def test_precision_on_the_examples(example: str, expected: set[tuple[str, str]]) -> None:
    """Every pair reported as a duplicate on the examples really meets: same weekday, same
    hours (checked here from the files' own words, independently of the analysis)."""
    from kommunale_integration import example_path, load_concept

    concept = load_concept(example_path(example))
    found = find_duplicate_structures(concept, period="2026")
    confirmed = {(d.offer_a, d.offer_b) for d in found if d.overlap is Overlap.TIMES}
    assert confirmed == expected
    for a_id, b_id in confirmed:
        a, b = concept.offer(a_id), concept.offer(b_id)
        assert a is not None
        assert b is not None
        assert a.schedule == b.schedule == "FREQ=WEEKLY;BYDAY=WE"
        assert a.schedule_note == b.schedule_note == "mittwochs 16–18 Uhr"
