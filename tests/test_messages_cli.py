"""No German run prints an English message, and no English run a German one.

Every command of the command line runs its success and its error paths (the table
:data:`INVOCATIONS`, one entry per place that prints a message) once in German and once
in English. During the runs every translation is *marked*: the catalogue wraps what it
returns in private-use characters (the values filled in land inside the mark). Whatever a
command prints outside a mark did not come from the catalogue, so it is a message nobody
can translate: the test fails on it, as it fails on a message id the German catalogue
lacks, and on an English run that uses an id written in German.

What may stand outside a mark is data: paths and file names, finding codes in brackets,
AGS and other numbers, and the identifiers of the model (``offers[0].email``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from helpers import set_locale
from kommunale_integration import _i18n
from kommunale_integration._cli import main
from kommunale_integration._territories import ATTRIBUTION, LICENCE, territory_attribution
from kommunale_integration._version import __version__

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kreis_coesfeld"
# Marks from the Private Use Area: valid in every output format (HTML, XML, DOCX).
# OPEN marks English text, GERMAN German text (or another catalogue's language).
OPEN, CLOSE, MISSING, GERMAN = "\ue000", "\ue001", "\ue002", "\ue003"


# --------------------------------------------------------------------------- marking


@attrs.define
class Marks:
    """The message ids used in a run, and those without a German translation."""

    used: set[str] = attrs.Factory(set)
    untranslated: set[str] = attrs.Factory(set)


@pytest.fixture
def marks(monkeypatch: pytest.MonkeyPatch) -> Marks:
    """Mark every text the catalogues give (any language, any domain)."""
    found = Marks()
    gettext, ngettext = _i18n.Translations.gettext, _i18n.Translations.ngettext

    def mark(catalogue: _i18n.Translations, message: str, text: str, known: bool) -> str:
        messages = catalogue is _i18n.translations(catalogue.language, "messages")
        if messages:
            found.used.add(message)
        if messages and catalogue.language != "en" and not known:
            found.untranslated.add(message)
            return f"{MISSING}{text}{CLOSE}"
        return f"{OPEN if catalogue.language == 'en' else GERMAN}{text}{CLOSE}"

    def marked_gettext(self: _i18n.Translations, message: str) -> str:
        return mark(self, message, gettext(self, message), self.has(message))

    def marked_ngettext(self: _i18n.Translations, one: str, many: str, n: int) -> str:
        return mark(self, one, ngettext(self, one, many, n), self.has_plural(one, many))

    monkeypatch.setattr(_i18n.Translations, "gettext", marked_gettext)
    monkeypatch.setattr(_i18n.Translations, "ngettext", marked_ngettext)
    return found


_INNERMOST = re.compile(f"[{OPEN}{GERMAN}{MISSING}][^{OPEN}{GERMAN}{MISSING}{CLOSE}]*{CLOSE}")
# Data a message may carry outside a translation: paths, file names, finding codes,
# dotted field paths of the model, numbers, punctuation.
_DATA = re.compile(
    r"\S*/\S*"  # a path or URL
    r"|[\w.-]+\.(?:yaml|yml|json|toml|csv|xlsx|html|md|docx|ics|tsv|txt)\b"  # a file
    r"|\[[a-z0-9-]+\]"  # a finding code
    r"|\b[a-z_]+(?:\[\d+\])+(?:\.[a-z_]+(?:\[\d+\])*)*"  # a path in the model
    r"|\b[a-z_]+(?:\.[a-z_]+(?:\[\d+\])*)+\b"  # a dotted path in the model
    r"|kommunale-integration(?: [a-z]+)?|--[a-z-]+"  # the command and its options
)
_WORD = re.compile(r"[^\W\d_]{2,}")
_USAGE = re.compile(f"[{OPEN}{GERMAN}](usage|Aufruf): {CLOSE}")
#: Data printed as it is in every language: the attribution and licence the
#: Gemeindeverzeichnis must be shown with.
_ALWAYS = (ATTRIBUTION, LICENCE)


def untranslated_text(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The lines of *text* that hold words outside every marked translation.

    A translation may run over several lines (argparse wraps a help text); the words of
    a usage block (options, their values and choices) are syntax wherever they recur.
    """
    kept: list[str] = []
    syntax: set[str] = set()
    usage = False
    for line in text.splitlines():
        # the usage block (after "usage: ", and its indented lines) is syntax, not words
        if _USAGE.match(line) or (usage and line.startswith(" ")):
            usage = True
            syntax.update(_WORD.findall(_INNERMOST.sub(" ", line)))
            continue
        usage = False
        kept.append(line)
    if not kept:
        return []
    rest = "\n".join(kept)
    while True:
        shorter = _INNERMOST.sub(lambda m: " " + "\n" * m.group().count("\n"), rest)
        if shorter == rest:
            break
        rest = shorter
    problems = []
    for original, remainder in zip(kept, rest.split("\n"), strict=True):
        line = remainder
        for value in (*data, *_ALWAYS):
            line = line.replace(value, " ")
        words = [word for word in _WORD.findall(_DATA.sub(" ", line)) if word not in syntax]
        if words:
            problems.append(f"{original!r}: {words}")
    return problems


