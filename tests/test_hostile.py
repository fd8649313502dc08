"""Hostile inputs found by the eighth session's hostile tester: each crashed a command
(exit code 70) or hung it; each now gives a finding or a correct output."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import stat
import threading
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kommunale_integration as ki
from helpers import run_cli
from kommunale_integration._i18n import format_number, room_for
from kommunale_integration._io import atomic_write, check_replaceable
from kommunale_integration._parse import (
    MAX_DIGITS,
    ParseError,
    check_digits,
    parse_decimal,
    unneutralise,
)

pytestmark = pytest.mark.usefixtures("english_messages")

EXAMPLE = Path(__file__).parent.parent / "examples" / "stadt_coesfeld"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example") / "konzept"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("cases.csv", "events.csv"))
    return root


def _copy(example: Path, tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "konzept"
    shutil.copytree(example, folder)
    text = (folder / file).read_text("utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new), "utf-8")
    return folder


# --------------------------------------------------------------------------- size of numbers


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        (f"1e{MAX_DIGITS - 1}", True),  # MAX_DIGITS digits before the point
        (f"1e{MAX_DIGITS}", False),  # one more: eight characters, 4,301 digits
        ("1e999999", False),
        (f"1e-{MAX_DIGITS}", True),
        (f"1e-{MAX_DIGITS + 1}", False),
        ("1e-999999999", False),
        ("0e-999999999", True),  # zero has no digits to print
    ],
)
def test_a_number_with_too_many_digits_is_refused_also_through_an_exponent(
    text: str, accepted: bool
) -> None:
    if accepted:
        assert parse_decimal(text) == Decimal(text)
        assert check_digits(Decimal(text)) == Decimal(text)
        return
    with pytest.raises(ParseError) as info:
        parse_decimal(text)
    assert info.value.key == "too-many-digits"
    with pytest.raises(ParseError):
        check_digits(Decimal(text))


@pytest.mark.parametrize(
    ("amount", "problem"),
    [("1e4300", "below one trillion"), ("1e-4301", "at most two decimal places")],
)
def test_the_model_refuses_an_amount_no_report_can_print(amount: str, problem: str) -> None:
    """Far within the 4,300 digits of any number: an amount in EUR (check_money)."""
    with pytest.raises(ki.InvalidValueError, match=problem):
        ki.Funding(id="f", provider="Land NRW", programme="KOMM-AN", amount=Decimal(amount))
    with pytest.raises(ki.InvalidValueError, match=problem):
        ki.Offer(id="o", name="O", actor="a", cost=Decimal(amount))


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**60), max_value=10**60),
    st.sampled_from([None, 0, 1, 2]),
    st.sampled_from(["de", "en"]),
)
def test_format_number_prints_every_number_with_its_digits(
    number: Decimal, decimals: int | None, lang: str
) -> None:
    text = format_number(number, decimals, lang=lang)
    group, point = (".", ",") if lang == "de" else (",", ".")
    whole, _, fraction = text.replace(group, "").partition(point)
    # the printed whole part is the number's, rounded half up at the last printed place
    places = len(fraction)
    assert decimals is None or places == decimals
    with room_for(number, places):
        expected = abs(number).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert Decimal(whole.lstrip("-") + ("." + fraction if fraction else "")) == expected


def test_the_largest_amount_is_printed_in_every_output_and_a_larger_one_refused(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Decimal's 28 digits made babel's rounding fail: directory and diff exited with 70
    # on a cost of 30 digits. An amount in EUR is below one trillion now (parse_money).
    big = "123456789012345678901234567890,55"
    folder = _copy(example, tmp_path, "angebote.csv", ";0;25;", f";{big};25;")
    code, _, err = run_cli(
        capsys, "directory", folder, "--output", tmp_path / "site", "--lang", "de"
    )
    assert code == 2, err
    assert 'angebote.csv, row 2, column "Kosten": "123456789012345678901234567890,55" is ' in err
    assert "below one trillion" in err, err
    largest = "999999999999,99"
    folder = _copy(example, tmp_path / "b", "angebote.csv", ";0;25;", f";{largest};25;")
    code, _, err = run_cli(
        capsys, "directory", folder, "--output", tmp_path / "site", "--lang", "de"
    )
    assert code == 0, err
    page = (tmp_path / "site" / "de" / "akteure" / "vhs-coesfeld.html").read_text("utf-8")
    assert "999.999.999.999,99" in page
    code, out, err = run_cli(capsys, "diff", example, folder)
    assert code == 0, err
    assert "Kosten: 0 → 999.999.999.999,99" in out


def _extreme(example: Path, tmp_path: Path, value: str) -> Path:
    folder = _copy(example, tmp_path, "konzept.yaml", 'value: "14"', f'value: "{value}"')
    text = (folder / "konzept.yaml").read_text("utf-8").replace('value: "70"', f'value: "{value}"')
    (folder / "konzept.yaml").write_text(text, "utf-8")
    return folder


@pytest.mark.parametrize("value", ["1e-30", "999999999999999.999", "-999999999999999"])
def test_extreme_indicator_values_give_a_report(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # a relative change or an attainment of more than 28 digits failed to round, and a
    # value beyond 10^308 made the chart's float infinite (exit code 70 each)
    folder = _extreme(example, tmp_path, value)
    for output in ("r.html", "r.docx"):
        code, _, err = run_cli(
            capsys, "report", folder, "--period", "2026", "--output", tmp_path / output
        )
        assert code == 0, err
        assert (tmp_path / output).stat().st_size > 0


@pytest.mark.parametrize(
    "value", ["1000000000000000", "99999999999999999999999999999999", "1e4299"]
)
def test_indicator_values_of_10_to_the_15_or_more_are_refused_with_their_place(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """An observation or a target of 10^15 or more is a slip (1e400 in JSON is
    infinity), refused with file, line and field, no longer printed in the report."""
    folder = _extreme(example, tmp_path, value)
    code, _, err = run_cli(
        capsys, "report", folder, "--period", "2026", "--output", tmp_path / "r.html"
    )
    assert code == 2
    assert "konzept.yaml, row " in err  # the module runs in English
    assert "targets[0].value: expected a number below 10^15 in magnitude" in err
    assert not (tmp_path / "r.html").exists()


def test_attainment_and_change_round_numbers_of_any_size() -> None:
    from kommunale_integration._engine.derived import attainment

    reached = attainment(Decimal("1e40"), Decimal("1e-10"))
    assert reached == Decimal("1e52")
    assert reached is not None
    assert reached.as_tuple().exponent == -1
    assert attainment(Decimal(7), Decimal(10)) == Decimal("70.0")


# --------------------------------------------------------------------------- hostile workbooks

openpyxl = pytest.importorskip("openpyxl")


@contextlib.contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: the hostile workbooks below read for hours when broken."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _workbook(rows: list[list[object]], patch: Callable[[bytes], bytes] | None = None) -> bytes:
    """An XLSX workbook of *rows*, its worksheet XML changed by *patch*."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if patch is None:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["xl/worksheets/sheet1.xml"] = patch(members["xl/worksheets/sheet1.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


