"""Words the library did not write: argparse, the parsers of YAML, JSON, TOML and CSV,
the operating system, other libraries' log lines, Python's own exceptions.

A German run shows them translated (the texts users meet most) or only as a quoted
detail of a German sentence; English exceptions of the Python API are programmer errors
that the command line never lets through (see ``docs/api.rst``, "Language of messages").
"""

from __future__ import annotations

import argparse
import ast
import errno
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import kommunale_integration as ki
from helpers import set_locale
from kommunale_integration import _cli, _i18n, _text
from kommunale_integration._cli import main
from kommunale_integration._errors import LoadError, foreign_text, os_error_text
from kommunale_integration._i18n import using_language

SRC = Path(__file__).resolve().parents[1] / "src" / "kommunale_integration"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kreis_coesfeld"


def _both(make: Callable[[], str]) -> tuple[str, str]:
    with _i18n.using_language("de"):
        german = make()
    with _i18n.using_language("en"):
        english = make()
    return german, english


# --------------------------------------------------------------------------- parsers


def _load_error(parse: Callable[[], object]) -> str:
    with pytest.raises(LoadError) as info:
        parse()
    return info.value.findings[0].message


PARSER_TEXTS = {
    "YAML unclosed list": lambda: _text.parse_yaml("a: [1, 2\n"),
    "YAML tab": lambda: _text.parse_yaml("id: x\n\ttitle: T\n"),
    "YAML colon in a value": lambda: _text.parse_yaml("a: b: c\n"),
    "YAML missing key": lambda: _text.parse_yaml("a:\n  b: 1\n c: 2\n"),
    "YAML alias": lambda: _text.parse_yaml("a: *x\n"),
    "JSON trailing comma": lambda: _text.parse_json('{"a": 1,}'),
    "JSON missing comma": lambda: _text.parse_json('{"a": 1 "b": 2}'),
    "JSON missing colon": lambda: _text.parse_json('{"a" 1}'),
    "JSON missing value": lambda: _text.parse_json('{"a": }'),
    "JSON extra data": lambda: _text.parse_json('{"a": 1} x'),
    "JSON open string": lambda: _text.parse_json('{"a": "x'),
    "TOML open string": lambda: _text.parse_toml('a = "x\n'),
    "TOML no value": lambda: _text.parse_toml("a = \n"),
    "TOML key twice": lambda: _text.parse_toml("a = 1\na = 2\n"),
    "TOML no equals": lambda: _text.parse_toml("a 1\n"),
}


@pytest.mark.parametrize("parse", PARSER_TEXTS.values(), ids=PARSER_TEXTS.keys())
def test_the_parsers_common_words_are_translated(parse: Callable[[], object]) -> None:
    """The real parsers' texts are in the table: a German sentence, no English quote."""
    german, english = _both(lambda: _load_error(parse))
    assert german != english
    assert "„" not in german, german
    assert "“" not in english, english


@pytest.mark.parametrize(
    "text",
    ["a + (b", "a +", "a + b)"],
)
def test_pythons_words_about_a_formula_are_translated(text: str) -> None:
    from kommunale_integration._engine.expressions import ExpressionError, parse_expression

    def message() -> str:
        with pytest.raises(ExpressionError) as info:
            parse_expression(text)
        return str(info.value)

    german, _english = _both(message)
    assert "„" not in german, german
    assert "Formel" in german or "Klammer" in german, german


def test_a_date_that_does_not_exist_is_said_in_german() -> None:
    def message() -> str:
        with pytest.raises(ki.PeriodError) as info:
            ki.ReportPeriod.parse("2025-02-30/2025-03-31")
        return str(info.value)

    german, english = _both(message)
    assert "„" not in german
    assert "Datum" in german or "Tag" in german, german
    assert "date" in english or "day" in english, english


def test_a_text_the_table_does_not_know_is_only_a_quoted_detail() -> None:
    german, english = _both(lambda: _load_error(lambda: _text.parse_yaml("a: & x\n")))
    assert re.search(r"ungültiges YAML: „[^“]+“", german), german
    assert re.search(r"invalid YAML: “[^”]+”", english), english
    assert _both(lambda: foreign_text("something odd")) == ("„something odd“", "“something odd”")


def test_our_own_errors_pass_through_unquoted() -> None:
    error = ki.InvalidValueError("email", "must not be empty")
    german, _english = _both(lambda: foreign_text(error))
    assert german == str(error)
    assert "„" not in german


# --------------------------------------------------------------------------- the system