def test_the_detector_finds_a_message_outside_the_catalogue() -> None:
    """The check itself: an unmarked sentence is found, data and marked text are not."""
    marked = f"{OPEN}Fehler: {OPEN}Zeile 3{CLOSE}{CLOSE} konzept.yaml [invalid-value]"
    assert untranslated_text(marked) == []
    assert untranslated_text("/tmp/x/konzept.yaml, offers[0].contacts[0].email: 05558") == []
    assert untranslated_text(f"{OPEN}Fehler:{CLOSE} the AGS does not exist") != []
    assert untranslated_text("error: something") != []
    # a translation wrapped over lines (a help text) is one translation
    assert untranslated_text(f"  --x N  {OPEN}first line\n         second line{CLOSE}") == []
    assert untranslated_text(f"  --x N  {OPEN}first{CLOSE}\n         second line") != []
    # the words of the usage are syntax; other words next to them are not
    usage = f"{OPEN}usage: {CLOSE}prog [--format {{text,json}}] PATH\n\n"
    assert untranslated_text(usage + f"  --format {{text,json}}  {OPEN}x{CLOSE}\n  PATH") == []
    assert untranslated_text(usage + "  PATH   the concept") != []


# --------------------------------------------------------------------------- invocations


@attrs.frozen
class Invocation:
    """One run of the command line: its words, exit code and what must be checked.

    ``stdout`` is ``False`` where standard output carries data (a schema, a table),
    not messages.
    """

    name: str
    argv: Callable[[Path], list[str]]
    exit: int
    stdout: bool = True
    data: tuple[str, ...] = ()
    terminal: bool = False  # standard output is a terminal
    #: What the run must print in German and in English (proof the path was taken).
    expect: tuple[str, str] | None = None


def _broken(tmp: Path) -> Path:
    """A concept whose values break rules of the loader, the converter and the model."""
    folder = tmp / "kaputt"
    folder.mkdir(exist_ok=True)
    (folder / "konzept.yaml").write_text(
        "id: kaputt\n"
        "title: Kaputt\n"
        "territory: '05558'\n"
        "valid_from: 2026-01-01\n"
        "valid_to: 2025-01-01\n"
        "unknown_key: 1\n"
        "actors:\n"
        "  - {id: 'a b', name: X, email: kaputt, founded: 31.02.2020}\n"
        "  - {id: drk, name: DRK, volunteer: vielleicht, staff: [{role: R, fte: -1}]}\n"
        "offers:\n"
        "  - {id: o, name: O, actor: drk, schedule: {rrule: FREQ=HOURLY, dtstart: 2026-01-01}}\n",
        encoding="utf-8",
    )
    return folder


def _table_errors(tmp: Path) -> Path:
    """A concept folder whose tables have broken cells and columns."""
    folder = tmp / "tabellen"
    folder.mkdir(exist_ok=True)
    (folder / "konzept.yaml").write_text("id: t\ntitle: T\nterritory: '05558'\n", encoding="utf-8")
    (folder / "akteure.csv").write_bytes(
        "id;name;ehrenamtlich;gegründet;unbekannt\n"
        "drk;DRK;vielleicht;31.13.2020;x\n"
        ";Ohne Id;ja;;\n".encode("cp1252")
    )
    return folder


