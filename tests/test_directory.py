"""The Wegweiser (Akteursverzeichnis) site in many languages and the ``directory`` command."""

from __future__ import annotations

import base64
import errno
import hashlib
import re
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import kommunale_integration as ki
from kommunale_integration import testing
from kommunale_integration._cli import main
from kommunale_integration._io import MANIFEST
from kommunale_integration._reports._directory import render_directory
from kommunale_integration._reports._directory_html import LABELS
from kommunale_integration._reports._wegweiser import WEGWEISER_LANGUAGES
from test_report import assert_self_contained, parse_html
from test_report_data import ASCHEBERG, BILLERBECK, COESFELD, TODAY, sample_concept

# These tests read the English message ids; German is checked in test_messages*.py.
pytestmark = pytest.mark.usefixtures("english_messages")

KREIS = ki.example_path("kreis_coesfeld")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return ki.build_directory(sample_concept(), tmp_path / "wegweiser", today=TODAY)


def _offers(text: str) -> list[str]:
    return re.findall(r'<li data-offer="([^"]+)"', text)


def test_one_folder_per_language_and_a_language_choice(site: Path) -> None:
    # (no calendar folder: no offer of the sample has a rule)
    assert sorted(p.name for p in site.iterdir() if p.name != MANIFEST) == sorted(
        [*WEGWEISER_LANGUAGES, "index.html"]
    )
    for lang in WEGWEISER_LANGUAGES:
        assert sorted(p.name for p in (site / lang / "akteure").iterdir()) == [
            "drk.html",
            "evil.html",
            "vhs.html",
        ]
    choice = (site / "index.html").read_text(encoding="utf-8")
    for lang in WEGWEISER_LANGUAGES:
        assert f'href="{lang}/index.html" lang="{lang}"' in choice
    assert "العربية" in choice
    assert "ትግርኛ" in choice


def test_every_page_credits_the_gemeindeverzeichnis(site: Path) -> None:
    """The site names places and Kreise from the Gemeindeverzeichnis: its licence
    (dl-de/by-2-0) asks for the attribution, as Destatis words it, on every page."""
    credit = (
        '<p class="meta" lang="de" dir="ltr">© Statistisches Bundesamt (Destatis), '
        "Gemeindeverzeichnis-Informationssystem GV-ISys (dl-de/by-2-0)</p></footer>"
    )  # German and left to right also on the Arabic and Persian pages
    pages = [p for lang in WEGWEISER_LANGUAGES for p in (site / lang).rglob("*.html")]
    assert len(pages) == 4 * len(WEGWEISER_LANGUAGES)
    for page in pages:
        assert credit in page.read_text(encoding="utf-8"), page


_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="((?:\.\./)?wegweiser\.css)">')


def assert_offline(text: str) -> list[str]:
    """Self-contained but for the site's own stylesheet; return the stylesheet links."""
    links = _STYLESHEET_LINK.findall(text)
    assert_self_contained(_STYLESHEET_LINK.sub("", text))  # no other link, no script src
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert csp is not None
    # styles only from the site itself (file: for Firefox, where a local page has no 'self')
    assert "style-src 'self' file:;" in csp.group(1) or "'unsafe-inline'" in csp.group(1)
    assert "unsafe-eval" not in csp.group(1)
    return links


def test_every_page_parses_and_is_self_contained(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) == 1 + 4 * len(WEGWEISER_LANGUAGES)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        parse_html(text)
        links = assert_offline(text)
        assert "<script>alert(1)</script>" not in text
        if page.parent != site:  # the language choice keeps its few styles inline
            assert len(links) == 1
            stylesheet = (page.parent / links[0]).resolve()
            assert stylesheet == (site / page.relative_to(site).parts[0] / "wegweiser.css")
    for lang in WEGWEISER_LANGUAGES:
        css = (site / lang / "wegweiser.css").read_text(encoding="utf-8")
        assert "dl.facts" in css
        assert "@import" not in css
        assert not re.search(r"url\(", css)
        assert "<" not in css  # the title in the print header is a CSS escape


