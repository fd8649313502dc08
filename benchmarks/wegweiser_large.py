"""Benchmark: the Wegweiser of a large concept in eight languages, and its filter in Chromium.

The concept is the one of ``validate_large.py`` (400 Städte und Gemeinden, 2,000 actors,
10,000 offers; built with a fixed seed, not timed). Timed:

* ``build_directory(..., languages=<all eight>)`` — the whole site written to a
  temporary folder (target: ≤ 10 s), and one language alone for comparison;
* the filter of the German index (10,000 offers) in headless Chromium: the time from
  choosing a municipality (then a language, a weekday, an age) until the list is laid
  out again, as the median of several changes (target: ≤ 100 ms).

Chromium is Debian's ``chromium``; without it the browser part is skipped. Figures on a
shared machine are upper bounds.

Usage: python benchmarks/wegweiser_large.py [--runs N] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate_large import TODAY, build

import kommunale_integration as ki
from kommunale_integration._reports._wegweiser import WEGWEISER_LANGUAGES


def _timed(label: str, runs: int, func: Any) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    print(f"{label}: median {statistics.median(times):.2f} s, best {min(times):.2f} s")
    return statistics.median(times)


def _browser_filter(index: Path, runs: int) -> None:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        print("filter in Chromium: skipped (chromium not installed)")
        return
    import socket

    import websocket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile = tempfile.mkdtemp(prefix="ki-bench-")
    process = subprocess.Popen(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            f"--remote-debugging-port={port}",
            "--window-size=1280,900",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        targets: list[dict[str, Any]] = []
        while not targets and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
                    targets = [t for t in json.load(r) if t.get("type") == "page"]
            except OSError:
                time.sleep(0.2)
        ws = websocket.create_connection(
            targets[0]["webSocketDebuggerUrl"], timeout=120, suppress_origin=True
        )
        ident = 0

        def send(method: str, **params: Any) -> dict[str, Any]:
            nonlocal ident
            ident += 1
            ws.send(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv())
                if message.get("id") == ident:
                    result: dict[str, Any] = message.get("result", {})
                    return result

        send("Page.enable")
        started = time.perf_counter()
        send("Page.navigate", url=index.as_uri())
        while True:
            message = json.loads(ws.recv())
            if message.get("method") == "Page.loadEventFired":
                break
        print(f"index with 10,000 offers loaded in {time.perf_counter() - started:.2f} s")
        script = """
        (() => {
          const form = document.getElementById('filter');
          const steps = [
            ['municipality', form.elements.municipality.options[5].value],
            ['language', 'ar'], ['day', 'TH'], ['age', '30'],
            ['language', ''], ['municipality', ''], ['day', ''], ['age', '']];
          const times = [];
          for (const [name, value] of steps) {
            const t0 = performance.now();
            form.elements[name].value = value;
            form.dispatchEvent(new Event('change', {bubbles: true}));
            document.body.offsetHeight;  // force the layout of the changed list
            times.push(performance.now() - t0);
          }
          return times;
        })()
        """
        times: list[float] = []
        for _ in range(runs):
            result = send("Runtime.evaluate", expression=script, returnByValue=True)
            times.extend(result["result"]["value"])
        print("filter times (ms):", [round(t) for t in times])
        print(
            f"filter in Chromium ({len(times)} changes): median {statistics.median(times):.0f} ms, "
            f"max {max(times):.0f} ms"
        )
        ws.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    concept = build()
    print(f"concept: {len(concept.actors)} actors, {len(concept.offers)} offers")
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "wegweiser"
        _timed(
            "build_directory, 1 language ",
            args.runs,
            lambda: ki.build_directory(concept, site, languages=["de"], today=TODAY),
        )
        _timed(
            f"build_directory, {len(WEGWEISER_LANGUAGES)} languages",
            args.runs,
            lambda: ki.build_directory(concept, site, today=TODAY),
        )
        pages = list(site.rglob("*.html"))
        size = sum(p.stat().st_size for p in pages)
        print(f"site: {len(pages)} pages, {size / 1e6:.0f} MB")
        if not args.no_browser:
            _browser_filter(site / "de" / "index.html", max(args.runs, 3))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