ACTORS = [["ID", "Name"], ["drk", "DRK Coesfeld"]]


def _read_actors(data: bytes) -> tuple[ki.Actor, ...] | list[ki.Finding]:
    try:
        return ki.read_table(io.BytesIO(data), "actors", name="akteure.xlsx")
    except ki.LoadError as error:
        return list(error.findings)


def test_one_cell_in_the_last_row_and_column_is_found_there() -> None:
    # openpyxl padded every row to the 16,384 columns of that cell and yielded a million
    # padded rows before it (17 billion cells): a 6 kB workbook read for hours
    book = openpyxl.Workbook()
    for row in ACTORS:
        book.active.append(row)
    book.active.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    with _within(60):
        findings = _read_actors(buffer.getvalue())
    assert isinstance(findings, list)
    assert [(f.code, f.location.row) for f in findings if f.severity is ki.Severity.ERROR] == [
        ("missing-value", 1_048_576)
    ]


def test_a_row_beyond_the_last_row_of_a_worksheet_is_an_error() -> None:
    data = _workbook(ACTORS, lambda xml: xml.replace(b'<row r="2"', b'<row r="99999999999"', 1))
    with _within(60):
        findings = _read_actors(data)
    assert isinstance(findings, list)
    (finding,) = findings
    assert finding.code == "too-many-rows"
    assert finding.location.row == 1_048_577
    assert "beyond the last row of an Excel worksheet" in finding.message