def test_the_common_errors_of_the_operating_system_are_translated(tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.txt"
    with pytest.raises(FileNotFoundError) as info:
        missing.open(encoding="utf-8")
    german, english = _both(lambda: os_error_text(info.value))
    assert german == f"Datei oder Ordner nicht gefunden ({missing})"
    assert english == f"no such file or folder ({missing})"
    denied = PermissionError(errno.EACCES, "Permission denied", "/srv/a", None, "/srv/b")
    assert _both(lambda: os_error_text(denied)) == (
        "keine Berechtigung (/srv/a, /srv/b)",
        "permission denied (/srv/a, /srv/b)",
    )
    assert _both(lambda: os_error_text(denied, where=False)) == (
        "keine Berechtigung",
        "permission denied",
    )


def test_a_rare_error_of_the_operating_system_is_quoted() -> None:
    rare = OSError(errno.ENOTTY, "Inappropriate ioctl for device", "/dev/x")
    german, english = _both(lambda: os_error_text(rare))
    assert german == "Fehler des Betriebssystems: „Inappropriate ioctl for device“ (/dev/x)"
    assert english == "error of the operating system: “Inappropriate ioctl for device” (/dev/x)"


@pytest.mark.parametrize(
    ("language", "words"), [("de", "keine Berechtigung"), ("en", "permission denied")]
)
def test_a_file_the_system_refuses_to_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
    words: str,
) -> None:
    """``Permission denied`` of the system becomes a sentence of the catalogue."""
    from kommunale_integration import _text

    main_file = tmp_path / "konzept.yaml"
    main_file.write_text("id: x\ntitle: X\n", encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(main_file))

    monkeypatch.setattr(_text, "open", refuse, raising=False)
    assert main(["validate", str(main_file), "--lang", language]) == 2
    err = capsys.readouterr().err
    assert words in err, err
    assert "Permission denied" not in err


# --------------------------------------------------------------------------- argparse

#: Texts of argparse a user of this command line cannot meet, with the reason.
ARGPARSE_NOT_SHOWN = {
    "%(prog)s: error: %(message)s\n": "_Parser.error prints the catalogue's own line",
    "%(prog)s: warning: %(message)s\n": "warnings only for deprecated options (none)",
    ".__call__() not defined": "every action of the parser is one of argparse's",
    "'required' is an invalid argument for positionals": "a parser built wrongly",
    "mutually exclusive arguments must be optional": "a parser built wrongly",
    "cannot merge actions - two groups are named %r": "a parser built wrongly",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "a parser built wrongly"
    ),
    "dest= is required for options like %r": "a parser built wrongly",
    "invalid conflict_resolution value: %r": "a parser built wrongly",
    "cannot have multiple subparser arguments": "a parser built wrongly",
    "conflicting subparser: %s": "a parser built wrongly",
    "conflicting subparser alias: %s": "a parser built wrongly",
    "conflicting option string: %s": "a parser built wrongly",
    "%r is not callable": "a parser built wrongly",
    'argument "-" with mode %r': "no argparse.FileType is used",
    "can't open '%(filename)s': %(error)s": "no argparse.FileType is used",
    "option '%(option)s' is deprecated": "no deprecated options",
    "argument '%(argument_name)s' is deprecated": "no deprecated arguments",
    "command '%(parser_name)s' is deprecated": "no deprecated commands",
    "subcommands": "the sub-command groups have no title",
}


