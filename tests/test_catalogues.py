"""Default catalogues ship as data and can be replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._catalogues import CATALOGUE_NAMES

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_shipped_catalogues_load(name: str) -> None:
    catalogue = ki.load_catalogue(name)
    assert len(catalogue) >= 5
    assert len(catalogue.codes) == len(catalogue), "codes are unique"


def test_status_symbols() -> None:
    symbols = ki.load_catalogue("status_symbols")
    assert symbols.get("suppressed").symbol == "*"  # type: ignore[union-attr]


def test_kreis_coesfeld_territory() -> None:
    territories = {t.ags: t for t in ki.default_territories()}
    municipalities = [t for t in territories.values() if len(t.ags) == 8]
    assert len(municipalities) == 11
    assert territories["05558016"].name == "Dülmen"
    assert territories["05558016"].kind is ki.TerritoryKind.TOWN
    assert territories["05558004"].kind is ki.TerritoryKind.MUNICIPALITY
    assert all(t.parent == "05558" for t in municipalities)
    towns = sorted(t.name for t in municipalities if t.kind is ki.TerritoryKind.TOWN)
    assert towns == ["Billerbeck", "Coesfeld", "Dülmen", "Lüdinghausen", "Olfen"]
    # Derived from the national Gemeindeverzeichnis (no second copy of its data).
    first = [(t.ags, t.name, t.kind.value, t.parent) for t in ki.default_territories()[:2]]
    assert first == [
        ("05", "Nordrhein-Westfalen", "state", None),
        ("05558", "Kreis Coesfeld", "district", "05"),
    ]
    book = ki.territory_catalogue()
    assert all(book.matches(t.ags, t.name) for t in ki.default_territories())


def test_user_catalogue_replaces_default(tmp_path: Path) -> None:
    path = tmp_path / "felder.yaml"
    path.write_text("entries:\n  - {code: kita, de: Kita}\n", encoding="utf-8")
    catalogue = ki.load_catalogue("fields", path)
    assert catalogue.codes == {"kita"}
    assert catalogue.label("kita", "en") == "Kita"
    assert catalogue.label("unknown") == "unknown"


def test_broken_user_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "felder.yaml"
    path.write_text("entries:\n  - {de: ohne Code}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_catalogue("fields", path)
    assert info.value.findings[0].location.path == "entries[0]"


def test_unknown_catalogue_name() -> None:
    with pytest.raises(ValueError, match="unknown catalogue"):
        ki.load_catalogue("nope")


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_every_shipped_label_is_a_plain_string(name: str) -> None:
    """Read the raw YAML (not through the loader): every label is one string.

    An unquoted comma in a YAML flow mapping cut "Fachkräfte (Schule, Kita, Verwaltung)"
    to "Fachkräfte (Schule" and made "Kita" and "Verwaltung)" keys without values.
    """
    from importlib import resources

    import yaml

    text = (
        resources.files("kommunale_integration")
        .joinpath("data", "catalogues", f"{name}.yaml")
        .read_text(encoding="utf-8")
    )
    for entry in yaml.safe_load(text)["entries"]:
        assert set(entry) <= {"code", "de", "en", "symbol"}, entry
        for key in ("de", "en"):
            label = entry[key]
            assert isinstance(label, str), entry
            assert label.count("(") == label.count(")"), entry
    assert ki.load_catalogue("target_groups").label("fachkraefte") == (
        "Fachkräfte (Schule, Kita, Verwaltung)"
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{code: x, de: Fachkräfte (Schule, Kita), en: Staff}", "must be quoted"),
        ("{code: x, de: 12, en: Twelve}", "plain text label"),
        ("{code: x, de: ja, en: [a, b]}", "plain text label"),
    ],
)
def test_catalogue_label_that_is_not_plain_text_is_refused(
    tmp_path: Path, entry: str, expected: str
) -> None:
    path = tmp_path / "own.yaml"
    path.write_text(f"name: own\nentries:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_catalogue("own", path)
    assert expected in str(info.value)
    assert "entries[0]" in str(info.value.findings[0].location)


# --------------------------------------------------------------------------- listing the codes


def test_the_catalogues_command_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    from kommunale_integration._cli import main

    assert main(["catalogues"]) == 0
    out = capsys.readouterr().out
    for name in CATALOGUE_NAMES:
        catalogue = ki.load_catalogue(name)
        assert f"{name}: " in out
        for entry in catalogue.entries:
            assert f"  {entry.code} " in out, entry.code
    assert main(["catalogues", "target_groups", "--lang", "en"]) == 0
    english = capsys.readouterr().out
    assert "Refugees" in english
    assert "Sprache" not in english
    assert main(["catalogues", "nix", "--lang", "de"]) == 2
    assert "unbekannter Katalog 'nix'" in capsys.readouterr().err
    assert main(["catalogues", "nix", "--lang", "en"]) == 2
    assert "unknown catalogue 'nix'" in capsys.readouterr().err


def test_the_docs_page_is_generated_from_the_package_data() -> None:
    from kommunale_integration._catalogues import catalogues_rst

    page = catalogues_rst()
    for name in CATALOGUE_NAMES:
        for entry in ki.load_catalogue(name).entries:
            assert f"   * - ``{entry.code}``\n     - {entry.de}" in page, entry.code
    conf = (Path(__file__).resolve().parent.parent / "docs" / "conf.py").read_text("utf-8")
    assert "catalogues_rst()" in conf
