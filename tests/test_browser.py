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
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    assert page.screenshot("report.png").stat().st_size > 10_000


def test_directory_filter_narrows_the_list(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "index.html").as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    visible = "[...document.querySelectorAll('[data-entry]')].filter(e => !e.hidden).length"
    assert page.evaluate("document.getElementById('filter').hidden") is False
    assert page.evaluate(visible) == 3
    page.evaluate(
        "(() => { const s = document.querySelector('select[name=municipality]');"
        f" s.value = '{COESFELD}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
    )
    # Coesfeld: the VHS (serves the whole Kreis) and the initiative, not the DRK.
    shown = page.evaluate(
        "[...document.querySelectorAll('[data-entry]')].filter(e => !e.hidden)"
        ".map(e => e.dataset.entry).sort().join(',')"
    )
    assert shown == "evil,vhs"
    assert page.evaluate("document.getElementById('count').textContent") == "2"
    page.evaluate(
        "(() => { const q = document.querySelector('input[name=q]'); q.value = 'vhs';"
        " q.dispatchEvent(new Event('input', {bubbles: true})); })()"
    )
    assert page.evaluate(visible) == 1
    page.screenshot("directory-filtered.png")
    assert page.errors() == []


def test_directory_without_scripts_shows_everything(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "index.html").as_uri(), scripts=False)
    try:
        assert page.evaluate("document.getElementById('filter').hidden") is True
        visible = "[...document.querySelectorAll('[data-entry]')].filter(e => !e.hidden).length"
        assert page.evaluate(visible) == 3
        page.screenshot("directory-noscript.png")
    finally:
        page.send("Emulation.setScriptExecutionDisabled", value=False)


def test_actor_page_opens_without_errors(page: Page, tmp_path: Path) -> None:
    site = ki.build_directory(sample_concept(), tmp_path / "site", today=TODAY)
    page.open((site / "akteure" / "vhs.html").as_uri())
    assert page.errors() == []
    assert _external(page.requests()) == []
    assert page.evaluate("document.querySelector('h1').textContent") == "VHS Coesfeld"