@pytest.mark.parametrize(
    ("lang", "direction", "title"),
    [
        ("de", "ltr", "Wegweiser Integration: Angebote und Akteure"),
        ("en", "ltr", "Integration directory: services and organisations"),
        ("ar", "rtl", "دليل الاندماج: الخدمات والجهات"),
        ("fa", "rtl", "راهنمای ادغام: خدمات و سازمان‌ها"),
        ("uk", "ltr", "Довідник з інтеграції: послуги та організації"),
        ("ru", "ltr", "Справочник по интеграции: услуги и организации"),
        ("tr", "ltr", "Uyum rehberi: hizmetler ve kuruluşlar"),
        ("ti", "ltr", "መምርሒ ምውህሃድ፡ ኣገልግሎታትን ትካላትን"),
    ],
)
def test_interface_language_and_direction(
    site: Path, lang: str, direction: str, title: str
) -> None:
    for page in (site / lang).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert re.search(f'<html lang="{lang}" dir="{direction}"[ >]', text)
    assert title in (site / lang / "index.html").read_text(encoding="utf-8")


def test_language_switcher_links_the_same_page_in_every_language(site: Path) -> None:
    text = (site / "ar" / "akteure" / "drk.html").read_text(encoding="utf-8")
    for lang in WEGWEISER_LANGUAGES:
        assert f'href="../../{lang}/akteure/drk.html"' in text
        assert (site / lang / "akteure" / "drk.html").is_file()
    assert re.search(r'href="../../ar/akteure/drk.html"[^>]*aria-current="page"', text)


