"""The message catalogues: loading, fallback, plural forms, language choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunale_integration import _i18n

_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "unknown key"
msgstr "unbekannter Schlüssel"

msgid "empty"
msgstr ""

msgid "{n} finding"
msgid_plural "{n} findings"
msgstr[0] "{n} Befund"
msgstr[1] "{n} Befunde"

#, fuzzy
msgid "unsure"
msgstr "unsicher"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "test.po").write_text(_PO, encoding="utf-8")
    return tmp_path


def test_translation_and_fallback(root: Path) -> None:
    de = _i18n.translations("de_DE.UTF-8", "test", root=root)
    assert de.gettext("unknown key") == "unbekannter Schlüssel"
    assert de.gettext("empty") == "empty"  # an empty msgstr falls back to the id
    assert de.gettext("unsure") == "unsure"  # fuzzy entries are not used
    assert de.gettext("not in the catalogue") == "not in the catalogue"
    assert de.has("unknown key")
    assert not de.has("empty")
    assert de.message_ids() == {"unknown key"}


@pytest.mark.parametrize(("n", "expected"), [(0, "0 Befunde"), (1, "1 Befund"), (2, "2 Befunde")])
def test_plural_forms(root: Path, n: int, expected: str) -> None:
    de = _i18n.translations("de", "test", root=root)
    assert de.ngettext("{n} finding", "{n} findings", n).format(n=n) == expected


def test_language_without_catalogue_gives_the_ids(root: Path) -> None:
    xx = _i18n.translations("ti", "test", root=root)
    assert xx.gettext("unknown key") == "unknown key"
    assert xx.ngettext("{n} finding", "{n} findings", 1) == "{n} finding"
    assert _i18n.available_languages("test", root=root) == ("de", "en")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("de_DE.UTF-8", "de"),
        ("en-GB", "en"),
        ("AR", "ar"),
        ("fa_IR@calendar", "fa"),
        ("C", "de"),
        ("POSIX", "de"),
        ("", "de"),
        (None, "de"),
    ],
)
def test_normalise_language(given: str | None, expected: str) -> None:
    assert _i18n.normalise_language(given) == expected


def test_language_from_environment_takes_the_first_set_variable() -> None:
    assert _i18n.language_from_environment({}) == "de"
    assert _i18n.language_from_environment({"LANG": "en_US.UTF-8"}) == "en"
    # LANGUAGE wins over LANG; an unknown language there means the default, not LANG
    assert _i18n.language_from_environment({"LANGUAGE": "en", "LANG": "de_DE"}) == "en"
    assert _i18n.language_from_environment({"LC_ALL": "xx_XX", "LANG": "en_GB"}) == "de"
