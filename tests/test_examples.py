"""The bundled examples: complete, consistent, synthetic and free of personal data."""

from __future__ import annotations

import csv
import importlib.util
import re
import shlex
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration._cli import main

ROOT = Path(__file__).resolve().parent.parent
KREIS = ROOT / "examples" / "kreis_coesfeld"
STADT = ROOT / "examples" / "stadt_coesfeld"
KREIS_MUNICIPALITIES = {f"05558{n:03d}" for n in range(4, 45, 4)}


def _concept_yaml(folder: Path) -> ki.Concept:
    """Load an example folder: ``konzept.yaml`` plus its CSV tables."""
    return ki.load_concept(folder)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_synthetic_cases", KREIS / "generate_synthetic_cases.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_synthetic_cases", module)
    spec.loader.exec_module(module)
    return module


T = TypeVar("T")


def _must(value: T | None) -> T:
    assert value is not None
    return value


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- Kreis content


def test_kreis_konzept_yaml_is_a_concept() -> None:
    concept = _concept_yaml(KREIS)
    assert concept.territory == "05558"
    assert {t.ags for t in concept.municipalities()} == KREIS_MUNICIPALITIES


@pytest.mark.parametrize("folder", [KREIS, STADT], ids=["kreis", "stadt"])
def test_actors_and_offers_come_from_semicolon_tables(folder: Path) -> None:
    for name in ("akteure.csv", "angebote.csv", "kontakte.csv"):
        header = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        assert ";" in header
        assert "," not in header
    concept = _concept_yaml(folder)
    where = concept.locate("actors[2].name")
    assert where.file is not None
    assert Path(where.file).name == "akteure.csv"
    assert where.row == 4  # the header is row 1
    assert Path(concept.locate("offers[0]").file or "").name == "angebote.csv"
    # Every actor and offer is in the tables, not in konzept.yaml.
    import yaml

    data = yaml.safe_load((folder / "konzept.yaml").read_text(encoding="utf-8"))
    assert "actors" not in data
    assert "offers" not in data
    assert concept.actors
    assert concept.offers


def test_kreis_facts_from_the_seed_documents() -> None:
    concept = _concept_yaml(KREIS)
    kreistag = concept.get("decisions", "kreistag-2015-09-23")
    assert kreistag.date == date(2015, 9, 23)
    assert not kreistag.illustrative
    recommendation = concept.get("decisions", "integrationsausschuss-2016-empfehlung")
    assert str(recommendation.votes) == "9:0:0"
    assert recommendation.result is ki.DecisionResult.RECOMMENDED

    centre = _must(concept.actor("ki-kreis-coesfeld"))
    assert centre.founded == date(2015, 12, 1)
    own = {s.role: s.fte for s in centre.staff if not s.seconded}
    assert own == {
        "Sozialarbeit/Sozialwissenschaft": Decimal(2),
        "Verwaltungskraft geh. Dienst": Decimal(1),
        "Assistenz/Sekretariat": Decimal("0.5"),
    }
    assert sum(s.fte for s in centre.staff if s.seconded) == Decimal(2)

    amounts = {f.id: f.amount for f in concept.funding}
    assert amounts["ki-landesfoerderung"] == Decimal(170000)
    assert concept.get("funding", "ki-landesfoerderung").per_year
    assert sorted(v for k, v in amounts.items() if k != "ki-landesfoerderung") == [
        Decimal(18000),
        Decimal(20000),
    ]
    assert _must(concept.measure("early-intervention-nrw-plus")).capacity == 100
    assert _must(concept.offer("esf-bamf-sprachkurs")).capacity == 100
    assert concept.measure("integration-points") is not None
    assert {f.area for f in concept.fields} == {"education", "cross-cutting"}
    assert _must(concept.network("runder-tisch-duelmen")).founded == date(1990, 1, 1)
    assert {b.law for b in concept.legal_bases} >= {"AsylbLG", "SGB II", "AufenthG", "TIntG NRW"}


def test_kreis_measures_name_no_responsibility_or_deadline() -> None:
    # The 2016 concept deliberately names neither (Vorlage, section II.3).
    concept = _concept_yaml(KREIS)
    assert concept.measures
    assert all(m.responsible is None and m.timeframe is None for m in concept.measures)


