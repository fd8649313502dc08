"""Privacy: no case id and no refused identifier value ever leaves the library.

Every command and API builder that consumes case data runs on an export whose case ids
are random tokens; every byte of every output (files, DOCX XML, stdout, stderr) is
searched for every one of them. Disclosure control is on by default everywhere, and
output built without it carries the marking "INTERN – nicht zur Veröffentlichung".
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import run_cli

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kreis_coesfeld"
INTERN = "INTERN – nicht zur Veröffentlichung"
MUNICIPALITIES = ("05558004", "05558008", "05558012", "05558016")
EVENTS = (
    "language_course_started",
    "language_course_completed",
    "employment_started",
    "vocational_training_started",
    "counselling_session",
)


class Export:
    """A synthetic case export with random case ids, written in *dialect*."""

    def __init__(self, folder: Path, *, delimiter: str = ";", encoding: str = "utf-8") -> None:
        rng = secrets.SystemRandom()
        self.ids = [f"P{secrets.token_hex(6)}" for _ in range(60)]
        self.cases = folder / "cases.csv"
        self.events = folder / "events.csv"
        cases = io.StringIO()
        writer = csv.writer(cases, delimiter=delimiter, lineterminator="\n")
        writer.writerow(
            ["case_id", "municipality", "opened", "closed", "legal_basis", "sex", "birth_year"]
        )
        for number, case in enumerate(self.ids):
            # the last municipality has only two cases: small counts to suppress
            municipality = MUNICIPALITIES[3] if number < 2 else MUNICIPALITIES[number % 3]
            writer.writerow(
                [
                    case,
                    municipality,
                    f"2024-{1 + number % 12:02d}-{1 + number % 27:02d}",
                    "" if number % 4 else "2025-06-30",
                    rng.choice(["SGB II", "AsylbLG", "AufenthG"]),
                    rng.choice("fmd"),
                    str(1960 + number % 40),
                ]
            )
        events = io.StringIO()
        writer = csv.writer(events, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["case_id", "event", "date", "detail"])
        for number, case in enumerate(self.ids):
            for step, event in enumerate(EVENTS[: 1 + number % len(EVENTS)]):
                writer.writerow([case, event, f"2025-{1 + (number + step) % 12:02d}-15", "B1"])
        self.cases.write_text(cases.getvalue(), encoding=encoding)
        self.events.write_text(events.getvalue(), encoding=encoding)


@pytest.fixture
def export(tmp_path: Path) -> Export:
    folder = tmp_path / "export"
    folder.mkdir()
    return Export(folder)


def _blobs(path: Path) -> Iterator[tuple[str, bytes]]:
    """Every file below *path* (or *path* itself), with the parts of ZIP files (DOCX)."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        data = file.read_bytes()
        yield str(file), data
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    yield f"{file}!{name}", archive.read(name)


def assert_no_case_id(ids: list[str], *places: Path | str | bytes) -> None:
    """No case id in any of *places* (files, folders, captured text)."""
    haystacks: list[tuple[str, bytes]] = []
    for place in places:
        if isinstance(place, Path):
            haystacks += list(_blobs(place))
        else:
            haystacks.append(("<text>", place.encode() if isinstance(place, str) else place))
    assert haystacks
    for where, data in haystacks:
        lowered = data.lower()
        for case in ids:
            assert case.encode().lower() not in lowered, f"case id {case} in {where}"


run = run_cli


