"""Whole releases against the informed attacker (issue 13, "Done when").

The attacker (``tests/release_attacker.py``) reads only what a run publishes — the tidy
CSV, the JSON, the data package, the report's figures — and the public concept; it
derives every relation itself and solves with ``scipy.optimize.linprog``. These tests
run the command line as a user would and attack what it wrote; the full matrix
(20,000 cases, several seeds) is ``benchmarks/attack_release.py``.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import kommunale_integration as ki
from helpers import run_cli
from kommunale_integration._engine import compute as compute_module
from release_attacker import (
    Knowledge,
    Release,
    attack_release,
    attack_rounding,
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
    attacked = set(release.indicators()) - set(outcome.skipped)
    assert attacked == {i for i in release.indicators() if knowledge.kinds.get(i) in COUNTS}
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
        found = relations(
            cells, release.dims, {}, additive=knowledge.kinds[indicator] == "additive"
        )
        assert attack_rounding(cells, found, threshold=3, base=5) == {}


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
        assert row["protection"] == ("primary" if value < 3 else "secondary")
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
