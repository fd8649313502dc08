"""Benchmark: the indicator engine against a straightforward pandas implementation.

Uses the synthetic export of ``cases_read.py`` (1,000,000 cases, about 3,000,000
events, 400 municipalities in 40 districts; generated once into a temporary folder)
and computes the six default indicators for 2025, its 4 quarters and its 12 months,
by municipality, district and total, by sex and total — once with the engine, once
with pandas, each in a fresh process (so that the peak memory, the maximum resident
set size, belongs to one implementation). Both start from the CSV files. The engine
runs without disclosure control here so that every value can be compared; its time
with disclosure control is printed as well. The script fails if any value differs.

pandas is a benchmark-only dependency (dependency group ``bench``).

Run: ``.venv/bin/python benchmarks/indicators_vs_pandas.py [--cases N] [--dir DIR]``
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases_read import default_dir, generate

PERIOD = "2025"
PLACEMENT_EVENTS = ("employment_started", "vocational_training_started")


def run_engine(cases: str, events: str, out: str) -> dict[str, float]:
    from kommunale_integration import compute_indicators, read_cases

    start = time.perf_counter()
    data = read_cases(cases, events)
    read = time.perf_counter() - start
    table = compute_indicators(
        cases=data, periods=[PERIOD], by=("sex",), include_subperiods=True, disclosure=None
    )
    total = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as handle:
        handle.write(table.to_csv())
    protected_start = time.perf_counter()
    compute_indicators(cases=data, periods=[PERIOD], by=("sex",), include_subperiods=True)
    protected = time.perf_counter() - protected_start
    return {
        "read": read,
        "compute": total - read,
        "total": total,
        "compute_with_disclosure_control": protected,
        "rows": len(table),
    }


def run_pandas(cases: str, events: str, out: str) -> dict[str, float]:
    import pandas as pd

    start = time.perf_counter()
    c = pd.read_csv(
        cases,
        dtype={"case_id": str, "municipality": str, "legal_basis": str, "sex": str},
        usecols=["case_id", "municipality", "opened", "closed", "sex"],
        keep_default_na=False,
    )
    c["opened"] = pd.to_datetime(c["opened"], format="%Y-%m-%d")
    c["closed"] = pd.to_datetime(c["closed"].replace("", None), format="%Y-%m-%d")
    e = pd.read_csv(events, dtype=str, usecols=["case_id", "event", "date"], keep_default_na=False)
    e["date"] = pd.to_datetime(e["date"], format="%Y-%m-%d")
    read = time.perf_counter() - start

    c["district"] = c["municipality"].str[:5]
    year = pd.Period(PERIOD, freq="Y")
    periods = [(PERIOD, year.start_time, year.end_time.normalize())]
    for q in range(1, 5):
        p = pd.Period(f"{PERIOD}Q{q}", freq="Q")
        periods.append((f"{PERIOD}-Q{q}", p.start_time, p.end_time.normalize()))
    for m in range(1, 13):
        p = pd.Period(f"{PERIOD}-{m:02d}", freq="M")
        periods.append((f"{PERIOD}-{m:02d}", p.start_time, p.end_time.normalize()))

    sexes = ["f", "m", "d", "unknown"]
    results: list[tuple[str, str, str, str, float]] = []

    def counts(mask: pd.Series) -> pd.Series:
        sub = c.loc[mask, ["municipality", "district", "sex"]]
        by_mun = sub.groupby(["municipality", "sex"]).size()
        by_dis = sub.groupby(["district", "sex"]).size()
        by_all = sub.groupby("sex").size()
        frames = [by_mun, by_dis, pd.concat({"all": by_all})]
        cells = pd.concat(frames)
        totals = cells.groupby(level=0).sum()
        totals.index = pd.MultiIndex.from_arrays([totals.index, ["_T"] * len(totals)])
        return pd.concat([cells, totals])

    territories = sorted(c["municipality"].unique()) + sorted(c["district"].unique()) + ["all"]
    full = pd.MultiIndex.from_product([territories, [*sexes, "_T"]])
    for label, first, last in periods:
        active = (c["opened"] <= last) & (c["closed"].isna() | (c["closed"] >= first))
        new = (c["opened"] >= first) & (c["opened"] <= last)
        in_period = (e["date"] >= first) & (e["date"] <= last)

        def with_event(names: tuple[str, ...], in_period: pd.Series = in_period) -> pd.Series:
            ids = e.loc[in_period & e["event"].isin(names), "case_id"].unique()
            return c["case_id"].isin(ids)

        values = {
            "active_cases": counts(active).reindex(full, fill_value=0),
            "new_cases": counts(new).reindex(full, fill_value=0),
            "language_course_starts": counts(with_event(("language_course_started",))).reindex(
                full, fill_value=0
            ),
            "language_course_completions": counts(
                with_event(("language_course_completed",))
            ).reindex(full, fill_value=0),
            "placements": counts(with_event(PLACEMENT_EVENTS)).reindex(full, fill_value=0),
        }
        num, den = values["placements"], values["active_cases"]
        rate = (num * 100 / den.where(den != 0)).where(num != 0, 0.0)
        for name, series in [*values.items(), ("placement_rate", rate)]:
            for (territory, sex), value in series.items():
                results.append((name, label, territory, sex, value))
    total = time.perf_counter() - start
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in results:
            writer.writerow(row)
    return {"read": read, "compute": total - read, "total": total, "rows": len(results)}


def _child(kind: str, cases: str, events: str, out: str) -> None:
    figures = (run_engine if kind == "engine" else run_pandas)(cases, events, out)
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _compare(engine_csv: Path, pandas_csv: Path) -> int:
    from decimal import ROUND_HALF_UP, Decimal

    engine: dict[tuple[str, str, str, str], str] = {}
    with engine_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["indicator"], row["period"], row["territory"], row["sex"])
            engine[key] = row["value"]
    mismatches = 0
    compared = 0
    with pandas_csv.open(encoding="utf-8") as handle:
        for name, period, territory, sex, raw in csv.reader(handle):
            compared += 1
            if name == "placement_rate":
                expected = (
                    ""
                    if raw == "nan"
                    else str(Decimal(raw).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                )
            else:
                expected = str(int(float(raw)))
            if engine.get((name, period, territory, sex)) != expected:
                mismatches += 1
                if mismatches <= 5:
                    print(
                        "MISMATCH",
                        name,
                        period,
                        territory,
                        sex,
                        engine.get((name, period, territory, sex)),
                        expected,
                    )
    if compared != len(engine):
        print(f"MISMATCH: pandas has {compared} cells, the engine {len(engine)}")
        mismatches += 1
    print(f"compared {compared:,} cells: {mismatches} differ")
    return mismatches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=default_dir())
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    cases, events = generate(args.dir, args.cases)
    print(f"export: {args.cases:,} cases ({cases}, {events})")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {}
        for kind in ("engine", "pandas"):
            outputs[kind] = Path(tmp) / f"{kind}.csv"
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    kind,
                    str(cases),
                    str(events),
                    str(outputs[kind]),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            figures[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        mismatches = _compare(outputs["engine"], outputs["pandas"])
    for kind in ("engine", "pandas"):
        f = figures[kind]
        print(
            f"{kind:7s} read {f['read']:6.2f} s  compute {f['compute']:6.2f} s  "
            f"total {f['total']:6.2f} s  peak memory {f['peak_mib']:7.0f} MiB  "
            f"({f['rows']:,} cells)"
        )
    e, p = figures["engine"], figures["pandas"]
    print(f"engine with disclosure control: compute {e['compute_with_disclosure_control']:.2f} s")
    print(f"time: engine/pandas = {e['total'] / p['total']:.2f}")
    print(f"peak memory: engine/pandas = {e['peak_mib'] / p['peak_mib']:.2f}")
    if mismatches:
        raise SystemExit("the engine and pandas disagree")


if __name__ == "__main__":
    main()