def test_kreis_offers_cover_every_municipality_and_many_fields() -> None:
    concept = _concept_yaml(KREIS)
    served: set[str] = set()
    for offer in concept.offers:
        for ags in offer.territories:
            served |= {ags} if len(ags) == 8 else KREIS_MUNICIPALITIES
    assert served == KREIS_MUNICIPALITIES
    assert {f for o in concept.offers for f in o.fields} == {f.id for f in concept.fields}


def test_kreis_references_resolve() -> None:
    concept = _concept_yaml(KREIS)
    actors = concept.ids("actors")
    assert {o.actor for o in concept.offers} <= actors
    for network in concept.networks:
        assert set(network.members) <= actors
        assert network.coordinator is None or network.coordinator in actors
    assert {m.network for m in concept.meetings} <= concept.ids("networks")
    indicators = concept.ids("indicators")
    assert {i for g in concept.goals for i in g.indicators} <= indicators
    assert {i for m in concept.measures for i in m.indicators} <= indicators
    assert {f for m in concept.measures for f in m.funding} <= concept.ids("funding")
    assert {s.funding for a in concept.actors for s in a.staff if s.funding} <= concept.ids(
        "funding"
    )


def test_kreis_meetings_follow_their_network_rules_in_2025() -> None:
    concept = _concept_yaml(KREIS)
    year = ki.ReportPeriod.parse("2025")
    for network in concept.networks:
        assert network.schedule is not None
        planned = set(ki.planned_meetings(network.schedule, year))
        held = {m.date for m in concept.meetings if m.network == network.id and m.date in year}
        assert held == planned, network.id


# --------------------------------------------------------------------------- no personal data

_PHONE = re.compile(r"\+49 \d{3,5} 0000-\d+")
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.)*([\w-]+)\.(\w+)")


def _contacts(concept: ki.Concept) -> Iterator[ki.Contact]:
    for actor in concept.actors:
        yield from actor.contacts
    for offer in concept.offers:
        yield from offer.contacts


@pytest.mark.parametrize("folder", [KREIS, STADT], ids=["kreis", "stadt"])
def test_contacts_are_roles_with_fictitious_addresses(folder: Path) -> None:
    concept = _concept_yaml(folder)
    contacts = list(_contacts(concept))
    assert contacts
    for contact in contacts:
        assert contact.name is None, contact
        assert contact.role
        if contact.phone:
            assert _PHONE.fullmatch(contact.phone), contact.phone
        if contact.email:
            assert contact.email.endswith((".example.org", "@example.org", ".example.com"))
        if contact.web:
            assert ".example.org" in contact.web or ".example.com" in contact.web


def test_everything_invented_is_marked_illustrative() -> None:
    concept = _concept_yaml(KREIS)
    # Every actor with a contact or an address has invented contact data.
    for actor in concept.actors:
        if actor.contacts or actor.venue:
            assert actor.illustrative, actor.id
    for offer in concept.offers:
        if offer.venue or offer.schedule or offer.last_verified:
            assert offer.illustrative, offer.id
    assert all(t.illustrative for t in concept.targets)
    assert all(b.illustrative for b in concept.baselines)
    # The only meetings the documents record: the municipalities' meeting of 13.11.2015.
    assert {m.id for m in concept.meetings if not m.illustrative} == {"kommunen-2015-11-13"}


# --------------------------------------------------------------------------- synthetic cases


def test_synthetic_export_is_canonical_and_obviously_synthetic() -> None:
    cases = _rows(KREIS / "cases.csv")
    events = _rows(KREIS / "events.csv")
    assert list(cases[0]) == [
        "case_id",
        "municipality",
        "opened",
        "closed",
        "legal_basis",
        "sex",
        "birth_year",
    ]
    assert list(events[0]) == ["case_id", "event", "date", "detail"]
    assert len(cases) >= 2000
    assert all(re.fullmatch(r"SYN-\d{6}", c["case_id"]) for c in cases)
    assert {c["municipality"] for c in cases} == KREIS_MUNICIPALITIES
    ids = {c["case_id"] for c in cases}
    assert {e["case_id"] for e in events} <= ids
    opened = {c["case_id"]: date.fromisoformat(c["opened"]) for c in cases}
    for case in cases:
        if case["closed"]:
            assert date.fromisoformat(case["closed"]) >= opened[case["case_id"]]
    for event in events:
        assert date.fromisoformat(event["date"]) >= opened[event["case_id"]]
    assert "synthetic" in (KREIS / "SYNTHETIC_DATA.md").read_text(encoding="utf-8").lower()


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    generator = _generator()
    assert generator.main(["--output", str(tmp_path)]) == 0
    for name in ("cases.csv", "events.csv"):
        assert (tmp_path / name).read_bytes() == (KREIS / name).read_bytes(), name


