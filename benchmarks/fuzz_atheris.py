"""Coverage-guided fuzzing (atheris) of every loader: tables, concepts, case exports, HSDS.

Run with ``.venv/bin/python benchmarks/fuzz_atheris.py [ITERATIONS] [SECONDS] [TARGETS]``
(default 200,000 iterations or 300 seconds per target, whichever comes first; TARGETS
``csv,yaml,json,toml,cases,hsds``). Needs the
dependency group ``fuzz`` (``pip install atheris``). Each target runs in its own process
(``tests/fuzz/atheris_harness.py``); the script prints per target the iterations, the
executions per second, how many inputs gave a model or a LoadError, and the unique
crashes (any other exception) with the file where the first input of each is kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1] / "tests" / "fuzz" / "atheris_harness.py"


def run(target: str, iterations: int, seconds: int, out: Path) -> dict[str, object]:
    summary = out / f"{target}.json"
    command = [
        sys.executable,
        str(HARNESS),
        target,
        str(summary),
        f"-runs={iterations}",
        f"-max_total_time={seconds}",
        "-max_len=4096",
        "-rss_limit_mb=2048",
        "-timeout=10",
        "-print_final_stats=1",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if not summary.is_file():
        tail = "\n".join(completed.stderr.splitlines()[-20:])
        raise SystemExit(
            f"{target}: the harness wrote no summary (exit {completed.returncode})\n{tail}"
        )
    result: dict[str, object] = json.loads(summary.read_text(encoding="utf-8"))
    result["libfuzzer_exit"] = completed.returncode
    # libFuzzer's final statistics are exact (the harness writes its summary in steps)
    for line in completed.stderr.splitlines():
        if line.startswith("stat::number_of_executed_units:"):
            result["iterations"] = int(line.split(":")[-1])
        elif line.startswith("stat::average_exec_per_sec:"):
            result["exec_per_second"] = int(line.split(":")[-1])
        elif line.startswith("Done ") and " runs in " in line:
            result["seconds"] = int(line.split(" runs in ")[1].split()[0])
    return result


TARGETS = ("csv", "yaml", "json", "toml", "cases", "hsds")


def _targets(text: str) -> list[str]:
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    unknown = sorted(set(chosen) - set(TARGETS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown target {', '.join(unknown) or '(none)'}; choose from {','.join(TARGETS)}"
        )
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=(
            "Coverage-guided fuzzing (atheris) of the loaders, each target in its own "
            "process; needs the dependency group 'fuzz' (pip install atheris)."
        )
    )
    parser.add_argument(
        "iterations", nargs="?", type=int, default=200_000, help="inputs per target (200000)"
    )
    parser.add_argument(
        "seconds", nargs="?", type=int, default=300, help="seconds per target at most (300)"
    )
    parser.add_argument(
        "targets",
        nargs="?",
        type=_targets,
        default=list(TARGETS),
        help=f"comma-separated, of {','.join(TARGETS)} (all)",
    )
    args = parser.parse_args(argv)
    iterations, seconds, targets = args.iterations, args.seconds, args.targets
    out = Path(tempfile.mkdtemp(prefix="ki-atheris-"))
    print(f"atheris: up to {iterations:,} iterations or {seconds} s per target; output in {out}")
    for target in targets:
        result = run(target, iterations, seconds, out)
        outcomes = result["outcomes"]
        assert isinstance(outcomes, dict)
        print(
            f"{target:>5}: {result['iterations']:>9,} inputs in {result['seconds']:>6} s "
            f"({result['exec_per_second']:,} exec/s); among the first {sum(outcomes.values()):,}: "
            f"model {outcomes['model']:,}, "
            f"LoadError {outcomes['load-error']:,}, arguments refused "
            f"{outcomes.get('argument-refused', 0):,}; unique crashes: {result['unique_crashes']}"
        )
        crashes = result["crashes"]
        assert isinstance(crashes, dict)
        for kind, entry in crashes.items():
            print(f"        {kind}: {entry['count']}x, e.g. {entry['input']}: {entry['message']}")


if __name__ == "__main__":
    main()
