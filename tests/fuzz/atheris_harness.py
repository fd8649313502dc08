"""Coverage-guided fuzzing of the CSV table reader and the YAML concept loader (atheris).

Run one target in its own process (``benchmarks/fuzz_atheris.py`` runs both and prints
the figures)::

    .venv/bin/python tests/fuzz/atheris_harness.py csv SUMMARY.json [libFuzzer options]

Targets:

``csv``
    The input's first byte chooses the table kind and the file suffix (``.csv``,
    ``.tsv``, ``.txt``); the rest is the file given to ``read_table``.
``yaml``
    The input is ``konzept.yaml`` of a concept folder that also holds an ``akteure.csv``;
    the folder is given to ``load_concept``.

A *crash* is any exception other than ``LoadError`` (or another
``KommunaleIntegrationError``). Crashes are caught so that fuzzing goes on: each is
counted, its kind (exception type and the innermost frame of the library) recorded,
and the first input of each kind saved beside the summary. When the run ends, the
summary (iterations, seconds, executions per second, unique crashes) is written to
``SUMMARY.json`` (every 500 inputs and at each crash, as libFuzzer ends the process
without running exit handlers; libFuzzer's own final statistics give the exact count).

The extra dependency ``atheris`` is in the dependency group ``fuzz``.
"""

from __future__ import annotations

import atexit
import json
import logging
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import atheris  # type: ignore[import-not-found, unused-ignore]

with atheris.instrument_imports(include=["kommunale_integration", "yaml", "csv"]):
    import kommunale_integration as ki

    # The package imports its parts lazily: import them here, to instrument them too.
    from kommunale_integration import _converter, _loaders, _model, _periods, _validators

    INSTRUMENTED = (_converter, _loaders, _model, _periods, _validators, ki.load_concept)

KINDS = [k.value for k in ki.TableKind]
SUFFIXES = [".csv", ".tsv", ".txt"]
REPO = Path(__file__).resolve().parents[2]
SEEDS = {
    "csv": [
        *sorted((REPO / "examples" / "kreis_coesfeld").glob("*.csv")),
        *sorted((REPO / "examples" / "stadt_coesfeld").glob("*.csv")),
    ],
    "yaml": [
        REPO / "examples" / "kreis_coesfeld" / "konzept.yaml",
        REPO / "examples" / "stadt_coesfeld" / "konzept.yaml",
    ],
}


class Harness:
    """Runs one target on fuzzer inputs and keeps the figures."""

    def __init__(self, target: str, summary: Path) -> None:
        self.target = target
        self.summary = summary
        self.work = Path(tempfile.mkdtemp(prefix=f"ki-fuzz-{target}-"))
        self.crash_dir = summary.parent / f"crashes-{target}"
        self.iterations = 0
        self.outcomes = {"model": 0, "load-error": 0}
        self.crashes: dict[str, dict[str, Any]] = {}
        self.started = time.perf_counter()
        (self.work / "akteure.csv").write_text("ID;Name\nvhs;VHS Coesfeld\n", encoding="utf-8")
        self.options = ki.LoadOptions(max_file_bytes=1_000_000, max_rows=10_000)

    def run_csv(self, data: bytes) -> None:
        head = data[0] if data else 0
        path = self.work / f"t{SUFFIXES[head % len(SUFFIXES)]}"
        path.write_bytes(data[1:])
        ki.read_table(path, KINDS[(head // 3) % len(KINDS)], options=self.options)

    def run_yaml(self, data: bytes) -> None:
        (self.work / "konzept.yaml").write_bytes(data)
        ki.load_concept(self.work, options=self.options)

    def __call__(self, data: bytes) -> None:
        self.iterations += 1
        if self.iterations % 500 == 0:
            # libFuzzer ends the process without running atexit handlers
            self.write_summary()
        run = self.run_csv if self.target == "csv" else self.run_yaml
        try:
            run(data)
        except ki.KommunaleIntegrationError:
            self.outcomes["load-error"] += 1
        except Exception as error:  # a crash: record it and go on fuzzing
            self.record(error, data)
        else:
            self.outcomes["model"] += 1

    def record(self, error: Exception, data: bytes) -> None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "kommunale_integration" in f.filename]
        where = ours[-1] if ours else frames[-1]
        key = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
        entry = self.crashes.setdefault(
            key, {"count": 0, "message": str(error)[:300], "input": None}
        )
        entry["count"] += 1
        self.write_summary()
        if entry["input"] is None:
            self.crash_dir.mkdir(parents=True, exist_ok=True)
            saved = self.crash_dir / f"crash-{len(self.crashes)}.bin"
            saved.write_bytes(data)
            entry["input"] = str(saved)

    def write_summary(self) -> None:
        seconds = time.perf_counter() - self.started
        self.summary.write_text(
            json.dumps(
                {
                    "target": self.target,
                    "iterations": self.iterations,
                    "seconds": round(seconds, 1),
                    "exec_per_second": round(self.iterations / seconds) if seconds else 0,
                    "outcomes": self.outcomes,
                    "unique_crashes": len(self.crashes),
                    "crashes": self.crashes,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


def seed_corpus(target: str) -> Path:
    """A folder with the example files as the first inputs."""
    corpus = Path(tempfile.mkdtemp(prefix=f"ki-corpus-{target}-"))
    for index, seed in enumerate(SEEDS[target]):
        data = seed.read_bytes()[:20_000]
        if target == "csv":
            data = bytes([index % 256]) + data
        (corpus / f"seed-{index}").write_bytes(data)
    return corpus


def main(argv: list[str]) -> None:
    """``atheris_harness.py TARGET SUMMARY.json [libFuzzer options]``."""
    if len(argv) < 3 or argv[1] not in SEEDS:
        raise SystemExit(f"usage: {argv[0]} csv|yaml SUMMARY.json [libFuzzer options]")
    target, summary = argv[1], Path(argv[2]).resolve()
    logging.getLogger("kommunale_integration").setLevel(logging.CRITICAL)  # no warning spam
    harness = Harness(target, summary)
    atexit.register(harness.write_summary)
    harness.write_summary()
    corpus = seed_corpus(target)
    atheris.Setup([argv[0], *argv[3:], str(corpus)], harness)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
