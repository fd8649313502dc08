"""Open the Jahresbericht and the Wegweiser in headless Chromium.

Drives Chromium over the Chrome DevTools Protocol (a websocket, ``websocket-client``):
no console errors (including content-security-policy violations), no network request
other than the local files, the directory filter narrows the list when a municipality
is chosen, and with scripts off every entry stays visible. Screenshots are written to
``test-artifacts/``.

Chromium is Debian's ``chromium`` (``.ci/run`` installs it). Locally the tests are
skipped when it is missing; in CI (``CI`` set) a missing Chromium fails them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

import kommunale_integration as ki
from test_report_data import COESFELD, TODAY, sample_concept

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the browser tests in CI but is not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Page:
    """A minimal CDP client for one page target."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self._ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while time.monotonic() < deadline:
            message: dict[str, Any] = json.loads(self._ws.recv())
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message
        raise AssertionError(f"timed out waiting for {method}")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, *, scripts: bool = True) -> None:
        self.events.clear()
        self.send("Emulation.setScriptExecutionDisabled", value=not scripts)
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        # Let late console messages and requests arrive.
        self.send("Runtime.evaluate", expression="1", awaitPromise=False)
        time.sleep(0.3)
        self.send("Runtime.evaluate", expression="1")

    def screenshot(self, name: str) -> Path:
        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def errors(self) -> list[str]:
        found: list[str] = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args")))
            elif method == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails")))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        self._ws.close()


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    binary = _chromium()
    pytest.importorskip("websocket", reason="websocket-client is a test dependency")
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="ki-chromium-")
    process = subprocess.Popen(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--allow-file-access-from-files",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "--window-size=1280,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        targets: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not targets:
            pytest.fail("Chromium did not open its DevTools endpoint")
        client = Page(targets[0]["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            client.send(f"{domain}.enable")
        yield client
        client.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _external(urls: list[str]) -> list[str]:
    return [u for u in urls if not u.startswith(("file://", "data:", "about:"))]


def test_report_opens_without_errors_or_requests(page: Page, tmp_path: Path) -> None:
    out = tmp_path / "bericht.html"
    ki.build_report(sample_concept(), "2025", output=out, today=TODAY)
    page.open(out.as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.evaluate("document.querySelectorAll('svg[role=img]').length") == 2
    heading = page.evaluate("document.querySelector('h1').textContent")
    assert heading == "Jahresbericht 2025 zum Integrationskonzept des Kreises Coesfeld"
    # An actor named like a script is shown as text.
    assert page.evaluate("document.body.textContent.includes('<script>alert(1)</script>')")
    # The contents show each section's own number once ("1 Auf einen Blick", not a
    # list marker "1." before it)
    entries = page.evaluate(
        "[...document.querySelectorAll('nav.toc li')].map(e => "
        "[getComputedStyle(e).listStyleType, e.textContent.trim()])"
    )
    assert entries[0] == ["none", "1 Auf einen Blick"]
    assert {style for style, _ in entries} == {"none"}
    assert page.screenshot("report.png").stat().st_size > 10_000


_OVERFLOW = """
(() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5)
      && !e.closest('.table-wrap > *');  // a wide table scrolls inside its frame
  });
  return {page: document.documentElement.scrollWidth, width: width,
          wide: wide.slice(0, 5).map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40))};
})()
"""


@pytest.mark.parametrize("width", [1200, 360])
def test_report_has_no_sideways_scrolling(page: Page, tmp_path: Path, width: int) -> None:
    """The demo's Jahresbericht (with the case-based annex of every municipality and
    indicator) fits the window: wide tables scroll inside their own frame."""
    from kommunale_integration._reports._report import report_table

    example = ki.example_path("kreis_coesfeld")
    concept = ki.load_concept(example)
    period = ki.ReportPeriod.parse("2025")
    cases = ki.read_cases(example / "cases.csv", example / "events.csv")
    out = tmp_path / "bericht.html"
    table = report_table(concept, cases, period)
    out.write_text(
        ki.build_report(concept, period, format="html", table=table, today=KREIS_DAY),
        encoding="utf-8",
    )
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=900,
        deviceScaleFactor=1,
        mobile=width < 600,
    )
    try:
        page.open(out.as_uri())
        found = page.evaluate(_OVERFLOW)
    finally:
        page.send("Emulation.clearDeviceMetricsOverride")
    assert found["page"] <= found["width"], found
    assert found["wide"] == [], found
    assert page.errors() == []


KREIS = ki.example_path("kreis_coesfeld")
KREIS_DAY = date(2026, 11, 29)
VISIBLE = "[...document.querySelectorAll('[data-offer]')].filter(e => !e.hidden)"


def _choose(page: Page, name: str, value: str) -> None:
    page.evaluate(
        f"(() => {{ const s = document.querySelector('[name={name}]'); s.value = {value!r};"
        " s.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )


def test_directory_filter_narrows_the_offers(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "de" / "index.html").as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    assert page.evaluate("document.getElementById('filter').hidden") is False
    assert page.evaluate(VISIBLE + ".length") == 3
    _choose(page, "municipality", COESFELD)
    # Coesfeld: the Kreis-wide Integrationskurs and the Sprachtreff, not Ascheberg's café.
    shown = page.evaluate(VISIBLE + ".map(e => e.dataset.offer).sort().join(',')")
    assert shown == "integrationskurs,sprachtreff-coesfeld"
    assert page.evaluate("document.getElementById('count').textContent") == "2"
    page.evaluate(
        "(() => { const q = document.querySelector('input[name=q]'); q.value = 'sprachtreff';"
        " q.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    assert page.evaluate(VISIBLE + ".length") == 1
    page.screenshot("directory-filtered.png")
    assert page.errors() == []


def test_kreis_example_in_arabic_right_to_left(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(ki.load_concept(KREIS), tmp_path / "w", today=KREIS_DAY)
    page.open((site / "ar" / "index.html").as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.querySelector('h1').textContent") == (
        "دليل الاندماج: الخدمات والجهات"
    )
    assert page.evaluate("document.querySelector('label').textContent.trim()").startswith("البلدية")
    # Mirrored: the heading starts at the right edge.
    right = page.evaluate(
        "(() => { const h = document.querySelector('h1').getBoundingClientRect();"
        " const b = document.body.getBoundingClientRect(); return [h.right, b.right]; })()"
    )
    assert abs(right[0] - right[1]) < 40
    total = page.evaluate(VISIBLE + ".length")
    assert total == 38
    _choose(page, "municipality", "05558004")  # Ascheberg
    with_ascheberg = page.evaluate(VISIBLE + ".length")
    assert 0 < with_ascheberg < total
    _choose(page, "language", "ti")
    assert page.evaluate(VISIBLE + ".length") == 0
    _choose(page, "municipality", "05558016")  # Dülmen
    assert page.evaluate(VISIBLE + ".map(e => e.dataset.offer).join(',')") == (
        "caritas-fluechtlingsberatung-duelmen"
    )
    page.screenshot("directory-ar.png")


def test_directory_without_scripts_shows_everything(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "de" / "index.html").as_uri(), scripts=False)
    try:
        assert page.evaluate("document.getElementById('filter').hidden") is True
        assert page.evaluate(VISIBLE + ".length") == 3
        page.screenshot("directory-noscript.png")
    finally:
        page.send("Emulation.setScriptExecutionDisabled", value=False)


def test_actor_page_opens_without_errors(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "de" / "akteure" / "vhs.html").as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    assert page.evaluate("document.querySelector('h1').textContent") == "VHS Coesfeld"
    # The site's one stylesheet (de/wegweiser.css) is allowed by the CSP and applied.
    assert page.evaluate("getComputedStyle(document.querySelector('dl.facts')).display") == "grid"
    assert any(url.endswith("/de/wegweiser.css") for url in page.requests())


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_usable_at_360_pixels(page: Page, tmp_path: Path, lang: str) -> None:
    site = ki.build_directory(
        ki.load_concept(KREIS), tmp_path / "w", languages=[lang], today=KREIS_DAY
    )
    page.send(
        "Emulation.setDeviceMetricsOverride",
        width=360,
        height=740,
        deviceScaleFactor=1,
        mobile=True,
    )
    try:
        for path in (site / lang / "index.html", site / lang / "akteure" / "awo-coesfeld.html"):
            page.open(path.as_uri())
            # nothing wider than the screen: no sideways scrolling
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.screenshot(f"directory-360-{lang}.png")
    finally:
        page.send("Emulation.clearDeviceMetricsOverride")


def _pdf_pages(page: Page, url: str) -> int:
    page.open(url)
    data = page.send("Page.printToPDF", paperWidth=8.27, paperHeight=11.69)["data"]
    pdf = base64.b64decode(data)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_print_version_is_compact_with_phone_numbers(page: Page, tmp_path: Path) -> None:
    """Before: 31 A4 pages for the Kreis example, one actor per page, no phone numbers."""
    site = ki.build_directory(
        ki.load_concept(KREIS), tmp_path / "w", languages=["de", "uk"], today=KREIS_DAY
    )
    index = site / "de" / "index.html"
    pages = _pdf_pages(page, index.as_uri())
    assert pages <= 31 // 3, pages
    offers = page.evaluate("document.querySelectorAll('[data-offer]').length")
    assert offers / pages >= 5  # about ten offers per page
    page.send("Emulation.setEmulatedMedia", media="print")
    try:  # phone numbers are printed: visible in print media, one or more per offer
        phones = page.evaluate(
            "[...document.querySelectorAll('a[href^=\"tel:\"]')]"
            ".filter(a => a.getClientRects().length > 0).length"
        )
        filter_shown = page.evaluate("getComputedStyle(document.getElementById('filter')).display")
    finally:
        page.send("Emulation.setEmulatedMedia", media="")
    # every phone number of the list is printed (offers whose actor has none show none)
    assert phones == page.evaluate("document.querySelectorAll('a[href^=\"tel:\"]').length")
    assert phones >= offers * 3 // 4
    assert filter_shown == "none"
    print(f"print version: {pages} A4 pages for {offers} offers, {phones} phone numbers")
    assert _pdf_pages(page, (site / "uk" / "index.html").as_uri()) <= 31 // 3


def _axe() -> str:
    """The path of axe-core's ``axe.min.js`` (npm package axe-core, installed by .ci/run)."""
    candidates = [
        os.environ.get("AXE_CORE_JS", ""),
        str(
            Path(__file__).resolve().parent.parent
            / ".ci"
            / "node"
            / "node_modules"
            / "axe-core"
            / "axe.min.js"
        ),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    if os.environ.get("CI"):
        pytest.fail("axe-core is required for the accessibility tests in CI (.ci/run installs it)")
    pytest.skip("axe-core is not installed (npm install --prefix .ci/node axe-core)")


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_axe_finds_no_serious_violations(page: Page, tmp_path: Path, lang: str) -> None:
    axe = _axe()
    site = ki.build_directory(
        ki.load_concept(KREIS), tmp_path / "w", languages=[lang], today=KREIS_DAY
    )
    # The pages allow no script but their own filter; the test injects axe past the CSP.
    page.send("Page.setBypassCSP", enabled=True)
    try:
        for path in (
            site / lang / "index.html",
            site / lang / "akteure" / "caritasverband-coesfeld.html",
        ):
            page.open(path.as_uri())
            page.evaluate(axe)
            result = page.send(
                "Runtime.evaluate",
                expression=(
                    "axe.run(document, {resultTypes: ['violations']}).then(r => "
                    "r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length})))"
                ),
                awaitPromise=True,
                returnByValue=True,
            )["result"]["value"]
            serious = [v for v in result if v["impact"] in ("serious", "critical")]
            assert serious == [], (path, serious)
    finally:
        page.send("Page.setBypassCSP", enabled=False)


def _shown_ids(page: Page) -> list[str]:
    result: list[str] = page.evaluate(VISIBLE + ".map(e => e.dataset.offer).sort()")
    return result


def test_directory_filters_weekday_age_cost_and_actor(page: Page, tmp_path: Path) -> None:
    kreis = ki.load_concept(KREIS)
    paid = tuple(  # every offer of the example is free; one that costs tests the filter
        attrs.evolve(o, cost=Decimal(50)) if o.id == "vhs-berufssprachkurs" else o
        for o in kreis.offers
    )
    concept = kreis.evolve(offers=paid)
    site = ki.build_directory(concept, tmp_path / "w", languages=["de"], today=KREIS_DAY)
    page.open((site / "de" / "index.html").as_uri())
    views = ki.directory_site(concept, today=KREIS_DAY).offers
    _choose(page, "day", "SA")  # Saturdays: the rules that name Saturday
    assert _shown_ids(page) == sorted(o.id for o in views if "SA" in o.days)
    assert _shown_ids(page) == ["fh-nottuln-sprachcafe"]
    _choose(page, "day", "")
    _choose(page, "age", "17")  # within the inclusive age limits, or none
    expected = sorted(
        o.id
        for o in views
        if (o.min_age is None or o.min_age <= 17) and (o.max_age is None or o.max_age >= 17)
    )
    assert _shown_ids(page) == expected
    assert "drk-migrationsberatung" not in expected  # from 27
    assert "fh-duelmen-hausaufgabenhilfe" not in expected  # 6 to 16
    _choose(page, "age", "16")
    assert "fh-duelmen-hausaufgabenhilfe" in _shown_ids(page)  # the limit itself counts
    _choose(page, "age", "")
    _choose(page, "actor", "caritasverband-coesfeld")
    assert _shown_ids(page) == sorted(o.id for o in views if o.actor == "caritasverband-coesfeld")
    _choose(page, "actor", "")
    page.evaluate(
        "(() => { const c = document.querySelector('[name=free]'); c.checked = true;"
        " c.dispatchEvent(new Event('change', {bubbles: true})); })()"
    )
    assert _shown_ids(page) == sorted(o.id for o in views if o.free)
    assert "vhs-berufssprachkurs" not in _shown_ids(page)
    assert len(_shown_ids(page)) == len(views) - 1
    assert page.errors() == []


def test_long_list_shows_a_hundred_at_a_time_and_prints_all(page: Page, tmp_path: Path) -> None:
    concept = sample_concept()
    many = tuple(
        ki.Offer(id=f"kurs-{n:03d}", name=f"Kurs {n}", actor="vhs", languages=("de",))
        for n in range(250)
    )
    site = ki.build_directory(
        concept.evolve(offers=many), tmp_path / "w", languages=["de"], today=TODAY
    )
    page.open((site / "de" / "index.html").as_uri())
    assert page.evaluate(VISIBLE + ".length") == 100
    assert page.evaluate("document.getElementById('count').textContent") == "250"
    assert page.evaluate("document.getElementById('more').hidden") is False
    first = page.evaluate(VISIBLE + "[0].dataset.offer")
    page.evaluate("document.getElementById('more').click()")
    assert page.evaluate(VISIBLE + ".length") == 200
    assert page.evaluate(VISIBLE + "[0].dataset.offer") == first  # the next hundred below
    page.evaluate("document.getElementById('more').click()")
    assert page.evaluate(VISIBLE + ".length") == 250
    assert page.evaluate("document.getElementById('more').hidden") is True
    page.evaluate(
        "(() => { const q = document.querySelector('input[name=q]'); q.value = 'Kurs 14';"
        " q.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    # Kurs 14 and Kurs 140–149
    assert page.evaluate(VISIBLE + ".length") == 11
    page.evaluate(
        "(() => { const q = document.querySelector('input[name=q]'); q.value = '';"
        " q.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    assert page.evaluate(VISIBLE + ".length") == 100  # a new choice starts with a hundred
    # Printing shows every match, and the screen goes back to a hundred afterwards.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate(VISIBLE + ".length") == 250
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(VISIBLE + ".length") == 100
    assert page.errors() == []


def _random_offers(concept: ki.Concept, count: int, seed: int) -> tuple[ki.Offer, ...]:
    """*count* offers with every filter value varied (more than 64: several words of bits)."""
    import random

    rnd = random.Random(seed)
    towns = [t.ags for t in concept.municipalities()]
    actors = [a.id for a in concept.actors][:6]
    groups = ["kinder", "familien", "frauen", "jugendliche"]
    offers = []
    for n in range(count):
        low = rnd.choice([None, 6, 16, 18])
        offers.append(
            ki.Offer(
                id=f"o{n:03d}",
                name=f"Angebot {n}",
                actor=rnd.choice(actors),
                fields=(rnd.choice(["sprache", "beratung", "bildung"]),),
                target_groups=tuple(rnd.sample(groups, rnd.randint(0, 2))),
                territories=(rnd.choice([*towns, towns[0][:5]]),),  # one town, or the Kreis
                languages=tuple(rnd.sample(["de", "ar", "uk", "ti"], rnd.randint(0, 2))),
                schedule=rnd.choice([None, "FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=TH,SA"]),
                cost=rnd.choice([None, Decimal(0), Decimal(5)]),
                eligibility=ki.Eligibility(
                    min_age=low, max_age=None if low is None else low + rnd.choice([0, 10])
                ),
            )
        )
    return tuple(offers)


def test_filter_agrees_with_the_data_for_random_choices(page: Page, tmp_path: Path) -> None:
    """The filter's bitsets against the offers' own values, for many combinations."""
    import random

    kreis = ki.load_concept(KREIS)
    offers = _random_offers(kreis, 90, seed=19)
    concept = kreis.evolve(offers=offers)
    site = ki.build_directory(concept, tmp_path / "w", languages=["de"], today=KREIS_DAY)
    page.open((site / "de" / "index.html").as_uri())
    days = {None: set(), "FREQ=WEEKLY;BYDAY=MO": {"MO"}, "FREQ=WEEKLY;BYDAY=TH,SA": {"TH", "SA"}}
    towns = [t.ags for t in concept.municipalities()]
    rnd = random.Random(2026)
    for _ in range(40):
        choice = {
            "municipality": rnd.choice(["", *towns[:4]]),
            "field": rnd.choice(["", "sprache", "beratung"]),
            "group": rnd.choice(["", "kinder", "frauen"]),
            "language": rnd.choice(["", "ar", "ti"]),
            "day": rnd.choice(["", "MO", "SA", "FR"]),
            "actor": rnd.choice(["", *(o.actor for o in offers[:3])]),
            "age": rnd.choice(["", "6", "16", "17", "30"]),
            "free": rnd.random() < 0.3,
        }
        page.evaluate(
            "(c => { const f = document.getElementById('filter'); f.elements.q.value = '';"
            " for (const [k, v] of Object.entries(c)) {"
            "   if (k === 'free') { f.elements.free.checked = v; }"
            "   else { f.elements[k].value = v; }"
            " } f.dispatchEvent(new Event('change', {bubbles: true})); })"
            f"({json.dumps(choice)})"
        )
        age = int(choice["age"]) if choice["age"] else None
        expected = sorted(
            o.id
            for o in offers
            if (
                not choice["municipality"]
                or choice["municipality"] in o.territories
                or o.territories[0] == towns[0][:5]
            )
            and (not choice["field"] or choice["field"] in o.fields)
            and (not choice["group"] or not o.target_groups or choice["group"] in o.target_groups)
            and (not choice["language"] or choice["language"] in o.languages)
            and (not choice["day"] or choice["day"] in days[o.schedule])
            and (not choice["actor"] or o.actor == choice["actor"])
            and (not choice["free"] or o.cost == 0)
            and (
                age is None
                or (
                    (o.eligibility.min_age is None or o.eligibility.min_age <= age)
                    and (o.eligibility.max_age is None or age <= o.eligibility.max_age)
                )
            )
        )
        assert _shown_ids(page) == expected, choice
        assert page.evaluate("document.getElementById('count').textContent") == str(len(expected))
    assert page.errors() == []
