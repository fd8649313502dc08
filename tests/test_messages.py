"""The ``messages`` catalogue: every user-facing message is German by default and
English on request, and no German run prints an English message (or vice versa)."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import set_locale
from kommunale_integration import _i18n
from kommunale_integration._loaders._common import _MESSAGES as LOADER_MESSAGES
from kommunale_integration._validation import _messages as validation

SRC = Path(__file__).resolve().parents[1] / "src" / "kommunale_integration"

# Modules that translate ids from a table of their own (the tables are checked below),
# or forward an id given to them (whose callers are checked).
# (ids marked with N_ where they are written).
TABLE_MODULES = {
    "_loaders/_common.py",
    "_validation/_messages.py",
    "_i18n.py",
    "_schedule.py",
    "_cases.py",
    "_identifiers.py",
    "_commands/_common.py",
    "_catalogues.py",
    "_cli.py",
    "_errors.py",
    "_periods.py",
}


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


# Calls whose argument at this position is a ``messages`` id: translating functions,
# the gettext_noop mark and the exceptions that translate when shown.
MESSAGE_ARGUMENT = {
    "tr": 0,
    "N_": 0,
    "Translatable": 0,
    "_Invalid": 0,
    "PeriodError": 0,
    "invalid": 0,
    "InvalidValueError": 1,
    "ParseError": 1,
    "_fail": 1,
}


def _tr_calls() -> Iterator[tuple[str, int, ast.Call, int]]:
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name in MESSAGE_ARGUMENT:
                    yield str(path.relative_to(SRC)), node.lineno, node, MESSAGE_ARGUMENT[name]


def _joined(node: ast.AST | None) -> str | None:
    """A literal message id, also one written as implicitly joined literals."""
    return _literal(node) if node is not None else None


def source_message_ids() -> dict[str, str]:
    """Every message id the code translates: literal ids of the calls above and the tables."""
    found: dict[str, str] = {}
    for file, line, call, position in _tr_calls():
        if len(call.args) <= position:
            continue
        text = _joined(call.args[position])
        if text is None:
            assert file in TABLE_MODULES or position, f"{file}:{line}: needs a literal message id"
            continue
        found[text] = f"{file}:{line}"
    for code, text in LOADER_MESSAGES.items():
        found[text] = f"_loaders/_common.py:{code}"
    tables = (validation.MESSAGES, validation.LABELS, validation.SEVERITY_LABELS)
    for table in tables:
        for key, text in table.items():
            found[text] = f"_validation/_messages.py:{key}"
    return found


def source_plural_ids() -> dict[tuple[str, str], str]:
    """The (singular, plural) ids of every ``ntr(...)`` and ``Counted(...)`` call."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "_i18n.py":  # where ntr and Counted forward the ids given to them
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"ntr", "Counted"}:
                one, many = (_literal(a) for a in node.args[:2])
                assert one, f"{path}:{node.lineno}: ntr() needs literal ids"
                assert many, f"{path}:{node.lineno}: ntr() needs literal ids"
                found[(one, many)] = f"{path.relative_to(SRC)}:{node.lineno}"
    return found


def test_the_german_catalogue_has_every_plural() -> None:
    plurals = source_plural_ids()
    assert plurals
    missing = {ids: where for ids, where in plurals.items() if not GERMAN.has_plural(*ids)}
    assert not missing, f"no German plural forms in messages.po: {missing}"


#: A number in front of a counted noun (``{count} values``, ``{warnings} warnings``): a
#: message that must come from ``ntr`` (or ``Counted``), else 1 reads "1 warnings".
_COUNTED_NOUN = re.compile(r"\{(\w+)\} (?:\w+ ){0,2}?(\w+s)\b")
_COUNT_NAMES = {"count", "n", "number", "total", "size", "months", "days", "length"}

#: Ids whose number cannot be 1 (or is no count of the noun), with the reason.
NEVER_ONE = {
    "… and {count} more like this": "no noun after the number",
    "shifting {period} by {n} leaves the years 1–9999": "a verb",
    "a {kind} needs an AGS of {digits} digits, got {found}": "5 or 8",
    "'{name}' may mean {count} territories; taken: {chosen} ({people}), which has at least "
    "{factor} times as many inhabitants as each of the others. If you mean another one, "
    "delete the folder and run init again with its AGS (or with --kreis or --land):": "≥ 2",
    "the header has {count} columns, more than {limit}: is it the right file?": "> limit",
    "{period} spans {months} months; quarters and months are computed for at most {limit}: "
    "compute the period alone (--only) or a shorter one": "> limit",
    "'{name}' may mean {count} territories of the Gemeindeverzeichnis (by their name or its "
    "beginning); choose one with --ags, or narrow the choice with --kreis or --land:": "≥ 2",
    "it has {count} different values, more than {limit}": "> limit",
    "file has {size} bytes, more than the limit of {limit} bytes": "> limit",
    "workbook would unpack to {size} bytes (limit {limit}); it is not opened": "> limit",
    "field of action “{field}”: no current offer in any of the {count} municipalities.": (
        "said only when two or more municipalities lack the field (CoverageRule)"
    ),
    "{subject}: the name is {length} characters long; a name in the report's tables has at "
    "most {limit}: is it a description in the wrong column?": "> limit",
}