def _cases(tmp: Path, good: bool = True) -> tuple[str, str]:
    if good:
        return str(tmp / "k" / "cases.csv"), str(tmp / "k" / "events.csv")
    cases = tmp / "bad-cases.csv"
    cases.write_text(
        "case_id,municipality,opened,closed,sex,birth_year,name\n"
        "p1,5558012,2025-13-01,,x,19,Kim\n"
        "p1,05558012,2025-01-01,2024-01-01,f,1990,Kim\n",
        encoding="utf-8",
    )
    events = tmp / "bad-events.csv"
    events.write_text("case_id,event,date\np9,,2025-01-01\n", encoding="utf-8")
    return str(cases), str(events)


def _indicators(tmp: Path, *extra: str, good: bool = True) -> list[str]:
    """``indicators --period 2025`` over the export of :func:`_cases`, then *extra*."""
    cases, events = _cases(tmp, good=good)
    return ["indicators", "--period", "2025", "--cases", cases, "--events", events, *extra]


def _full(tmp: Path) -> Path:
    """A non-empty folder the library did not write."""
    folder = tmp / "voll"
    folder.mkdir(exist_ok=True)
    (folder / "eigenes.txt").write_text("x", encoding="utf-8")
    return folder


def _territory_file(tmp: Path, name: str, body: str) -> str:
    """A territory catalogue (``territories update`` writes them) with the given lines."""
    file = tmp / name
    header = "#gebietsstand\t2020-12-31\nags\ttextkennzeichen\tname\tpopulation\tarea_km2\n"
    file.write_text(body if body.startswith(("x", "#")) else header + body, encoding="utf-8")
    return str(file)


def _report_to(output: Path) -> list[str]:
    """``report`` of the example copy of *output*'s folder (or of one beside it)."""
    copy = next((p for p in (output, *output.parents) if p.name == K), output.parent / K)
    return ["report", str(copy), "--period", "2025", "--output", str(output)]


def _templates(tmp: Path) -> Path:
    """A folder of one's own report templates whose report template is broken."""
    folder = tmp / "vorlagen"
    folder.mkdir(exist_ok=True)
    (folder / "report.html.j2").write_text("{% if x %}\n", encoding="utf-8")
    return folder


def _update(tmp: Path, name: str, rows: str, *options: str) -> list[str]:
    """``territories update`` of an official GV-ISys Auszug in its CSV form."""
    file = tmp / name
    file.write_text(rows, encoding="utf-8")
    return ["territories", "update", str(file), "--output", str(tmp / "gv.tsv"), *options]


def _broken_text(tmp: Path, suffix: str) -> str:
    """A main file whose syntax is broken: the parser's own (English) words."""
    file = tmp / f"kaputt.{suffix}"
    broken = {
        "yaml": "id: x\ntitle: [offen\n",
        "json": '{"id": "x",, }',
        "toml": 'id = "x\n',
        "yml": "id: x\n\ttitle: T\n",
        "anchor.yaml": "a: & x\n",
    }[suffix]
    file.write_text(broken, encoding="utf-8")
    return str(file)


def _command_tree() -> tuple[list[list[str]], tuple[str, ...]]:
    """The words of every (sub-)sub-command, and every command name."""
    import argparse

    from kommunale_integration._cli import build_parser

    found: list[list[str]] = [[]]
    names: list[str] = []

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    found.append([*words, name])
                    names.append(name)
                    walk(child, [*words, name])

    walk(build_parser(), [])
    return found, tuple(names)


COMMANDS, COMMAND_NAMES = _command_tree()


#: Broken main files (see :func:`_broken_text`) and what the run must say about them.
SYNTAX_ERRORS = (
    ("broken YAML", "yaml", ("',' oder ']' fehlt", "',' or ']' is missing")),
    (
        "YAML with a tab",
        "yml",
        ("YAML rückt nur mit Leerzeichen ein", "YAML indents with spaces only"),
    ),
    # the parser's words only as a quoted detail of a sentence of the catalogue
    ("YAML the table does not know", "anchor.yaml", ("ungültiges YAML: „", "invalid YAML: “")),
    ("broken JSON", "json", ("ein Komma zu viel?", "a comma too many?")),
    (
        "broken TOML",
        "toml",
        ("Zeichen, das hier nicht erlaubt ist", "character that is not allowed"),
    ),
)