def _argparse_texts() -> tuple[set[str], set[tuple[str, str]]]:
    """The literal texts argparse (of this Python) passes through ``_`` and ``ngettext``."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    single: set[str] = set()
    plural: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None)
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        texts = [t for t in texts if isinstance(t, str)]
        if name == "_" and texts:
            single.add(texts[0])
        elif name == "_" and node.args and isinstance(node.args[0], ast.Call):
            # _(kwargs.pop('title', 'subcommands')): the default is the text
            default = node.args[0].args[1:2]
            if default and isinstance(default[0], ast.Constant) and default[0].value:
                single.add(str(default[0].value))
        elif name == "ngettext" and len(texts) >= 2:
            plural.add((texts[0], texts[1]))
    return single, plural


def test_every_argparse_text_a_user_can_meet_is_in_the_catalogue() -> None:
    """Checked against the argparse of the Python that runs the tests (3.11 to 3.13 differ)."""
    single, plural = _argparse_texts()
    assert "usage: " in single
    assert "show this help message and exit" in single
    shown = single - set(ARGPARSE_NOT_SHOWN)
    missing = shown - set(_cli.ARGPARSE_MESSAGES)
    assert not missing, f"argparse texts missing from ARGPARSE_MESSAGES: {sorted(missing)}"
    german = _i18n.translations("de", "messages")
    assert all(german.has(text) for text in _cli.ARGPARSE_MESSAGES)
    user_plurals = {p for p in plural if p[0] not in ARGPARSE_NOT_SHOWN}
    assert user_plurals <= set(_cli.ARGPARSE_PLURALS)
    assert all(german.has_plural(*p) for p in _cli.ARGPARSE_PLURALS)


@pytest.mark.parametrize(
    ("environment", "words", "expected", "other"),
    [
        ("de_DE.UTF-8", ["--lang", "en", "--help"], "show this help message", "Hilfe"),
        ("de_DE.UTF-8", ["validate", "--help", "--lang", "en"], "report format", "Berichtsformat"),
        ("en_GB.UTF-8", ["validate", "--lang=de", "--help"], "Berichtsformat", "report format"),
        ("en_GB.UTF-8", ["--help"], "show this help message", "Hilfe"),
        ("C", ["--help"], "diese Hilfe zeigen", "show this help"),
    ],
)
def test_the_help_speaks_the_language_asked_for(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: str,
    words: list[str],
    expected: str,
    other: str,
) -> None:
    set_locale(monkeypatch, environment)
    with pytest.raises(SystemExit) as stop:
        main(words)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert expected in out
    assert other not in out


def test_the_language_before_the_command_is_that_of_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--lang en`` before the command: English messages and an English document."""
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert main(["--lang", "en", "validate", "fehlt"]) == 2
    assert "fehlt: file not found" in capsys.readouterr().err
    target = tmp_path / "plan.md"
    assert main(["--lang", "en", "plan", str(EXAMPLE), "--output", str(target)]) == 0
    assert main(["plan", str(EXAMPLE), "--output", str(tmp_path / "plan-de.md")]) == 0
    assert target.read_text(encoding="utf-8") != (tmp_path / "plan-de.md").read_text(
        encoding="utf-8"
    )
    capsys.readouterr()
    # directory's own --lang names the languages of the site, not of the messages
    site = tmp_path / "site"
    assert (
        main(["--lang", "en", "directory", str(EXAMPLE), "--output", str(site), "--lang", "ar"])
        == 0
    )
    assert "directory written to" in capsys.readouterr().err


# --------------------------------------------------------------------------- log lines