def test_a_workbook_that_breaks_while_its_rows_are_read_is_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # openpyxl opens the workbook and fails only when the sheet is parsed: territories
    # update read sheets without catching that (exit code 70)
    data = _workbook(ACTORS, lambda xml: xml[: len(xml) // 2])
    findings = _read_actors(data)
    assert isinstance(findings, list)
    assert [f.code for f in findings] == ["unreadable-file"]
    source = tmp_path / "gv.xlsx"
    source.write_bytes(data)
    code, _, err = run_cli(
        capsys, "territories", "update", source, "--output", tmp_path / "gv.tsv",
        "--gebietsstand", "2024-12-31",
    )  # fmt: skip
    assert code == 2, err
    assert "gv.xlsx: file is not a readable XLSX workbook (“ParseError" in err
    assert not (tmp_path / "gv.tsv").exists()


def test_a_truncated_workbook_is_called_so() -> None:
    data = _workbook(ACTORS)
    findings = _read_actors(data[: len(data) // 2])
    assert isinstance(findings, list)
    (finding,) = findings
    assert finding.code == "truncated-file"
    assert "ZIP archive" in finding.message
    assert "quote" not in finding.message


# --------------------------------------------------------------------------- special outputs


def test_a_named_pipe_as_output_is_written_into_not_replaced(tmp_path: Path) -> None:
    # the file was renamed over the pipe: the program reading it waited for ever, and the
    # pipe (not the library's) was gone
    pipe = tmp_path / "bericht.html"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert atomic_write(pipe, "<p>Bericht</p>") == pipe
    reader.join(30)
    assert received == [b"<p>Bericht</p>"]
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bericht.html"]  # no temporary


def test_a_link_to_a_character_device_is_written_through(tmp_path: Path) -> None:
    # --output /dev/stdout (a link to /proc/self/fd/1): as root the rename replaced
    # /dev/stdout itself with a regular file
    link = tmp_path / "stdout.md"
    link.symlink_to("/dev/null")
    atomic_write(link, "# Bericht\n")
    assert os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stdout.md"]


def test_a_link_to_a_file_is_kept_and_the_file_replaced(tmp_path: Path) -> None:
    # ``--output /dev/stdout > kennzahlen.csv``: /dev/stdout leads through
    # /proc/self/fd/1 to the file; the link was replaced, the file stayed empty
    redirected = tmp_path / "kennzahlen.csv"
    with redirected.open("wb") as shell_redirect:
        stdout = tmp_path / "stdout"
        stdout.symlink_to(f"/proc/self/fd/{shell_redirect.fileno()}")
        atomic_write(stdout, "a;b\n")
        assert stdout.is_symlink()
    assert redirected.read_text() == "a;b\n"
    published = tmp_path / "www" / "bericht.html"
    published.parent.mkdir()
    published.write_text("alt")
    link = tmp_path / "bericht.html"
    link.symlink_to(published)
    atomic_write(link, "neu")
    assert os.readlink(link) == str(published)
    assert published.read_text() == "neu"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bericht.html",
        "kennzahlen.csv",
        "stdout",
        "www",
    ]
    assert sorted(p.name for p in published.parent.iterdir()) == ["bericht.html"]


@pytest.mark.parametrize("points_to", ["nirgends/bericht.html", "schleife"])
def test_a_link_that_leads_nowhere_is_refused(tmp_path: Path, points_to: str) -> None:
    link = tmp_path / "schleife"
    link.symlink_to(tmp_path / points_to)
    with pytest.raises(ki.OutputError, match="leads to no file; nothing was written"):
        atomic_write(link, "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schleife"]
    assert os.readlink(link) == str(tmp_path / points_to)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_devices_are_written_into_or_refused_never_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    atomic_write(null, b"x" * 1000)
    assert stat.S_ISCHR(null.lstat().st_mode)
    disk = tmp_path / "disk"
    os.mknod(disk, 0o600 | stat.S_IFBLK, os.makedev(7, 250))
    with pytest.raises(ki.OutputError, match="is a device or a socket"):
        atomic_write(disk, b"x")
    assert stat.S_ISBLK(disk.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk", "null"]


def test_a_socket_as_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.html"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        code, _, err = run_cli(capsys, "schema", "Actor", "--output", path)
    finally:
        server.close()
    assert code == 2
    assert "is a device or a socket, not a file; nothing was written" in err
    assert stat.S_ISSOCK(path.lstat().st_mode)


# --------------------------------------------------------------------------- direction controls


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("DRK\u202eCoesfeld", "U+202E"),  # right-to-left override left open
        ("DRK\u202dCoesfeld", "U+202D"),
        ("Kurs \u2067A1\u2069 und \u2066B1", "U+2066"),  # the second isolate left open
        ("Kurs\u202c", "U+202C"),  # a closer that closes nothing
        ("\u2066Kurs\u202c", "U+202C"),  # an isolate closed as an embedding
        ("مشاوره \u202bزبان\u202c", None),  # closed pairs stay
        ("\u2067تیگرینیا\u2069 Kurs", None),
        ("\u200fمشاوره\u200e", None),  # marks have no scope to leave open
    ],
)
def test_a_direction_control_left_open_is_refused_where_it_is_read(
    example: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    refused: str | None,
) -> None:
    folder = _copy(example, tmp_path, "akteure.csv", ";DRK Coesfeld;", f";{name};")
    code, out, err = run_cli(capsys, "validate", folder)
    if refused is None:
        assert code == 0, err + out
        assert ki.load_concept(folder).actor("drk-coesfeld").name == name
        return
    assert code == 2
    assert (
        f'akteure.csv, row 3, column "Name": the text holds the character {refused}, which '
        "turns the text after it around wherever it is shown, and does not close it" in err
    )
    assert not _DIRECTION_CONTROLS & set(out + err)
    yaml = f'id: k\ntitle: "{name}"\nterritory: "05558"\n'
    with pytest.raises(
        ki.LoadError, match=re.escape(f"title: the text holds the character {refused}")
    ):
        ki.loads_yaml(yaml, ki.Concept, file="k.yaml")


_DIRECTION_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --------------------------------------------------------------------------- messages


def test_a_failed_load_prints_each_finding_behind_its_own_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # every finding of a failed load was printed as "error:": an organisation without a
    # name gave 90 "errors" about values kept as extras, the one real error last
    unmapped = {f"custom_{n}": f"value {n}" for n in range(12)}
    document = {
        "id": "d9d5e0f5",
        "name": "",
        "description": "Beratung",
        "email": "info@example.org",
        "website": "https://example.org",
        "tax_status": "gemeinnützig",
        **unmapped,
    }
    source = tmp_path / "organisation.json"
    source.write_text(json.dumps(document), "utf-8")
    code, _, err = run_cli(capsys, "import", "hsds", source, "--output", tmp_path / "k.yaml")
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("error: ")
    assert lines[0].endswith("has no name")
    assert [line for line in lines if line.startswith("error: ")] == lines[:1]
    notes = [line for line in lines if "has no place in the model" in line]
    assert len(notes) >= 12
    assert all(line.startswith("notice: ") for line in notes)
    assert not (tmp_path / "k.yaml").exists()


def test_a_cell_that_cannot_be_written_names_its_file(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "row 3, column 'Name': 'Д' cannot be written" named no file of the folder
    folder = _copy(example, tmp_path, "akteure.csv", ";DRK Coesfeld;", ";ДРК Coesfeld;")
    target = tmp_path / "ausgabe"
    code, _, err = run_cli(capsys, "convert", folder, target, "--encoding", "cp1252")
    assert code == 2
    assert "error: akteure.csv, row 3, column 'Name': 'Д' cannot be written in Windows-1252" in err
    assert not target.exists()
    actors = ki.load_concept(folder).actors
    with pytest.raises(ki.OutputError, match=r"^.*akteure-1252\.csv, row 3, column 'Name'"):
        ki.write_table(actors, tmp_path / "akteure-1252.csv", "actors", encoding="cp1252")


def test_two_broken_concepts_are_reported_together_each_file_with_its_folder(
    example: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # diff showed only the first concept's problems, as "akteure.csv, row 9" of either
    old = tmp_path / "alt"
    shutil.copytree(example, old)
    with (old / "akteure.csv").open("a", encoding="utf-8") as table:
        table.write('x;"nicht geschlossen\n')
    new = tmp_path / "neu"
    shutil.copytree(example, new)
    (new / "konzept.yaml").write_text("id: [\n", "utf-8")
    code, out, err = run_cli(capsys, "diff", old, new)
    assert code == 2
    assert out == ""
    assert f"error: {old / 'akteure.csv'}, row 9: file ends in the middle of a value" in err
    assert f"error: {new / 'konzept.yaml'}, row 2: invalid YAML" in err
    code, _, err = run_cli(
        capsys, "report", example, "--period", "2026", "--previous", new,
        "--output", tmp_path / "r.html",
    )  # fmt: skip
    assert code == 2
    assert err.startswith(f"error: {new / 'konzept.yaml'}, row 2: invalid YAML")
    assert not (tmp_path / "r.html").exists()


# --------------------------------------------------------------------------- formula injection


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "＝1", "normal"]


def _formula_start(cell: str) -> bool:
    # written apart from the library's guard: what Excel or LibreOffice would run
    return cell.lstrip(" \u00a0")[:1] in {"=", "+", "-", "@", "＝", "＋", "－", "＠"} or cell[
        :1
    ] in {"\t", "\r"}


def test_the_audit_of_disclosure_control_guards_against_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # values of a breakdown column of the case export reached the audit CSV as written
    with (EXAMPLE / "cases.csv").open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    cases = tmp_path / "cases.csv"
    with cases.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow([*rows[0], "gruppe"])
        for n, row in enumerate(rows[1:]):
            writer.writerow([*row, FORMULAS[n % len(FORMULAS)]])
    audit = tmp_path / "audit-intern.csv"
    code, _, err = run_cli(
        capsys, "indicators", "--period", "2026", "--only", "--cases", cases,
        "--events", EXAMPLE / "events.csv", "--by", "gruppe", "--output",
        tmp_path / "k.csv", "--audit", audit, "--workers", "1",
    )  # fmt: skip
    assert code == 0, err
    for written in (audit, tmp_path / "k.csv"):  # the table last
        with written.open(encoding="utf-8", newline="") as table:
            cells = [cell for row in csv.reader(table) for cell in row]
        assert not [cell for cell in cells if _formula_start(cell)], written.name
        groups = {unneutralise(cell) for cell in cells} & set(FORMULAS)
        assert groups - {"normal"}, written.name  # formula-like groups are there, as they were
    assert groups == set(FORMULAS)  # the table has every group


# --------------------------------------------------------------------------- territories update

GV_HEADER = (
    "satzart,textkennzeichen,land,rb,kreis,vb,gemeinde,gemeindename,flaeche,bevoelkerung,"
    "maennlich,weiblich,jekm2,postleitzahl,laengengrad,breitengrad,schluessel,bezeichnung,"
    "verstaedterungschluessel,verstaedterungbezeichnung"
)
GV_ROWS = [
    "10,,05,,,,,Nordrhein-Westfalen,,,,,,,,,,,,",
    "20,,05,5,,,,Reg.-Bez. Münster,,,,,,,,,,,,",
    "40,43,05,5,66,,,Steinfurt,,,,,,,,,,,,",
    "60,64,05,5,66,0096,096,Wettringen, 57.69, 8 261, 4 129, 4 132,  143,48493,,,,,,",
]


@pytest.mark.parametrize(
    ("old", "new", "column", "problem"),
    [
        # a tab or a line break made update write a catalogue it could not read back
        ("Wettringen", "Wett\tringen", "gemeindename", "a tab or a line break"),
        ("Wettringen", '"Wett\nringen"', "gemeindename", "a tab or a line break"),
        # these made init write a konzept.yaml that does not load
        ("Wettringen", "Wett\x00ringen", "gemeindename", "U+0000"),
        ("Wettringen", "Wett\u202eringen", "gemeindename", "U+202E"),
        (" 8 261", " -8261", "bevoelkerung", "must not be negative"),
        (" 57.69", " -57.69", "flaeche", "must not be negative"),
    ],
)
def test_territories_update_refuses_what_its_catalogue_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, column: str,
    problem: str,
) -> None:  # fmt: skip
    source = tmp_path / "gv.csv"
    rows = [*GV_ROWS[:3], GV_ROWS[3].replace(old, new)]
    source.write_text(GV_HEADER + "\n" + "\n".join(rows) + "\n", "utf-8")
    output = tmp_path / "gv.tsv"
    args = ["territories", "update", source, "--output", output, "--gebietsstand", "2024-12-31"]
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    assert f'gv.csv, row 5, column "{column}": ' in err
    assert problem in err
    assert not output.exists()
    source.write_text(GV_HEADER + "\n" + "\n".join(GV_ROWS) + "\n", "utf-8")
    assert run_cli(capsys, *args)[0] == 0
    assert (
        run_cli(capsys, "init", tmp_path / "k", "--ags", "05566096", "--catalogue", output)[0] == 0
    )


def test_a_folder_in_the_way_is_refused_without_walking_all_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "--output /" walked a million files (24 s) only to count them in the message
    home = tmp_path / "home"
    for n in range(200):
        (home / f"ordner-{n:03}").mkdir(parents=True)
        (home / f"ordner-{n:03}" / "notizen.txt").write_text("meins")
    visited: list[str] = []
    walk = os.walk

    def counting(
        top: str, *args: object, **kwargs: object
    ) -> Iterator[tuple[str, list[str], list[str]]]:
        for entry in walk(top, *args, **kwargs):  # type: ignore[arg-type]
            visited.append(entry[0])
            yield entry

    monkeypatch.setattr(os, "walk", counting)
    for own in (None, {"konzept.yaml"}):
        visited.clear()
        with pytest.raises(ki.OutputError, match=r"\(ordner-\d+/notizen\.txt, .* and more\)"):
            check_replaceable(home, "directory", own_files=own)
        assert len(visited) <= 10  # of 201 folders
    assert sorted(p.name for p in home.iterdir())[:2] == ["ordner-000", "ordner-001"]


# --------------------------------------------------------------------------- resources


def test_a_period_too_long_to_split_is_an_error_not_a_hang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0001-01-01/9999-12-31 asked for 120,000 quarters and months: MemoryError (381 GB,
    # exit code 70); a century ran for more than five minutes
    cases = ["--cases", EXAMPLE / "cases.csv", "--events", EXAMPLE / "events.csv"]
    for period, months in (("0001-01-01/9999-12-31", "119988"), ("2024-01-01/2027-01-31", "37")):
        code, out, err = run_cli(capsys, "indicators", "--period", period, *cases)
        assert code == 2
        assert out == ""
        assert f"error: {period} spans {months} months; quarters and months are computed" in err
    code, out, _ = run_cli(capsys, "indicators", "--period", "2024-01-01/2026-12-31", *cases)
    assert code == 0
    assert ",2026-12," in out  # 36 months: split, up to the last month
    code, out, _ = run_cli(
        capsys, "indicators", "--period", "0001-01-01/9999-12-31", "--only", *cases
    )
    assert code == 0


def test_running_out_of_memory_is_exit_code_2_with_a_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from kommunale_integration._commands import schema

    def exhausted(args: object) -> int:
        raise MemoryError("Unable to allocate 381. GiB")

    monkeypatch.setattr(schema, "run", exhausted)
    code, _, err = run_cli(capsys, "schema", "Actor")
    assert code == 2
    assert err.startswith("error: not enough memory for this run; nothing was written")
    assert "internal error" not in err


def test_an_hsds_zip_archive_is_named_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # it was read as JSON: "invalid JSON: a value is missing (column 1)"
    archive = tmp_path / "hsds.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("organizations.json", "[]")
    code, _, err = run_cli(capsys, "import", "hsds", archive, "--output", tmp_path / "k.yaml")
    assert code == 2
    assert "it is a ZIP archive: unpack it and give the folder" in err
    assert "invalid JSON" not in err


# --------------------------------------------------------------------------- ninth session


@pytest.mark.parametrize(
    ("make", "value"),
    [
        (lambda v: ki.Actor(id=v, name="A"), "drk"),
        (lambda v: ki.Contact(role="Beratung", email=v), "a@b.de"),
        (lambda v: ki.Actor(id="a", name="A", web=v), "https://example.org"),
        (lambda v: ki.Contact(role="Beratung", phone=v), "+49 2541 12345"),
        (lambda v: ki.Venue(postal_code=v), "48653"),
    ],
)
def test_a_value_with_a_line_break_at_its_end_is_refused(
    make: Callable[[str], object], value: str
) -> None:
    # the patterns end in "$", which also matches before a final line break: an id
    # "drk\n" (a YAML string or a quoted CSV cell) was accepted, and became a file name
    make(value)
    for bad in (value + "\n", value + "\r\n", "\n" + value):
        with pytest.raises(ki.InvalidValueError):
            make(bad)


def test_the_identifier_rule_refuses_a_final_line_break() -> None:
    from kommunale_integration._parse import is_slug

    assert is_slug("drk-coesfeld")
    assert not is_slug("drk-coesfeld\n")


@pytest.mark.parametrize(
    "address",
    [
        "a@b.de?cc=x%40evil.example",  # adds a recipient to the mailto: link
        "a@b.de?subject=Hallo&body=x.de",
        "a@b.de#x.de",
        "a,c%40evil.example@b.de",  # two recipients
        "a;c@b.de",
        "a%0D%0ABcc:x@b.de",  # a header through an encoded line break
        "a/b@c.de",
        "a@b..de",
        "a@-b.de",
        "a@b-.de",
        "a b@c.de",
        "a@b.d",
    ],
)
def test_an_email_address_cannot_carry_a_mailto_header(address: str) -> None:
    with pytest.raises(ki.InvalidValueError, match="e-mail"):
        ki.Contact(role="Beratung", email=address)


@pytest.mark.parametrize(
    "address",
    [
        "a@b.de",
        "müller@straße.de",
        "o'brien@example.org",
        "a+b.c_d-e@x.example.org",
        "A1@B2.DE",
        "team9@verein1999.de",
    ],
)
def test_ordinary_email_addresses_stay_accepted(address: str) -> None:
    assert ki.Contact(role="Beratung", email=address).email == address


def test_output_files_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    from kommunale_integration._io import atomic_directory

    def build() -> None:
        with atomic_directory(tmp_path / "site", writer="t") as new:
            (new / "a").mkdir()
            (new / "a" / "x.html").write_text("1", encoding="utf-8")
            (new / "a" / "X.html").write_text("2", encoding="utf-8")

    with pytest.raises(ki.OutputError, match=r"a/X\.html and a/x\.html differ only in upper"):
        build()
    assert list(tmp_path.iterdir()) == []
    with atomic_directory(tmp_path / "site", writer="t") as new:  # different names pass
        (new / "x.html").write_text("1", encoding="utf-8")
        (new / "x-2.html").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        ".kommunale-integration-output", "x-2.html", "x.html"
    ]  # fmt: skip


@pytest.mark.parametrize("command", ["directory", "calendar"])
def test_actor_and_offer_ids_differing_only_in_case_are_refused_before_publishing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # a Wegweiser with the actors "drk" and "DRK" (and their offers) was written as two
    # pages each; copied to a Windows share or a Mac, one page replaced the other
    offers = tuple(
        ki.Offer(id=i, name=f"Kurs {i}", actor=a, schedule="FREQ=WEEKLY;BYDAY=MO")
        for i, a in (("kurs", "drk"), ("KURS", "DRK"))
    )
    concept = ki.Concept(
        id="k", title="K", territory="05558",
        actors=(ki.Actor(id="drk", name="A"), ki.Actor(id="DRK", name="B")), offers=offers,
    )  # fmt: skip
    source = tmp_path / "k.yaml"
    source.write_text(ki.dumps_yaml(concept), encoding="utf-8")
    code, _, err = run_cli(capsys, "--lang", "en", command, source, "--output", tmp_path / "out")
    assert code == 2, err
    assert "differ only in upper and lower case" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.yaml"]


@pytest.mark.parametrize("folder", [True, False])
def test_a_full_disk_names_the_output_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: bool
) -> None:
    # os.write on a full disk raises ENOSPC without a file name: the command said only
    # "no space left on the device"; a temporary's name would name a file that is gone
    import errno

    from kommunale_integration import _io
    from kommunale_integration._errors import os_error_text

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / ("site" if folder else "b.html")
    monkeypatch.setattr(_io, "_sync_tree" if folder else "_rename", full)

    def write() -> None:
        if folder:
            with _io.atomic_directory(target, writer="t") as new:
                (new / "a.html").write_text("x", encoding="utf-8")
        else:
            _io.atomic_write(target, "x")

    with pytest.raises(OSError, match="No space left") as caught:
        write()
    assert caught.value.filename == str(target)
    assert os_error_text(caught.value).endswith(f"({target})")
    assert list(tmp_path.iterdir()) == []


def test_a_threshold_too_large_for_a_count_is_an_error_not_a_crash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --threshold 99999999999999999999 ended with exit 70 (OverflowError in the engine)
    from kommunale_integration._engine.disclosure import DisclosureControl
    from kommunale_integration._validators import MAX_THRESHOLD

    stadt = EXAMPLE
    code, _, err = run_cli(
        capsys, "--lang", "en", "indicators", "--period", "2025", "--only", "--workers", "1",
        "--cases", stadt / "cases.csv", "--events", stadt / "events.csv",
        "--threshold", "99999999999999999999",
    )  # fmt: skip
    assert code == 2, err
    assert "threshold: expected a whole number from 0 to 2147483647" in err
    for make in (
        lambda t: ki.Confidentiality(threshold=t),
        lambda t: DisclosureControl(threshold=t),
        lambda t: DisclosureControl(margin=t),
    ):
        make(MAX_THRESHOLD)
        make(0)
        for bad in (MAX_THRESHOLD + 1, -1, 10**20, True, 2.0):
            with pytest.raises(ki.InvalidValueError):
                make(bad)


@pytest.mark.parametrize(
    ("command", "collection", "name"),
    [
        ("directory", "actors", "akteure/drk.html"),
        ("calendar", "offers", "angebot-kurs.ics"),
        ("calendar", "networks", "netzwerk-runder-tisch.ics"),
    ],
)
def test_an_id_given_twice_is_refused_instead_of_one_file_for_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, collection: str, name: str
) -> None:
    # two actors "drk" gave one Wegweiser page (the second replaced the first), exit 0
    from datetime import date

    import attrs

    weekly = ki.MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=MO", dtstart=date(2026, 1, 5))
    concept = ki.Concept(
        id="k", title="K", territory="05558",
        actors=(ki.Actor(id="drk", name="DRK"), ki.Actor(id="vhs", name="VHS")),
        offers=(ki.Offer(id="kurs", name="Kurs", actor="drk", schedule=weekly.rrule),),
        networks=(ki.Network(id="runder-tisch", name="Runder Tisch", schedule=weekly),),
    )  # fmt: skip
    items = getattr(concept, collection)
    concept = concept.evolve(**{collection: (*items, attrs.evolve(items[0], name="Zweite"))})
    source = tmp_path / "k.yaml"
    source.write_text(ki.dumps_yaml(concept), encoding="utf-8")
    code, _, err = run_cli(capsys, "--lang", "en", command, source, "--output", tmp_path / "out")
    assert code == 2, err
    assert f"two files would be named {name}" in err.replace("kalender/", "")
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.yaml"]