def test_generator_subset_for_one_municipality(tmp_path: Path) -> None:
    generator = _generator()
    generator.main(["--only", "05558012", "--output", str(tmp_path)])
    subset = _rows(tmp_path / "cases.csv")
    full = [c for c in _rows(KREIS / "cases.csv") if c["municipality"] == "05558012"]
    assert subset == full
    kept = {c["case_id"] for c in subset}
    assert {e["case_id"] for e in _rows(tmp_path / "events.csv")} == {
        e["case_id"] for e in _rows(KREIS / "events.csv") if e["case_id"] in kept
    }


def _contract_counts(folder: Path, period: ki.ReportPeriod) -> dict[str, Decimal]:
    """The default indicators of DESIGN §4, computed independently of the engine."""
    cases = _rows(folder / "cases.csv")
    events = _rows(folder / "events.csv")

    def in_period(text: str) -> bool:
        return date.fromisoformat(text) in period

    active = {
        c["case_id"]
        for c in cases
        if date.fromisoformat(c["opened"]) <= period.end
        and (not c["closed"] or date.fromisoformat(c["closed"]) >= period.start)
    }

    def with_event(*names: str) -> int:
        return len({e["case_id"] for e in events if e["event"] in names and in_period(e["date"])})

    placements = with_event("employment_started", "vocational_training_started")
    return {
        "active_cases": Decimal(len(active)),
        "language_course_starts": Decimal(with_event("language_course_started")),
        "language_course_completions": Decimal(with_event("language_course_completed")),
        "placements": Decimal(placements),
        "placement_rate": Decimal(placements * 100) / Decimal(len(active)),
    }


@pytest.mark.parametrize("folder", [KREIS, STADT], ids=["kreis", "stadt"])
def test_baselines_match_the_synthetic_export(folder: Path) -> None:
    concept = _concept_yaml(folder)
    assert concept.baselines
    for baseline in concept.baselines:
        counts = _contract_counts(folder, baseline.period)
        assert counts[baseline.indicator].quantize(Decimal("0.1")) == baseline.value, baseline


# --------------------------------------------------------------------------- Stadt content

STADT_FIELDS = {
    "arbeitsmarkt": "Arbeitsmarktintegration",
    "ausbildung": "(Aus-)Bildung",
    "rechtliches": "Rechtliches",
    "sprache": "Sprache",
    "wohnen": "Wohnen",
    "gesundheit": "Gesundheit",
    "teilhabe": "Teilhabe",
}


def test_stadt_is_the_concept_the_motion_asks_for() -> None:
    concept = _concept_yaml(STADT)
    assert concept.territory == "05558012"
    assert {f.id: f.title for f in concept.fields} == STADT_FIELDS
    names = {a.name for a in concept.actors}
    assert {
        "DRK Coesfeld",
        "Caritas Coesfeld",
        "Flüchtlingsinitiative Coesfeld und Lette",
        "KIM Coesfeld",
        "VHS Coesfeld",
    } <= names
    groups = {g for o in concept.offers for g in o.target_groups}
    assert {"neuzugewanderte", "gefluechtete"} <= groups
    # Kennzahlen: language courses attended, placements into work or training.
    assert _must(concept.indicator("language_course_starts")).numerator == ki.CaseCount(
        count=ki.CaseCountKind.EVENTS, events=("language_course_started",)
    )
    assert set(_must(concept.indicator("placements")).numerator.events) == {  # type: ignore[union-attr]
        "employment_started",
        "vocational_training_started",
    }
    # A network with regular meetings, and its first meeting on a date of its rule.
    (network,) = concept.networks
    schedule = _must(network.schedule)
    held = [m.date for m in concept.meetings if m.network == network.id]
    assert held
    assert set(held) <= set(ki.planned_meetings(schedule, ki.ReportPeriod.parse("2026")))


def test_stadt_measures_are_steerable() -> None:
    concept = _concept_yaml(STADT)
    actors = concept.ids("actors")
    for measure in concept.measures:
        assert measure.responsible in actors, measure.id
        assert measure.timeframe is not None
        assert measure.timeframe.start is not None
        assert measure.indicators, measure.id


