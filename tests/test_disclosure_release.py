"""Whole releases against the informed attacker (issue 13, "Done when").

The attacker (``tests/release_attacker.py``) reads only what a run publishes — the tidy
CSV, the JSON, the data package, the report's figures — and the public concept; it
derives every relation itself and solves with ``scipy.optimize.linprog``. These tests
run the command line as a user would and attack what it wrote; the full matrix
(20,000 cases, several seeds) is ``benchmarks/attack_release.py``.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
import release_attacker
import test_disclosure
from helpers import run_cli
from kommunale_integration._engine import _hypercube, _protection
from kommunale_integration._engine import compute as compute_module
from kommunale_integration._engine.disclosure import protect as ki_protect
from release_attacker import (
    DEFAULT_KINDS,
    Knowledge,
    Release,
    attack_release,
    attack_rounding,
    attack_suppression,
    knowledge_from_concept,
    parse_csv,
    parse_json,
    read_datapackage,
    relations,
    report_release,
)

ROOT = Path(__file__).resolve().parent.parent
KREIS = ROOT / "examples" / "kreis_coesfeld"
STADT = ROOT / "examples" / "stadt_coesfeld"
MUNICIPALITIES = ("05558004", "05558008", "05558012", "05566008", "05566012")
COUNTS = ("additive", "distinct")
EVENTS = ("language_course_started", "language_course_completed", "employment_started")


def write_export(folder: Path, n: int, seed: int) -> tuple[Path, Path]:
    """A small synthetic export: *n* cases in five municipalities of two districts,
    opened from mid-2024 to the end of 2025, with events."""
    rng = random.Random(seed)
    first, last = date(2024, 7, 1).toordinal(), date(2025, 12, 31).toordinal()
    cases = ["case_id,municipality,opened,closed,legal_basis,sex,birth_year"]
    events = ["case_id,event,date,detail"]
    for i in range(n):
        opened = rng.randint(first, last)
        closed = "" if rng.random() < 0.5 else date.fromordinal(opened + rng.randint(0, 250))
        cases.append(
            f"S{i},{rng.choice(MUNICIPALITIES)},{date.fromordinal(opened)},{closed},"
            f"{rng.choice(['AsylbLG', 'SGB II', 'AufenthG'])},{rng.choice('ffmmd')},"
            f"{rng.randint(1950, 2020)}"
        )
        for _ in range(rng.randint(0, 2)):
            day = date.fromordinal(rng.randint(opened, last))
            events.append(f"S{i},{rng.choice(EVENTS)},{day},")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    (folder / "events.csv").write_text("\n".join(events) + "\n", encoding="utf-8")
    return folder / "cases.csv", folder / "events.csv"


def publish(
    capsys: pytest.CaptureFixture[str], folder: Path, *args: Any
) -> tuple[Release, Release, Release, Release]:
    """Run ``indicators`` with *args* as a user would: CSV with a data package, JSON,
    and the internal table; return what each wrote."""
    code, _, err = run_cli(
        capsys, "indicators", *args, "--output", folder / "k.csv", "--datapackage", folder / "p"
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, "indicators", *args, "--format", "json", "--output", folder / "k.json"
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, "indicators", *args, "--no-suppression", "--output", folder / "k-intern.csv"
    )
    assert code == 0, err
    return (
        parse_csv((folder / "k.csv").read_text(encoding="utf-8")),
        parse_json((folder / "k.json").read_text(encoding="utf-8")),
        read_datapackage(folder / "p"),
        parse_csv((folder / "k-intern.csv").read_text(encoding="utf-8")),
    )


def assert_protected(release: Release, knowledge: Knowledge, truth: Release) -> int:
    outcome = attack_release(release, knowledge, truth)
    assert outcome.exposed == [], outcome.exposed[:10]
    # and the attacker who knows that counts are whole numbers (mixed-integer programs)
    whole = attack_release(release, knowledge, truth, integral=True)
    assert whole.exposed == [], whole.exposed[:10]
    attacked = set(release.indicators()) - set(outcome.skipped)
    counts = {i for i in release.indicators() if knowledge.kinds.get(i) in COUNTS}
    assert attacked == counts | (set(knowledge.rates) & set(release.indicators()))
    return outcome.suppressed


# ------------------------------------------------------------------ the default outputs


@pytest.mark.parametrize(
    ("by", "period"),
    [
        ("sex", "2025"),
        ("legal_basis", "2025"),
        ("age_group", "2025"),
        # two breakdowns at once: a quarter with its months keeps the test fast (the
        # year is in benchmarks/attack_release.py)
        ("sex,legal_basis", "2025-Q4"),
    ],
)
def test_a_period_with_its_quarters_and_months_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, by: str, period: str
) -> None:
    cases, events = write_export(tmp_path / "export", 40, seed=len(by))
    args = ("--period", period, "--cases", cases, "--events", events, "--by", by)
    csv_release, json_release, package, truth = publish(capsys, tmp_path, *args)
    # one pattern in every format
    assert csv_release.cells == json_release.cells == package.cells
    suppressed = assert_protected(csv_release, knowledge_from_concept(None), truth)
    assert suppressed > 20  # small counts abound: the attack is not vacuous


@pytest.mark.parametrize("by", ["legal_basis", "sex,legal_basis"])
def test_the_kreis_example_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, by: str
) -> None:
    """Issue 13: Havixbeck's school enrolments were pinned to 1 by legal basis, and
    359 cells were fixed by sex and legal basis."""
    args = (KREIS, "--period", "2025", "--only", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", by)
    csv_release, json_release, package, truth = publish(capsys, tmp_path, *args)
    assert csv_release.cells == json_release.cells == package.cells
    assert assert_protected(csv_release, knowledge_from_concept(KREIS), truth) > 100


def test_the_stadt_example_with_quarters_and_months_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = (STADT, "--period", "2025", "--cases", STADT / "cases.csv")
    args += ("--events", STADT / "events.csv", "--by", "sex")
    csv_release, _, package, truth = publish(capsys, tmp_path, *args)
    assert csv_release.cells == package.cells
    assert assert_protected(csv_release, knowledge_from_concept(STADT), truth) > 0


def test_no_output_has_a_row_of_a_territory_above_the_concepts_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The Stadt example published ``active_cases,2025,05558,…`` with Coesfeld's own
    figure (the only town of its concept in the Kreis), read as the Kreis Coesfeld's;
    the Kreis example the Kreis's figures again as NRW's (``05``). Neither is
    computed any more: no format has a row of them — CSV, JSON, data package, the
    report's tables, charts and per-municipality tables —, and a Kreis still
    publishes itself and its municipalities (nineteenth session)."""
    args = (STADT, "--period", "2025", "--only", "--cases", STADT / "cases.csv")
    args += ("--events", STADT / "events.csv", "--by", "sex")
    for release in publish(capsys, tmp_path / "stadt", *args):
        assert {key[2] for key in release.cells} == {"all", "05558012"}
    concept = ki.load_concept(STADT)
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    shown = report_release(ki.report_context(concept, ki.ReportPeriod.parse("2025"), cases=data))
    assert {key[2] for key in shown.cells} == {"05558012"}
    args = (KREIS, "--period", "2025-Q4", "--only", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv")
    code, out, err = run_cli(capsys, "indicators", *args)
    assert code == 0, err
    towns = {t.ags for t in ki.load_concept(KREIS).municipalities()}
    assert {key[2] for key in parse_csv(out).cells} == {"all", "05558", *towns}


NEIGHBOURS = {"05558012": 5, "05566008": 1, "05566012": 5, "05570004": 1, "05570008": 5}
"""Active cases of a Stadt (Coesfeld) and of four towns its concept lists in two other
Kreise: 1 in one town of each."""


def _neighbours_concept() -> ki.Concept:
    towns = [
        ki.Territory(ags=ags, name=f"Stadt {ags}", kind=ki.TerritoryKind.TOWN) for ags in NEIGHBOURS
    ]
    return ki.Concept(id="s", title="Stadt", territory="05558012", territories=tuple(towns))


def attacker_intervals(
    release: Release, knowledge: Knowledge, members: Sequence[str], only: Collection[Any] = ()
) -> dict[Any, tuple[float, float]]:
    """The smallest and largest value of each suppressed cell of the counts *members*
    (one table) consistent with *release* and every relation the attacker writes
    down (``inf``: unbounded); with *only*, of those cells (in the attacker's naming:
    a member but the first as ``"<indicator>|<period>"``)."""
    cells, found, _, _, _ = release_attacker._group(
        release, release, knowledge, None, {}, list(members)
    )
    hidden = sorted(c for c, (v, _) in cells.items() if v is None)
    program = release_attacker._Program(
        hidden,
        found,
        {c: float(v) for c, (v, _) in cells.items() if v is not None},
        dict.fromkeys(hidden, (0.0, None)),
    )
    result: dict[Any, tuple[float, float]] = {}
    for cell in only or hidden:
        objective = np.zeros(len(program.cells))
        objective[program.cells.index(cell)] = 1.0
        bottom, top = program.solve(objective), program.solve(-objective)
        assert bottom is not None
        result[cell] = (bottom[0], math.inf if top is None else -top[0])
    return result


def test_a_territory_above_the_concepts_own_is_no_cell_of_the_protection(
    tmp_path: Path,
) -> None:
    """A Stadt whose concept lists two towns in each of two other Kreise: the Kreise
    hold only the listed towns' cases, so they are not computed either. Published,
    Steinfurt's 6 (1 + 5) would need the 5 beside the 1 suppressed; without it the
    1s need only the 5 of Warendorf — one suppression fewer. And the audit is what the
    attacker finds from the release alone (every total adds up to ``all``): the
    Kreise are no cells of the protected table, so neither protection nor audit
    takes the attacker to know them."""
    rows = ["case_id,municipality,opened,closed,legal_basis,sex,birth_year"]
    for ags, n in NEIGHBOURS.items():
        rows += [f"{ags}-{i},{ags},2025-03-01,,AsylbLG,f,1990" for i in range(n)]
    (tmp_path / "cases.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "events.csv").write_text("case_id,event,date,detail\n", encoding="utf-8")
    data = ki.read_cases(tmp_path / "cases.csv", tmp_path / "events.csv")
    table = ki.compute_indicators(
        _neighbours_concept(), data, periods=["2025"], indicators=["active_cases"], audit=True
    )
    release = parse_csv(table.to_csv())
    truth = parse_csv(
        ki.compute_indicators(
            _neighbours_concept(), data, periods=["2025"], indicators=["active_cases"],
            disclosure=None,
        ).to_csv()
    )  # fmt: skip
    knowledge = Knowledge({}, {"active_cases": "distinct"}, territory="05558012")
    assert attack_release(release, knowledge, truth).exposed == []
    audit = {("2025", c.territory, ()): (c.low, c.high) for c in table.audit}
    assert audit == attacker_intervals(release, knowledge, ["active_cases"])
    assert {k[2]: v for k, (v, _) in release.cells.items()} == {
        "all": 17, "05558012": 5, "05566008": None, "05566012": 5,
        "05570004": None, "05570008": None,
    }  # fmt: skip
    assert set(audit.values()) == {(0.0, 7.0)}  # (1 + 1 + 5: not vacuous)


def test_the_same_data_give_the_same_release(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases, events = write_export(tmp_path / "export", 40, seed=3)
    args = ["indicators", "--period", "2025-Q2", "--cases", cases, "--events", events]
    first = run_cli(capsys, *args, "--by", "sex")
    again = run_cli(capsys, *args, "--by", "sex")
    assert first[0] == again[0] == 0
    assert first[1] == again[1]
    assert "suppressed" in first[1]


# ------------------------------------------------------------------ the report


def test_the_report_shows_the_pattern_of_its_table_and_resists_the_attacker() -> None:
    """The report's figures (Kennzahlen tables, trend charts, per-municipality tables)
    are cells of the one table the report computes — which ``demo`` also publishes as
    CSV — with the same values and suppressions; and they resist the attacker."""
    from kommunale_integration._reports._report import report_table

    concept = ki.load_concept(STADT)
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    period = ki.ReportPeriod.parse("2025")
    table = report_table(concept, data, period)
    published = parse_csv(table.to_csv())
    shown = report_release(ki.report_context(concept, period, cases=data))
    assert shown.cells
    for key, entry in shown.cells.items():
        assert published.cells[key] == entry, key
    from_table = report_release(ki.report_context(concept, period, table=table))
    assert from_table.cells == shown.cells
    truth = report_release(ki.report_context(concept, period, cases=data, disclosure=None))
    assert_protected(shown, knowledge_from_concept(STADT), truth)
    whole = parse_csv(report_table(concept, data, period, None).to_csv())
    assert_protected(published, knowledge_from_concept(STADT), whole)


def test_demo_publishes_the_reports_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "demo", "--output", tmp_path / "demo")
    assert code in (0, 1), err
    csv_release = parse_csv(
        next((tmp_path / "demo").glob("kennzahlen-*.csv")).read_text(encoding="utf-8")
    )
    concept = ki.load_concept(KREIS)
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")
    period = sorted({k[1] for k in csv_release.cells})[-1]
    shown = report_release(ki.report_context(concept, period, cases=data))
    for key, entry in shown.cells.items():
        assert csv_release.cells[key] == entry, key
    assert len({k[1] for k in csv_release.cells}) > 2  # the trend periods, not two years


# ------------------------------------------------------------------ the rules


def _drop(kind: str) -> Any:
    """``_Layout.groups`` without the relations of one *kind* (a broken engine)."""
    original = compute_module._Layout.groups

    def groups(self: Any, additive_in_time: bool) -> list[Any]:
        kept = []
        for total, parts, exact in original(self, additive_in_time):
            same_period = all(p[0] == total[0] for p in parts)
            same_place = all(p[1] == total[1] for p in parts)
            kind_of = "time" if not same_period else "territory" if not same_place else "breakdown"
            if kind_of != kind:
                kept.append((total, parts, exact))
        return kept

    return groups


def _case(i: int, municipality: str, opened: str, sex: str, closed: str | None = None) -> Any:
    return {
        "case_id": str(i),
        "municipality": municipality,
        "opened": opened,
        "closed": closed,
        "sex": sex,
    }


BROKEN: dict[str, tuple[list[Any], list[str], bool, tuple[str, ...], str]] = {
    # Ascheberg 1 case, Billerbeck 5: the Kreis (6) gives Ascheberg away
    "territory": (
        [_case(i, "05558004" if i == 0 else "05558008", "2025-03-01", "f") for i in range(6)],
        ["2025"],
        False,
        (),
        "new_cases",
    ),
    # one woman among five men: the total gives her away
    "breakdown": (
        [_case(i, "05558004", "2025-03-01", "f" if i == 0 else "m") for i in range(6)],
        ["2025"],
        False,
        ("sex",),
        "new_cases",
    ),
    # one case opened in April, five in May: the quarter (6) gives April away
    "time": (
        [_case(i, "05558004", "2025-04-10" if i == 0 else "2025-05-10", "f") for i in range(6)],
        ["2025-Q2"],
        True,
        (),
        "new_cases",
    ),
    # four men active all quarter, one woman in January only: the quarter's men are
    # at least February's 4 (distinct counts: max(months) ≤ quarter), so the woman of
    # the quarter (5 − 4) is 1
    "time-distinct": (
        [_case(i, "05558004", "2025-01-02", "m", "2025-03-30") for i in range(4)]
        + [_case(4, "05558004", "2025-01-05", "f", "2025-01-20")],
        ["2025-Q1"],
        True,
        ("sex",),
        "active_cases",
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_relation_missing_from_the_engine_is_found_by_the_attacker(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The attacker is not vacuous: an engine that forgets one kind of relation
    publishes tables that the attacker breaks; the real engine's are safe."""
    records, periods, subperiods, by, indicator = BROKEN[kind]
    data = ki.CaseData.from_records(records)

    def release() -> tuple[Release, Release]:
        options: dict[str, Any] = {
            "periods": periods,
            "by": by,
            "include_subperiods": subperiods,
            "indicators": [indicator],
        }
        safe = ki.compute_indicators(cases=data, **options)
        true = ki.compute_indicators(cases=data, disclosure=None, **options)
        return parse_csv(safe.to_csv()), parse_csv(true.to_csv())

    knowledge = knowledge_from_concept(None)
    published, truth = release()
    assert attack_release(published, knowledge, truth).exposed == []
    monkeypatch.setattr(compute_module._Layout, "groups", _drop(kind.partition("-")[0]))
    published, truth = release()
    assert attack_release(published, knowledge, truth).exposed != []


def test_the_attackers_relations_hold_in_the_true_table() -> None:
    """Every relation the attacker writes down holds in the internal table (also the
    distinct-count inequalities over months and quarters), and it finds them all:
    every kind is present."""
    rows = []
    for i in range(30):
        rows.append(
            {
                "case_id": str(i),
                "municipality": MUNICIPALITIES[i % 5],
                "opened": f"2025-{1 + i % 12:02d}-0{1 + i % 7}",
                "closed": f"2025-12-{10 + i % 9}" if i % 3 else None,
                "sex": "fm"[i % 2],
            }
        )
    data = ki.CaseData.from_records(rows)
    true = ki.compute_indicators(
        cases=data, periods=["2025"], by=("sex",), include_subperiods=True, disclosure=None
    )
    release = parse_csv(true.to_csv())
    cells = release.of("active_cases")
    found = relations(cells, release.dims, {}, additive=False)
    assert any(not exact for _, _, exact in found)
    assert any(t[1] == "all" and parts[0][1] == "05558" for t, parts, _ in found)
    assert any(t[2] == ("_T",) and t[0] == parts[0][0] for t, parts, _ in found)
    from release_attacker import check_truth

    check_truth({c: float(v or 0) for c, (v, _) in cells.items()}, found)


# ------------------------------------------------------------------ the attacker is not blind

Row = tuple[str, str, str, tuple[str, ...], int, bool]
"""(indicator, period, territory, breakdown values, true value, suppressed)."""


def handmade(dims: tuple[str, ...], rows: list[Row]) -> tuple[Release, Release]:
    """A release written by hand (and its truth): a deliberately weak protection."""
    published, truth = Release(dims), Release(dims)
    for indicator, period, territory, combo, value, hidden in rows:
        key = (indicator, period, territory, combo)
        published.cells[key] = (None, "suppressed") if hidden else (float(value), "ok")
        truth.cells[key] = (float(value), "ok")
    return published, truth


def kind_of(relation: Any, dims: tuple[str, ...]) -> str:
    """time, territory or the breakdown a relation sums over."""
    total, parts, _ = relation
    if parts[0][0] != total[0]:
        return "time"
    if parts[0][1] != total[1]:
        return "territory"
    (dim,) = [d for i, d in enumerate(dims) if parts[0][2][i] != total[2][i]]
    return f"breakdown {dim}"


def verdicts_without(
    release: Release, knowledge: Knowledge, indicator: str, kind: str
) -> dict[Any, Any]:
    """The attacker's verdicts when it is blind to one kind of relation (``"lower"``:
    to the bound below, i.e. non-negativity)."""
    cells = release.of(indicator)
    additive = knowledge.kinds[indicator] == "additive"
    found = [
        r
        for r in relations(
            cells, release.dims, knowledge.parents, additive=additive, own=knowledge.territory
        )
        if kind_of(r, release.dims) != kind
    ]
    lower = None if kind == "lower" else knowledge.lower
    return attack_suppression(cells, found, knowledge.threshold, lower)


def _sex(
    indicator: str, period: str, place: str, total: int, **parts: tuple[int, bool]
) -> list[Row]:
    """A ``_T`` cell (published) and its parts by sex."""
    rows: list[Row] = [(indicator, period, place, ("_T",), total, False)]
    rows += [(indicator, period, place, (s,), v, h) for s, (v, h) in parts.items()]
    return rows


def _no_outer_bounds(program: Any) -> tuple[Any, Any]:
    """Only the bounds of the cells themselves (no propagation through relations)."""
    import numpy as np

    low = [-np.inf if b[0] is None else b[0] for b in program.bounds]
    return np.array(low, dtype=float), np.full(len(low), np.inf)


Q1 = ("2025-Q1", "2025-01", "2025-02", "2025-03")
WEAK: dict[str, tuple[tuple[str, ...], list[Row], dict[str, str], str, str, tuple[Any, ...]]] = {
    # name: dims, rows, the concept's parents, relation kind, verdict, exposed cell
    "breakdown": (
        ("sex",),
        _sex("new_cases", "2025", "all", 6, f=(5, False), m=(1, True)),
        {},
        "breakdown sex",
        "fixed",
        ("new_cases", "2025", "all", ("m",)),
    ),
    # (f, B) is pinned only by the sum over legal_basis within sex f: a relation that
    # exists only when two breakdowns are published at once
    "two breakdowns": (
        ("sex", "legal_basis"),
        [
            ("new_cases", "2025", "all", (s, b), v, h)
            for s, b, v, h in [
                ("_T", "_T", 10, False),
                ("_T", "A", 6, False),
                ("_T", "B", 4, True),
                ("f", "_T", 7, False),
                ("f", "A", 6, False),
                ("f", "B", 1, True),
                ("m", "_T", 3, False),
                ("m", "A", 0, False),
                ("m", "B", 3, True),
            ]
        ],
        {},
        "breakdown legal_basis",
        "fixed",
        ("new_cases", "2025", "all", ("f", "B")),
    ),
    "municipality in its district": (
        (),
        [
            ("new_cases", "2025", t, (), v, h)
            for t, v, h in [
                ("all", 6, False),
                ("05558", 6, False),
                ("05558004", 5, False),
                ("05558008", 1, True),
            ]
        ],
        {},
        "territory",
        "fixed",
        ("new_cases", "2025", "05558008", ()),
    ),
    "district in all": (
        (),
        [
            ("new_cases", "2025", t, (), v, h)
            for t, v, h in [
                ("all", 7, False),
                ("05558", 6, False),
                ("05558004", 6, False),
                ("05566", 1, True),
                ("05566008", 1, True),
            ]
        ],
        {},
        "territory",
        "fixed",
        ("new_cases", "2025", "05566008", ()),
    ),
    "the concept's parent": (
        (),
        [
            ("new_cases", "2025", t, (), v, h)
            for t, v, h in [
                ("all", 6, False),
                ("05558", 6, False),
                ("05558012", 6, False),
                ("nord", 5, False),
                ("sued", 1, True),
            ]
        ],
        {"nord": "05558012", "sued": "05558012"},
        "territory",
        "fixed",
        ("new_cases", "2025", "sued", ()),
    ),
    "months in their quarter (new cases add up)": (
        (),
        [
            ("new_cases", p, "all", (), v, h)
            for p, v, h in [
                ("2025-Q2", 6, False),
                ("2025-04", 1, True),
                ("2025-05", 5, False),
                ("2025-06", 0, False),
            ]
        ],
        {},
        "time",
        "fixed",
        ("new_cases", "2025-04", "all", ()),
    ),
    "quarters in their year": (
        (),
        [
            ("new_cases", p, "all", (), v, h)
            for p, v, h in [
                ("2025", 10, False),
                ("2025-Q1", 1, True),
                ("2025-Q2", 3, False),
                ("2025-Q3", 3, False),
                ("2025-Q4", 3, False),
            ]
        ],
        {},
        "time",
        "fixed",
        ("new_cases", "2025-Q1", "all", ()),
    ),
    # distinct counts: four men active all quarter (each month's 4 men are at most the
    # quarter's), so the quarter's women (5 − men) are at most 1: "fewer than 3"
    "max(months) ≤ quarter (distinct counts)": (
        ("sex",),
        [
            ("active_cases", p, "all", (s,), v, h)
            for p, s, v, h in [
                ("2025-Q1", "_T", 5, False),
                ("2025-Q1", "f", 1, True),
                ("2025-Q1", "m", 4, True),
                ("2025-01", "_T", 5, True),
                ("2025-01", "f", 1, True),
                ("2025-01", "m", 4, True),
            ]
        ]
        + [
            row
            for p in Q1[2:]
            for row in _sex("active_cases", p, "all", 4, f=(0, False), m=(4, False))
        ],
        {},
        "time",
        "below",
        ("active_cases", "2025-Q1", "all", ("f",)),
    ),
    # distinct counts: no woman in any month, so none in the quarter (quarter ≤ Σ
    # months): the suppressed zero is fixed (max ≤ total alone leaves it 0 or 1)
    "quarter ≤ Σ months (distinct counts)": (
        ("sex",),
        _sex("active_cases", "2025-Q1", "all", 5, f=(0, True), m=(5, True))
        + [
            row
            for p in Q1[1:]
            for row in _sex("active_cases", p, "all", 4, f=(0, False), m=(4, False))
        ],
        {},
        "time",
        "fixed",
        ("active_cases", "2025-Q1", "all", ("f",)),
    ),
    # f + m = 2 with neither below 0: each is at most 2
    "non-negativity": (
        ("sex",),
        _sex("new_cases", "2025", "all", 6, d=(4, False), f=(1, True), m=(1, True)),
        {},
        "lower",
        "below",
        ("new_cases", "2025", "all", ("f",)),
    ),
}


@pytest.mark.parametrize("programs_only", [False, True])
@pytest.mark.parametrize("name", sorted(WEAK))
def test_the_attacker_breaks_a_release_pinned_by_each_kind_of_relation(
    monkeypatch: pytest.MonkeyPatch, name: str, programs_only: bool
) -> None:
    """A hand-made release with one cell pinned (or kept below the threshold) by one
    kind of relation: the attacker finds it, and finds nothing there when it is
    blind to that kind — so each kind of relation really takes part in the attack.
    Both of its ways to prove a verdict see every kind: the bounds propagated through
    the relations, and (with those bounds switched off) the linear programs."""
    if programs_only:
        monkeypatch.setattr(release_attacker._Program, "outer_bounds", _no_outer_bounds)
    dims, rows, parents, kind, verdict, cell = WEAK[name]
    published, truth = handmade(dims, rows)
    knowledge = Knowledge(parents, DEFAULT_KINDS)
    outcome = attack_release(published, knowledge, truth)
    assert cell in (outcome.fixed if verdict == "fixed" else outcome.below)
    assert outcome.exposed  # and the release as a whole is exposed
    blind = verdicts_without(published, knowledge, cell[0], kind)
    assert not blind[cell[1:]].fixed
    assert not blind[cell[1:]].below


@pytest.mark.parametrize(("threshold", "exposed"), [(3, False), (4, True)])
def test_the_threshold_is_the_attackers_boundary(threshold: int, exposed: bool) -> None:
    """f + m = 3: each can reach 3, the threshold, so the release holds at threshold
    3; at threshold 4 both are bounded below it (the requirement is "largest
    feasible value ≥ threshold", not "> threshold", and not "≥ threshold − 1")."""
    published, truth = handmade(
        ("sex",), _sex("new_cases", "2025", "all", 7, d=(4, False), f=(1, True), m=(2, True))
    )
    outcome = attack_release(published, Knowledge({}, DEFAULT_KINDS, threshold), truth)
    assert outcome.fixed == []
    assert bool(outcome.below) is exposed
    assert len(outcome.below) == (2 if exposed else 0)


@st.composite
def weak_releases(draw: st.DrawFn) -> tuple[dict[Any, int], list[Any], set[Any]]:
    """A random table (random relations, or a three-way table with its margins) with a
    random set of suppressed cells: mostly weak patterns, so that cells are fixed,
    bounded below the threshold and unbounded."""
    values, found = draw(st.one_of(test_disclosure.tables(), test_disclosure.cubes()))
    cells = sorted(values, key=repr)
    hidden = set(draw(st.lists(st.sampled_from(cells), min_size=1, unique=True)))
    return values, found, hidden


def assert_verdicts_of_two_programs_per_cell(
    values: dict[Any, int],
    found: list[Any],
    hidden: set[Any],
    large: int,
    near: bool = False,
    integral: bool = False,
) -> dict[Any, Any]:
    """The attacker's verdicts on *hidden* are those of the plain attacker of
    ``test_disclosure.py`` (its own smallest and largest value of every cell); with
    *near* also when it is given the true table and starts near it in every block;
    with *integral* both over tables of whole numbers."""
    cells = {
        c: (None, "suppressed") if c in hidden else (float(v), "ok") for c, v in values.items()
    }
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    plain = test_disclosure.attack(known, hidden, found, integral=integral)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release_attacker, "LARGE", large)
        patch.setattr(release_attacker, "NEAR_FROM", 1)
        verdicts = attack_suppression(
            cells,
            [(t, list(p), e) for t, p, e in found],
            3,
            0.0,
            integral=integral,
            table={c: float(v) for c, v in values.items()} if near else None,
        )
    assert set(verdicts) == hidden
    for cell, (low, high) in plain.items():
        verdict = verdicts[cell]
        assert verdict.fixed == (high - low < 1e-6), (cell, low, high, verdict)
        assert verdict.below == (high < 3 - 1e-6), (cell, low, high, verdict)
        if verdict.fixed or verdict.below:  # then its largest value is bounded:
            # exact when fixed, else at least the largest feasible value (a bound
            # from the relations alone may settle "below" without a program: Verdict)
            assert high - 1e-6 <= verdict.high, (cell, high, verdict)
            assert not verdict.fixed or abs(verdict.high - high) < 1e-6, (cell, high, verdict)
            assert values[cell] <= verdict.high + 1e-6
            assert low - 1e-6 <= verdict.low  # (a feasible value: exact only when fixed)
        else:  # and else values it reaches
            assert low - 1e-6 <= verdict.low <= verdict.high <= high + 1e-6
        if verdict.fixed:
            assert abs(verdict.low - low) < 1e-6, (cell, low, verdict)
        if math.isinf(verdict.high):  # unbounded only where it is
            assert math.isinf(high), (cell, high, verdict)
    return verdicts


@pytest.mark.parametrize("near", [False, True])
@pytest.mark.parametrize("large", [release_attacker.LARGE, 1])
@given(release=weak_releases())
def test_the_attackers_verdicts_are_those_of_two_programs_per_cell(
    large: int, near: bool, release: tuple[dict[Any, int], list[Any], set[Any]]
) -> None:
    """The attacker's shortcuts (bounds propagated through the relations, tables that
    settle many cells at once, one HiGHS model per block solved from the last basis,
    the interior-point method on large blocks: ``large`` = 1 takes it for every block;
    with ``near`` the small programs near the true table, one part of a three-way
    table's second axis at a time) give exactly the verdicts of the plain attacker of
    ``test_disclosure.py``, which solves the smallest and the largest value of every
    cell with its own ``scipy.optimize.linprog`` programs."""
    assert_verdicts_of_two_programs_per_cell(*release, large, near)


PRESOLVED_WRONG = (
    {
        **{("leaf", i): v for i, v in enumerate((0, 4, 0, 4, 0))},
        **{("total", i): v for i, v in enumerate((4, 6, 12, 14, 8))},
    },
    [
        (("total", 0), [("leaf", i) for i in range(5)], False),
        (("total", 1), [("leaf", 0), ("leaf", 1), ("total", 0)], False),
        (("total", 2), [*(("leaf", i) for i in range(1, 5)), ("total", 0)], True),
        (("total", 3), [("leaf", 3), ("total", 2)], False),
        (("total", 4), [("leaf", 0), ("leaf", 1), ("total", 1)], False),
    ],
    {("leaf", 0), ("leaf", 1), ("leaf", 2), *(("total", i) for i in (0, 2, 3, 4))},
)
"""A weak release on which scipy 1.17.1's HiGHS with presolve put the largest whole
value of ``total 2`` at 18; the table leaf 1 = leaf 2 = total 0 = 6 gives it 22."""


def test_the_whole_number_programs_find_the_largest_value_a_table_reaches() -> None:
    """The attacker's mixed-integer programs (and the plain ones of
    ``test_disclosure.py``) are solved without presolve: with it, scipy 1.17.1's
    HiGHS called 18 the largest whole value of a cell that a table of whole numbers
    puts at 22 (found by the property test below)."""
    values, found, hidden = PRESOLVED_WRONG
    known = {c: float(v) for c, v in values.items() if c not in hidden}
    cells = sorted(hidden, key=repr)
    program = release_attacker._Program(
        cells, found, known, dict.fromkeys(cells, (0.0, None)), integral=True
    )
    objective = np.zeros(len(cells))
    objective[cells.index(("total", 2))] = -1.0
    solved = program.solve(objective)
    assert solved is not None
    assert -solved[0] == 22
    plain = test_disclosure.attack(known, hidden, found, [("total", 2)], integral=True)
    assert plain[("total", 2)] == (8.0, 22.0)


@pytest.mark.parametrize("near", [False, True])
@settings(max_examples=30, deadline=None)
@given(release=weak_releases())
@example(release=PRESOLVED_WRONG)
def test_the_whole_number_attackers_verdicts_are_those_of_two_integer_programs_per_cell(
    near: bool, release: tuple[dict[Any, int], list[Any], set[Any]]
) -> None:
    """Over tables of whole numbers (``integral``), with and without the small
    programs near the true table (whole numbers there too), the attacker's verdicts
    are those of the plain attacker of ``test_disclosure.py`` solving the smallest
    and the largest whole number of every cell with its own ``scipy.optimize.milp``
    programs."""
    assert_verdicts_of_two_programs_per_cell(*release, 1, near, integral=True)


@pytest.mark.parametrize("integral", [False, True])
def test_near_the_true_table_small_programs_settle_a_block(
    monkeypatch: pytest.MonkeyPatch, integral: bool
) -> None:
    """Given the true table, the attacker settles a block by programs over parts of
    it (one value of the second axis with the totals over it, then two such parts
    together), every other cell kept at its true value — no program over the whole
    block; over tables of whole numbers too (``integral``). A 3 × 4 × 3 table with
    every margin, 5 in each inner cell, its inner cells of the first two values of
    the first and third axis suppressed: a change of eight of them (+1 and −1 in
    turn, two values of the second axis) keeps the margins, so one part alone cannot
    move them, two parts together can."""
    sizes = (range(3), range(4), range(3))
    values: dict[Any, int] = {}
    for cell in itertools.product(*([*axis, "T"] for axis in sizes)):
        widths = (len(a) if x == "T" else 1 for x, a in zip(cell, sizes, strict=True))
        values[cell] = 5 * math.prod(widths)
    found = [
        (cell, [(*cell[:axis], x, *cell[axis + 1 :]) for x in sizes[axis]], True)
        for cell in values
        for axis in range(3)
        if cell[axis] == "T"
    ]
    hidden = set(itertools.product(range(2), range(4), range(2)))
    cells = {
        c: (None, "suppressed") if c in hidden else (float(v), "ok") for c, v in values.items()
    }

    def whole_block(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a program over the whole block")

    for name in ("solve", "solve_lift", "solve_table"):
        monkeypatch.setattr(release_attacker._Program, name, whole_block)
    monkeypatch.setattr(release_attacker, "NEAR_FROM", 1)
    parts = release_attacker._parts(sorted(values, key=repr), found)
    assert len(parts) == 4  # one per value of the second axis (with its totals)
    truth = {c: float(v) for c, v in values.items()}
    verdicts = attack_suppression(cells, found, 3, 0.0, integral=integral, table=truth)
    assert set(verdicts) == hidden
    assert not any(v.fixed or v.below for v in verdicts.values())
    # (a value that breaks a relation is no start: the programs over the whole block)
    with pytest.raises(AssertionError, match="whole block"):
        attack_suppression(cells, found, 3, 0.0, integral=integral, table={**truth, (0, 0, 0): 6.0})


@pytest.mark.parametrize("near", [False, True])
@pytest.mark.parametrize("integral", [False, True])
def test_whole_numbers_keep_a_cell_below_the_threshold_near_the_true_table(
    integral: bool, near: bool
) -> None:
    """Two triangles of suppressed cells in territory A, each pair of a triangle at
    most 1 (a published 1 = the pair + a suppressed rest), and the suppressed sum
    ``d`` of the six: as fractions every cell may be ½, so ``d`` reaches 3; in whole
    numbers each triangle holds at most 1, so ``d`` is at most 2 — below the
    threshold. The attacker over whole numbers finds it also when it starts near the
    true table (its small programs over territory A are whole-number programs too:
    fractions there would be witnesses that ``d`` reaches 3), and its verdicts are
    those of the plain programs per cell."""
    values: dict[Any, int] = {}
    found: list[Any] = []
    hidden: set[Any] = set()

    def cell(territory: str, name: str, value: int, suppressed: bool = True) -> Any:
        key = ("2025", territory, (name,))
        values[key] = value
        if suppressed:
            hidden.add(key)
        return key

    corners = []
    for triangle in "ab":
        own = [cell("A", f"{triangle}{i}", int(i == 0)) for i in range(3)]
        corners += own
        for i, j in itertools.combinations(range(3), 2):
            rest = cell("A", f"{triangle}{i}{j}-rest", 1 - values[own[i]] - values[own[j]])
            pair = cell("A", f"{triangle}{i}{j}", 1, suppressed=False)
            found.append((pair, [own[i], own[j], rest], True))
    d = {t: cell(t, "d", 2 if t == "A" else 1) for t in ("A", "B")}
    found.append((d["A"], corners, True))
    found.append((cell("all", "d", 3), [d["A"], d["B"]], True))  # (two parts: A and B)
    assert len(release_attacker._parts(sorted(values, key=repr), found)) == 2
    verdicts = assert_verdicts_of_two_programs_per_cell(
        values, found, hidden, release_attacker.LARGE, near, integral=integral
    )
    assert verdicts[d["A"]].below is integral
    assert not verdicts[d["A"]].fixed


@pytest.mark.parametrize("large", [release_attacker.LARGE, 1])
def test_a_cell_below_the_threshold_only_by_linear_programs(large: int) -> None:
    """x + y = 3, y + z = 3 and x + z + w = 3 (all four suppressed; truly 1, 2, 1,
    1): propagating the bounds leaves x and z at most 3, but the three relations give
    w = 2y − 3 ≥ 0, so y ≥ 1.5 and x = z = 3 − y ≤ 1.5 — below the threshold, though
    not fixed. Only the linear programs see it, and the propagated bound must not
    pass for the largest value."""
    values = {"x": 1, "y": 2, "z": 1, "w": 1, "T1": 3, "T2": 3, "T3": 3}
    found = [("T1", ["x", "y"], True), ("T2", ["y", "z"], True), ("T3", ["x", "z", "w"], True)]
    verdicts = assert_verdicts_of_two_programs_per_cell(values, found, {"x", "y", "z", "w"}, large)
    for cell in ("x", "z"):
        assert (verdicts[cell].below, verdicts[cell].fixed) == (True, False)
        assert abs(verdicts[cell].high - 1.5) < 1e-6
    assert not verdicts["y"].below


def test_a_concepts_stricter_threshold_is_the_attackers_too(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((KREIS / "konzept.yaml").read_text(encoding="utf-8"))
    (new,) = [i for i in data["indicators"] if i["id"] == "new_cases"]
    new["confidentiality"] = {"threshold": 4}
    concept = tmp_path / "konzept.yaml"
    concept.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    knowledge = knowledge_from_concept(concept)
    assert knowledge.threshold_of("new_cases") == 4
    assert knowledge.threshold_of("active_cases") == 3
    published, truth = handmade(
        ("sex",), _sex("new_cases", "2025", "all", 7, d=(4, False), f=(1, True), m=(2, True))
    )
    assert len(attack_release(published, knowledge, truth).below) == 2


def test_the_attacker_reads_the_reports_per_municipality_tables() -> None:
    """A report whose per-municipality table hides Billerbeck's 1 beside Ascheberg's
    5 under the Kreis's 6 is broken through the territory relation."""

    def point(value: int | None, period: str = "2025") -> Any:
        status = "ok" if value is not None else "suppressed"
        return SimpleNamespace(period=period, published=value, status=status)

    figure = SimpleNamespace(
        indicator=SimpleNamespace(id="new_cases"),
        territory="05558",
        current=point(6),
        previous=point(4, "2024"),
        series=[],
        by_municipality=[
            ("05558004", "Ascheberg", point(5)),
            ("05558008", "Billerbeck", point(None)),
        ],
    )
    shown = report_release(SimpleNamespace(figures=[figure]))
    outcome = attack_release(shown, Knowledge({}, DEFAULT_KINDS))
    assert outcome.fixed == [("new_cases", "2025", "05558008", ())]


def test_a_published_rate_of_a_suppressed_count_is_found() -> None:
    """placements = rate × active cases / 100: a rate published beside a hidden
    numerator gives it back."""
    published, truth = handmade(
        (),
        [
            ("active_cases", "2025", "all", (), 10, False),
            ("placements", "2025", "all", (), 2, True),
            ("placement_rate", "2025", "all", (), 20, False),
        ],
    )
    outcome = attack_release(published, knowledge_from_concept(None), truth)
    assert outcome.rates == [("placement_rate", "2025", "all", ())]
    # 20.0 % of 10: exactly 2 (and beside a published numerator, the denominator)
    given = release_attacker.given_back_by_rates(published, knowledge_from_concept(None))
    assert given.cells[("placements", "2025", "all", ())][0] == 2
    published.cells[("placements", "2025", "all", ())] = (2, "ok")
    published.cells[("active_cases", "2025", "all", ())] = (None, "suppressed")
    given = release_attacker.given_back_by_rates(published, knowledge_from_concept(None))
    assert given.cells[("active_cases", "2025", "all", ())][0] == 10
    published.cells[("active_cases", "2025", "all", ())] = (10, "ok")
    published.cells[("placements", "2025", "all", ())] = (None, "suppressed")
    published.cells[("placement_rate", "2025", "all", ())] = (None, "suppressed")
    assert attack_release(published, knowledge_from_concept(None), truth).exposed == []


def test_a_count_shared_by_indicators_with_different_rules_has_one_pattern(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rate with an own threshold of 5 over counts that are indicators of their own
    (threshold 3): placements = rate × active cases / 100. Protected once per rule, the
    count had two patterns in one release and the rate gave back cells that the
    count's own pattern suppresses (the Kreis example by sex for 2025: 19 rates beside
    a hidden count, 12 primary cells of placements bounded below 3, 8 fixed). Each
    count now has one pattern, protected with the strictest rule of its indicators."""

    def stricter_rate(indicators: list[dict[str, Any]]) -> None:
        (rate,) = [i for i in indicators if i["id"] == "placement_rate"]
        rate["confidentiality"] = {"threshold": 5}

    concept = concept_with(tmp_path, stricter_rate)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    knowledge = knowledge_from_concept(concept)
    outcome = attack_release(csv_release, knowledge, truth)
    assert (outcome.rates, outcome.fixed, outcome.below) == ([], [], [])
    assert attack_release(csv_release, knowledge, truth, integral=True).exposed == []
    # the command line names the counts under the rate with the rule they follow
    code, _, err = run_cli(capsys, "--lang", "en", "indicators", *args)
    assert code == 0, err
    # (new cases are one table with the active cases, so they follow their rule too)
    assert (
        "does not apply to active_cases (5), new_cases (5), placements (5), placement_rate (5)"
        in err
    )
    # the rate's stricter rule holds for the counts under it (and the new cases tied
    # to the active ones): no count of 3 or 4 is published, while other counts of 3 or
    # 4 are (no indicator of them is stricter than 3)
    small = [
        key
        for key, (value, _) in csv_release.cells.items()
        if key[0] in ("placements", "active_cases", "new_cases") and value in (3, 4)
    ]
    assert small == []
    assert any(
        value in (3, 4)
        for key, (value, _) in csv_release.cells.items()
        if key[0] == "language_course_starts"
    )


def concept_with(tmp_path: Path, change: Any, example: Path = KREIS) -> Path:
    """An example's concept (the Kreis's by default) with *change* applied to its
    indicators."""
    import yaml

    data = yaml.safe_load((example / "konzept.yaml").read_text(encoding="utf-8"))
    change(data["indicators"])
    concept = tmp_path / "konzept.yaml"
    concept.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return concept


def test_a_count_filtered_to_a_value_of_a_breakdown_shows_cells_of_the_whole_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Placements of women (``filters: [{attribute: sex, values: [f]}]``) beside
    placements, by sex: the concept says that the women's count is the placements'
    column of women. Protected as a table of its own, it had a second pattern of
    those cells (the Kreis example by sex for 2025: the attacker who reads the filter
    bounded 51 primary cells below 3 and fixed 69). Its cells are now those of the
    one pattern of placements, and its other columns are 0."""

    def add_women(indicators: list[dict[str, Any]]) -> None:
        (placements,) = [i for i in indicators if i["id"] == "placements"]
        numerator = {**placements["numerator"], "filters": [{"attribute": "sex", "values": ["f"]}]}
        indicators.append({**placements, "id": "placements_women", "numerator": numerator})

    concept = concept_with(tmp_path, add_women)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    knowledge = knowledge_from_concept(concept)
    assert release_attacker.filtered_parts(csv_release, knowledge).keys() == {"placements_women"}
    outcome = attack_release(csv_release, knowledge, truth)
    assert (outcome.fixed, outcome.below) == ([], [])
    assert attack_release(csv_release, knowledge, truth, integral=True).exposed == []
    women, whole = csv_release.of("placements_women"), csv_release.of("placements")
    assert sum(1 for _, status in women.values() if status == "suppressed") > 10
    for (period, territory, (sex,)), cell in women.items():
        if sex in ("f", "_T"):
            assert cell == whole[(period, territory, ("f",))]
        else:
            assert cell == (0, "ok")
    # and the audit lists the women's hidden cells with the intervals of the column
    audit = tmp_path / "pruefung-intern.csv"
    code, _, err = run_cli(
        capsys, "indicators", *args, "--audit", audit, "--output", tmp_path / "a.csv"
    )
    assert code == 0, err
    import csv

    with audit.open(encoding="utf-8", newline="") as handle:
        rows = {
            (r["indicator"], r["period"], r["territory"], r["sex"]): r
            for r in csv.DictReader(handle)
        }
    for (period, territory, (sex,)), (_, status) in women.items():
        if status == "suppressed":
            row = rows[("placements_women", period, territory, sex)]
            same = rows[("placements", period, territory, "f")]
            assert {k: row[k] for k in ("value", "low", "high", "exact")} == {
                k: same[k] for k in ("value", "low", "high", "exact")
            }


def test_counts_splitting_an_attribute_that_is_no_breakdown_have_one_pattern(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Placements of each value of ``sex`` as indicators of their own beside
    placements, by legal basis: the four add up to placements, which the concept's
    filters tell every reader. Protected one by one, each table resisted the
    attacker alone, but one who adds them up fixed 124 cells and bounded 223
    primary cells below 3 (the Kreis example, a quarter with its months). They are
    now made of one table of placements by legal basis and sex, whose sex is not
    published."""
    sexes = ("d", "f", "m", "unknown")

    def split(indicators: list[dict[str, Any]]) -> None:
        (placements,) = [i for i in indicators if i["id"] == "placements"]
        for sex in sexes:
            numerator = {
                **placements["numerator"],
                "filters": [{"attribute": "sex", "values": [sex]}],
            }
            indicators.append({**placements, "id": f"placements_{sex}", "numerator": numerator})

    concept = concept_with(tmp_path, split)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "legal_basis")
    release, _, _, truth = publish(capsys, tmp_path, *args)
    assert release.dims == ("legal_basis",)
    knowledge = knowledge_from_concept(concept)
    assert attack_release(release, knowledge, truth).exposed == []
    # the adversary who adds them up: one table of the five indicators
    names = ["placements", *(f"placements_{sex}" for sex in sexes)]
    cells: dict[Any, Any] = {}
    found: list[Any] = []
    for name in names:
        own = release.of(name)
        cells.update({(f"{name}|{c[0]}", *c[1:]): v for c, v in own.items()})
        found += [
            ((f"{name}|{t[0]}", *t[1:]), [(f"{name}|{p[0]}", *p[1:]) for p in parts], exact)
            for t, parts, exact in relations(
                own, release.dims, knowledge.parents, additive=False, own=knowledge.territory
            )
        ]
    for p, t, c in release.of("placements"):
        found.append(((f"placements|{p}", t, c), [(f"{n}|{p}", t, c) for n in names[1:]], True))
    real = {
        (f"{k[0]}|{k[1]}", k[2], k[3]): v or 0 for k, (v, _) in truth.cells.items() if k[0] in names
    }
    release_attacker.check_truth(real, found)
    verdicts = attack_suppression(cells, found, 3)
    assert len(verdicts) > 100
    assert [c for c, v in verdicts.items() if v.fixed] == []
    assert [c for c, v in verdicts.items() if v.below and 0 < real[c] < 3] == []


def test_a_count_of_the_same_events_in_another_order_is_the_same_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The rate's numerator names the events of placements in the other order (the
    events are a set), with the rate's own threshold of 5. Keyed by the order, the
    count was protected twice, once per rule, and the rate gave back placements
    that placements' own pattern suppresses (the Kreis example by sex for 2025: 8
    rates beside a hidden count, 2 cells fixed, 8 primary cells bounded below 3).
    It is one count with one pattern now."""

    def reorder(indicators: list[dict[str, Any]]) -> None:
        (rate,) = [i for i in indicators if i["id"] == "placement_rate"]
        rate["numerator"]["events"] = list(reversed(rate["numerator"]["events"]))
        rate["confidentiality"] = {"threshold": 5}

    concept = concept_with(tmp_path, reorder)
    knowledge = knowledge_from_concept(concept)
    assert knowledge.rates["placement_rate"] == ("placements", "active_cases")
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    outcome = attack_release(csv_release, knowledge, truth)
    assert (outcome.rates, outcome.fixed, outcome.below) == ([], [], [])
    # placements follow the rate's stricter rule: no 3 or 4 is published
    assert not any(
        key[0] == "placements" and value in (3, 4) for key, (value, _) in csv_release.cells.items()
    )


def _employment_starts_added(indicators: list[dict[str, Any]]) -> None:
    """Employment starts beside placements (the Stadt example's training starts make
    the third count of the family)."""
    (placements,) = [i for i in indicators if i["id"] == "placements"]
    numerator = {"count": "events", "events": ["employment_started"]}
    indicators.append({**placements, "id": "employment_starts", "numerator": numerator})


def _overlapping(indicators: list[dict[str, Any]]) -> None:
    """Employment and training on their own beside placements (either of them)."""
    (placements,) = [i for i in indicators if i["id"] == "placements"]
    for name, event in (
        ("employment_starts", "employment_started"),
        ("training_starts", "vocational_training_started"),
    ):
        numerator = {"count": "events", "events": [event]}
        indicators.append({**placements, "id": name, "numerator": numerator})


def test_the_attacker_knows_how_counts_of_overlapping_events_hang_together() -> None:
    """Placements (employment or training) beside employment and training: each count
    is the sum of the unknown cases of each pattern of events it is in."""
    import yaml

    data = yaml.safe_load((KREIS / "konzept.yaml").read_text(encoding="utf-8"))
    _overlapping(data["indicators"])
    counts = {
        i["id"]: i["numerator"]
        for i in data["indicators"]
        if i.get("denominator") is None and isinstance(i.get("numerator"), dict)
    }
    assert release_attacker.event_families(counts) == [
        ("employment_starts", "placements", "training_starts")
    ]
    assert release_attacker.event_atoms([["e", "t"], ["e"], ["t"]]) == [
        frozenset({0, 1}),  # employment only: placements and employment
        frozenset({0, 2}),  # training only
        frozenset({0, 1, 2}),  # both
    ]
    # the events of placements in another order are the same count as placements
    # (one indicator stands for each set of events), not a member of its own
    counts["employment_starts"] = {
        "count": "events",
        "events": ["vocational_training_started", "employment_started"],
    }
    assert release_attacker.event_families(counts) == [("employment_starts", "training_starts")]


def test_the_attacker_knows_that_a_pattern_of_a_month_lies_within_its_quarters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A case's pattern of events in a period is the union of its patterns in the
    sub-periods: a case with employment and training in January has both in the
    quarter. The quarter's placements (4), employment (2) and training (2) leave no
    case with both; so none in January either, and January's placements are its
    employment plus its training, 4 — fixed, though the relations of the counts alone
    (placements between 2 and 4, from February's 2 and the quarter) leave it free."""
    counts: dict[str, dict[str, Any]] = {
        "placements": {"count": "events", "events": ["e", "t"]},
        "employment_starts": {"count": "events", "events": ["e"]},
        "training_starts": {"count": "events", "events": ["t"]},
    }
    knowledge = Knowledge(
        {},
        dict.fromkeys(counts, "distinct"),
        counts=counts,
        families=release_attacker.event_families(counts),
    )
    values = {  # quarter, January, February, March
        "placements": (4, 4, 2, 0),
        "employment_starts": (2, 2, 0, 0),
        "training_starts": (2, 2, 2, 0),
    }
    periods = ("2025-Q1", "2025-01", "2025-02", "2025-03")
    rows: list[Row] = [
        (name, period, "all", (), value, (name, period) == ("placements", "2025-01"))
        for name, shown in values.items()
        for period, value in zip(periods, shown, strict=True)
    ]
    published, truth = handmade((), rows)
    assert attack_release(published, knowledge, truth).fixed == [
        ("placements", "2025-01", "all", ())
    ]
    monkeypatch.setattr(release_attacker, "pattern_time_relations", lambda *a: ([], {}))
    assert attack_release(published, knowledge, truth).fixed == []


def test_the_attacker_ties_a_count_filtered_to_women_to_its_family_through_the_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Employment starts of women (``sex: [f]``) by sex beside placements and
    training starts, without employment starts of all: the women's count is the
    column of women of all employment starts, which is one of the family of
    placements — so placements of women are at most the women's employment starts
    plus their training starts: 3 + 0, and with the men's they make 6: both fixed at
    3. The attacker adds the whole count, never published
    (``release_attacker.unpublished_wholes``); without it, nothing is fixed."""
    counts: dict[str, dict[str, Any]] = {
        "placements": {"count": "events", "events": ["e", "t"]},
        "employment_starts_women": {
            "count": "events",
            "events": ["e"],
            "filters": [{"attribute": "sex", "values": ["f"]}],
        },
        "training_starts": {"count": "events", "events": ["t"]},
    }
    families = release_attacker.event_families(counts)
    # (the women's count has a filter the others have not)
    assert families == [("placements", "training_starts")]
    knowledge = Knowledge({}, dict.fromkeys(counts, "distinct"), counts=counts, families=families)
    rows = [
        *_sex("placements", "2025", "all", 6, f=(3, True), m=(3, True)),
        *_sex("employment_starts_women", "2025", "all", 3, f=(3, False), m=(0, False)),
        *_sex("training_starts", "2025", "all", 0, f=(0, False), m=(0, False)),
    ]
    published, truth = handmade(("sex",), rows)
    outcome = attack_release(published, knowledge, truth)
    assert sorted(outcome.fixed) == [
        ("placements", "2025", "all", ("f",)),
        ("placements", "2025", "all", ("m",)),
    ]
    assert outcome.suppressed == 2  # (the whole count's cells are unknowns, not judged)
    monkeypatch.setattr(
        release_attacker, "unpublished_wholes", lambda release, known: (release, known, set())
    )
    assert attack_release(published, knowledge, truth).fixed == []


def test_the_attacker_ties_new_cases_of_women_to_active_cases_through_the_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New cases of women (``sex: [f]``) by sex beside active cases, without new cases
    of all: the women's count is the column of women of all new cases, which hang
    together with the active cases (``active(P) = new(P) + open(start of P)``, the
    year and its first quarter sharing the cases open on 1 January). So the women's
    new cases of 2025 are 10 − 7 + 2 = 5 — fixed; without the whole count, free."""
    counts: dict[str, dict[str, Any]] = {
        "active_cases": {"count": "active"},
        "new_cases_women": {
            "count": "new",
            "filters": [{"attribute": "sex", "values": ["f"]}],
        },
    }
    flows = release_attacker.flow_pairs(counts)
    assert flows == {}  # (the women's new cases have a filter the active cases have not)
    knowledge = Knowledge(
        {}, {"active_cases": "distinct", "new_cases_women": "additive"}, counts=counts, flows=flows
    )
    rows = [
        *_sex("active_cases", "2025", "all", 20, f=(10, False), m=(10, False)),
        *_sex("active_cases", "2025-Q1", "all", 14, f=(7, False), m=(7, False)),
        *_sex("new_cases_women", "2025", "all", 5, f=(5, True), m=(0, False)),
        *_sex("new_cases_women", "2025-Q1", "all", 2, f=(2, False), m=(0, False)),
    ]
    rows[6] = (*rows[6][:5], True)  # (the women's total of 2025 suppressed too)
    published, truth = handmade(("sex",), rows)
    outcome = attack_release(published, knowledge, truth)
    assert sorted(outcome.fixed) == [
        ("new_cases_women", "2025", "all", ("_T",)),
        ("new_cases_women", "2025", "all", ("f",)),
    ]
    monkeypatch.setattr(
        release_attacker, "unpublished_wholes", lambda release, known: (release, known, set())
    )
    assert attack_release(published, knowledge, truth).fixed == []


def test_counts_of_overlapping_events_resist_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Protected one by one, placements, employment and training (each of the two ≤
    placements ≤ their sum) were broken by the attacker who writes this down (the
    Kreis example by sex for 2025 with quarters and months: 276 suppressed cells
    fixed, 332 primary cells bounded below 3). They are one table now, with the
    cases of each pattern of events as cells never published."""
    concept = concept_with(tmp_path, _overlapping)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    knowledge = knowledge_from_concept(concept)
    # each of the three alone (without the family) resists
    alone = attack_release(csv_release, dataclasses.replace(knowledge, families=()), truth)
    assert alone.exposed == []
    assert attack_release(csv_release, knowledge, truth).exposed == []
    # an engine that protects them one by one (that finds no family): each alone
    # resists, the family not
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute_module, "event_families", lambda specs: [])
        csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    alone = attack_release(csv_release, dataclasses.replace(knowledge, families=()), truth)
    assert alone.exposed == []
    outcome = attack_release(csv_release, knowledge, truth)
    assert len(outcome.fixed) > 10
    assert len(outcome.below) > 10


def test_a_family_resists_the_attacker_who_knows_its_patterns_over_time(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The Stadt example (training starts beside placements) with employment starts
    added, by sex for 2025 with its quarters and months. A case with both events in
    a month has both in the year, and one with employment alone in the year had
    employment alone in some month (``release_attacker.pattern_time_relations``).
    The family table of the eleventh session had no relation of its patterns over
    time, and the attacker who writes these down bounded 15 primary cells below 3
    (engine of ``main`` at ``8e6db1d``; the Kreis example by sex 15 fixed and 27
    below 3). The table keeps them now (``_families.over_time``); without them the
    attacker wins again."""
    concept = concept_with(tmp_path, _employment_starts_added, STADT)
    knowledge = knowledge_from_concept(concept)
    assert knowledge.families == [("employment_starts", "placements", "training_starts")]
    args = (concept, "--period", "2025", "--cases", STADT / "cases.csv")
    args += ("--events", STADT / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    # without the patterns over time the attacker finds nothing
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release_attacker, "pattern_time_relations", lambda *a: ([], {}))
        assert attack_release(csv_release, knowledge, truth).exposed == []
    assert attack_release(csv_release, knowledge, truth).exposed == []
    # an engine whose family table has no relation of the patterns over time (its
    # headline totals priced as any cell, as then: with HEADLINE_COST the pattern it
    # happens to choose here leaves none below 3 — by luck, not by the relations)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute_module, "family_over_time", lambda found, k: ([], []))
        patch.setattr(_protection, "HEADLINE_COST", 1.0)
        csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    assert len(attack_release(csv_release, knowledge, truth).below) > 5


def test_a_member_of_a_family_suppressed_alone_has_a_partner(tmp_path: Path) -> None:
    """Four placements in 2022, three of them employment and one training: placements
    (4) and employment starts (3) are published, and training starts (1) is the only
    suppressed cell of its block (the Stadt, its Kreis and ``all`` hold one value).
    For the linear programs it may be 1 to 4 (the case of training alone, and up to
    three with both), but with three it would be no primary cell, and the engine
    publishes a 3 there (one case with employment alone, one with training alone, two
    with both): the attacker who knows that nothing is suppressed without a primary
    cell (``ENGINE_RULE``) learns "1 or 2". Its neighbours in the relations are the
    patterns of events, never published; a partner (employment starts or placements)
    lies beyond them (``_Search._explain`` looked at the cells next to it only: the
    patterns, so it found none). The Stadt example's report with employment starts
    added for 2025 had training starts of 2022, 2023 and 2025 alike (engine of
    ``main`` at ``0e73b8f``, ``benchmarks/attack_release.py --overlapping --rule``)."""
    concept = concept_with(tmp_path, _employment_starts_added, STADT)
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "case_id,municipality,opened,closed,legal_basis,sex,birth_year\n"
        + "".join(f"C{i},05558012,2022-01-10,,AufenthG,f,1990\n" for i in range(4)),
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,event,date,detail\n"
        + "".join(f"C{i},employment_started,2022-03-01,\n" for i in range(3))
        + "C3,vocational_training_started,2022-03-01,\n",
        encoding="utf-8",
    )
    model, data_ = ki.load_concept(concept), ki.read_cases(cases, events)
    family = ["placements", "employment_starts", "training_starts"]
    safe = ki.compute_indicators(model, data_, periods=["2022"], indicators=family)
    true = ki.compute_indicators(model, data_, periods=["2022"], indicators=family, disclosure=None)
    release, truth = parse_csv(safe.to_csv()), parse_csv(true.to_csv())
    knowledge = knowledge_from_concept(concept)
    assert release.cells[("training_starts", "2022", "05558012", ())] == (None, "suppressed")
    # the linear programs alone find nothing
    assert attack_release(release, knowledge, truth).exposed == []
    assert attack_release(release, knowledge, truth, rule=True).exposed == []
    # training starts has a partner: employment starts (3) or placements (4)
    partners = [
        ("employment_starts", "2022", "05558012", ()),
        ("placements", "2022", "05558012", ()),
    ]
    assert any(release.cells[cell][1] == "suppressed" for cell in partners)


def test_a_family_with_a_count_filtered_to_women_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The Stadt example (training starts beside placements) with employment starts
    of women (``sex: [f]``) added, by sex for 2025 with its quarters and months:
    the women's count is the column of women of all employment starts, one of the
    family of placements, which the run does not publish. The attacker who adds it
    (``release_attacker.unpublished_wholes``) and knows the patterns over time bounded
    24 primary cells below 3 before the family table kept the patterns over time
    (placements of women in May and June among them; engine of ``main`` at
    ``f66cd70``); without the whole count, nothing. Since (``c06119d``) nothing."""
    import yaml

    data = yaml.safe_load((STADT / "konzept.yaml").read_text(encoding="utf-8"))
    (placements,) = [i for i in data["indicators"] if i["id"] == "placements"]
    numerator = {
        "count": "events",
        "events": ["employment_started"],
        "filters": [{"attribute": "sex", "values": ["f"]}],
    }
    data["indicators"].append(
        {**placements, "id": "employment_starts_women", "numerator": numerator}
    )
    concept = tmp_path / "konzept.yaml"
    concept.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    knowledge = knowledge_from_concept(concept)
    assert knowledge.families == [("placements", "training_starts")]
    args = (concept, "--period", "2025", "--cases", STADT / "cases.csv")
    args += ("--events", STADT / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            release_attacker, "unpublished_wholes", lambda release, known: (release, known, set())
        )
        assert attack_release(csv_release, knowledge, truth).exposed == []
    assert attack_release(csv_release, knowledge, truth).exposed == []


def test_a_chain_of_three_overlapping_counts_is_one_family(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Completed language courses, "a completed course or a job" and placements (a
    job or training): the first and the last share no event, but each shares one
    with the second — one family of three with four patterns of events."""

    def chain(indicators: list[dict[str, Any]]) -> None:
        (placements,) = [i for i in indicators if i["id"] == "placements"]
        numerator = {
            "count": "events",
            "events": ["language_course_completed", "employment_started"],
        }
        indicators.append({**placements, "id": "course_or_work", "numerator": numerator})

    concept = concept_with(tmp_path, chain)
    knowledge = knowledge_from_concept(concept)
    assert knowledge.families == [("course_or_work", "language_course_completions", "placements")]
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    assert assert_protected(csv_release, knowledge, truth) > 50


def test_a_family_with_a_count_filtered_to_a_breakdown_value_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Training starts of women (``sex: [f]``, by sex) beside placements, employment
    and training starts: the women's count is made of the training starts' table
    (``compute.protected_count``), which is a member of the family."""

    def with_women(indicators: list[dict[str, Any]]) -> None:
        _overlapping(indicators)
        (training,) = [i for i in indicators if i["id"] == "training_starts"]
        numerator = {**training["numerator"], "filters": [{"attribute": "sex", "values": ["f"]}]}
        indicators.append({**training, "id": "training_starts_women", "numerator": numerator})

    concept = concept_with(tmp_path, with_women)
    knowledge = knowledge_from_concept(concept)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    assert release_attacker.filtered_parts(csv_release, knowledge).keys() == {
        "training_starts_women"
    }
    assert assert_protected(csv_release, knowledge, truth) > 50
    women, whole = csv_release.of("training_starts_women"), csv_release.of("training_starts")
    assert any(status == "suppressed" for _, status in women.values())
    for (period, territory, (sex,)), cell in women.items():
        if sex in ("f", "_T"):
            assert cell == whole[(period, territory, ("f",))]


def test_the_audit_gives_the_intervals_of_the_members_of_a_family(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``--audit`` lists every suppressed cell of each count of a family with its
    interval in the one table (the cases of the patterns unknown): each contains the
    true value, none is fixed, each primary cell can reach the threshold, and the
    interval is the attacker's (who knows the family) to the last digit."""
    import csv

    concept = concept_with(tmp_path, _overlapping)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    audit = tmp_path / "pruefung-intern.csv"
    code, _, err = run_cli(
        capsys, "indicators", *args, "--audit", audit, "--output", tmp_path / "a.csv"
    )
    assert code == 0, err
    with audit.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["indicator"] in FAMILY]
    release = parse_csv((tmp_path / "a.csv").read_text(encoding="utf-8"))
    hidden = {k for k in release.pattern() if k[0] in FAMILY}
    assert {(r["indicator"], r["period"], r["territory"], (r["sex"],)) for r in rows} == hidden
    for row in rows:
        low, high, value = float(row["low"]), float(row["high"] or "inf"), int(row["value"])
        assert row["exact"] == "true"
        assert low <= value <= high
        assert high - low >= 1
        if row["protection"] == "primary":
            assert high >= 3
    # the attacker's intervals, from the release and the family alone
    knowledge = knowledge_from_concept(concept)
    sample = rows[:: max(1, len(rows) // 12)]  # a dozen of them, every kind
    named = [
        (row["period"], row["territory"], (row["sex"],))
        if row["indicator"] == FAMILY[0]
        else (f"{row['indicator']}|{row['period']}", row["territory"], (row["sex"],))
        for row in sample
    ]
    found = attacker_intervals(release, knowledge, FAMILY, named)
    for row, cell in zip(sample, named, strict=True):
        low, high = found[cell]
        assert abs(low - float(row["low"])) < 1e-6
        assert math.isclose(high, float(row["high"] or "inf"), abs_tol=1e-6)


FAMILY = ("employment_starts", "placements", "training_starts")


def test_the_counts_of_a_family_share_the_strictest_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The placement rate at ``threshold: 5`` makes placements follow 5 (one count,
    one pattern); the family of placements follows it too, so that it is one table
    with one rule: no count of 3 or 4 of employment or training starts is published,
    and the release resists the attacker."""

    def stricter(indicators: list[dict[str, Any]]) -> None:
        _overlapping(indicators)
        (rate,) = [i for i in indicators if i["id"] == "placement_rate"]
        rate["confidentiality"] = {"threshold": 5}

    concept = concept_with(tmp_path, stricter)
    args = (concept, "--period", "2025-Q4", "--cases", KREIS / "cases.csv")
    args += ("--events", KREIS / "events.csv", "--by", "sex")
    csv_release, _, _, truth = publish(capsys, tmp_path, *args)
    knowledge = knowledge_from_concept(concept)
    outcome = attack_release(csv_release, knowledge, truth)
    assert (outcome.rates, outcome.fixed, outcome.below) == ([], [], [])
    assert not any(
        key[0] in FAMILY and value in (3, 4) for key, (value, _) in csv_release.cells.items()
    )
    code, _, err = run_cli(capsys, "--lang", "en", "indicators", *args)
    assert code == 0, err
    assert "employment_starts (5)" in err
    assert "training_starts (5)" in err


def test_rounded_counts_of_a_family_are_rounded_each_as_before() -> None:
    """In rounding mode the counts of a family are rounded each on its own, as
    before families were protected together (docs/data-protection.rst, "Counts of
    overlapping events"): placements beside employment and training starts show the
    values placements show alone."""
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")

    def count(name: str, *events: str) -> ki.Indicator:
        spec = ki.CaseCount(count=ki.CaseCountKind.EVENTS, events=events)
        return ki.Indicator(id=name, name=name, numerator=spec)

    family = [
        count("placements", "employment_started", "vocational_training_started"),
        count("employment_starts", "employment_started"),
        count("training_starts", "vocational_training_started"),
    ]
    options: dict[str, Any] = {
        "periods": ["2025-Q4"],
        "by": ("sex",),
        "include_subperiods": True,
        "disclosure": ki.DisclosureControl(mode="round", base=5),
    }
    together = ki.compute_indicators(cases=data, indicators=family, **options)
    for indicator in family:
        alone = ki.compute_indicators(cases=data, indicators=[indicator], **options)
        assert [r for r in together.rows if r.indicator == indicator.id] == list(alone.rows)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(10, 60),
    sets=st.lists(
        st.sets(st.sampled_from(EVENTS), min_size=1).map(sorted),
        min_size=2,
        max_size=3,
        unique_by=tuple,
    ),
    product=st.booleans(),
    period=st.sampled_from(["2025-Q4", "2025"]),
)
@example(  # (broken by products before _hypercube._case_more; found by a probe of 30)
    seed=13751,
    n=79,
    sets=[
        ["employment_started", "language_course_completed", "language_course_started"],
        ["language_course_completed", "language_course_started"],
    ],
    product=True,
    period="2025",
)
def test_random_families_of_overlapping_counts_resist_the_attacker(
    seed: int, n: int, sets: list[list[str]], product: bool, period: str
) -> None:
    resists_the_attacker(seed, n, sets, product, period)


def test_a_year_of_a_nested_family_protected_by_products_resists_the_attacker() -> None:
    """Drawn by the property test above when it also drew a year: employment alone
    inside a count of employment and both language-course events, 55 cases, a year
    with its quarters and months by sex, protected by the product search.

    A case more of employment in a month moves, in the period coordinate, both
    counts and their pattern at the month, its quarter and the year: nine values,
    more than the product search's widest vectors (``_hypercube.WIDER``: eight).
    Without that change (``_hypercube._case_more``) the search found no witness
    for the women's employment starts of November (a suppressed 0), suppressed the
    block of linked cells instead, and the attacker fixed four of them at 0
    (twelfth session, a strict xfail until the thirteenth)."""
    sets = [["employment_started", "language_course_completed", "language_course_started"]]
    sets.append(["employment_started"])
    resists_the_attacker(7421, 55, sets, True, "2025")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_hypercube, "_VECTORS", {})  # (none kept from the run above)
        patch.setattr(_hypercube, "_case_more", lambda *args: None)
        with pytest.raises(AssertionError):
            resists_the_attacker(7421, 55, sets, True, "2025")


def resists_the_attacker(
    seed: int, n: int, sets: list[list[str]], product: bool, period: str
) -> None:
    """Random small exports and random counts of events (some overlapping, some
    not), a quarter with its months or a year with its quarters and months, by
    sex: the attacker who knows every family and how its patterns hang together
    over time (``pattern_time_relations``) finds nothing, and the patterns and
    their slacks over time hold in the true table (checked by the attacker before
    it attacks). With *product* the one table goes to the product search
    (``PRODUCT_CELLS`` lowered), which the Kreis's tables reach by legal basis.
    (Without the relations over time in the family table, 4 of 12 exports of 80
    cases with placements, employment and training for 2025 were broken.)"""
    import tempfile

    from kommunale_integration._engine import disclosure as disclosure_module

    with tempfile.TemporaryDirectory() as folder:
        data = ki.read_cases(*write_export(Path(folder), n, seed))
    counts = {f"c{i}": {"count": "events", "events": own} for i, own in enumerate(sets)}
    chosen = [
        ki.Indicator(
            id=name,
            name=name,
            numerator=ki.CaseCount(count=ki.CaseCountKind.EVENTS, events=tuple(spec["events"])),
        )
        for name, spec in counts.items()
    ]
    options: dict[str, Any] = {
        "periods": [period],
        "by": ("sex",),
        "include_subperiods": True,
        "indicators": chosen,
    }
    with pytest.MonkeyPatch.context() as patch:
        if product:
            patch.setattr(disclosure_module, "PRODUCT_CELLS", 0)
        release = parse_csv(ki.compute_indicators(cases=data, **options).to_csv())
    truth = parse_csv(ki.compute_indicators(cases=data, disclosure=None, **options).to_csv())
    families = release_attacker.event_families(counts)
    knowledge = Knowledge({}, dict.fromkeys(counts, "distinct"), counts=counts, families=families)
    assert attack_release(release, knowledge, truth).exposed == []
    assert attack_release(release, knowledge, truth, integral=True).exposed == []


def test_the_attacker_splits_a_budget_year_at_the_concepts_fiscal_start() -> None:
    """A budget year (``HJ2025`` with ``fiscal_year_start: 7``: July 2025 to June 2026)
    is published with its quarters and months; the attacker takes its start from the
    concept and writes down its relations, which hold in the true table."""
    assert release_attacker.subperiods("HJ2025", 7) == [
        ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"],
        [*(f"2025-{m:02d}" for m in range(7, 13)), *(f"2026-{m:02d}" for m in range(1, 7))],
    ]
    assert release_attacker.subperiods("HJ2025", 2)[0][0] == "2025-02"
    assert len(release_attacker.subperiods("HJ2025", 2)) == 1  # (no quarters fit)
    assert release_attacker.period_bounds("HJ2025", 7) == ((2025, 7), (2026, 7))
    concept = attrs.evolve(ki.load_concept(KREIS), fiscal_year_start=7)
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")
    table = ki.compute_indicators(
        concept,
        data,
        periods=["HJ2025"],
        include_subperiods=True,
        indicators=["new_cases", "active_cases"],
        disclosure=None,
    )
    truth = parse_csv(table.to_csv())
    knowledge = dataclasses.replace(knowledge_from_concept(KREIS), fiscal=7)
    new, active = truth.of("new_cases"), truth.of("active_cases")
    found = relations(
        new, truth.dims, knowledge.parents, additive=True, fiscal=7, own=knowledge.territory
    )
    assert any(total[0] == "HJ2025" and parts[0][0] == "2025-07" for total, parts, _ in found)
    real = {c: float(v or 0) for c, (v, _) in new.items()}
    release_attacker.check_truth(real, found)
    flows, unknown = release_attacker.flow_relations(
        {c: ("n", *c) for c in new}, {c: ("a", *c) for c in active}, "x", 7
    )
    values = {("n", *c): float(v or 0) for c, (v, _) in new.items()}
    values |= {("a", *c): float(v or 0) for c, (v, _) in active.items()}
    for cell in sorted(unknown, key=lambda c: ">closed|" in c[0]):
        plus, minus = unknown[cell]
        values[cell] = values[plus] - values[minus]
    assert any(total == ("a", "HJ2025", "05558", ()) for total, _, _ in flows)
    release_attacker.check_truth(values, flows)
    assert all(values[cell] >= 0 for cell in unknown)


@pytest.mark.parametrize("fiscal", [4, 7])
def test_age_groups_of_a_budget_year_and_its_months_are_aged_in_one_year(fiscal: int) -> None:
    """The periods of a release that overlap take one age year, that of the latest
    last day among them (``docs/indicators.rst``): the budget year ``HJ2025`` from
    April or July and its months of 2025 are aged in 2026, so a case born in 1999 is
    27 (``27-64``) in both and every age group of the budget year is the sum (new
    cases) or the distinct count (active cases) of the same group of its months —
    relations the attacker writes down (:func:`release_attacker.age_years`) and the
    true table of the Kreis example keeps. (Until the fourteenth session the months
    were aged in 2025: the relation of ``27-64`` failed in the true table.)"""
    concept = attrs.evolve(ki.load_concept(KREIS), fiscal_year_start=fiscal)
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")
    truth = parse_csv(
        ki.compute_indicators(
            concept,
            data,
            periods=["HJ2025"],
            by=("age_group",),
            include_subperiods=True,
            indicators=["new_cases", "active_cases"],
            disclosure=None,
        ).to_csv()
    )
    periods = {c[0] for c in truth.of("new_cases")}
    assert set(release_attacker.age_years(periods, fiscal).values()) == {2026}
    assert release_attacker.age_years(["HJ2025", "2025-12", "2024"], fiscal) == {
        "HJ2025": 2026,
        "2025-12": 2026,
        "2024": 2024,
    }
    knowledge = dataclasses.replace(knowledge_from_concept(KREIS), fiscal=fiscal)
    for name, additive in (("new_cases", True), ("active_cases", False)):
        cells = truth.of(name)
        values = {c: float(v or 0) for c, (v, _) in cells.items()}
        found = relations(
            cells,
            truth.dims,
            knowledge.parents,
            additive=additive,
            fiscal=fiscal,
            own=knowledge.territory,
        )
        release_attacker.check_truth(values, found)
        over_time = [(t, ps) for t, ps, _ in found if t[0] == "HJ2025" != ps[0][0]]
        assert any(t[2] == ("27-64",) for t, _ in over_time)


def test_a_budget_year_by_age_group_resists_the_attacker() -> None:
    """The Stadt example for ``HJ2025`` from April with its quarters and months by
    age group (all aged in 2026) against the attacker who knows that the budget
    year's every age group hangs together with the same group of its months."""
    concept = attrs.evolve(ki.load_concept(STADT), fiscal_year_start=4)
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    options: dict[str, Any] = {
        "periods": ["HJ2025"],
        "by": ("age_group",),
        "include_subperiods": True,
    }
    release = parse_csv(ki.compute_indicators(concept, data, **options).to_csv())
    truth = parse_csv(ki.compute_indicators(concept, data, disclosure=None, **options).to_csv())
    knowledge = dataclasses.replace(knowledge_from_concept(STADT), fiscal=4)
    assert attack_release(release, knowledge, truth).exposed == []


@pytest.mark.parametrize("periods", [["2024", "2025"], ["SJ2025/26"]])
def test_years_and_a_school_year_by_age_group_resist_the_attacker(periods: list[str]) -> None:
    """The Stadt example by age group with the sub-periods: 2024 and 2025 one after
    the other (each aged in its own year; the cases open on 1 January 2025 are among
    the active cases of 2024 only without an age group) and a school year with its
    months (all aged in 2026). The true table keeps every relation the attacker
    writes down (checked before it attacks), and it finds nothing, nor does the
    engine's audit miss a true value."""
    concept = ki.load_concept(STADT)
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    options: dict[str, Any] = {"periods": periods, "by": ("age_group",), "include_subperiods": True}
    table = ki.compute_indicators(concept, data, audit=True, **options)
    assert [c for c in table.audit if not c.low - 1e-6 <= c.value <= c.high + 1e-6] == []
    release = parse_csv(table.to_csv())
    truth = parse_csv(ki.compute_indicators(concept, data, disclosure=None, **options).to_csv())
    assert assert_protected(release, knowledge_from_concept(STADT), truth) > 20


def test_the_audit_of_a_budget_year_by_age_group_holds_the_truth() -> None:
    """The engine's audit of the Stadt example for ``HJ2025`` from April by age group
    (the budget year and its months aged in 2026, see
    :func:`test_age_groups_of_a_budget_year_and_its_months_are_aged_in_one_year`):
    every interval holds the true value, and no cell breaks the requirement. With
    each period aged in the year of its own last day (the months of 2025 in 2025),
    the engine tied every age group of the budget year to the same group of its
    months, which that true table broke: on ``475a966`` 18 of 567 intervals missed
    the true value (new cases of ``27-64`` in the budget year: 58, the interval
    [56, 56]) and the audit found 3 cells exposed — of a table that does not exist
    (a strict xfail until the fourteenth session, whose engine tied the months
    through the cases that move on from one group to the next; since the fifteenth
    one age year per period and its sub-periods, ``compute.age_years``)."""
    concept = attrs.evolve(ki.load_concept(STADT), fiscal_year_start=4)
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    table = ki.compute_indicators(
        concept,
        data,
        periods=["HJ2025"],
        by=("age_group",),
        include_subperiods=True,
        audit=True,
    )
    assert table.audit
    missed = [c for c in table.audit if not c.low - 1e-6 <= c.value <= c.high + 1e-6]
    assert missed == []
    assert [c for c in table.audit if c.exposed] == []


def _young_concept(folder: Path) -> Path:
    """The Kreis example's concept with new and active cases of those aged 18 to 26
    (``age_group: [18-26]``) instead of its Kennzahlen."""
    import yaml

    data = yaml.safe_load((KREIS / "konzept.yaml").read_text(encoding="utf-8"))
    young = [
        {
            **i,
            "id": f"{i['id']}_young",
            "numerator": {
                **i["numerator"],
                "filters": [{"attribute": "age_group", "values": ["18-26"]}],
            },
        }
        for i in data["indicators"]
        if i["id"] in ("new_cases", "active_cases")
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "konzept.yaml").write_text(
        yaml.safe_dump({**data, "indicators": young}, allow_unicode=True), encoding="utf-8"
    )
    return folder / "konzept.yaml"


YEARS = ["2023", "2024", "2025"]
"""Three years one after the other, as the report's trend shows them."""


def test_new_and_active_cases_of_an_age_group_over_years_resist_the_attacker(
    tmp_path: Path,
) -> None:
    """New and active cases of those aged 18 to 26, three years one after the other
    (the report's trend): the cases open on 1 January 2025 are of that age in 2024
    for the active cases of 2024 and in 2025 for those of 2025 — two cells for the
    attacker (:func:`release_attacker.flow_relations` with the year of the age),
    whose relations hold in the true table; it finds nothing, over real and whole
    numbers."""
    path = _young_concept(tmp_path / "jung")
    concept = ki.load_concept(path)
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")
    release = parse_csv(ki.compute_indicators(concept, data, periods=YEARS).to_csv())
    truth = parse_csv(ki.compute_indicators(concept, data, periods=YEARS, disclosure=None).to_csv())
    knowledge = knowledge_from_concept(path)
    assert knowledge.flows == {"new_cases_young": "active_cases_young"}
    assert assert_protected(release, knowledge, truth) > 10


def test_the_audit_of_new_and_active_cases_of_an_age_group_over_years_holds_the_truth(
    tmp_path: Path,
) -> None:
    """The engine's audit of the release above: every interval holds the true value.
    The engine takes the cases open on 1 January 2025 for one cell of the active
    cases of 2024 (aged in 2024) and of 2025 (aged in 2025), which the true table
    breaks: on ``475a966`` 7 of 37 intervals miss the true value (new cases of 2024
    in ``all``: 169, the interval [141, 167]) and one cell is "exposed"; with ``by
    sex`` for 2024 and 2025 a primary 2 gets the interval [3, 9]. The audit file
    (``--audit``) and the report's table were protected against relations that do
    not hold (a strict xfail until the fourteenth session; the engine now ties the
    cases open on 1 January 2025, aged in 2025, to the active cases of 2024 only in
    the combinations without an age group, ``compute._open_starts``)."""
    concept = ki.load_concept(_young_concept(tmp_path / "jung"))
    data = ki.read_cases(KREIS / "cases.csv", KREIS / "events.csv")
    table = ki.compute_indicators(concept, data, periods=YEARS, audit=True)
    assert table.audit
    missed = [c for c in table.audit if not c.low - 1e-6 <= c.value <= c.high + 1e-6]
    assert missed == []


def test_the_order_of_the_breakdowns_changes_no_suppression() -> None:
    """``--by legal_basis,sex`` publishes the cells of ``--by sex,legal_basis``: they
    are one table and show one pattern; the order gives the output's columns and
    rows only. Protected in the order given (``475a966``), the Stadt example for
    2025-Q2 showed two patterns, 120 cells published in one and suppressed in the
    other, and the attacker reading both fixed 12 cells and bounded 54 primary
    cells below 3."""
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    concept = ki.load_concept(STADT)
    tables = {
        by: ki.compute_indicators(
            concept, data, periods=["2025-Q2"], by=by, include_subperiods=True
        )
        for by in [("sex", "legal_basis"), ("legal_basis", "sex")]
    }
    first, second = (parse_csv(t.to_csv()) for t in tables.values())
    assert first.dims == ("sex", "legal_basis")
    assert second.dims == ("legal_basis", "sex")
    turned = {(k[0], k[1], k[2], k[3][::-1]): v for k, v in second.cells.items()}
    assert len(first.pattern()) > 500
    assert turned == first.cells
    # (the rows in the order of the columns: the totals of legal_basis first)
    rows = [r.dims for r in tables[("legal_basis", "sex")].rows[:3]]
    assert rows == [(("legal_basis", "_T"), ("sex", v)) for v in ("_T", "d", "f")]


@pytest.mark.xfail(
    strict=True,
    reason="the pattern of a deterministic engine tells which cells are primary to an "
    "attacker who runs it on candidate tables (thirteenth session, engineer A); a secret "
    "key for the complementary cells does not change that (fifteenth session, engineer K)",
)
def test_an_attacker_running_the_engine_learns_nothing_more() -> None:
    """The engine is public and deterministic. An attacker who runs it on every
    table consistent with a release (here whole numbers up to 6 in the hidden inner
    cells) and keeps the tables it would publish with the same pattern finds the
    true one among them — and on this table of three municipalities by sex with
    their totals (drawn at random, ``random.Random(11)``) only tables in which
    every primary cell is 1 or 2: the pattern tells which cells are primary. The
    attacker of linear programs finds nothing here, nor the attacker who knows only
    that an engine suppresses nothing without a primary cell (the test after the
    next). On 40 such tables, 77 of 149 primary cells are bounded below 3 this way
    (``benchmarks/engine_attacker.py``, sixteenth session; 92 in the fifteenth,
    before every primary cell got a partner that may be small, which took the
    table of ``random.Random(36)`` that this test used until then; 93 in the
    thirteenth with a draw of its own), and as many when a secret key moves the
    prices of the complementary cells (the test below says why;
    ``docs/data-protection.rst``, "Limits and advice")."""
    import itertools

    from kommunale_integration._engine.disclosure import protect

    rows, columns = ["m1", "m2", "m3"], ["f", "m"]
    groups: list[Any] = [(("K", c), [(r, c) for r in rows]) for c in [*columns, "_T"]]
    groups += [((r, "_T"), [(r, c) for c in columns]) for r in [*rows, "K"]]

    def table(inner: dict[Any, int]) -> dict[Any, int]:
        values = dict(inner)
        for c in columns:
            values[("K", c)] = sum(values[(r, c)] for r in rows)
        for r in [*rows, "K"]:
            values[(r, "_T")] = sum(values[(r, c)] for c in columns)
        return values

    rng = random.Random(11)
    base = {(r, c): rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6]) for r in rows for c in columns}
    truth = table(base)
    control = ki.DisclosureControl()
    release = protect(truth, groups, control)
    primary = [c for c in release.suppressed if 0 < truth[c] < 3]
    assert primary
    assert all(high >= 3 for c, (_, high) in release.intervals.items() if c in primary)
    hidden = sorted(c for c in release.suppressed if "K" not in c and "_T" not in c)
    same = []
    for values in itertools.product(range(7), repeat=len(hidden)):
        candidate = table({**base, **dict(zip(hidden, values, strict=True))})
        if any(candidate[c] != v for c, v in release.published.items() if v is not None):
            continue
        if protect(candidate, groups, control).suppressed == release.suppressed:
            same.append(candidate)
    assert truth in same
    assert all(max(t[c] for t in same) >= 3 for c in primary)


def test_a_primary_cell_protected_by_totals_alone_is_known_to_be_primary() -> None:
    """Why a secret key for the choice of the complementary cells (the proposal of
    the fifteenth session) cannot make the test above pass: some patterns tell which
    cells are primary to an attacker who knows nothing of how the complementary cells
    are chosen, only that an engine suppresses nothing in a table without a cell of 1
    or 2. The table of ``random.Random(0)`` in ``benchmarks/engine_attacker.py``, with
    ``m2``'s men (2) and total (2) protected by the Kreis's men and total (an engine
    whose prices a key moves by a third picks these for a fifth of the keys): the
    attacker of linear programs finds both primary cells unbounded, but every table
    consistent with the release in which they reach 3 has no suppressed cell of 1 or
    2 and would have been published in full — so they are 1 or 2."""
    rows, columns = ["m1", "m2", "m3"], ["f", "m"]
    relations: list[Any] = [(("K", c), [(r, c) for r in rows], True) for c in [*columns, "_T"]]
    relations += [((r, "_T"), [(r, c) for c in columns], True) for r in [*rows, "K"]]
    inner = {("m1", "f"): 4, ("m1", "m"): 4, ("m2", "f"): 0, ("m2", "m"): 2}
    inner |= {("m3", "f"): 6, ("m3", "m"): 5}

    def table(men_of_m2: int) -> dict[Any, int]:
        values = {**inner, ("m2", "m"): men_of_m2}
        for c in columns:
            values[("K", c)] = sum(values[(r, c)] for r in rows)
        for r in [*rows, "K"]:
            values[(r, "_T")] = sum(values[(r, c)] for c in columns)
        return values

    truth = table(2)
    suppressed = {("m2", "m"), ("m2", "_T"), ("K", "m"), ("K", "_T")}
    primary = {c for c in suppressed if 0 < truth[c] < 3}
    assert primary == {("m2", "m"), ("m2", "_T")}
    known = {c: float(v) for c, v in truth.items() if c not in suppressed}
    intervals = test_disclosure.attack(known, suppressed, relations, integral=True)
    assert all(intervals[c][1] == math.inf for c in primary)
    # (only m2's men are free: the other suppressed cells follow from them)
    consistent = [table(x) for x in range(100)]
    assert all(all(t[c] == v for c, v in known.items()) for t in consistent)
    possible = [t for t in consistent if any(0 < t[c] < 3 for c in suppressed)]
    assert truth in possible
    assert {t[c] for t in possible for c in primary} == {1, 2}


def test_the_attacker_who_knows_the_engines_rule_finds_the_cells_protected_by_totals() -> None:
    """The attacker of ``release_attacker.ENGINE_RULE`` (every block of suppressed
    cells holds a primary cell), written without the engine, on the pattern of the
    test above: the linear programs leave both primary cells unbounded, the rule
    bounds both below 3 — over real and over whole numbers. Beside it a suppressed
    cell of no relation, a block of its own: were only 1s and 2s suppressed there, it
    would be 1 or 2; the library suppresses such a cell up to the threshold (its
    rule, which the attacker knows), so it may be 3."""
    rows, columns = ["m1", "m2", "m3"], ["f", "m"]
    found: list[Any] = [(("K", c), [(r, c) for r in rows], True) for c in [*columns, "_T"]]
    found += [((r, "_T"), [(r, c) for c in columns], True) for r in [*rows, "K"]]
    inner = {("m1", "f"): 4, ("m1", "m"): 4, ("m2", "f"): 0, ("m2", "m"): 2}
    inner |= {("m3", "f"): 6, ("m3", "m"): 5}
    truth: dict[Any, float] = dict(inner)
    for c in columns:
        truth[("K", c)] = sum(inner[(r, c)] for r in rows)
    for r in [*rows, "K"]:
        truth[(r, "_T")] = truth[(r, "f")] + truth[(r, "m")]
    truth["alone"] = 2
    suppressed = {("m2", "m"), ("m2", "_T"), ("K", "m"), ("K", "_T"), "alone"}
    cells = {c: (None, "suppressed") if c in suppressed else (v, "ok") for c, v in truth.items()}
    for integral in (False, True):
        plain = attack_suppression(cells, found, 3, 0.0, integral=integral)
        assert not any(v.below or v.fixed or v.ruled for v in plain.values())
        ruled = attack_suppression(cells, found, 3, 0.0, integral=integral, rule=True)
        # (the Kreis's cells reach 3 in every table, beside m2's men at 1 or 2)
        primary = {("m2", "m"), ("m2", "_T")}
        assert {c for c, v in ruled.items() if v.ruled} == primary
        told = attack_suppression(cells, found, 3, 0.0, integral=integral, table=truth, rule=True)
        assert {c for c, v in told.items() if v.ruled} == primary
    # a block without a primary cell in the true table tells that the engine broke it
    wrong = {**truth, ("m2", "m"): 3, ("m2", "_T"): 3, ("K", "m"): 12, ("K", "_T"): 22}
    told = attack_suppression(cells, found, 3, 0.0, table=wrong, rule=True)
    assert {c for c, v in told.items() if v.unexplained} == suppressed - {"alone"}
    # and so does a cell of no relation above the threshold (at it: the library's rule)
    for alone, unexplained in ((3, set()), (4, {"alone"})):
        told = attack_suppression(cells, found, 3, 0.0, table={**truth, "alone": alone}, rule=True)
        assert {c for c, v in told.items() if v.unexplained} == unexplained


def _ruled(values: dict[Any, int], found: list[Any], hidden: Any) -> list[Any]:
    """The cells of the release of *values* with *hidden* suppressed that the attacker
    who knows ``release_attacker.ENGINE_RULE`` exposes (over real and over whole
    numbers): fixed, bounded below 3 by the relations or by the rule, or in a block
    without a primary cell."""
    cells = {
        c: (None, "suppressed") if c in hidden else (float(v), "ok") for c, v in values.items()
    }
    truth = {c: float(v) for c, v in values.items()}
    found = [(g[0], list(g[1]), g[2] if len(g) > 2 else True) for g in found]
    exposed: set[Any] = set()
    for integral in (False, True):
        verdicts = attack_suppression(
            cells, found, 3, 0.0, integral=integral, table=truth, rule=True
        )
        exposed |= {
            c for c, v in verdicts.items() if v.fixed or v.below or v.ruled or v.unexplained
        }
    return sorted(exposed, key=repr)


def test_a_primary_cell_gets_a_partner_that_may_be_small_in_its_block() -> None:
    """Two primary cells in one column whose published total is 3 (``m2``'s women 1,
    ``m3``'s 2; ``benchmarks/engine_attacker.py``, ``random.Random(19)``): the
    rectangle with their men (6 and 4) keeps both unbounded for the attacker of linear
    programs — the engine's pattern until the sixteenth session — but where one
    reaches 3 the other is 0 and the men are 4 and 6: no cell of the block is 1 or 2,
    so the attacker who knows that an engine suppresses nothing without a primary cell
    knows both are. The engine now gives one of them a witness that leaves a cell of
    its block at 1 or 2 (two cells more: the Kreis's women and men)."""
    rows, columns = ["m1", "m2", "m3"], ["f", "m"]
    found: list[Any] = [(("K", c), [(r, c) for r in rows], True) for c in [*columns, "_T"]]
    found += [((r, "_T"), [(r, c) for c in columns], True) for r in [*rows, "K"]]
    inner = {("m1", "f"): 0, ("m1", "m"): 6, ("m2", "f"): 1, ("m2", "m"): 6}
    inner |= {("m3", "f"): 2, ("m3", "m"): 4}
    values = dict(inner)
    for c in columns:
        values[("K", c)] = sum(inner[(r, c)] for r in rows)
    for r in [*rows, "K"]:
        values[(r, "_T")] = values[(r, "f")] + values[(r, "m")]
    rectangle = {("m2", "f"), ("m2", "m"), ("m3", "f"), ("m3", "m")}
    assert _ruled(values, found, rectangle) == [("m2", "f"), ("m3", "f")]
    result = ki_protect(values, found, ki.DisclosureControl())
    assert result.exposed(3) == []
    assert _ruled(values, found, result.suppressed) == []
    assert len(result.suppressed) == 6


@settings(deadline=None)
@given(st.one_of(test_disclosure.hierarchies(), test_disclosure.cubes()))
def test_protected_tables_resist_the_attacker_who_knows_the_engines_rule(
    table: tuple[dict[Any, int], list[Any]],
) -> None:
    """Territory × sex with districts and ``all``, and three-way tables with every
    margin: the protected table leaves the attacker of ``ENGINE_RULE`` nothing."""
    values, found = table
    result = ki_protect(values, found, ki.DisclosureControl())
    assert _ruled(values, found, result.suppressed) == []


@pytest.mark.xfail(
    strict=True,
    reason="the witnesses' programs reach a zero only beside a cell that falls, not a "
    "zero total behind a zero (sixteenth session, engineer K)",
)
def test_a_partner_that_only_a_chain_of_zeros_reaches_is_not_found() -> None:
    """``a`` = 1 and ``t₁ = a + b + c`` = 1 are primary; ``t₀ = b + c`` = 0. Where ``a``
    reaches 3 so does ``t₁``, and the block ``{a, t₁}`` holds no cell of 1 or 2: the
    attacker of ``ENGINE_RULE`` knows both are 1 or 2. A partner exists — ``b`` at 1
    with ``t₀`` at 1 — but ``t₀`` is a zero behind the zero ``b``, which the engine's
    linear programs do not reach (found by hypothesis on the random tables of
    ``test_disclosure.tables``; ``docs/data-protection.rst``, "Limits and advice")."""
    values: dict[Any, int] = {"a": 1, "b": 0, "c": 0, "t0": 0, "t1": 1}
    found: list[Any] = [("t0", ["b", "c"], True), ("t1", ["a", "b", "c"], True)]
    result = ki_protect(values, found, ki.DisclosureControl())
    assert _ruled(values, found, result.suppressed) == []


def test_a_cell_of_no_relation_is_suppressed_up_to_the_threshold() -> None:
    """A cell that no relation ties to another (a count of one territory and one
    period, without breakdowns) is a block of suppressed cells of its own: were only its 1s and
    2s suppressed, its ``*`` would say "1 or 2" to an attacker who knows that an
    engine suppresses nothing without a primary cell, and no complementary cell can
    change that. So it is suppressed up to the threshold (with a margin, up to the
    required value); the cells of a relation are not."""
    values = {"one": 1, "two": 2, "three": 3, "four": 4, "zero": 0, "t": 3, "a": 3, "b": 0}
    found: list[Any] = [("t", ["a", "b"], True)]
    result = ki_protect(values, found, ki.DisclosureControl())
    assert result.suppressed == {"one", "two", "three"}
    assert result.primary == {"one", "two"}
    assert result.intervals["three"] == (0.0, math.inf)
    assert _ruled(values, found, result.suppressed) == []
    margin = ki_protect(values, found, ki.DisclosureControl(margin=1))
    assert margin.suppressed == {"one", "two", "three", "four"}
    alone = ki_protect(values, found, ki.DisclosureControl(secondary=False))
    assert alone.suppressed == {"one", "two"}


def test_the_closed_chains_follow_the_threshold() -> None:
    """Closed chains are suppressed from the threshold on: with a threshold of 2 a
    cell of no relation holding 2 is suppressed beside the 1s; with a threshold of 1
    nothing is primary, and nothing is suppressed."""
    # mutants: ``threshold <= 2`` or ``< 3`` in _alone (a threshold of 2 published
    # the 2, and its lone 1's ``*`` said "1"), ``threshold < 1`` (a threshold of 1
    # suppressed every lone 1)
    values = {"one": 1, "two": 2, "three": 3}
    two = ki_protect(values, [], ki.DisclosureControl(threshold=2))
    assert two.suppressed == {"one", "two"}
    assert two.primary == {"one"}
    assert ki_protect(values, [], ki.DisclosureControl(threshold=1)).suppressed == set()


def test_a_chain_is_not_closed_where_a_cell_further_along_it_is_in_a_sum() -> None:
    """``K`` is its only part ``S`` (a Kreis of one Stadt), and ``S`` a part of ``T =
    S + X``: the chain ``{K, S}`` is not closed although ``K`` itself is in no
    relation of two parts — ``S`` beside ``X`` may move — so its 3 is published."""
    # mutants: roots never joined (``if a == b`` in _alone), a tied cell taken
    # whatever its chain (``c in tied or …``): K was suppressed as a closed chain,
    # and S and X with it
    values = {"S": 3, "K": 3, "X": 5, "T": 8}
    found: list[Any] = [("K", ["S"], True), ("T", ["S", "X"], True)]
    assert ki_protect(values, found, ki.DisclosureControl()).suppressed == set()
    # the chain the other way round: K in the sum, S at the end of the chain
    found = [("K", ["S"], True), ("T", ["K", "X"], True)]
    assert ki_protect(values, found, ki.DisclosureControl()).suppressed == set()


def _training_starts(values_by_year: dict[int, int]) -> tuple[dict[Any, int], list[Any], set[Any]]:
    """The Stadt example's report (training starts of one Stadt by year): the Stadt,
    its Kreis and ``all`` (a Kreis of one Stadt: one value), tied through the one
    pattern of events the count is in (cases with a training start, never published)
    to placements (23 each year, with the pattern of employment alone)."""
    values: dict[Any, int] = {}
    found: list[Any] = []
    patterns: set[Any] = set()
    for year, v in values_by_year.items():
        values |= {(year, t): v for t in ("S", "K", "all")}
        values |= {(year, "training"): v, (year, "employment"): 23 - v, (year, "placements"): 23}
        patterns |= {(year, "training"), (year, "employment")}
        found += [((year, "K"), [(year, "S")], True), ((year, "all"), [(year, "K")], True)]
        found += [((year, "S"), [(year, "training")], True)]
        found += [((year, "placements"), [(year, "employment"), (year, "training")], True)]
    return values, found, patterns


def test_a_closed_chain_is_suppressed_up_to_the_threshold() -> None:
    """Cells tied only by relations of a single part hold one value; where none of
    those ever published is in a relation of two or more parts (through cells never
    published they may be: a pattern of events) the chain has no cell beside it that
    could be 1 or 2 while it reaches the threshold — an attacker who knows that
    nothing is suppressed without a primary cell would know its ``*`` is 1 or 2 (the
    Stadt example's report, sixteenth session). So such a chain is suppressed up to
    the threshold, as a cell of no relation (with a margin, up to the required
    value), each cell at the threshold with a witness that moves it (none is fixed);
    a chain with a cell in a relation of two parts is not."""
    values, found, patterns = _training_starts({2022: 1, 2023: 2, 2024: 3, 2025: 4})
    # a second Stadt whose Kreis has two towns: its Kreis is no chain of it
    values |= {"S1": 3, "S2": 5, "K12": 8}
    found.append(("K12", ["S1", "S2"], True))
    result = ki_protect(values, found, ki.DisclosureControl(), free=patterns)
    chain = {(y, t) for y in (2022, 2023, 2024) for t in ("S", "K", "all")}
    assert result.suppressed == chain
    assert result.primary == chain - {(2024, t) for t in ("S", "K", "all")}
    assert result.exposed(3) == []
    truth = {c: float(v) for c, v in values.items()}
    hidden = result.suppressed | patterns  # (the patterns: unknowns without a verdict)
    cells = {
        c: (None, "suppressed") if c in hidden else (float(v), "ok") for c, v in values.items()
    }
    for integral in (False, True):
        verdicts = attack_suppression(
            cells, found, 3, 0.0, integral=integral, table=truth, unknown=patterns, rule=True
        )
        assert not [
            c for c, v in verdicts.items() if v.fixed or v.below or v.ruled or v.unexplained
        ]
    # without the exception the attacker takes every suppressed chain for 1 or 2 (and
    # would be right where only 1s and 2s were suppressed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(release_attacker, "closed_chains", lambda *_: set())
        verdicts = attack_suppression(cells, found, 3, 0.0, unknown=patterns, rule=True)
    assert {c for c, v in verdicts.items() if v.ruled} == chain
    # a chain above the threshold suppressed tells that the engine broke its rule
    told = attack_suppression(
        cells,
        found,
        3,
        0.0,
        table={**truth, **dict.fromkeys(chain, 4.0)},
        unknown=patterns,
        rule=True,
    )
    assert {c for c, v in told.items() if v.unexplained} == chain
    margin = ki_protect(values, found, ki.DisclosureControl(margin=1), free=patterns)
    assert margin.suppressed == chain | {(2025, t) for t in ("S", "K", "all")}
    alone = ki_protect(values, found, ki.DisclosureControl(secondary=False), free=patterns)
    assert alone.suppressed == result.primary


def merged(*releases: Release) -> Release:
    """What an attacker knows from several releases of the same data: every cell, with
    its value where any release publishes it."""
    cells: dict[Any, tuple[float | None, str]] = {}
    for release in releases:
        for key, (value, status) in release.cells.items():
            if key not in cells or (cells[key][0] is None and value is not None):
                cells[key] = (value, status)
    return Release(releases[0].dims, cells)


@pytest.mark.parametrize(
    ("example", "quarters", "only", "indicators"),
    [
        (STADT, ["2025-Q1", "2025-Q2"], False, None),
        (KREIS, [f"2025-Q{q}" for q in range(1, 5)], True, None),
        (STADT, ["2025-Q1", "2025-Q2"], False, ["active_cases", "placements"]),
    ],
)
def test_quarterly_releases_one_after_the_other_resist_the_attacker(
    example: Path, quarters: list[str], only: bool, indicators: list[str] | None
) -> None:
    """A Stadt or a Kreis that publishes each quarter when it ends (by sex), the
    attacker reading all of them. They share no cell, but new and active cases tie
    them: the cases open on 1 April are the active cases of the second quarter less
    its new cases and, from the first release, March's (or the first quarter's)
    active cases less those closed then (:func:`release_attacker.flow_relations`,
    which writes down the second where the next period is published — in the merged
    releases). On ``475a966``: the Stadt example, the first and the second quarter
    each with its months, 30 cells fixed and 15 primary cells below 3 (the first
    quarter's and March's active cases among them); the Kreis example, the four
    quarters without their months (``--only``), 5 primary cells below 3 (the Stadt's
    were safe so); each release alone nothing. Since the fourteenth session each
    release is protected for the cases open where it begins and ends taken as known
    (``compute._joint_table``). Without new cases beside the active cases nothing
    ties them, and nothing is found. ``docs/data-protection.rst``, "Limits and
    advice"."""
    data = ki.read_cases(example / "cases.csv", example / "events.csv")
    concept = ki.load_concept(example)
    options: dict[str, Any] = {
        "by": ("sex",),
        "include_subperiods": not only,
        "indicators": indicators,
    }
    releases, truths = [], []
    for quarter in quarters:
        table = ki.compute_indicators(concept, data, periods=[quarter], **options)
        releases.append(parse_csv(table.to_csv()))
        truth = ki.compute_indicators(concept, data, periods=[quarter], disclosure=None, **options)
        truths.append(parse_csv(truth.to_csv()))
    knowledge = knowledge_from_concept(example)
    for release, truth in zip(releases, truths, strict=True):  # (each alone holds)
        assert attack_release(release, knowledge, truth).exposed == []
    assert attack_release(merged(*releases), knowledge, merged(*truths)).exposed == []


@pytest.mark.parametrize(
    ("by", "periods", "fiscal"),
    [
        (("age_group",), ["2025-Q1", "HJ2025", "2026-Q2"], 4),
        (("sex", "age_group"), ["2025-Q4", "2026-Q1", "2026-Q2"], 1),
    ],
)
def test_releases_by_age_group_one_after_the_other_resist_the_attacker(
    by: tuple[str, ...], periods: list[str], fiscal: int
) -> None:
    """The Stadt example by age group, releases one after the other, each with its
    sub-periods: around a budget year from April (``2025-Q1`` aged in 2025,
    ``HJ2025`` with its quarters and months in 2026, ``2026-Q2`` in 2026), and
    quarters across a new year (the cases still open after 2025-Q4 are aged in
    2025, those open when 2026-Q1 begins in 2026). Each release alone and all of
    them read together leave the attacker nothing (fourteenth session, after the
    merge of the ages of the cases with the consecutive releases: 36, 141 and 30
    suppressed cells; 279, 243 and 264). With the cases open where a release
    begins and ends taken as unknown, the quarters read together exposed 15 cells
    (the active cases of ``unknown``/``0-17`` in March 2026 and after)."""
    data = ki.read_cases(STADT / "cases.csv", STADT / "events.csv")
    concept = attrs.evolve(ki.load_concept(STADT), fiscal_year_start=fiscal)
    options: dict[str, Any] = {
        "by": by,
        "include_subperiods": True,
        "indicators": ["new_cases", "active_cases"],
    }
    releases, truths = [], []
    for period in periods:
        table = ki.compute_indicators(concept, data, periods=[period], **options)
        releases.append(parse_csv(table.to_csv()))
        truth = ki.compute_indicators(concept, data, periods=[period], disclosure=None, **options)
        truths.append(parse_csv(truth.to_csv()))
    knowledge = dataclasses.replace(knowledge_from_concept(STADT), fiscal=fiscal)
    for release, truth in zip(releases, truths, strict=True):
        assert attack_release(release, knowledge, truth).exposed == []
    assert attack_release(merged(*releases), knowledge, merged(*truths)).exposed == []


def test_a_quarter_is_protected_for_the_cases_open_where_it_begins_and_ends() -> None:
    """Four cases in one municipality, published by sex for the first quarter and then
    for the second, each with its months: three women (one opened in December, one
    in January, one in April) and a man from December, none closed. The second
    release tells the women open on 1 April (its active cases less its new ones), and
    the first that they are among March's active cases. Protected as if the cases
    open where a release begins and ends were unknown, each release alone held, but
    the attacker reading both exposed 24 cells: the women's active cases of January
    (two), February, March and the quarter, their new cases and all new cases of
    January and the quarter, each in the municipality, the Kreis and ``all``. The
    engine takes them as known (``_joint_table``: 132 suppressed cells in the two
    releases instead of 72) and neither release adds to the other."""
    records = [
        _case(1, "05558004", "2024-12-26", "f"),
        _case(2, "05558004", "2025-01-20", "f"),
        _case(3, "05558004", "2025-04-15", "f"),
        _case(4, "05558004", "2024-12-17", "m"),
    ]
    data = ki.CaseData.from_records(records)
    options: dict[str, Any] = {
        "cases": data,
        "by": ("sex",),
        "include_subperiods": True,
        "indicators": ["new_cases", "active_cases"],
    }
    releases, truths = [], []
    for quarter in ["2025-Q1", "2025-Q2"]:
        table = ki.compute_indicators(periods=[quarter], **options)
        releases.append(parse_csv(table.to_csv()))
        truth = ki.compute_indicators(periods=[quarter], disclosure=None, **options)
        truths.append(parse_csv(truth.to_csv()))
    assert truths[0].cells[("active_cases", "2025-01", "05558004", ("f",))] == (2, "ok")
    knowledge = knowledge_from_concept(None)
    assert attack_release(merged(*releases), knowledge, merged(*truths)).exposed == []


# ------------------------------------------------------------------ rounding mode


def test_rounding_marks_every_count_and_resists_the_attacker(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Rounded values stand for every count that rounds to them; the status is
    ``rounded`` for every count (a true 0 included), so a 0 does not tell "nobody"
    from "one or two"; the attacker cannot prove a small count."""
    cases, events = write_export(tmp_path / "export", 60, seed=11)
    args = ["indicators", "--period", "2025-Q2", "--cases", cases, "--events", events]
    code, out, err = run_cli(capsys, *args, "--by", "sex", "--round", "5")
    assert code == 0, err
    release = parse_csv(out)
    knowledge = knowledge_from_concept(None)
    for indicator in release.indicators():
        cells = release.of(indicator)
        if knowledge.kinds[indicator] == "rate":
            continue
        assert {status for _, status in cells.values()} == {"rounded"}
        kind = knowledge.kinds[indicator]
        found = relations(cells, release.dims, {}, additive=kind == "additive")
        assert attack_rounding(cells, found, 3, 5, distinct=kind == "distinct") == {}


def test_rounding_of_a_distinct_count_and_its_quarters_hides_small_quarters() -> None:
    """Three women active in the first half year: one in January and February, one
    from January on, one from April on. Rounded each to the nearest 5, the half year
    would show 5 (3 to 7 people) and each quarter 0 (0 to 2); a half year's distinct
    count is at most the sum of its quarters, so each quarter would hold 1 or 2. The
    rule raises the first quarter (and January) to 5, so that the published table
    keeps the relation, and the attacker takes a 5 of a distinct count for 1 to 7."""
    records = [
        _case(1, "05558004", "2025-01-05", "f", "2025-02-10"),
        _case(2, "05558004", "2025-01-05", "f"),
        _case(3, "05558004", "2025-04-05", "f"),
    ]
    table = ki.compute_indicators(
        cases=ki.CaseData.from_records(records),
        periods=["2025-H1"],
        include_subperiods=True,
        indicators=["active_cases"],
        disclosure=ki.DisclosureControl(mode="round", base=5),
    )
    release = parse_csv(table.to_csv())
    cells = release.of("active_cases")
    assert cells[("2025-H1", "05558004", ())] == (5, "rounded")
    assert cells[("2025-Q1", "05558004", ())] == (5, "rounded")
    assert cells[("2025-Q2", "05558004", ())] == (0, "rounded")
    found = relations(cells, release.dims, {}, additive=False)
    assert attack_rounding(cells, found, 3, 5, distinct=True) == {}


def test_the_rounding_attacker_proves_a_zero_that_no_table_keeps_at_zero() -> None:
    """A block with an unknown cell (the open cases of new and active cases, here
    *u*) needs linear programs; the first asks whether one table has every published
    0 at 0. Here none has: *a* is a distinct count at least its part *t*, which is
    published as 5 (1 to 7 people), so *a*, published as 0 (0 to 2), holds 1 or 2."""
    a, t, u = ("2025", "x", ()), ("2025-01", "x", ()), ("u|2025", "x", ())
    cells: dict[Any, tuple[float | None, str]] = {
        a: (0, "rounded"),
        t: (5, "rounded"),
        u: (None, "suppressed"),
    }
    assert attack_rounding(cells, [(a, [t, u], False)], 3, 5, distinct=True) == {a: (1, 2)}
    # with t published as 0 a table with both at 0 keeps the relation
    cells[t] = (0, "rounded")
    assert attack_rounding(cells, [(a, [t, u], False)], 3, 5, distinct=True) == {}


# ------------------------------------------------------------------ the audit file


def test_the_audit_file_lists_every_suppressed_count_with_its_interval(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases, events = write_export(tmp_path / "export", 40, seed=5)
    args = ["indicators", "--period", "2025", "--only", "--cases", cases, "--events", events]
    args += ["--by", "sex"]
    audit = tmp_path / "pruefung-intern.csv"
    code, out, err = run_cli(capsys, *args, "--audit", audit)
    assert code == 0, err
    assert "pruefung-intern.csv" in err
    release = parse_csv(out)
    code, internal, _ = run_cli(capsys, *args, "--no-suppression")
    truth = parse_csv(internal)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(audit.read_text(encoding="utf-8"))))
    assert list(rows[0]) == [
        "indicator",
        "period",
        "territory",
        "sex",
        "value",
        "protection",
        "low",
        "high",
        "exact",
    ]
    listed = {(r["indicator"], r["period"], r["territory"], (r["sex"],)): r for r in rows}
    counts = {k for k in release.pattern() if k[0] != "placement_rate"}
    assert set(listed) == counts
    for key, row in listed.items():
        value = int(row["value"])
        assert truth.cells[key][0] == value
        assert row["protection"] == ("primary" if 0 < value < 3 else "secondary")
        high = float(row["high"]) if row["high"] else float("inf")
        assert float(row["low"]) <= value <= high
        assert high > float(row["low"])
        assert row["protection"] == "secondary" or high >= 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--audit", "audit.csv"], "intern"),
        (["--audit", "a-intern.csv", "--no-suppression"], "--no-suppression"),
        (["--audit", "a-intern.csv", "--round", "5"], "--round"),
    ],
)
def test_the_audit_file_is_refused_where_it_cannot_be_internal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], message: str
) -> None:
    cases, events = write_export(tmp_path, 5, seed=1)
    code, out, err = run_cli(
        capsys,
        "indicators",
        "--period",
        "2025",
        "--cases",
        cases,
        "--events",
        events,
        *[tmp_path / e if e.endswith(".csv") else e for e in extra],
    )
    assert code == 2
    assert message in err
    assert out == ""
    assert not list(tmp_path.glob("a*.csv"))


# ------------------------------------------------------------------ derived figures


def test_derived_figures_never_use_a_suppressed_value() -> None:
    """A suppressed cell that still carries a value (a table built by hand, rows read
    from elsewhere) gives the same derived figures as one without: changes, trend,
    attainment and forecast come from published values only."""
    concept = ki.load_concept(KREIS)
    period = ki.ReportPeriod.parse("2025")
    periods = ki.comparison_periods(period)
    hidden = ki.IndicatorTable(
        [
            ki.IndicatorValue(
                indicator=i.id,
                period=p,
                territory="05558",
                status=ki.ObservationStatus.SUPPRESSED,
            )
            for i in concept.indicators
            for p in periods
        ],
        indicators=concept.indicators,
    )
    carrying = ki.IndicatorTable(
        [
            ki.IndicatorValue(
                indicator=r.indicator,
                period=r.period,
                territory=r.territory,
                status=r.status,
                value=Decimal(7),
            )
            for r in hidden.rows
        ],
        indicators=concept.indicators,
    )
    first = ki.derive(hidden, concept, period, territories=["05558"])
    second = ki.derive(carrying, concept, period, territories=["05558"])
    assert first == second
    for figure in second:
        assert figure.value is None
        assert all(v is None for _, v in figure.trend)


@pytest.mark.parametrize(("example", "when"), [(STADT, "2025"), (KREIS, "2025-Q2")])
def test_no_figure_of_the_report_depends_on_a_suppressed_value(
    example: Path, when: str, tmp_path: Path
) -> None:
    """The report rendered from its protected table twice — each suppressed cell
    carrying its true value, and carrying another — is the same, byte for byte, in
    every format (the text of a DOCX): no table, chart, axis, text alternative,
    change, attainment or forecast is computed from a hidden count. (A comparison
    with the report made with ``--no-suppression`` cannot see a figure computed from
    the true value in both.) The Stadt example's own figures (9 suppressed cells; a
    report that took a suppressed value for published differs here) and the Kreis
    example for a quarter (117, by municipality)."""
    import io
    import zipfile

    from kommunale_integration._reports._report import report_table

    concept = ki.load_concept(example)
    data = ki.read_cases(example / "cases.csv", example / "events.csv")
    period = ki.ReportPeriod.parse(when)
    protected = report_table(concept, data, period)
    true = {
        (r.indicator, str(r.period), r.territory, r.dims): r
        for r in report_table(concept, data, period, None).rows
    }
    assert sum(str(r.status) == "suppressed" for r in protected.rows) >= 9
    for fmt in ("md", "html", "docx"):
        shown = []
        for times in (1, 5):
            rows = []
            for r in protected.rows:
                if str(r.status) != "suppressed":
                    rows.append(r)
                    continue
                t = true[(r.indicator, str(r.period), r.territory, r.dims)]
                value = None if t.value is None else t.value * times + 3 * (times - 1)
                rows.append(
                    attrs.evolve(r, value=value, numerator=t.numerator, denominator=t.denominator)
                )
            out = tmp_path / f"bericht-{times}.{fmt}"
            ki.build_report(
                concept, period, format=fmt, output=out, table=rows, today=date(2026, 3, 1)
            )
            text = out.read_bytes()
            if fmt == "docx":
                text = zipfile.ZipFile(io.BytesIO(text)).read("word/document.xml")
            shown.append(text)
        assert shown[0] == shown[1], fmt


# ------------------------------------------------------------------ new and active cases


def _flows_release(data: Any, periods: list[str], by: tuple[str, ...]) -> tuple[Release, Release]:
    options: dict[str, Any] = {
        "periods": periods,
        "by": by,
        "include_subperiods": True,
        "indicators": ["new_cases", "active_cases"],
    }
    safe = ki.compute_indicators(cases=data, **options)
    true = ki.compute_indicators(cases=data, disclosure=None, **options)
    return parse_csv(safe.to_csv()), parse_csv(true.to_csv())


def test_new_and_active_cases_are_protected_as_one_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ten cases open all the second quarter and one opened in May: April's active
    cases (10) are those open on 1 April, and so are the quarter's less its new
    cases (11 − new). Each count protected on its own publishes both active cells
    and pins May's new cases to 1 (and, before the partners of the sixteenth
    session, the quarter's with them; now April's 0 is suppressed beside them);
    protected as one table (with the cases open at each start, never published)
    nothing is pinned."""
    records = [_case(i, "05558004", "2024-06-01", "f") for i in range(10)]
    records.append(_case(10, "05558004", "2025-05-12", "f"))
    data = ki.CaseData.from_records(records)
    knowledge = knowledge_from_concept(None)
    assert knowledge.flows == {"new_cases": "active_cases"}
    published, truth = _flows_release(data, ["2025-Q2"], ())
    outcome = attack_release(published, knowledge, truth)
    assert outcome.exposed == []
    assert outcome.suppressed > 0
    # an engine that protects them one by one
    monkeypatch.setattr(compute_module._Counts, "join", lambda self, controls: None)
    published, truth = _flows_release(data, ["2025-Q2"], ())
    outcome = attack_release(published, knowledge, truth)
    assert ("new_cases", "2025-05", "05558004", ()) in outcome.fixed


def test_the_flow_relations_hold_in_the_true_table() -> None:
    """The attacker's relations between new and active cases (cases open at a start,
    closed in a period) hold in the internal table, for a year with its quarters and
    months and for a school year (``attack_release`` checks them against the truth),
    and they tie the periods: every start of a published period has its open cases."""
    rng = random.Random(5)
    rows = []
    for i in range(60):
        opened = date(2024, 3, 1).toordinal() + rng.randint(0, 700)
        closed = date.fromordinal(opened + rng.randint(0, 200)) if i % 2 else None
        rows.append(_case(i, MUNICIPALITIES[i % 5], str(date.fromordinal(opened)), "fm"[i % 2]))
        rows[-1]["closed"] = None if closed is None else str(closed)
    data = ki.CaseData.from_records(rows)
    knowledge = knowledge_from_concept(None)
    for periods in (["2025"], ["SJ2024/25"]):
        published, truth = _flows_release(data, periods, ("sex",))
        new, active = truth.of("new_cases"), truth.of("active_cases")
        found, unknown = release_attacker.flow_relations(
            {c: c for c in new}, {c: c for c in active}, "new_cases"
        )
        opened = {c for c in unknown if ">open|" in c[0]}
        closed = {c for c in unknown if ">closed|" in c[0]}
        assert len(opened) == len({(c[0], c[1], c[2]) for c in opened}) > 0
        assert closed  # the months (and quarters) followed by a published period
        attack_release(published, knowledge, truth)  # (asserts the relations hold)
        assert len(found) == len(active) + len(closed)


@settings(max_examples=15, deadline=None)
@given(
    cases=st.lists(
        st.tuples(
            st.integers(0, 1),  # municipality
            st.integers(-60, 89),  # opened: days from 1 January 2025
            st.one_of(st.none(), st.integers(0, 80)),  # closed that many days later
            st.sampled_from("fm"),
        ),
        min_size=3,
        max_size=25,
    )
)
def test_new_and_active_cases_resist_the_attacker_who_knows_how_they_hang_together(
    cases: list[tuple[int, int, int | None, str]],
) -> None:
    """Random small exports, a quarter with its months by sex: the attacker with the
    flow relations (and every other) finds no cell fixed and no primary cell below
    the threshold."""
    start = date(2025, 1, 1).toordinal()
    records = [
        _case(
            i,
            MUNICIPALITIES[m],
            str(date.fromordinal(start + day)),
            sex,
            None if length is None else str(date.fromordinal(start + day + length)),
        )
        for i, (m, day, length, sex) in enumerate(cases)
    ]
    published, truth = _flows_release(ki.CaseData.from_records(records), ["2025-Q1"], ("sex",))
    outcome = attack_release(published, knowledge_from_concept(None), truth)
    assert outcome.exposed == [], outcome.exposed[:5]


def test_new_and_active_cases_share_the_stricter_rule() -> None:
    """One table, one rule: an own threshold of 5 for the new cases applies to the
    active cases of the same cases too (else the pair would have two patterns); a
    count of other cases (filtered) keeps its own rule."""
    from kommunale_integration._engine.catalogue import default_indicators
    from kommunale_integration._engine.compute import count_controls

    chosen = {i.id: i for i in default_indicators()}
    strict = attrs.evolve(chosen["new_cases"], confidentiality=ki.Confidentiality(threshold=5))
    women = attrs.evolve(
        chosen["active_cases"],
        id="active_women",
        numerator=ki.CaseCount(
            count=ki.CaseCountKind.ACTIVE,
            filters=(ki.CaseFilter(attribute="legal_basis", values=("AsylbLG",)),),
        ),
    )
    controls = count_controls([strict, chosen["active_cases"], women], ki.DisclosureControl())
    thresholds = {spec: c.threshold for spec, c in controls.items() if c is not None}
    assert thresholds[strict.numerator] == thresholds[chosen["active_cases"].numerator] == 5
    assert thresholds[women.numerator] == 3


def test_rounded_new_and_active_cases_resist_the_attacker_who_knows_how_they_hang_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """In rounding mode new and active cases are rounded each on its own, and the
    rounded release does not keep the relations through the open cases (a quarter's
    active cases less its new cases need not equal its first month's); the attacker
    who adds them (open and closed cases unknown) still proves no rounded 0 to be 1
    or 2."""
    cases, events = write_export(tmp_path / "export", 80, seed=13)
    args = ["indicators", "--period", "2025", "--cases", cases, "--events", events]
    args += ["--by", "sex"]
    code, out, err = run_cli(capsys, *args, "--round", "5")
    assert code == 0, err
    code, internal, _ = run_cli(capsys, *args, "--no-suppression")
    knowledge = knowledge_from_concept(None)
    rounded = {i: 5 for i, kind in knowledge.kinds.items() if kind != "rate"}
    knowledge = dataclasses.replace(knowledge, rounded=rounded)
    assert knowledge.flows == {"new_cases": "active_cases"}
    published, truth = parse_csv(out), parse_csv(internal)
    outcome = attack_release(published, knowledge, truth)  # (checks the flows hold)
    assert outcome.rounded == []
    new, active = published.of("new_cases"), published.of("active_cases")
    flows, _ = release_attacker.flow_relations({c: c for c in new}, {c: c for c in active}, "n")
    assert len(flows) > len(active)  # (the relations were there to use)