@pytest.mark.parametrize("collection", ["actors", "offers"])
def test_an_id_given_twice_is_refused_by_the_hsds_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], collection: str
) -> None:
    # two offers "kurs" were exported as one HSDS service (the second), with exit 0
    import attrs

    concept = ki.Concept(
        id="k", title="K", territory="05558",
        actors=(ki.Actor(id="drk", name="DRK"),),
        offers=(ki.Offer(id="kurs", name="Kurs", actor="drk"),),
    )  # fmt: skip
    items = getattr(concept, collection)
    concept = concept.evolve(**{collection: (*items, attrs.evolve(items[0], name="Zweite"))})
    source = tmp_path / "k.yaml"
    source.write_text(ki.dumps_yaml(concept), encoding="utf-8")
    code, _, err = run_cli(
        capsys, "--lang", "en", "export", "hsds", source, "--output", tmp_path / "out"
    )
    assert code == 2, err
    assert f"{collection}[1] has the id" in err
    assert f"of {collection}[0]: HSDS would get one record for both" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.yaml"]


# --------------------------------------------------------------------------- eleventh session


@pytest.mark.parametrize(
    "argv",
    [
        # the solver of disclosure control flushed sys.stdout, which is None: exit 70
        ["indicators", "--period", "2025", "--only", "--cases", str(EXAMPLE / "cases.csv"),
         "--events", str(EXAMPLE / "events.csv"), "--workers", "1", "--output", "-"],
        ["report", str(EXAMPLE), "--period", "2025", "--output", "-"],
        ["report", str(EXAMPLE), "--period", "2025", "--format", "docx", "--output", "-"],
    ],
)  # fmt: skip
def test_a_closed_standard_output_is_a_sentence_not_an_internal_error(argv: list[str]) -> None:
    """``… --output - >&-``: the command starts without a standard output (sys.stdout is
    None, descriptor 1 closed). It ends with exit code 2 and a sentence, not exit code 70;
    nothing is lost in silence."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "kommunale_integration", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "LANGUAGE": "en"},
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 2, done.stderr
    assert "no standard output to write to" in done.stderr
    assert "internal" not in done.stderr.lower()


def test_a_data_package_cannot_go_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--datapackage -`` made a folder named "-" beside the CSV on standard output."""
    monkeypatch.chdir(tmp_path)
    argv = ["indicators", "--period", "2025", "--only", "--cases", str(EXAMPLE / "cases.csv"),
            "--events", str(EXAMPLE / "events.csv"), "--datapackage", "-"]  # fmt: skip
    with pytest.raises(SystemExit) as stopped:  # refused by the argument parser
        run_cli(capsys, *argv)
    assert stopped.value.code == 2
    assert "cannot go to standard output" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["report", str(EXAMPLE), "--period", "2025", "--output", ""],
        ["report", str(EXAMPLE), "--period", "2025", "--output", " "],
        ["directory", str(EXAMPLE), "--output", ""],
        ["export", "hsds", str(EXAMPLE), "--output", ""],
    ],
)
def test_an_empty_output_is_refused_not_taken_as_stdout_or_this_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    """``--output "$OUT"`` with OUT unset printed the report to standard output, and
    for a folder meant the working folder ("device or resource busy")."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:  # refused by the argument parser
        run_cli(capsys, *argv)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert "the name is empty" in captured.err
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- thirteenth session


@pytest.mark.skipif(not hasattr(os, "pipe") or os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["territories", "show", "05566"], 141, ""),
        (["territories", "find", "Neustadt"], 141, ""),
        (["report", str(EXAMPLE), "--period", "2025", "--output", "-"], 141, ""),
        # an error is still said: nothing was written to the closed pipe
        (["territories", "show", "05566999"], 2, "the AGS '05566999' does not exist"),
    ],
)
def test_output_into_a_pipe_nobody_reads_ends_silently(
    argv: list[str], code: int, said: str
) -> None:
    """``territories show 05566 | head -3`` ended with "Fehler: Fehler des Betriebssystems:
    „Broken pipe“" and exit code 2 (found by a newcomer from Bremerhaven): a program
    whose reader stops reading ends silently, with the exit code of a command killed by
    SIGPIPE (141), and Python prints no traceback at exit either."""
    import subprocess
    import sys

    reading, writing = os.pipe()
    os.close(reading)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kommunale_integration", *argv],
            stdout=writing,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=300,
            env={**os.environ, "LANGUAGE": "en"},
        )
    finally:
        os.close(writing)
    assert done.returncode == code, done.stderr
    assert said in done.stderr
    if not said:
        assert done.stderr == ""