def test_every_counted_noun_has_plural_forms() -> None:
    # "1 warnings" (import hsds, seventeenth session's testers): a count in front of its
    # noun goes through ntr, whose German and English forms fit the number.
    singular_only = {
        where: match.group(0)
        for text, where in source_message_ids().items()
        if text not in NEVER_ONE
        for match in _COUNTED_NOUN.finditer(text)
        if match.group(1) in _COUNT_NAMES or match.group(2).startswith(match.group(1)[:-1])
    }
    assert not singular_only, f"a count without plural forms (use ntr): {singular_only}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


GERMAN = _i18n.translations("de", "messages")


def test_the_german_catalogue_translates_every_message_id() -> None:
    missing = {text: where for text, where in source_message_ids().items() if not GERMAN.has(text)}
    assert not missing, f"no German translation in messages.po: {missing}"


def test_translations_keep_the_placeholders() -> None:
    for message_id in GERMAN.message_ids():
        german = GERMAN.gettext(message_id)
        assert _fields(german) == _fields(message_id), message_id


def test_the_catalogue_holds_no_message_the_code_does_not_use() -> None:
    unused = GERMAN.message_ids() - set(source_message_ids())
    assert not unused, f"messages.po holds ids no code uses: {sorted(unused)[:5]}"


@pytest.mark.parametrize("message_id", sorted(source_message_ids()))
def test_german_differs_from_english(message_id: str) -> None:
    """A translation equal to its English id is a forgotten translation (few exceptions)."""
    german = GERMAN.gettext(message_id)
    if message_id in {"{problem}"}:
        return
    assert german != message_id


def test_language_follows_the_context() -> None:
    assert _i18n.current_language() == "de"
    assert _i18n.tr("file not found") == "Datei nicht gefunden"
    with _i18n.using_language("en_GB.UTF-8"):
        assert _i18n.current_language() == "en"
        assert _i18n.tr("file not found") == "file not found"
        with _i18n.using_language(None):
            assert _i18n.current_language() == "en"
    assert _i18n.tr("file not found") == "Datei nicht gefunden"
    assert _i18n.tr("file not found", lang="en") == "file not found"


def test_demo_writes_the_findings_like_validate(tmp_path: Path) -> None:
    """``demo`` wrote "warning:/info:" where ``validate`` writes "Warnung:/Hinweis:"."""
    from kommunale_integration._cli import main

    assert main(["demo", "--output", str(tmp_path / "demo")]) in {0, 1}
    text = (tmp_path / "demo" / "pruefung.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    findings = [line for line in lines if "[" in line]
    assert findings
    assert all(line.startswith(("Fehler:", "Warnung:", "Hinweis:")) for line in findings)
    assert not any(line.startswith(("error:", "warning:", "info:")) for line in lines)


@pytest.mark.parametrize(
    ("environment", "german"), [({"LANG": "de_DE.UTF-8"}, True), ({"LANG": "en_GB.UTF-8"}, False)]
)
def test_init_and_directory_speak_the_language_of_the_environment(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    german: bool,
) -> None:
    from kommunale_integration._cli import main

    set_locale(monkeypatch, environment["LANG"])
    folder = tmp_path / "k"
    assert main(["init", str(folder), "--name", "Coesfeld"]) == 0
    out = capsys.readouterr().out
    assert main(["directory", str(folder), "--output", str(tmp_path / "site")]) == 0
    err = capsys.readouterr().err
    words = ("Neues Konzept angelegt", "Nächste Schritte", "Wegweiser geschrieben")
    english = ("New concept created", "Next steps", "directory written to")
    expected, other = (words, english) if german else (english, words)
    text = out + err
    assert all(w in text for w in expected), text
    assert not any(w in text for w in other), text


def test_a_folder_in_place_of_a_table_is_said_in_good_german(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not "keine Datei, sondern ein(e) Ordner": the kind comes first, with no article."""
    from helpers import concept_folder
    from kommunale_integration._cli import main

    set_locale(monkeypatch, "de_DE.UTF-8")
    folder = concept_folder(tmp_path / "k")
    (folder / "akteure.csv").mkdir()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "akteure.csv: Ordner statt einer Datei; gelesen werden nur gewöhnliche Dateien" in err
    assert "ein(e)" not in err


@pytest.mark.parametrize(
    ("text", "german"),
    [
        ("2026-13", "der Monat muss zwischen 1 und 12 liegen, nicht 13"),
        ("2026-W54", "die Kalenderwoche muss zwischen 1 und 53 liegen, nicht 54"),
        ("2026-Q5", "das Quartal muss zwischen 1 und 4 liegen, nicht 5"),
        ("2026-H3", "das Halbjahr muss zwischen 1 und 2 liegen, nicht 3"),
        ("0000", "das Jahr muss zwischen 1 und 9999 liegen, nicht 0"),
    ],
)
def test_a_number_out_of_range_in_a_period_is_named_in_german(text: str, german: str) -> None:
    """``--period 2026-13`` said "month muss zwischen 1 und 12 liegen": the name of the
    number was the English parameter name (found by the hostile tester)."""
    import kommunale_integration as ki

    with pytest.raises(ki.PeriodError) as caught:
        ki.ReportPeriod.parse(text)
    with _i18n.using_language("de"):
        assert german in str(caught.value)
    with _i18n.using_language("en"):
        assert "must be between" in str(caught.value)
        assert german.split(" muss", 1)[0] not in str(caught.value)
    with pytest.raises(ki.PeriodError) as caught, ki.fiscal_year_start(13):
        pass
    with _i18n.using_language("de"):
        assert "der erste Monat des Haushaltsjahres muss zwischen 1 und 12" in str(caught.value)
