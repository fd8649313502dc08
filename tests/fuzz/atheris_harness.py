"""Coverage-guided fuzzing of the CSV table reader and the YAML concept loader (atheris).

Run one target in its own process (``benchmarks/fuzz_atheris.py`` runs both and prints
the figures)::

    .venv/bin/python tests/fuzz/atheris_harness.py csv SUMMARY.json [libFuzzer options]

Targets:

``csv``
    The input's first byte chooses the table kind and the file suffix (``.csv``,
    ``.tsv``, ``.txt``); the rest is the file given to ``read_table``.
``yaml``, ``json``, ``toml``
    The input is ``konzept.yaml`` (``.json``, ``.toml``) of a concept folder that also
    holds an ``akteure.csv``; the folder is given to ``load_concept``.
``cases``
    ``read_cases`` with fuzzed arguments: the first byte chooses the encoding (also
    ``utf-16``, ``bogus``, ``rot13``), the delimiter (also ``""``, ``"ab"``) and a column
    mapping (also one that maps an identifier onto a canonical column), the second
    whether the files are paths (the fast reader, one input in eight) or streams; the
    rest is ``cases.csv`` and, after
    the first empty line pair, ``events.csv``.
``hsds``
    The input is one HSDS JSON document given to ``import_hsds``.

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
import importlib
import io
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
    from kommunale_integration._text import check_csv_arguments

    PARTS = ("_cases", "_converter", "_hsds", "_identifiers", "_loaders", "_model", "_periods")
    INSTRUMENTED = (
        *(importlib.import_module(f"kommunale_integration.{part}") for part in PARTS),
        ki.load_concept,
    )

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
    "cases": [],  # built by generated_seeds
    "json": [],
    "toml": [],
    "hsds": [],
}
ENCODINGS = [None, "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "bogus", "rot13"]
DELIMITERS = [None, ",", ";", "\t", "", "ab", "\n", '"']
MAPPINGS: list[dict[str, str] | None] = [
    None,
    {"Fallnummer": "case_id", "Gemeinde": "municipality"},
    {"Vorname": "legal_basis"},
    {"": "sex", "x": "opened"},
]


class Harness:
    """Runs one target on fuzzer inputs and keeps the figures."""

    def __init__(self, target: str, summary: Path) -> None:
        self.target = target
        self.summary = summary
        self.work = Path(tempfile.mkdtemp(prefix=f"ki-fuzz-{target}-"))
        self.crash_dir = summary.parent / f"crashes-{target}"
        self.iterations = 0
        self.outcomes = {"model": 0, "load-error": 0, "argument-refused": 0}
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
        self.run_main("konzept.yaml", data)

    def run_json(self, data: bytes) -> None:
        self.run_main("konzept.json", data)

    def run_toml(self, data: bytes) -> None:
        self.run_main("konzept.toml", data)

    def run_main(self, name: str, data: bytes) -> None:
        for other in ("konzept.yaml", "konzept.json", "konzept.toml"):
            (self.work / other).unlink(missing_ok=True)
        (self.work / name).write_bytes(data)
        ki.load_concept(self.work, options=self.options)

    def run_cases(self, data: bytes) -> None:
        head, mode = (data[0], data[1]) if len(data) > 1 else (0, 1)
        cases, _, events = data[2:].partition(b"\n\n\n")
        encoding = ENCODINGS[head % len(ENCODINGS)]
        delimiter = DELIMITERS[(head // 8) % len(DELIMITERS)]
        mapping = MAPPINGS[(head // 64) % len(MAPPINGS)]
        options = ki.CaseReadOptions(max_file_bytes=100_000)
        try:
            check_csv_arguments(encoding, delimiter)
        except ValueError:
            # the documented answer to an encoding or delimiter no CSV reader can use
            self.outcomes["argument-refused"] += 1
            return
        if mode % 8 == 0:  # the fast reader (files only): slower per call, so less often
            (self.work / "cases.csv").write_bytes(cases)
            (self.work / "events.csv").write_bytes(events)
            sources: tuple[Any, Any] = (self.work / "cases.csv", self.work / "events.csv")
        else:
            sources = (io.BytesIO(cases), io.BytesIO(events) if events else None)
        ki.read_cases(*sources, mapping=mapping, encoding=encoding, delimiter=delimiter,
                      options=options)  # fmt: skip

    def run_hsds(self, data: bytes) -> None:
        (self.work / "hsds.json").write_bytes(data)
        ki.import_hsds(self.work / "hsds.json")

    def __call__(self, data: bytes) -> None:
        self.iterations += 1
        if self.iterations % 500 == 0:
            # libFuzzer ends the process without running atexit handlers
            self.write_summary()
        run = getattr(self, f"run_{self.target}")
        before = self.outcomes["argument-refused"]
        try:
            run(data)
        except ki.KommunaleIntegrationError:
            self.outcomes["load-error"] += 1
        except Exception as error:  # a crash: record it and go on fuzzing
            self.record(error, data)
        else:
            if self.outcomes["argument-refused"] == before:
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


def generated_seeds(target: str) -> list[bytes]:
    """Seeds made from the examples: the concept as JSON/TOML/HSDS, a small case export."""
    example = REPO / "examples" / "kreis_coesfeld"
    if target == "cases":
        lines = (example / "cases.csv").read_bytes().splitlines()[:40]
        ids = {line.split(b",")[0] for line in lines[1:]}
        event_lines = (example / "events.csv").read_bytes().splitlines()
        chosen = [event_lines[0], *(e for e in event_lines[1:] if e.split(b",")[0] in ids)]
        cases, events = b"\n".join(lines), b"\n".join(chosen[:60])
        heads = [(0, 1), (0, 0), (1, 1), (8, 1), (64, 1), (192, 0)]
        return [bytes(pair) + cases + b"\n\n\n" + events for pair in heads]
    concept = ki.load_concept(example)
    if target == "json":
        return [ki.dumps_json(concept).encode()[:40_000]]
    if target == "toml":
        import tomli_w

        from kommunale_integration._converter import unstructure

        return [tomli_w.dumps(unstructure(concept)).encode()[:40_000]]
    out = Path(tempfile.mkdtemp(prefix="ki-seed-hsds-")) / "hsds"
    ki.export_hsds(concept, out, form="json")
    return [p.read_bytes()[:20_000] for p in sorted(out.rglob("*.json"))[:5]]


def seed_corpus(target: str) -> Path:
    """A folder with the example files as the first inputs."""
    corpus = Path(tempfile.mkdtemp(prefix=f"ki-corpus-{target}-"))
    seeds = [p.read_bytes()[:20_000] for p in SEEDS[target]] or generated_seeds(target)
    for index, seed in enumerate(seeds):
        prefix = bytes([index % 256]) if target == "csv" else b""
        (corpus / f"seed-{index}").write_bytes(prefix + seed)
    return corpus


def main(argv: list[str]) -> None:
    """``atheris_harness.py TARGET SUMMARY.json [libFuzzer options]``."""
    if len(argv) < 3 or argv[1] not in SEEDS:
        raise SystemExit(f"usage: {argv[0]} {'|'.join(SEEDS)} SUMMARY.json [options]")
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