# --------------------------------------------------------------------------- no case id


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_indicators_command_reveals_no_case_id(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out_file = tmp_path / f"kennzahlen.{fmt}"
    package = tmp_path / "paket"
    common = ["--period", "2025", "--cases", export.cases, "--events", export.events]
    code, out, err = run(
        capsys,
        "indicators",
        *common,
        "--by",
        "sex,legal_basis",
        "--format",
        fmt,
        "--output",
        out_file,
        "--datapackage",
        package,
    )
    assert code == 0, err
    code2, out2, err2 = run(capsys, "indicators", *common, "--format", fmt, "--no-suppression")
    assert code2 == 0, err2
    assert_no_case_id(export.ids, out_file, package, out, err, out2, err2)


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_report_command_reveals_no_case_id(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out_file = tmp_path / f"bericht.{fmt}"
    code, out, err = run(
        capsys,
        "report",
        EXAMPLE,
        "--period",
        "2025",
        "--format",
        fmt,
        "--cases",
        export.cases,
        "--events",
        export.events,
        "--output",
        out_file,
    )
    assert code == 0, err
    assert_no_case_id(export.ids, out_file, out, err)


def test_api_builders_reveal_no_case_id(tmp_path: Path, export: Export) -> None:
    concept = ki.load_concept(EXAMPLE)
    cases = ki.read_cases(export.cases, export.events)
    assert not any(case in repr(cases) for case in export.ids)
    outputs: list[str | bytes] = []
    for disclosure in ({}, {"disclosure": None}):
        for fmt in ("html", "md", "docx"):
            outputs.append(ki.build_report(concept, "2025", format=fmt, cases=cases, **disclosure))
        table = ki.compute_indicators(concept, cases, periods=["2025"], **disclosure)
        outputs += [table.to_csv(), table.to_json(), repr(table), json.dumps(table.datapackage())]
        context = ki.report_context(concept, "2025", cases=cases, **disclosure)
        outputs.append(repr(context))
    docx = tmp_path / "bericht.docx"
    docx.write_bytes(ki.build_report(concept, "2025", format="docx", cases=cases))
    assert_no_case_id(export.ids, docx, *outputs)


def test_demo_output_reveals_no_case_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with (EXAMPLE / "cases.csv").open(encoding="utf-8") as handle:
        ids = [row["case_id"] for row in csv.DictReader(handle)]
    assert len(ids) > 100
    monkeypatch.chdir(tmp_path)
    out_dir = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--output", out_dir)
    assert code in (0, 1), err
    assert_no_case_id(ids, out_dir, out, err)
    kennzahlen = next(out_dir.glob("kennzahlen-*.csv")).read_text(encoding="utf-8")
    assert ",suppressed" in kennzahlen  # disclosure control is on in the demo
    assert INTERN not in kennzahlen


def test_error_messages_name_rows_never_case_ids(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "kaputt.csv"
    lines = export.cases.read_text(encoding="utf-8").splitlines()
    # bad dates, a bad municipality and a bad sex in rows of known case ids
    lines[1] = lines[1].replace("2024-", "20X4-", 1)
    parts = lines[2].split(";")
    parts[1] = "Coesfeld"
    lines[2] = ";".join(parts)
    parts = lines[3].split(";")
    parts[5] = "?"
    lines[3] = ";".join(parts)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(
        "case_id;event;date;detail\n"
        f"{export.ids[5]};employment_started;kein Datum;\n"
        f"Punknown{secrets.token_hex(6)};employment_started;2025-01-01;\n",
        encoding="utf-8",
    )
    unknown = events.read_text(encoding="utf-8").splitlines()[2].split(";")[0]
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(broken, events)
    messages = str(info.value) + "".join(str(f) for f in info.value.findings)
    assert_no_case_id([*export.ids, unknown], messages)
    code, out, err = run(
        capsys, "indicators", "--period", "2025", "--cases", broken, "--events", events
    )
    assert code == 2
    assert err.count("\n") >= 1
    assert_no_case_id([*export.ids, unknown], out, err)


# --------------------------------------------------------------------------- identifiers

IDENTIFIERS = {
    "Name": "Mustermann-Xq",
    "Vorname": "Erika-Xq",
    "Geburtsdatum": "12.08.1964",
    "Adresse": "Heidestraße 17 Xq",
    "Telefon": "+49 2541 987654",
    "E-Mail": "erika.xq@example.org",
}


@pytest.mark.parametrize("column", [*IDENTIFIERS, "all"])
def test_identifier_columns_are_refused_without_quoting_values(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    chosen = IDENTIFIERS if column == "all" else {column: IDENTIFIERS[column]}
    lines = export.cases.read_text(encoding="utf-8").splitlines()
    header = lines[0] + "".join(f";{c}" for c in chosen)
    body = [line + "".join(f";{v}" for v in chosen.values()) for line in lines[1:]]
    cases = tmp_path / "mit_namen.csv"
    cases.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(cases, export.events)
    codes = {f.code for f in info.value.findings}
    assert codes == {"direct-identifier"}
    flagged = {f.location.column for f in info.value.findings}
    assert flagged == set(chosen)
    text = str(info.value) + repr(info.value.findings)
    code, out, err = run(
        capsys, "indicators", "--period", "2025", "--cases", cases, "--events", export.events
    )
    assert code == 2
    for value in IDENTIFIERS.values():
        assert value not in text
        assert value not in out + err
    assert_no_case_id(export.ids, text, out, err)


def test_identifier_column_behind_a_mapping_is_refused(tmp_path: Path, export: Export) -> None:
    lines = export.cases.read_text(encoding="utf-8").splitlines()
    cases = tmp_path / "c.csv"
    cases.write_text(
        "\n".join([lines[0] + ";Familienname", *(f"{x};Muster-Xq" for x in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ki.LoadError) as info:
        ki.read_cases(cases, export.events, mapping={"Familienname": "herkunft"})
    assert "Muster-Xq" not in str(info.value)


# --------------------------------------------------------------------------- disclosure


def test_disclosure_is_on_by_default_in_the_api(export: Export) -> None:
    concept = ki.load_concept(EXAMPLE)
    cases = ki.read_cases(export.cases, export.events)
    table = ki.compute_indicators(None, cases, periods=["2025"])
    small = [r for r in table if r.territory == MUNICIPALITIES[3] and r.indicator == "active_cases"]
    assert small
    assert all(str(r.status) == "suppressed" and r.value is None for r in small)
    assert not table.internal
    assert INTERN not in table.render("csv")
    assert json.loads(table.to_json())["internal"] is False
    package = json.dumps(table.datapackage())
    assert "INTERN" not in package
    for fmt in ("html", "md"):
        text = ki.build_report(concept, "2025", format=fmt, cases=cases)
        assert INTERN not in text
    raw = ki.compute_indicators(None, cases, periods=["2025"], disclosure=None)
    assert raw.internal
    assert any(
        r.value is not None and 0 < r.value < 3
        for r in raw
        if r.territory == MUNICIPALITIES[3] and r.indicator == "active_cases"
    )


def test_disclosure_is_on_by_default_on_the_command_line(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "paket"
    code, out, err = run(
        capsys,
        "indicators",
        "--period",
        "2025",
        "--only",
        "--cases",
        export.cases,
        "--events",
        export.events,
        "--datapackage",
        package,
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    small = [r for r in rows if r["territory"] == MUNICIPALITIES[3]]
    assert small
    assert {r["status"] for r in small if r["indicator"] == "active_cases"} == {"suppressed"}
    assert all(r["value"] == "" for r in small if r["status"] == "suppressed")
    packaged = (package / "indicators.csv").read_text(encoding="utf-8")
    assert f"{MUNICIPALITIES[3]},,suppressed" in packaged
    assert "INTERN" not in packaged + out


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
        )


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_report_without_suppression_is_marked(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    base = ["report", EXAMPLE, "--period", "2025", "--format", fmt]
    cases = ["--cases", export.cases, "--events", export.events]
    marked = tmp_path / f"intern.{fmt}"
    normal = tmp_path / f"normal.{fmt}"
    assert run(capsys, *base, *cases, "--no-suppression", "--output", marked)[0] == 0
    assert run(capsys, *base, *cases, "--output", normal)[0] == 0
    read = _docx_text if fmt == "docx" else (lambda b: b.decode("utf-8"))
    assert INTERN in read(marked.read_bytes())
    assert INTERN not in read(normal.read_bytes())


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_indicators_without_suppression_are_marked(
    tmp_path: Path, export: Export, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out_file = tmp_path / f"k-intern.{fmt}"
    package = tmp_path / "paket"
    code, out, err = run(
        capsys,
        "indicators",
        "--period",
        "2025",
        "--cases",
        export.cases,
        "--events",
        export.events,
        "--no-suppression",
        "--format",
        fmt,
        "--output",
        out_file,
        "--datapackage",
        package,
    )
    assert code == 0
    assert "disclosure control is OFF" in err
    text = out_file.read_text(encoding="utf-8")
    if fmt == "json":
        assert INTERN in text
        assert json.loads(text)["internal"] is True
    else:  # CSV: the file name carries the mark, the text stays readable
        assert next(csv.DictReader(io.StringIO(text)))["indicator"]
    assert INTERN in (package / "datapackage.json").read_text(encoding="utf-8")
    assert (package / "indicators-intern.csv").is_file()
    code, out, err = run(
        capsys,
        "indicators",
        "--period",
        "2025",
        "--cases",
        export.cases,
        "--events",
        export.events,
        "--no-suppression",
        "--format",
        fmt,
    )
    # on stdout the notice on stderr marks a CSV (a comment line would break readers)
    assert (INTERN in out) == (fmt == "json")
    assert "disclosure control is OFF" in err