def test_inline_script_is_allowed_by_its_hash_only(site: Path) -> None:
    text = (site / "de" / "index.html").read_text(encoding="utf-8")
    (script,) = re.findall(r"<script>(.*?)</script>", text, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in text
    assert "unsafe-eval" not in text
    actor = (site / "de" / "akteure" / "vhs.html").read_text(encoding="utf-8")
    assert "<script" not in actor
    assert "script-src" not in actor


def test_index_lists_offers_with_filter_hidden_without_script(site: Path) -> None:
    text = (site / "de" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<form id="filter"[^>]*\shidden>', text)
    assert sorted(_offers(text)) == [
        "integrationskurs",
        "sprachcafe-ascheberg",
        "sprachtreff-coesfeld",
    ]
    assert 'id="count" aria-live="polite">3<' in text
    assert 'href="akteure/drk.html#angebot-sprachcafe-ascheberg"' in text


def test_filter_values_belong_to_the_offer() -> None:
    site = ki.directory_site(sample_concept(), today=TODAY)
    by_id = {o.id: o for o in site.offers}
    # The Integrationskurs serves the Kreis: every municipality, marked as Kreis-wide.
    assert by_id["integrationskurs"].municipalities == (ASCHEBERG, BILLERBECK, COESFELD)
    assert by_id["integrationskurs"].whole_area
    # The DRK serves Ascheberg and Billerbeck, its Sprachcafé only Ascheberg.
    assert by_id["sprachcafe-ascheberg"].municipalities == (ASCHEBERG,)
    assert by_id["sprachcafe-ascheberg"].languages == ("de", "ar")
    assert by_id["sprachcafe-ascheberg"].free
    assert not by_id["integrationskurs"].free
    # An offer without target groups is open to all.
    assert by_id["sprachtreff-coesfeld"].groups == ("*",)
    assert [code for code, _ in site.municipalities] == [ASCHEBERG, BILLERBECK, COESFELD]
    assert ("ar", "Arabisch") in site.languages
    assert ("uk", "Ukrainisch") in site.languages


def test_offer_without_own_area_serves_where_its_actor_does() -> None:
    concept = sample_concept()
    bare = ki.Offer(id="bare", name="Ohne Gebiet", actor="drk")
    site = ki.directory_site(concept.evolve(offers=(*concept.offers, bare)), today=TODAY)
    (view,) = [o for o in site.offers if o.id == "bare"]
    assert view.municipalities == (ASCHEBERG, BILLERBECK)


def test_kreis_example_ascheberg_and_tigrinya_has_no_offer() -> None:
    """Tigrinya is offered only in Dülmen; Caritas' Ascheberg counselling is not in it."""
    concept = ki.load_concept(KREIS)
    site = ki.directory_site(concept, today=date(2026, 11, 29))
    ascheberg = "05558004"

    def shown(municipality: str, language: str) -> list[str]:
        return [
            o.id
            for o in site.offers
            if (municipality in o.municipalities or "*" in o.municipalities)
            and language in o.languages
        ]

    assert shown(ascheberg, "ti") == []
    assert shown("05558016", "ti") == ["caritas-fluechtlingsberatung-duelmen"]
    assert "caritas-fluechtlingsberatung-luedinghausen" in shown(ascheberg, "ar")


def test_offer_section_says_who_may_come_and_when(site: Path) -> None:
    text = (site / "de" / "akteure" / "drk.html").read_text(encoding="utf-8")
    assert "<h1>DRK Kreisverband</h1>" in text
    assert 'id="angebot-sprachcafe-ascheberg"' in text
    assert "Zuletzt geprüft" in text
    assert "01.02.2025" in text
    assert "dienstags 10–12 Uhr" in text
    assert "kostenlos" in text
    assert 'href="../index.html"' in text
    vhs = (site / "de" / "akteure" / "vhs.html").read_text(encoding="utf-8")
    assert 'href="tel:+49254112345"' in vhs
    assert 'href="mailto:d@vhs.de"' in vhs
    assert "1.234,50\u00a0€" in vhs
    assert "für das gesamte Gebiet Kreis Coesfeld" in vhs
    evil = (site / "de" / "akteure" / "evil.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;fett&lt;/b&gt;" in evil
    assert "nie geprüft" in evil


def _kreis_offer_section(site: Path, lang: str) -> str:
    page = (site / lang / "akteure" / "awo-coesfeld.html").read_text(encoding="utf-8")
    start = page.index('id="angebot-awo-familientreff-nottuln"')
    return page[start : page.index("</section>", start)]


def test_kreis_example_offer_in_german_and_ukrainian(tmp_path: Path) -> None:
    site = ki.build_directory(
        ki.load_concept(KREIS), tmp_path / "w", languages=["de", "uk"], today=date(2026, 11, 29)
    )
    german = _kreis_offer_section(site, "de")
    assert "donnerstags 9–11 Uhr" in german
    assert "kostenlos" in german
    assert "Wer kann kommen" in german
    ukrainian = _kreis_offer_section(site, "uk")
    assert "щочетверга, 9–11\u00a0год" in ukrainian
    assert "безкоштовно" in ukrainian
    assert "Хто може прийти" in ukrainian
    assert "Сім’ї" in ukrainian  # the target group, translated
    assert (
        '<h3 id="titel-awo-familientreff-nottuln">Зустрічі для сімей з доглядом за дітьми<'
        in ukrainian
    )


def test_eligibility_in_plain_words_and_ages() -> None:
    concept = sample_concept()
    offer = ki.Offer(
        id="kurs",
        name="Kurs",
        actor="vhs",
        eligibility=ki.Eligibility(legal_bases=("AsylbLG", "XYZ"), min_age=16, max_age=27),
        cost=Decimal(0),
    )
    site = ki.directory_site(concept.evolve(offers=(offer,)), lang="uk", today=TODAY)
    (view,) = site.offers
    assert view.eligibility == (
        "вік: 16–27",
        "для людей, які отримують допомогу за Законом про допомогу шукачам притулку (AsylbLG)",
        "XYZ",
    )
    assert view.cost == "безкоштовно"
    assert view.min_age == 16
    assert view.max_age == 27


def test_schedule_in_words_from_the_rule_and_times() -> None:
    concept = sample_concept()
    offer = ki.Offer(
        id="treff",
        name="Treff",
        actor="vhs",
        schedule="FREQ=WEEKLY;BYDAY=TH",
        start_time=time(16),
        end_time=time(18),
    )
    monthly = ki.Offer(
        id="monat", name="Monat", actor="vhs", schedule="FREQ=MONTHLY;BYDAY=FR;BYSETPOS=1"
    )
    concept = concept.evolve(offers=(offer, monthly))
    expected = {
        "de": ("donnerstags 16–18 Uhr", "jeden ersten Freitag im Monat"),
        "uk": ("щочетверга, 16–18\u00a0год", "щомісяця: пʼятниця першого тижня"),
        "ar": ("أيام الخميس، 16:00–18:00", "يوم الجمعة الأول من كل شهر"),
        "tr": ("perşembeleri, 16:00–18:00", "her ayın ilk Cuma günü"),
    }
    for lang, (weekly, first_friday) in expected.items():
        views = {o.id: o for o in ki.directory_site(concept, lang=lang, today=TODAY).offers}
        assert str(views["treff"].schedule) == weekly
        assert str(views["monat"].schedule) == first_friday
        assert views["treff"].days == ("TH",)


def test_translated_content_and_german_fallback_marked(tmp_path: Path) -> None:
    concept = sample_concept()
    translated = ki.Translation(name="Мовне кафе", description="Зустріч для розмов")
    offers = tuple(
        attrs.evolve(o, description="Gespräche", translations={"uk": translated})
        if o.id == "sprachcafe-ascheberg"
        else o
        for o in concept.offers
    )
    site = ki.build_directory(
        concept.evolve(offers=offers), tmp_path / "s", languages=["uk", "ar"], today=TODAY
    )
    uk = (site / "uk" / "akteure" / "drk.html").read_text(encoding="utf-8")
    assert "Мовне кафе" in uk
    assert "Зустріч для розмов" in uk
    assert "Gespräche" not in uk
    ar = (site / "ar" / "akteure" / "drk.html").read_text(encoding="utf-8")
    assert '<span lang="de" dir="ltr">Sprachcafé Ascheberg</span>' in ar
    assert '<span class="untranslated">(باللغة الألمانية)</span>' in ar


def test_ended_offers_are_left_out() -> None:
    concept = sample_concept()
    ended = ki.Offer(id="alt", name="Altes Angebot", actor="vhs", valid_to=date(2020, 1, 1))
    site = ki.directory_site(concept.evolve(offers=(*concept.offers, ended)), today=TODAY)
    assert "alt" not in [o.id for o in site.offers]


def test_rebuild_replaces_site_only_when_complete(site: Path, tmp_path: Path) -> None:
    before = (site / "de" / "index.html").read_text(encoding="utf-8")
    broken = tmp_path / "tpl"
    broken.mkdir()
    (broken / "directory_actor.html.j2").write_text("{{ page.no_such_thing }}")
    with pytest.raises(ki.TemplateError):
        ki.build_directory(sample_concept(), site, templates=broken, today=TODAY)
    assert (site / "de" / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["tpl", "wegweiser"]


def _inodes(site: Path) -> dict[Path, int]:
    return {p.relative_to(site): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def test_rebuild_links_unchanged_pages_and_writes_changed_ones(site: Path) -> None:
    before = _inodes(site)
    old_vhs = (site / "de" / "akteure" / "vhs.html").read_text(encoding="utf-8")
    concept = sample_concept()
    renamed = tuple(
        attrs.evolve(o, name="Integrationskurs am Abend") if o.id == "integrationskurs" else o
        for o in concept.offers
    )
    ki.build_directory(concept.evolve(offers=renamed), site, today=TODAY)
    after = _inodes(site)
    assert after.keys() == before.keys()
    # The page of the DRK did not change: the same file lives on (a hard link).
    assert after[Path("de/akteure/drk.html")] == before[Path("de/akteure/drk.html")]
    # The VHS page and the lists changed: new files with the new name.
    for changed in ("de/akteure/vhs.html", "de/index.html", "uk/index.html"):
        assert after[Path(changed)] != before[Path(changed)], changed
    vhs = (site / "de" / "akteure" / "vhs.html").read_text(encoding="utf-8")
    assert "Integrationskurs am Abend" in vhs
    assert vhs != old_vhs
    unchanged = [p for p in before if after[p] == before[p]]
    assert len(unchanged) > len(before) // 2


def test_rebuild_without_hard_links_writes_every_file(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _inodes(site)
    expected = {p: (site / p).read_bytes() for p in before}

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")  # a FAT USB stick

    monkeypatch.setattr("os.link", no_links)
    ki.build_directory(sample_concept(), site, today=TODAY)
    after = _inodes(site)
    assert all(after[p] != before[p] for p in before)
    assert {p: (site / p).read_bytes() for p in after} == expected


@pytest.mark.parametrize("failing", ["kalender", "de", "ti"])
def test_a_failed_write_keeps_the_previous_site(
    site: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    # A full disk while the calendars, the first or the last language are written is
    # the build's error, and the previous site stays as it was.
    from kommunale_integration._reports import _directory

    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    real = _directory._write_new

    def full_disk(path: str, data: bytes) -> None:
        if f"/{failing}/" in path:
            raise OSError(errno.ENOSPC, "No space left on device", path)
        real(path, data)

    monkeypatch.setattr(_directory, "_write_new", full_disk)
    concept = sample_concept()
    changed = tuple(
        attrs.evolve(o, name=o.name + " (neu)", schedule="FREQ=WEEKLY;BYDAY=TH")
        for o in concept.offers
    )
    with pytest.raises(OSError, match="No space left"):
        ki.build_directory(concept.evolve(offers=changed), site, today=TODAY)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert [p.name for p in site.parent.iterdir()] == ["wegweiser"]


def test_a_page_changed_by_hand_is_written_again(site: Path) -> None:
    page = site / "de" / "akteure" / "drk.html"
    built = page.read_text(encoding="utf-8")
    # the same size: only the content tells the edit apart
    page.write_text(built.replace("DRK Kreisverband", "XRK Kreisverband"), encoding="utf-8")
    ki.build_directory(sample_concept(), site, today=TODAY)
    assert page.read_text(encoding="utf-8") == built


def test_town_overrides_the_actor_template(tmp_path: Path) -> None:
    own = tmp_path / "tpl"
    own.mkdir()
    (own / "directory_actor.html.j2").write_text(
        '<!DOCTYPE html><html lang="de"><head><title>{{ page.name }}</title></head>'
        "<body><h1>Eigene Seite {{ page.name }}</h1></body></html>"
    )
    site = ki.build_directory(sample_concept(), tmp_path / "s", templates=own, today=TODAY)
    assert "Eigene Seite VHS Coesfeld" in (site / "de" / "akteure" / "vhs.html").read_text()


def test_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    concept_file = tmp_path / "konzept.yaml"
    concept_file.write_text(ki.dumps_yaml(sample_concept()), encoding="utf-8")
    out = tmp_path / "site"
    assert main(["directory", str(concept_file), "--output", str(out)]) == 0
    assert (out / "index.html").is_file()
    assert (out / "ti" / "index.html").is_file()
    assert "index.html" in capsys.readouterr().err
    assert main(["directory", str(concept_file), "--output", str(out), "--lang", "ar"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name != MANIFEST) == ["ar", "index.html"]


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
    for lang in ("de", "ar"):
        site = ki.directory_site(concept, lang=lang, today=TODAY)
        files = render_directory(site)
        assert len(files) == 1 + len({a.id for a in concept.actors})
        for text in files.values():
            parse_html(text)
            assert len(assert_offline(text)) == 1


def test_calendar_files_parse_back_and_are_linked(tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    site = ki.build_directory(
        ki.load_concept(KREIS), tmp_path / "w", languages=["de"], today=date(2026, 11, 29)
    )
    files = sorted((site / "kalender").iterdir())
    assert any(f.name.startswith("netzwerk-") for f in files)
    awo = site / "kalender" / "angebot-awo-familientreff-nottuln.ics"
    assert awo in files
    calendar = icalendar.Calendar.from_ical(awo.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Familientreff mit Kinderbetreuung"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start.hour, end.hour, start.weekday()) == (9, 11, 3)  # Thursdays 9–11
    assert str(start.tzinfo) == "Europe/Berlin"
    assert event["RRULE"]["BYDAY"] == ["TH"]
    assert calendar.walk("VTIMEZONE")
    for path in files:  # every file parses and has events
        assert icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    page = (site / "de" / "akteure" / "awo-coesfeld.html").read_text(encoding="utf-8")
    assert 'href="../../kalender/angebot-awo-familientreff-nottuln.ics"' in page


def test_offer_calendar_ends_with_the_offer(tmp_path: Path) -> None:
    icalendar = pytest.importorskip("icalendar")
    from kommunale_integration._reports._calendar import calendar_files

    offer = ki.Offer(
        id="kurs",
        name="Kurs",
        actor="vhs",
        schedule="FREQ=WEEKLY;BYDAY=MO",
        valid_to=date(2026, 12, 31),
    )
    stamp = __import__("datetime").datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC)
    files = calendar_files(
        sample_concept().evolve(offers=(offer,)), today=date(2026, 1, 1), dtstamp=stamp
    )
    (event,) = icalendar.Calendar.from_ical(files["kalender/angebot-kurs.ics"]).walk("VEVENT")
    assert event["RRULE"]["UNTIL"] == [date(2026, 12, 31)]
    assert event.decoded("DTSTART") == date(2026, 1, 5)  # all-day: no times known


def test_calendar_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    icalendar = pytest.importorskip("icalendar")
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    out = tmp_path / "kal"
    assert main(["calendar", str(KREIS), "--output", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir() if p.name != MANIFEST)
    assert "angebot-awo-familientreff-nottuln.ics" in names
    assert all(name.endswith(".ics") for name in names)
    for name in names:
        icalendar.Calendar.from_ical((out / name).read_bytes())
    assert f"{len(names)} Kalenderdateien" in capsys.readouterr().err  # German by default


def test_translation_columns_in_tables_round_trip(tmp_path: Path) -> None:
    table = tmp_path / "angebote.csv"
    table.write_text(
        "ID;Name;Träger;Beschreibung;Beschreibung [ar];Name [UK];Zugang [uk];Beginn;Ende\n"
        "treff;Treff;vhs;Gespräche;لقاءات;Зустріч;для всіх;16:00;18:00\n",
        encoding="utf-8",
    )
    (offer,) = ki.read_table(table, "offers")
    assert offer.translation("ar") == ki.Translation(description="لقاءات")
    assert offer.translation("uk") == ki.Translation(name="Зустріч", eligibility="для всіх")
    assert (offer.start_time, offer.end_time) == (time(16), time(18))
    out = tmp_path / "out.csv"
    ki.write_table([offer], out, "offers")
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert "Beschreibung [ar]" in header
    assert "Name [uk]" in header
    assert "Zugang [uk]" in header
    assert list(ki.read_table(out, "offers")) == [offer]


def test_translations_in_yaml_and_wrong_ones_refused() -> None:
    offer = ki.structure(
        {"id": "a", "name": "A", "actor": "b", "translations": {"ti": {"name": "ሓበሬታ"}}},
        ki.Offer,
    )
    assert offer.translation("ti").name == "ሓበሬታ"
    assert ki.loads_yaml(ki.dumps_yaml(offer), ki.Offer) == offer
    with pytest.raises(ki.InvalidValueError, match="cannot be translated here"):
        ki.Actor(id="a", name="A", translations={"ar": ki.Translation(cost_note="x")})
    with pytest.raises(ki.InvalidValueError, match="language code"):
        ki.Offer(id="a", name="A", actor="b", translations={"Arabic": ki.Translation(name="x")})
    with pytest.raises(ki.InvalidValueError, match="end_time"):
        ki.Offer(id="a", name="A", actor="b", start_time=time(18), end_time=time(16))


def _used_message_ids() -> set[str]:
    """Every interface message id of the Wegweiser, read from its templates and code."""
    from importlib import resources

    from kommunale_integration._catalogues import load_catalogue
    from kommunale_integration._reports import _wegweiser

    package = resources.files("kommunale_integration")
    found: set[str] = set()
    templates = package.joinpath("_reports", "templates")
    for name in ("directory_index.html.j2", "directory_actor.html.j2", "_directory_head.html.j2"):
        text = templates.joinpath(name).read_text(encoding="utf-8")
        found.update(re.findall(r"""\bt\(\s*["']([^"']+)["']""", text))
    for module in ("_directory.py", "_wegweiser.py", "_directory_html.py"):
        text = package.joinpath("_reports", module).read_text(encoding="utf-8")
        found.update(re.findall(r"""\b(?:w|self)\.t\(\s*"([^"]+)\"""", text))
    found.update(LABELS.values())
    found.update(_wegweiser._ON_DAYS)
    found.update(_wegweiser._MONTHLY.values())
    found.update(_wegweiser._LEGAL_PLAIN.values())
    for catalogue in ("fields", "target_groups", "actor_categories"):
        found.update(entry.en for entry in load_catalogue(catalogue).entries)
    return found


@pytest.mark.parametrize("lang", [code for code in WEGWEISER_LANGUAGES if code != "en"])
def test_every_interface_text_is_translated(lang: str) -> None:
    from kommunale_integration._i18n import translations

    used = _used_message_ids()
    assert len(used) > 90
    catalogue = translations(lang, "wegweiser")
    missing = sorted(m for m in used if not catalogue.has(m))
    assert missing == []
    for message in used:
        placeholders = set(re.findall(r"\{(\w+)\}", message))
        assert set(re.findall(r"\{(\w+)\}", catalogue.gettext(message))) == placeholders, message
    # No message is left in English (message id copied) except codes and names.
    same = sorted(m for m in used if catalogue.gettext(m) == m and m not in {"{days} {time}"})
    assert same == [] or (lang == "de" and same == ["Filter"]), same