def test_stadt_cases_are_the_coesfeld_subset_of_the_kreis_export() -> None:
    assert _rows(STADT / "cases.csv") == [
        c for c in _rows(KREIS / "cases.csv") if c["municipality"] == "05558012"
    ]
    kept = {c["case_id"] for c in _rows(STADT / "cases.csv")}
    assert _rows(STADT / "events.csv") == [
        e for e in _rows(KREIS / "events.csv") if e["case_id"] in kept
    ]


# --------------------------------------------------------------------------- validation, reports


def test_kreis_validates_under_konzept_but_not_steuerung() -> None:
    concept = _concept_yaml(KREIS)
    assert ki.validate(concept, "konzept").ok
    strict = ki.validate(concept, "steuerung")
    assert not strict.ok
    assert {f.code for f in strict.findings if f.severity == "error"} >= {
        "measure-without-responsible",
        "measure-without-timeframe",
    }


def test_stadt_validates_under_steuerung() -> None:
    report = ki.validate(_concept_yaml(STADT), "steuerung")
    assert report.ok, [str(f) for f in report.findings if f.severity == "error"]


@pytest.mark.parametrize(
    ("folder", "period"), [(KREIS, "2025"), (STADT, "2026")], ids=["kreis", "stadt"]
)
def test_reports_build(folder: Path, period: str) -> None:
    concept = _concept_yaml(folder)
    html = ki.build_report(concept, period, format="html")
    markdown = ki.build_report(concept, period, format="md")
    assert concept.title in html
    assert f"Jahresbericht {period}" in markdown
    assert "SYN-" not in html + markdown


# --------------------------------------------------------------------------- commands in the docs

DOCS = ROOT / "docs"


def _console_commands(page: str) -> list[str]:
    commands = []
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        text = line.strip()
        for prefix in ("$ kommunale-integration ", "$ .venv/bin/kommunale-integration "):
            if text.startswith(prefix):
                commands.append(text.removeprefix(prefix))
    return commands


def _named_files(page: str) -> list[tuple[str, str]]:
    """The code blocks of *page* captioned with a bare file name, and their text."""
    found = re.findall(
        r"\.\. code-block:: \w+\n   :caption: ([\w.-]+)\n\n((?:   .*\n|\n)+)",
        (DOCS / page).read_text(encoding="utf-8"),
    )
    return [
        (name, "\n".join(line[3:] for line in body.strip("\n").splitlines()) + "\n")
        for name, body in found
    ]


@pytest.mark.parametrize("page", ["howto.rst", "examples.rst", "zusammenfassung.rst"])
def test_every_command_shown_in_the_docs_runs(
    page: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    (tmp_path / "vorlagen").mkdir()
    monkeypatch.chdir(tmp_path)
    commands = _console_commands(page)
    assert commands
    # the files a page shows with their name (``:caption: spalten.yaml``) are there
    for name, text in _named_files(page):
        (tmp_path / name).write_text(text, encoding="utf-8")
    for command in commands:
        assert main(shlex.split(command)) == 0, (command, capsys.readouterr().err)
    written = [p for p in tmp_path.iterdir() if p.name not in {"examples", "vorlagen"}]
    assert written


@given(seed=st.integers(min_value=0, max_value=2**32), cases=st.integers(min_value=1, max_value=60))
def test_generator_invariants(seed: int, cases: int) -> None:
    generator = _generator()
    case_rows, event_rows = generator.generate(seed, cases)
    assert (case_rows, event_rows) == generator.generate(seed, cases)
    assert [row[0] for row in case_rows] == [f"SYN-{n:06d}" for n in range(1, cases + 1)]
    export = generator.EXPORT_DATE
    last_day = {}
    for case_id, municipality, opened, closed, legal_basis, sex, birth_year in case_rows:
        assert municipality in KREIS_MUNICIPALITIES
        assert legal_basis in generator.LEGAL_BASES
        assert sex in generator.SEXES
        start = date.fromisoformat(opened)
        end = date.fromisoformat(closed) if closed else export
        assert start <= end <= export
        assert 0 <= start.year - int(birth_year) <= 80
        last_day[case_id] = (start, end)
    for case_id, event, day, _detail in event_rows:
        start, end = last_day[case_id]
        assert start <= date.fromisoformat(day) <= end, (case_id, event)
    # A completion never comes without a start before it.
    started = {r[0]: r[2] for r in event_rows if r[1] == "language_course_started"}
    for case_id, event, day, _detail in event_rows:
        if event == "language_course_completed":
            assert started[case_id] <= day
