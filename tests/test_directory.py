"""The Akteursverzeichnis / Wegweiser site and the ``directory`` command."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._cli import main
from test_report import assert_self_contained, parse_html
from test_report_data import ASCHEBERG, BILLERBECK, COESFELD, TODAY, sample_concept


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return ki.build_directory(sample_concept(), tmp_path / "wegweiser", today=TODAY)


def test_files_index_and_one_page_per_actor(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in (site / "akteure").iterdir()) == [
        "drk.html",
        "evil.html",
        "vhs.html",
    ]


def test_every_page_parses_and_is_self_contained(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        parse_html(text)
        assert_self_contained(text)
        assert '<html lang="de">' in text
        assert "<script>alert(1)</script>" not in text


def test_inline_script_is_allowed_by_its_hash_only(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    (script,) = re.findall(r"<script>(.*?)</script>", text, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in text
    assert "unsafe-eval" not in text
    # Actor pages have no script at all and allow none.
    actor = (site / "akteure" / "vhs.html").read_text(encoding="utf-8")
    assert "<script" not in actor
    assert "script-src" not in actor


def test_filter_hidden_without_script_and_all_entries_listed(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<form id="filter"[^>]*\shidden>', text)
    entries = re.findall(r'<li data-entry="([^"]+)"', text)
    assert sorted(entries) == ["drk", "evil", "vhs"]
    assert 'id="count" aria-live="polite">3<' in text


def test_filter_values() -> None:
    site = ki.directory_site(sample_concept(), today=TODAY)
    by_id = {e.id: e for e in site.entries}
    # The VHS serves the Kreis, i.e. every municipality of it.
    assert by_id["vhs"].municipalities == (ASCHEBERG, BILLERBECK, COESFELD)
    assert by_id["drk"].languages == ("de", "ar")
    assert by_id["drk"].fields == ("arbeitsmarkt", "sprache")
    # An offer without target groups is open to all.
    assert "*" in by_id["evil"].groups
    assert [code for code, _ in site.municipalities] == [ASCHEBERG, BILLERBECK, COESFELD]
    assert ("ar", "Arabisch") in site.languages
    assert ("uk", "Ukrainisch") in site.languages


def test_actor_page_details(site: Path) -> None:
    text = (site / "akteure" / "drk.html").read_text(encoding="utf-8")
    assert "<h1>DRK Kreisverband</h1>" in text
    assert "zuletzt geprüft" in text
    assert "30.06.2023" in text
    assert "dienstags 10–12 Uhr" in text
    assert "kostenlos" in text
    assert 'href="../index.html"' in text
    vhs = (site / "akteure" / "vhs.html").read_text(encoding="utf-8")
    assert 'href="tel:+49254112345"' in vhs
    assert 'href="mailto:d@vhs.de"' in vhs
    assert "1.234,50\u00a0€" in vhs
    evil = (site / "akteure" / "evil.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;fett&lt;/b&gt;" in evil
    assert "nie geprüft" in evil


def test_ended_offers_are_left_out(tmp_path: Path) -> None:
    concept = sample_concept()
    ended = ki.Offer(id="alt", name="Altes Angebot", actor="vhs", valid_to=date(2020, 1, 1))
    site = ki.directory_site(concept.evolve(offers=(*concept.offers, ended)), today=TODAY)
    assert all("Altes Angebot" not in e.offers for e in site.entries)


def test_english(tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "en", lang="en", today=TODAY)
    text = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "Integration directory" in text
    assert "Arabic" in text


def test_rebuild_replaces_site_only_when_complete(site: Path, tmp_path: Path) -> None:
    before = (site / "index.html").read_text(encoding="utf-8")
    broken = tmp_path / "tpl"
    broken.mkdir()
    (broken / "directory_actor.html.j2").write_text("{{ page.no_such_thing }}")
    with pytest.raises(ki.TemplateError):
        ki.build_directory(sample_concept(), site, templates=broken, today=TODAY)
    assert (site / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["tpl", "wegweiser"]


def test_town_overrides_the_actor_template(tmp_path: Path) -> None:
    own = tmp_path / "tpl"
    own.mkdir()
    (own / "directory_actor.html.j2").write_text(
        '<!DOCTYPE html><html lang="de"><head><title>{{ page.name }}</title></head>'
        "<body><h1>Eigene Seite {{ page.name }}</h1></body></html>"
    )
    site = ki.build_directory(sample_concept(), tmp_path / "s", templates=own, today=TODAY)
    assert "Eigene Seite VHS Coesfeld" in (site / "akteure" / "vhs.html").read_text()


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    concept_file = tmp_path / "konzept.yaml"
    concept_file.write_text(ki.dumps_yaml(sample_concept()), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["directory", str(concept_file), "--output", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert "index.html" in capsys.readouterr().err


def test_command_refuses_output_around_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    concept_file = tmp_path / "konzept.yaml"
    concept_file.write_text(ki.dumps_yaml(sample_concept()), encoding="utf-8")
    assert main(["directory", str(concept_file), "--output", str(tmp_path)]) == 2
    assert "holds the input" in capsys.readouterr().err
    assert concept_file.is_file()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(concept=testing.concepts())
def test_any_valid_concept_gives_valid_pages(concept: ki.Concept) -> None:
    site = ki.directory_site(concept, today=TODAY)
    from kommunale_integration._reports._directory import render_directory
    from kommunale_integration._reports._format import Formatter

    files = render_directory(site, Formatter("de"))
    assert len(files) == 1 + len({a.id for a in concept.actors})
    for text in files.values():
        parse_html(text)
        assert_self_contained(text)