def test_log_lines_of_other_libraries_are_a_quoted_detail(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kommunale_integration._commands import territories

    def noisy(args: object) -> int:
        logging.getLogger("somelib").warning("the cache is cold")
        logging.getLogger("kommunale_integration.x").info("%s", _i18n.tr("internal error"))
        return 0

    monkeypatch.setattr(territories, "_info", noisy)
    root = logging.getLogger()
    before = (list(root.handlers), root.level, logging.getLogger("kommunale_integration").level)
    assert main(["-v", "--lang", "de", "territories"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "Warnung: Meldung der Bibliothek somelib: „the cache is cold“" in err
    assert "Info: interner Fehler" in err
    assert main(["-v", "--lang", "en", "territories"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "warning: somelib reports: “the cache is cold”" in err
    assert main(["territories"]) == 0  # without -v: warnings only
    assert capsys.readouterr().err.splitlines() == [
        "Warnung: Meldung der Bibliothek somelib: „the cache is cold“"
    ]
    assert before == (
        list(root.handlers),
        root.level,
        logging.getLogger("kommunale_integration").level,
    )


# --------------------------------------------------------------------------- programmer errors


@pytest.mark.parametrize("verbose", [[], ["-v"]])
def test_an_internal_error_names_its_place_and_never_quotes_pythons_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, verbose: list[str]
) -> None:
    """Python's words of an unexpected error may quote the value being processed —
    here a case id and a name from a case export, as ``int('Müller')`` or a missing
    key would —, so an internal error (exit 70) shows the kind of error and where in
    the library it happened, and ``-v`` the frames of the traceback, never the
    message. (Until the ninth session the message was quoted.)"""
    from kommunale_integration._commands import territories

    cell, case_id = "X-4711 Müller", "X-4711"  # (the frames show code lines, not these)

    def broken(args: object) -> int:
        try:
            int(cell)
        except ValueError as error:
            raise KeyError(case_id) from error
        return 0

    monkeypatch.setattr(territories, "_info", broken)
    assert main([*verbose, "--lang", "de", "territories"]) == 70
    err = capsys.readouterr().err
    assert "4711" not in err
    assert "Müller" not in err
    last = err.splitlines()[-1]  # (with -v after the details)
    assert last.startswith("interner Fehler: KeyError in _cli.py:"), err
    assert "(_run). Das ist ein Fehler in kommunale-integration; bitte melden" in last
    if verbose:  # the frames of both errors, each error by its kind only
        assert "builtins.ValueError (message not shown)" in err
        assert "builtins.KeyError (message not shown)" in err
        assert "in broken" in err
        assert "int(cell)" in err


#: Exceptions of the standard library raised with English words: mistakes of a program
#: using the Python API (a wrong type, an unknown key) or states that cannot occur. The
#: command line passes only values it has checked, so none reaches its user; if one
#: ever did, it would be an "internal error" with the words quoted (test above).
PROGRAMMER_ERRORS = {
    ("_engine/_protection.py", "RuntimeError"): "the solver failed: a bug, not an input",
    ("_engine/_protection.py", "KeyError"): "the change of a witness never taken: a bug",
    ("_engine/_families.py", "RuntimeError"): "pattern counts of a family that do not add up",
    ("_engine/disclosure.py", "RuntimeError"): "rounding counts that break their relations",
    ("_engine/_hypercube.py", "KeyError"): "a relation's cell not in its table: a bug",
    ("_engine/forecasting.py", "ValueError"): "the report passes two or more values",
    ("_engine/table.py", "KeyError"): "IndicatorTable.select with an unknown dimension",
    ("_engine/table.py", "ValueError"): "render/write with a format not csv/json",
    ("_hsds/_map.py", "ValueError"): "caught by the mapper and turned into a finding",
    ("_loaders/_tables.py", "AssertionError"): "an unknown codec of the column table",
    ("_loaders/_tables.py", "TypeError"): "write_table with objects of another type",
    ("_model.py", "KeyError"): "Concept.locate with an unknown collection",
    ("_periods.py", "ValueError"): "caught and reported as a PeriodError",
    ("_periods.py", "TypeError"): "ReportPeriod built from values of the wrong type",
    ("_reports/_format.py", "KeyError"): "a report text missing from the package: a bug",
    ("_schema.py", "TypeError"): "a model type without a JSON Schema: a bug",
}

_STANDARD = {
    "ValueError",
    "TypeError",
    "KeyError",
    "RuntimeError",
    "AssertionError",
    "LookupError",
    "IndexError",
    "NotImplementedError",
}


def test_english_exceptions_are_programmer_errors_only() -> None:
    """Every ``raise ValueError("…")`` (etc.) with English words is a listed programmer
    error; everything else a user can cause goes through the catalogue (``tr``)."""
    found: set[tuple[str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            name = getattr(node.exc.func, "id", None)
            if name not in _STANDARD or not node.exc.args:
                continue
            first = node.exc.args[0]
            if isinstance(first, ast.Call) and getattr(first.func, "id", None) in {"tr", "ntr"}:
                continue
            found.add((str(path.relative_to(SRC)), name))
    unlisted = found - set(PROGRAMMER_ERRORS)
    assert not unlisted, f"English exception texts outside the catalogue: {sorted(unlisted)}"
    assert set(PROGRAMMER_ERRORS) <= found, "a listed programmer error no longer exists"


@pytest.mark.parametrize("period", ["0001-01", "0001", "9999-12"])
def test_no_report_period_ends_in_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    """The edges of the calendar: a report or a clear refusal, never a bug (exit 70).
    (0001-01 once ended in Python's "year 0 is out of range": the stale-entry check
    went twelve months back from the first month there is.)"""
    code = main(["report", str(EXAMPLE), "--period", period, "--output", str(tmp_path / "b.html")])
    err = capsys.readouterr().err
    assert code in {0, 2}, err
    assert "interner Fehler" not in err
    assert "internal error" not in err


@pytest.mark.parametrize(
    ("text", "row", "expected"),
    [
        ("id: x\n\tname: y\n", 2, "ein Tabulator: YAML rückt nur mit Leerzeichen ein"),
        ("id: x\nstaff:\n\t- role: a\n", 3, "ein Tabulator: YAML rückt nur mit Leerzeichen ein"),
        ("\tid: x\n", 1, "ein Tabulator: YAML rückt nur mit Leerzeichen ein"),
        ("id: x\r\nname: @home\r\n", 2, "ein Text, der mit @ oder ` beginnt, braucht Anführ"),
    ],
)
def test_a_tab_that_indents_yaml_is_named_whichever_parser_reads_it(
    text: str, row: int, expected: str
) -> None:
    """A konzept.yaml edited in Notepad with the Tab key was refused with the parser's
    English "found character that cannot start any token": LibYAML, the fast parser
    the library uses, does not say which character (PyYAML does). The message now names
    the tab, and a value beginning with a reserved character, at its line."""
    with using_language("de"), pytest.raises(ki.LoadError) as info:
        ki.loads_yaml(text, ki.Actor, file="a.yaml")
    finding = info.value.findings[0]
    assert finding.code == "invalid-yaml"
    assert finding.location.row == row
    assert expected in finding.message
    assert "cannot start" not in finding.message