def _help_invocations() -> tuple[Invocation, ...]:
    """``--help`` of the program and of every (sub-)sub-command."""
    return tuple(
        Invocation(
            "help: " + (" ".join(words) or "the program"),
            lambda t, words=words: [*words, "--help"],  # type: ignore[misc]
            0,
            data=COMMAND_NAMES,
            expect=("Optionen:", "options:"),
        )
        for words in COMMANDS
    )


K = "k"  # the copy of the Kreis Coesfeld example
# Names of the Gemeindeverzeichnis a command prints as they are (data, not messages).
PLACES = ("Wettringen", "Kreis Steinfurt", "Nordrhein-Westfalen", "Landkreis Ansbach", "Bayern")

INVOCATIONS: tuple[Invocation, ...] = (
    # argparse: usage errors
    Invocation("usage: unknown command", lambda t: ["gibtsnicht"], 2),
    Invocation("usage: missing argument", lambda t: ["validate"], 2),
    Invocation("usage: invalid choice", lambda t: ["validate", str(t / K), "--format", "x"], 2),
    Invocation("usage: unknown option", lambda t: ["validate", str(t / K), "--gibtsnicht"], 2),
    Invocation(
        "usage: bad date type",
        lambda t: ["territories", "update", "x.csv", "--output", "y", "--gebietsstand", "x"],
        2,
    ),
    # validate
    Invocation("validate ok", lambda t: ["validate", str(t / K)], 0),
    Invocation("validate broken concept", lambda t: ["validate", str(_broken(t))], 2),
    Invocation("validate broken tables", lambda t: ["validate", str(_table_errors(t))], 2),
    Invocation(
        "validate unknown code", lambda t: ["validate", str(t / K), "--disable", "stale-entri"], 2
    ),
    Invocation(
        "report missing templates",
        lambda t: ["report", str(t / K), "--period", "2025", "--templates", str(t / "fehlt")],
        2,
    ),
    Invocation("validate missing", lambda t: ["validate", "fehlt"], 2, data=("fehlt",)),
    Invocation(
        "validate cases without period",
        lambda t: ["validate", str(t / K), "--cases", _cases(t)[0], "--events", _cases(t)[1]],
        2,
    ),
    Invocation(
        "validate cases",
        lambda t: [
            "validate",
            str(t / K),
            "--period",
            "2025",
            "--cases",
            _cases(t)[0],
            "--events",
            _cases(t)[1],
        ],
        0,
    ),
    # report
    Invocation(
        "report ok",
        lambda t: ["report", str(t / K), "--period", "2025", "--output", str(t / "b.html")],
        0,
    ),
    Invocation("report bad period", lambda t: ["report", str(t / K), "--period", "2025-Q5"], 2),
    Invocation(
        "report bad meeting date",
        lambda t: ["report", str(t / K), "--period", "2025", "--meeting-date", "31.02.2026"],
        2,
    ),
    Invocation(
        "report only --cases",
        lambda t: ["report", str(t / K), "--period", "2025", "--cases", _cases(t)[0]],
        2,
    ),
    Invocation(
        "report over its input",
        lambda t: _report_to(t / K / "konzept.yaml"),
        2,
    ),
    Invocation(
        "report into a folder",
        lambda t: ["report", str(t / K), "--period", "2025", "--output", str(t / K)],
        2,
    ),
    Invocation(
        "report docx to terminal",
        lambda t: ["report", str(t / K), "--period", "2025", "--format", "docx"],
        2,
        terminal=True,
    ),
    # indicators
    Invocation("indicators nothing", lambda t: ["indicators"], 2),
    Invocation(
        "indicators negative threshold",
        lambda t: ["indicators", str(t / K), "--period", "2025", "--threshold", "-1"],
        2,
    ),
    Invocation(
        "indicators no workers",
        lambda t: ["indicators", str(t / K), "--period", "2025", "--workers", "0"],
        2,
    ),
    Invocation(
        "indicators without cases",
        lambda t: ["indicators", str(t / K), "--period", "2025", "--output", str(t / "i.csv")],
        0,
    ),
    Invocation(
        "indicators no suppression",
        lambda t: _indicators(t, "--no-suppression", "--output", str(t / "intern-i.csv")),
        0,
    ),
    Invocation(
        "indicators bad cases",
        lambda t: _indicators(t, good=False),
        2,
    ),
    Invocation(
        "indicators unsafe breakdown",
        lambda t: _indicators(t, "--by", "case_id"),
        2,
    ),
    # directory, calendar, plan, diff
    Invocation(
        "directory ok",
        lambda t: ["directory", str(t / K), "--output", str(t / "site"), "--lang", "de"],
        0,
    ),
    Invocation(
        "directory into a full folder",
        lambda t: ["directory", str(t / K), "--output", str(_full(t))],
        2,
    ),
    Invocation(
        "directory bad language",
        lambda t: ["directory", str(t / K), "--output", str(t / "s"), "--lang", "1"],
        2,
    ),
    Invocation("calendar ok", lambda t: ["calendar", str(t / K), "--output", str(t / "ics")], 0),
    Invocation("plan ok", lambda t: ["plan", str(t / K), "--output", str(t / "plan.html")], 0),
    Invocation(
        "diff ok", lambda t: ["diff", str(t / K), str(t / K), "--output", str(t / "diff.md")], 0
    ),
    # schema, export, import, convert
    Invocation("schema", lambda t: ["schema", "Concept"], 0, stdout=False),
    Invocation("schema unknown type", lambda t: ["schema", "Gibtsnicht"], 2),
    Invocation(
        "export hsds", lambda t: ["export", "hsds", str(t / K), "--output", str(t / "hsds")], 0
    ),
    Invocation(
        "import hsds",
        lambda t: ["import", "hsds", str(t / "hsds"), "--output", str(t / "neu.yaml")],
        0,
    ),
    Invocation(
        "import hsds missing",
        lambda t: ["import", "hsds", str(t / "fehlt"), "--output", str(t / "n.yaml")],
        2,
    ),
    Invocation("convert ok", lambda t: ["convert", str(t / K), str(t / "k.json")], 0),
    # init and the territories
    Invocation(
        "init ok", lambda t: ["init", str(t / "neu"), "--name", "Wettringen"], 0, data=PLACES
    ),
    Invocation("init unknown AGS", lambda t: ["init", str(t / "x1"), "--ags", "09999001"], 2),
    Invocation("init bad AGS", lambda t: ["init", str(t / "x2"), "--ags", "0555801"], 2),
    Invocation("init kreisfreie Stadt", lambda t: ["init", str(t / "x3"), "--ags", "05515"], 2),
    Invocation(
        "init unknown name",
        lambda t: ["init", str(t / "x4"), "--name", "Musterhausen"],
        2,
        data=("Musterhausen",),
    ),
    Invocation(
        "init into a full folder", lambda t: ["init", str(_full(t)), "--ags", "05566096"], 2
    ),
    Invocation("territories", lambda t: ["territories"], 0),
    Invocation("territories find", lambda t: ["territories", "find", "Wettringen"], 0, data=PLACES),
    Invocation(
        "territories find nothing",
        lambda t: ["territories", "find", "Musterhausen"],
        2,
        data=("Musterhausen",),
    ),
    Invocation("territories show", lambda t: ["territories", "show", "05566096"], 0, data=PLACES),
    Invocation("territories show unknown", lambda t: ["territories", "show", "05566999"], 2),
    Invocation(
        "catalogues unknown", lambda t: ["catalogues", "gibtsnicht"], 2, data=("gibtsnicht",)
    ),
    Invocation("catalogues", lambda t: ["catalogues", "fields"], 0, stdout=False),
    # demo
    Invocation("demo", lambda t: ["demo", "--output", str(t / "demo")], 0),
    Invocation("demo into the current folder", lambda t: ["demo", "--output", "."], 2),
    # the program without a command, its version
    Invocation("no command", lambda t: [], 2, data=COMMAND_NAMES, expect=("Optionen:", "options:")),
    Invocation(
        "version",
        lambda t: ["--version"],
        0,
        data=(__version__, territory_attribution()),
        expect=("Destatis", "Destatis"),
    ),
    # -v: the log lines (progress, details)
    Invocation(
        "verbose indicators",
        lambda t: [
            "-v",
            "indicators",
            str(t / K),
            "--period",
            "2025",
            "--output",
            str(t / "v.csv"),
        ],
        0,
        expect=("Info: Kennzahl", "info: indicator"),
    ),
    Invocation(
        "verbose export",
        lambda t: ["-v", "export", "hsds", str(t / K), "--output", str(t / "hsds-v")],
        0,
        expect=(
            "als HSDS (JSON-Dokumente und Tabellen als Datenpaket) exportiert",
            "as HSDS (JSON documents and tabular data package) to",
        ),
    ),
    # a territory catalogue of one's own that is broken
    Invocation(
        "territory catalogue missing",
        lambda t: ["territories", "--catalogue", str(t / "fehlt.tsv")],
        2,
        expect=("nicht gefunden", "not found"),
    ),
    Invocation(
        "territory catalogue bad header",
        lambda t: ["territories", "--catalogue", _territory_file(t, "kopf.tsv", "x\ty\n")],
        2,
        expect=("Kopfzeile", "header"),
    ),
    Invocation(
        "territory catalogue bad cells",
        lambda t: ["territories", "--catalogue", _territory_file(t, "zellen.tsv", "abc\n")],
        2,
        expect=("Zellen", "cells"),
    ),
    Invocation(
        "territory catalogue bad dates",
        lambda t: [
            "territories",
            "--catalogue",
            _territory_file(
                t,
                "datum.tsv",
                "#gebietsstand\tgestern\n" + "ags\ttextkennzeichen\tname\tpopulation\tarea_km2\n",
            ),
        ],
        2,
        expect=("#gebietsstand", "#gebietsstand"),
    ),
    Invocation(
        "territory catalogue not text",
        lambda t: [
            "init",
            str(t / "x5"),
            "--ags",
            "05566096",
            "--catalogue",
            str(_territory_bytes(t)),
        ],
        2,
        expect=("weder UTF-8 noch", "neither UTF-8 nor"),
    ),
    # the official Gemeindeverzeichnis, broken
    Invocation(
        "territories update without rows",
        lambda t: _update(t, "leer.csv", "a;b\n1;2\n", "--gebietsstand", "2024-12-31"),
        2,
        expect=("Satzart", "Satzart"),
    ),
    Invocation(
        "territories update bad code",
        lambda t: _update(
            t, "code.csv", "60;61;5;5;58;;01x;C;1;2\n", "--gebietsstand", "2024-12-31"
        ),
        2,
        expect=("3 Ziffern", "3 digits"),
    ),
    Invocation(
        "territories update without Gebietsstand",
        lambda t: _update(t, "stand.csv", "60;61;05;5;58;;012;Coesfeld;1;2\n"),
        2,
        expect=("Gebietsstand", "Gebietsstand"),
    ),
    Invocation(
        "report with a broken template of one's own",
        lambda t: [*_report_to(t / "b2.html"), "--templates", str(_templates(t))],
        2,
        expect=("endet innerhalb eines Blocks", "ends inside a block"),
    ),
    # what the parsers of YAML, JSON and TOML and the operating system say
    *(
        Invocation(name, lambda t, s=suffix: ["validate", _broken_text(t, s)], 2, expect=words)
        for name, suffix, words in SYNTAX_ERRORS
    ),
    Invocation(
        "output below a file",
        lambda t: _report_to(t / K / "konzept.yaml" / "b.html"),
        2,
        expect=("ist eine Datei, kein Ordner", "is a file, not a folder"),
    ),
    *_help_invocations(),
)


