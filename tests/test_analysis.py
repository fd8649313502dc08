"""Analyses of actors and offers: duplicate structures, coverage gaps, stale entries."""

from __future__ import annotations

from datetime import date
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration import (
    Actor,
    Concept,
    FieldOfAction,
    InvalidValueError,
    Offer,
    Territory,
    TerritoryKind,
    Venue,
)
from kommunale_integration._analysis import (
    CoverageGap,
    DuplicateStructure,
    StaleEntry,
    coverage_gaps,
    find_duplicate_structures,
    stale_entries,
)

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


def test_duplicate_of_two_actors_in_same_field_and_town() -> None:
    concept = _concept(
        [
            _offer("kurs-a", "vhs", territories=(TOWNS[0],), target_groups=("women",)),
            _offer("kurs-b", "drk", territories=(TOWNS[0], TOWNS[1])),
        ]
    )
    assert find_duplicate_structures(concept) == [
        DuplicateStructure(
            offer_a="kurs-a",
            offer_b="kurs-b",
            actor_a="vhs",
            actor_b="drk",
            fields=("sprache",),
            target_groups=("women",),
            territories=(TOWNS[0],),
        )
    ]


def test_kreis_wide_offer_overlaps_local_offer_and_names_the_town() -> None:
    concept = _concept(
        [
            _offer("kreisweit", "vhs", territories=(KREIS,)),
            _offer("lokal", "drk", territories=(TOWNS[2],)),
        ]
    )
    (dup,) = find_duplicate_structures(concept)
    assert dup.territories == (TOWNS[2],)
    assert (dup.offer_a, dup.offer_b) == ("kreisweit", "lokal")


def test_two_offers_everywhere_have_empty_common_territories() -> None:
    concept = _concept([_offer("a", "vhs"), _offer("b", "drk")])
    (dup,) = find_duplicate_structures(concept)
    assert dup.territories == ()
    assert dup.target_groups == ()


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
        # one ended before the other started
        ({"valid_to": date(2024, 12, 31)}, {"valid_from": date(2025, 1, 1)}),
    ],
)
def test_no_duplicate(first: dict[str, Any], second: dict[str, Any]) -> None:
    a = {"actor": "vhs", **first}
    b = {"actor": "drk", **second}
    concept = _concept([_offer("a", **a), _offer("b", **b)])
    assert find_duplicate_structures(concept) == []


@st.composite
def _offer_lists(draw: st.DrawFn) -> list[Offer]:
    count = draw(st.integers(0, 8))
    offers = []
    for i in range(count):
        start = draw(st.one_of(st.none(), st.integers(2020, 2026)))
        length = draw(st.integers(0, 3))
        offers.append(
            _offer(
                f"o{i}",
                draw(st.sampled_from(["vhs", "drk", "caritas"])),
                fields=draw(st.lists(st.sampled_from(["sprache", "arbeit"]), max_size=2)),
                target_groups=draw(st.lists(st.sampled_from(["women", "youth"]), max_size=2)),
                territories=draw(st.lists(st.sampled_from([KREIS, *TOWNS]), max_size=2)),
                valid_from=None if start is None else date(start, 1, 1),
                valid_to=None if start is None else date(start + length, 12, 31),
            )
        )
    return offers


def _brute_force(concept: Concept) -> set[tuple[str, str]]:
    def places(offer: Offer) -> set[str]:
        if not offer.territories or KREIS in offer.territories:
            return set(TOWNS)
        return set(offer.territories)

    found = set()
    for a, b in combinations(concept.offers, 2):
        if a.actor == b.actor or not set(a.fields) & set(b.fields):
            continue
        if a.target_groups and b.target_groups and not set(a.target_groups) & set(b.target_groups):
            continue
        if not places(a) & places(b) or not a.validity.overlaps(b.validity):
            continue
        found.add((a.id, b.id))
    return found


@given(_offer_lists())
def test_indexed_search_equals_comparing_all_pairs(offers: list[Offer]) -> None:
    concept = _concept(offers)
    found = find_duplicate_structures(concept)
    assert {(d.offer_a, d.offer_b) for d in found} == _brute_force(concept)
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
