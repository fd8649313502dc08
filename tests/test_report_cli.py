"""The ``report`` sub-command."""

from __future__ import annotations

from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main
from test_report_data import sample_concept

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def concept_file(tmp_path: Path) -> Path:
    path = tmp_path / "konzept.yaml"
    path.write_text(ki.dumps_yaml(sample_concept()), encoding="utf-8")
    return path


def test_report_html_to_file(concept_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "bericht.html"
    assert main(["report", str(concept_file), "--period", "2025", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld" in html


@pytest.mark.parametrize(("lang", "said"), [("de", "geschrieben"), ("en", "written")])
def test_report_to_a_file_says_where_on_stderr(
    concept_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """A user who gave --output learns what was written: one line on stderr, in the
    language of the messages; stdout stays empty (it carries the report without --output)."""
    out = tmp_path / "bericht.docx"
    args = ["report", str(concept_file), "--period", "2025", "--lang", lang, "--output", str(out)]
    assert main(args) == 0
    stdout, stderr = capsys.readouterr()
    assert (stdout, stderr) == ("", f"{said}: {out}\n")


def test_report_markdown_to_stdout_in_english(
    concept_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", str(concept_file), "--period", "2025", "--format", "md", "--lang", "en"])
    assert code == 0
    assert capsys.readouterr().out.startswith("# Annual report 2025 on the")


def test_report_docx_to_file(concept_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bericht.docx"
    args = ["report", str(concept_file), "--period", "2025", "--format", "docx"]
    assert main([*args, "--output", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"


def test_no_suppression_marks_report_internal(
    concept_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", str(concept_file), "--period", "2025", "--format", "md", "--no-suppression"]
    assert main(args) == 0
    assert "INTERN – nicht zur Veröffentlichung" in capsys.readouterr().out


def test_refuses_to_overwrite_the_input(
    concept_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = concept_file.read_bytes()
    code = main(["report", str(concept_file), "--period", "2025", "--output", str(concept_file)])
    assert code == 2
    assert "refusing to overwrite the input" in capsys.readouterr().err
    assert concept_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "20x5"], "invalid report period"),
        (["--period", "2025", "--cases", "c.csv"], "--cases and --events belong together"),
        (["--period", "2025", "--templates", "/nonexistent-templates"], "does not exist"),
    ],
)
def test_bad_usage_gives_one_sentence_and_exit_2(
    concept_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["report", str(concept_file), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_missing_concept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "fehlt.yaml"), "--period", "2025"]) == 2
    err = capsys.readouterr().err
    assert "fehlt.yaml" in err
    assert "Traceback" not in err


def test_vorlage_number_and_subject(concept_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(concept_file), "--period", "2025", "--format", "md"]
    assert main([*args, "--document-number", "SV-10-0123", "--subject", "Bericht KI"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Bericht KI\n")
    assert "| Drucksache | SV-10-0123 |" in out


def test_report_meeting_date(concept_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(concept_file), "--period", "2025", "--format", "md"]
    assert main([*args, "--meeting-date", "18.03.2026"]) == 0
    assert "| Sitzung | 18.03.2026 |" in capsys.readouterr().out
    assert main([*args, "--meeting-date", "31.02.2026"]) == 2
    err = capsys.readouterr().err
    assert "--meeting-date" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "start"),
    [("bericht.docx", b"PK\x03\x04"), ("bericht.md", b"# Jahresbericht"), ("b.htm", b"<!DOCTYPE")],
)
def test_output_suffix_chooses_the_format(
    concept_file: Path, tmp_path: Path, name: str, start: bytes
) -> None:
    """``--output bericht.docx`` without ``--format`` writes a DOCX (the README's command),
    not HTML under a .docx name."""
    out = tmp_path / name
    assert main(["report", str(concept_file), "--period", "2025", "--output", str(out)]) == 0
    assert out.read_bytes().startswith(start)


def test_unknown_suffix_keeps_the_default_format(concept_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "bericht.out"
    assert main(["report", str(concept_file), "--period", "2025", "--output", str(out)]) == 0
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")


def test_format_contradicting_the_suffix_is_refused(
    concept_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bericht.docx"
    argv = ["report", str(concept_file), "--period", "2025", "--output", str(out)]
    assert main([*argv, "--format", "html"]) == 2
    err = capsys.readouterr().err
    assert "--format html does not fit the file name" in err
    assert ".docx" in err
    assert not out.exists()
    assert main([*argv, "--format", "docx"]) == 0  # a matching --format is fine
    assert out.read_bytes().startswith(b"PK\x03\x04")


@pytest.mark.parametrize("name", ["bericht.pdf", "bericht.odt", "bericht.csv", "bericht.xls"])
@pytest.mark.parametrize("given", [None, "html"])
def test_a_suffix_of_a_format_the_command_cannot_write_is_refused(
    concept_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    given: str | None,
) -> None:
    """``--output bericht.pdf`` wrote the HTML report into a file named .pdf that no PDF
    reader opens (found by a council member's officer); a file name of a format the
    command does not write is refused, and a PDF is explained."""
    out = tmp_path / name
    argv = ["report", str(concept_file), "--period", "2025", "--output", str(out)]
    assert main([*argv, *(["--format", given] if given else [])]) == 2
    err = capsys.readouterr().err
    assert f"this command does not write {out.suffix} files, it writes .html, .md, .docx" in err
    assert ("print it as PDF" in err) == (out.suffix == ".pdf")
    assert list(tmp_path.iterdir()) == [concept_file]  # nothing written


def test_indicators_to_a_pdf_is_refused_without_the_reports_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = ki.example_path("kreis_coesfeld")
    out = tmp_path / "kennzahlen.pdf"
    argv = ["indicators", "--period", "2025", "--cases", str(example / "cases.csv"),
            "--events", str(example / "events.csv"), "--output", str(out)]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "does not write .pdf files, it writes .csv, .json, .xlsx" in err
    assert "print it as PDF" not in err
    assert not out.exists()