def _territory_bytes(tmp: Path) -> Path:
    """A catalogue file that is no text (bytes neither UTF-8 nor Windows-1252)."""
    file = tmp / "binär.tsv"
    file.write_bytes(b"ags\x81\x8d\x8f\x90\x9d\n")
    return file


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messages")
    shutil.copytree(EXAMPLE, folder / K)
    return folder


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("invocation", INVOCATIONS, ids=lambda i: i.name)
def test_every_message_is_in_the_language_of_the_run(
    invocation: Invocation,
    language: str,
    workplace: Path,
    marks: Marks,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    set_locale(monkeypatch, {"de": "de_DE.UTF-8", "en": "en_GB.UTF-8"}[language])
    monkeypatch.chdir(workplace)
    tmp = workplace / language
    tmp.mkdir(exist_ok=True)
    if not (tmp / K).exists():
        shutil.copytree(EXAMPLE, tmp / K)
    if invocation.name == "import hsds" and not (tmp / "hsds").exists():
        assert main(["export", "hsds", str(tmp / K), "--output", str(tmp / "hsds")]) == 0
    words = invocation.argv(tmp)
    if invocation.terminal:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    try:
        code = main(words)
    except SystemExit as stop:  # argparse
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert code == invocation.exit, (code, out, err)
    data = (str(tmp), str(workplace), *invocation.data)
    printed = err + (out if invocation.stdout else "")
    assert printed.strip() or invocation.exit == 0 or not invocation.stdout, "nothing said"
    if invocation.expect is not None:
        expected = invocation.expect[0 if language == "de" else 1]
        assert expected in printed.replace(OPEN, "").replace(GERMAN, "").replace(CLOSE, ""), printed
    problems = untranslated_text(printed, data)
    assert not problems, "text printed outside the catalogue:\n" + "\n".join(problems)
    assert not marks.untranslated, f"no German translation: {sorted(marks.untranslated)}"
    other = GERMAN if language == "en" else OPEN
    wrong = [line for line in printed.splitlines() if other in line]
    assert not wrong, f"a message in the other language in a {language} run: {wrong}"
    if language == "en":
        messages = _i18n.translations("de", "messages").message_ids()
        german = [m for m in marks.used if m in messages and _looks_german(m)]
        assert not german, f"message ids written in German: {german}"


_GERMAN_WORDS = re.compile(
    r"\b(und|oder|nicht|der|die|das|ist|mit|für|gibt|Datei|Zeile|Spalte|Fehler|Warnung|"
    r"Hinweis|geschrieben|erwartet|erhalten|bitte)\b|[äöüß]"
)
# Words of the German administration the English messages keep as terms (with a
# gloss where they first appear): they are no sign of a German message id.
_TERMS = re.compile(
    r"Gemeindeverzeichnis|Gebietsstand|Städte|Kennzahl\w*|Gemeindeschlüssel|"
    r"Handlungsfeld\w*|Kreis\w*|Gemeinde\w*|Stadt|Land|Wegweiser|ja/nein|\(ja, nein"
)


def _looks_german(message_id: str) -> bool:
    return bool(_GERMAN_WORDS.search(_TERMS.sub("", message_id)))


def test_an_untranslated_message_fails_the_check(
    workplace: Path,
    marks: Marks,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proof that the check can fail: a command that prints a message past the
    catalogue, and one whose id the German catalogue lacks, are both caught."""
    from kommunale_integration._commands import territories

    monkeypatch.setenv("LANG", "de_DE.UTF-8")

    def untranslated(args: object) -> int:
        print("Gemeindeverzeichnis loaded")  # printed past the catalogue
        print(_i18n.tr("a message nobody translated"))
        return 0

    monkeypatch.setattr(territories, "_info", untranslated)
    assert main(["territories"]) == 0
    out = capsys.readouterr().out
    assert untranslated_text(out) == [
        "'Gemeindeverzeichnis loaded': ['Gemeindeverzeichnis', 'loaded']"
    ]
    assert marks.untranslated == {"a message nobody translated"}


def test_the_command_line_speaks_german_without_a_language(tmp_path: Path) -> None:
    """In a fresh process without LANG the messages are German (the default)."""
    code = (
        "from kommunale_integration._cli import main; raise SystemExit(main(['validate', 'fehlt']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
        env={"PATH": ""},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Fehler: fehlt: "), result.stderr
