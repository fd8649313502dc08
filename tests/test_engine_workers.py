"""Protection of the count tables in worker processes (``compute_indicators(workers=…)``).

The pool is forced onto small tables here (``POOL_CELLS`` lowered): the result must be
the one of the serial computation — every published value and status, every audited
interval, ``exact`` — for any data and policy; errors in a worker reach the caller as
they were raised; an interrupted command leaves neither a worker nor an output behind.
"""

from __future__ import annotations

import contextlib
import importlib.util
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from helpers import DEFAULT_SIGINT
from kommunale_integration._engine import _workers, compute

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kreis_coesfeld"
AGS = ["05558004", "05558008", "05558012", "05566012", "05566016"]


def records(seed: int, n: int) -> list[dict[str, Any]]:
    """*n* cases of 2025 in five municipalities of two Kreise (seeded)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        opened = date(2025, 1, 1).toordinal() + rng.randrange(365)
        closed = opened + rng.randrange(400) if rng.random() < 0.6 else None
        rows.append(
            {
                "case_id": f"c{i}",
                "municipality": rng.choice(AGS),
                "opened": date.fromordinal(opened),
                "closed": None if closed is None else date.fromordinal(closed),
                "sex": rng.choice("fm"),
                "legal_basis": rng.choice(["AsylbLG", "SGB II"]),
            }
        )
    return rows


class Spy:
    """Records the calls of :func:`_workers.run_in_workers` and makes them."""

    last: Spy

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[int] = []
        self.primaries: list[list[int]] = []  # of the jobs of each call, in their order
        self.lists: list[list[int]] = []  # the lists of values of each job, in their order
        self.exact: list[bool] = []  # each job's exact_audit
        self.here: list[int] = []  # the jobs of each call computed in the calling process
        real = _workers.run_in_workers

        def spy(function: Any, jobs: Any, workers: int, *, here: Any = 0, preload: Any = ()) -> Any:
            self.calls.append(workers)
            jobs = list(jobs)
            here = here() if callable(here) else here  # (asked once the jobs are there)
            self.here.append(here)
            self.lists.append([len(raws) for _, raws, *_ in jobs])
            self.primaries.append(  # (a job protects one count, new and active cases,
                # or a family of counts of overlapping events: not its patterns' cases)
                [
                    sum(
                        1
                        for raw in raws[: len(raws) - len(patterns)]
                        for v in raw
                        if 0 < v < control.threshold
                    )
                    for _, raws, _, control, _, patterns in jobs
                ]
            )
            self.exact += [job[4] for job in jobs]
            return real(function, jobs, workers, here=here, preload=preload)

        monkeypatch.setattr(_workers, "run_in_workers", spy)
        Spy.last = self


def compute_both(
    monkeypatch: pytest.MonkeyPatch, data: ki.CaseData, *, planned: bool = False, **options: Any
) -> tuple[ki.IndicatorTable, ki.IndicatorTable]:
    """The table computed in this process and with two processes, this one and a
    worker (pool forced): every table protected in the worker, unless *planned*
    (then this process protects the last as :func:`compute._pool_plan` says)."""
    serial = ki.compute_indicators(cases=data, workers=1, **options)
    spy = Spy(monkeypatch)
    monkeypatch.setattr(compute, "POOL_CELLS", 0)
    if not planned:
        plan = compute._pool_plan
        monkeypatch.setattr(compute, "_pool_plan", lambda tables, n: (plan(tables, n)[0], 0))
    pooled = ki.compute_indicators(cases=data, workers=2, **options)
    assert spy.calls == [1], "the pool was not used"
    return serial, pooled


def same(a: ki.IndicatorTable, b: ki.IndicatorTable) -> None:
    assert a.rows == b.rows  # values, statuses, numerators and denominators
    assert list(a.records()) == list(b.records())
    assert a.audit == b.audit


def test_the_pool_gives_the_serial_table_and_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ki.CaseData.from_records(records(7, 160))
    options: dict[str, Any] = {
        "periods": ["2025"],
        "by": ("sex",),
        "include_subperiods": True,
        "audit": True,
    }
    serial, pooled = compute_both(monkeypatch, data, planned=True, **options)
    same(serial, pooled)
    # the longest jobs (most primary cells times lists of values) first, so that the
    # processes end together
    work = [p * n for p, n in zip(Spy.last.primaries[0], Spy.last.lists[0], strict=True)]
    assert work == sorted(work, reverse=True)
    assert len(set(work)) > 1
    assert Spy.last.lists[0] == [3, 1, 1, 1]  # the table of new and active cases first
    suppressed = [r for r in serial if r.status is ki.ObservationStatus.SUPPRESSED]
    assert suppressed, "the table must have suppressions to compare"
    assert serial.audit
    assert {c.exact for c in serial.audit} == {True}
    # (four jobs: new and active cases are one table)
    assert Spy.last.exact == [True] * 4, "audit=True: every block audited exactly, also there"
    # the table of new and active cases in the worker, the counts (without primary
    # cells here) in this process (compute._pool_plan)
    assert Spy.last.here == [3]
    # determinism: another run of the pool (new processes, new hash seeds) agrees
    same(pooled, ki.compute_indicators(cases=data, workers=2, **options))


@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(20, 120),
    by=st.sampled_from([(), ("sex",), ("sex", "legal_basis")]),
    policy=st.sampled_from(
        [
            ki.DisclosureControl(),
            ki.DisclosureControl(threshold=4, margin=1),
            ki.DisclosureControl(threshold=5, secondary=False),
        ]
    ),
)
def test_the_pool_gives_the_serial_result_for_any_data_and_policy(
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    n: int,
    by: tuple[str, ...],
    policy: ki.DisclosureControl,
) -> None:
    data = ki.CaseData.from_records(records(seed, n))
    options: dict[str, Any] = {
        "periods": ["2025-Q2"],
        "by": by,
        "include_subperiods": True,
        "disclosure": policy,
    }
    with monkeypatch.context() as patch:
        serial, pooled = compute_both(patch, data, **options)
    same(serial, pooled)
    assert set(Spy.last.exact) == {False}


def test_the_pool_gives_the_serial_pattern_of_a_family_of_overlapping_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Placements (employment or training) beside employment and training starts:
    one table with the cases of each pattern (``compute._protect_family``), in a
    worker as in this process."""
    rng = random.Random(5)
    rows = records(5, 160)
    events = [
        {
            "case_id": row["case_id"],
            "event": rng.choice(["employment_started", "vocational_training_started"]),
            "date": date.fromordinal(date(2025, 1, 1).toordinal() + rng.randrange(365)),
        }
        for row in rows
        for _ in range(rng.randrange(3))
    ]
    data = ki.CaseData.from_records(rows, events)

    def count(*names: str) -> ki.Indicator:
        spec = ki.CaseCount(count=ki.CaseCountKind.EVENTS, events=names)
        return ki.Indicator(id="_".join(n[:5] for n in names), name="n", numerator=spec)

    family = [
        count("employment_started", "vocational_training_started"),
        count("employment_started"),
        count("vocational_training_started"),
    ]
    options: dict[str, Any] = {
        "periods": ["2025"],
        "by": ("sex",),
        "include_subperiods": True,
        "audit": True,
        "indicators": [*family, "active_cases"],
    }
    serial, pooled = compute_both(monkeypatch, data, **options)
    same(serial, pooled)
    # two jobs: the family (three counts and their patterns) and the active cases
    assert len(Spy.last.exact) == 2
    assert sum(1 for r in serial if r.status is ki.ObservationStatus.SUPPRESSED) > 20
    assert {c.indicator for c in serial.audit} == {i.id for i in family} | {"active_cases"}


def test_the_pool_is_used_only_when_it_pays(monkeypatch: pytest.MonkeyPatch) -> None:
    """From ``POOL_CELLS`` cells (the boundary pinned), with at least two counts to
    protect and more than one worker."""
    data = ki.CaseData.from_records(records(3, 40))
    options: dict[str, Any] = {"periods": ["2025-Q1"], "include_subperiods": True}
    cells = 4 * (len(AGS) + 3)  # the quarter and 3 months × municipalities, 2 Kreise, all
    spy = Spy(monkeypatch)
    monkeypatch.setattr(compute, "POOL_CELLS", cells + 1)
    ki.compute_indicators(cases=data, workers=2, **options)
    assert spy.calls == []
    monkeypatch.setattr(compute, "POOL_CELLS", cells)
    ki.compute_indicators(cases=data, workers=2, **options)
    assert spy.calls == [1], "two processes: this one and a worker"
    ki.compute_indicators(cases=data, workers=1, **options)
    ki.compute_indicators(cases=data, workers=2, indicators=["new_cases"], **options)
    ki.compute_indicators(cases=data, workers=2, disclosure=None, **options)
    rounding = ki.DisclosureControl(mode="round", base=5)
    ki.compute_indicators(cases=data, workers=2, disclosure=rounding, **options)
    assert spy.calls == [1], "one process, one count, nothing to suppress: no pool"
    # two counts (a rate: numerator and denominator) and eight processes: this one
    # and a worker, each protecting one
    ki.compute_indicators(cases=data, workers=8, indicators=["placement_rate"], **options)
    assert spy.calls == [1, 1]
    assert spy.here[1] == 1, "as many tables as processes: one in each"
    # more tables than processes: this process protects the last as many as
    # compute._pool_plan says
    tables = list(zip(spy.primaries[0], spy.lists[0], strict=True))
    assert len(tables) > 2
    assert spy.here[0] == compute._pool_plan(tables, 2)[1]
    monkeypatch.setattr(_workers, "usable_cores", lambda: 3)
    ki.compute_indicators(cases=data, **options)  # default: one per usable core
    assert spy.calls == [1, 1, 2]


_STDIN = """
from datetime import date
import kommunale_integration as ki
from kommunale_integration._engine import _workers, compute

compute.POOL_CELLS = 0
calls = []
real = _workers.run_in_workers
_workers.run_in_workers = lambda *args: calls.append(1) or real(*args)
rows = [
    {"case_id": str(i), "municipality": "0555800" + str(4 + i % 2),
     "opened": date(2025, 1 + i % 12, 1), "sex": "fm"[i % 3 % 2]}
    for i in range(40)
]
data = ki.CaseData.from_records(rows)
table = ki.compute_indicators(cases=data, periods=["2025-Q1"], include_subperiods=True, workers=2)
print(len(table), "rows, pool calls:", len(calls))
"""


def test_a_script_from_standard_input_computes_in_its_own_process() -> None:
    """A worker imports the main module from its file; ``python - < script`` has none
    (``<stdin>``): the computation stays in the process instead of failing."""
    done = subprocess.run(
        [sys.executable, "-"], input=_STDIN, capture_output=True, text=True, check=False,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("rows, pool calls: 0"), done.stdout


_IN_POOL = """
from datetime import date
import kommunale_integration as ki
from kommunale_integration._engine import compute

def data():
    rows = [
        {"case_id": str(i), "municipality": "0555800" + str(4 + i % 2),
         "opened": date(2025, 1 + i % 12, 1), "sex": "fm"[i % 3 % 2]}
        for i in range(40)
    ]
    return ki.CaseData.from_records(rows)

def job():  # in the pool's worker only
    compute.POOL_CELLS = 0
    return ki.compute_indicators(cases=data(), periods=["2025-Q1"], workers=2).to_csv()
"""


def test_a_worker_of_a_multiprocessing_pool_computes_in_its_own_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A daemonic process may start no process of its own."""
    (tmp_path / "in_pool.py").write_text(_IN_POOL, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import in_pool  # type: ignore[import-not-found]

    expected = ki.compute_indicators(cases=in_pool.data(), periods=["2025-Q1"], workers=1)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(in_pool.job) == expected.to_csv()


def test_workers_can_start_unless_in_a_daemon_or_the_main_module_is_no_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import types

    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert _workers.workers_can_start()  # interactive: nothing to import
    main.__file__ = str(tmp_path / "script.py")
    assert not _workers.workers_can_start()
    (tmp_path / "script.py").write_text("", encoding="utf-8")
    assert _workers.workers_can_start()
    main.__file__ = "<stdin>"
    assert not _workers.workers_can_start()
    main.__spec__ = importlib.util.spec_from_loader("tool.__main__", loader=None)
    assert _workers.workers_can_start()  # python -m: imported by its name
    # a worker of a multiprocessing.Pool is daemonic: it may start no process
    daemonic = types.SimpleNamespace(daemon=True)
    monkeypatch.setattr(multiprocessing, "current_process", lambda: daemonic)
    assert not _workers.workers_can_start()


@pytest.mark.parametrize("wrong", [0, -1, True, 1.5, "2"])
def test_workers_must_be_a_whole_number_of_at_least_one(wrong: Any) -> None:
    data = ki.CaseData.from_records(records(1, 5))
    with pytest.raises(ki.InvalidValueError, match="workers"):
        ki.compute_indicators(cases=data, periods=["2025"], workers=wrong)


def test_a_job_runs_in_another_process_and_its_error_reaches_the_caller() -> None:
    pids = _workers.run_in_workers(os.getpid, [(), (), ()], 2)
    assert os.getpid() not in pids
    with pytest.raises(ValueError, match="invalid literal for int") as raised:
        _workers.run_in_workers(int, [("1",), ("x",)], 2)
    assert type(raised.value) is ValueError
    assert _workers.run_in_workers(int, [("1",), ("2",), ("3",)], 2) == [1, 2, 3]


def test_the_last_jobs_can_be_computed_by_the_caller_beside_the_workers() -> None:
    """``here=n``: the last *n* jobs run in the calling process once the others are
    handed out; the results stay in the order of the jobs, and an error there is
    raised as it is, with no worker left."""
    pids = _workers.run_in_workers(os.getpid, [(), (), ()], 2, here=1)
    assert pids[2] == os.getpid()
    assert os.getpid() not in pids[:2]
    assert _workers.run_in_workers(int, [("1",), ("2",), ("3",)], 2, here=2) == [1, 2, 3]
    with pytest.raises(ValueError, match="invalid literal for int") as raised:
        _workers.run_in_workers(int, [("1",), ("x",)], 2, here=1)
    assert type(raised.value) is ValueError
    assert not multiprocessing.active_children()


def test_the_caller_is_asked_how_many_jobs_it_computes_once_the_first_is_there() -> None:
    """``here`` as a function: asked once, after the generator has made its first job
    (it may prepare all of them first and know then how long they take)."""
    asked: list[list[str]] = []
    made: list[str] = []

    def jobs() -> Any:
        made.extend(["1", "2", "3"])
        for text in made:
            yield (text,)

    def here() -> int:
        asked.append(list(made))
        return 1

    pids = _workers.run_in_workers(os.getpid, [(), (), ()], 2, here=lambda: 1)
    assert pids[2] == os.getpid()
    assert os.getpid() not in pids[:2]
    assert _workers.run_in_workers(int, jobs(), 2, here=here) == [1, 2, 3]
    assert asked == [["1", "2", "3"]]


@pytest.mark.parametrize(
    ("tables", "processes", "order", "here"),
    [
        # four counts of about equal work: two in the worker, two in this process
        ([(5_600, 1), (5_400, 1), (5_500, 1), (5_300, 1)], 2, [0, 2, 1, 3], 2),
        # the 1M-case benchmark: new and active cases (three lists of values, about as
        # many primary cells as a count) in the worker, the three counts here
        ([(5_950, 3), (5_619, 1), (5_763, 1), (5_759, 1)], 2, [0, 2, 3, 1], 3),
        # the same on three cores: a worker's share is the longest either way; the
        # next longest is shortest with the longest count in the other worker and
        # the other two here
        ([(5_950, 3), (5_619, 1), (5_763, 1), (5_759, 1)], 3, [0, 2, 3, 1], 2),
        # fewer primary cells, but three lists of values: longer than a count; the
        # workers take each next table as they are free
        ([(2_000, 1), (1_000, 3), (1_500, 1), (1_500, 1), (1_500, 1)], 2, [1, 0, 2, 3, 4], 3),
        ([(4, 1), (5, 1), (4, 1)], 3, [1, 0, 2], 1),
        ([(4, 1), (1, 1), (1, 1)], 3, [0, 1, 2], 1),
        # a table without primary cells counts as one (its relations, its check)
        ([(0, 1), (0, 3)], 2, [1, 0], 1),
        ([(0, 1), (0, 1), (0, 1)], 2, [0, 1, 2], 1),
        # at least one table for the workers, even when this process could take all
        ([(1, 1)], 2, [0], 0),
    ],
)
def test_the_pool_plan_longest_first_and_the_shortest_longest_share(
    tables: list[tuple[int, int]], processes: int, order: list[int], here: int
) -> None:
    """:func:`compute._pool_plan`: a table's work is its primary cells (one more)
    times its lists of values; the longest first to the ``processes - 1`` workers,
    each taking the next as it is free; this process takes as many of the last as
    make the longest share shortest (then the next longest, then the fewest)."""
    assert compute._pool_plan(tables, processes) == (order, here)


def _imported(name: str) -> bool:  # in a worker
    return name in sys.modules


def test_the_workers_import_the_modules_to_preload_as_they_start() -> None:
    """A worker imports the modules named to preload as it starts (while the caller
    prepares the jobs), not when a job needs them; a module that cannot be imported
    is left to the job."""
    assert "colorsys" not in sys.modules  # (imported by nothing here)
    jobs = [("colorsys",), ("colorsys",)]
    assert _workers.run_in_workers(_imported, jobs, 2) == [False, False]
    preload = ("colorsys", "no_such_module_here")
    assert _workers.run_in_workers(_imported, jobs, 2, preload=preload) == [True, True]
    # a function of no module (a builtin object's method) is called as any other
    assert _workers.run_in_workers("-".join, [(["a", "b"],), ("cd",)], 2) == ["a-b", "c-d"]


def _cells_of(layout: Any) -> tuple[int, int, int]:  # in a worker
    return os.getpid(), id(layout), id(layout.cell_list())


def test_a_worker_makes_the_cells_of_a_layout_once_for_all_its_tables() -> None:
    """Each job is sent with its own copy of the layout; a worker keeps the last one
    it received, and a job with an equal layout gets that one, with the cells and
    relations made for the worker's earlier tables (and what the protection kept for
    them, found by identity). An other layout is an other object."""
    import pickle

    periods = compute.expand_periods(["2025"], True)
    layout = compute._Layout(periods, AGS, None, [("sex", ["f", "m"])])
    first = pickle.loads(pickle.dumps(layout))
    first.cell_list()
    again = pickle.loads(pickle.dumps(layout))
    assert again is first
    assert again.cell_list() is first.cell_list()
    assert again.__getstate__() == layout.__getstate__()
    other = compute._Layout(periods, AGS[:3], None, [("sex", ["f", "m"])])
    assert pickle.loads(pickle.dumps(other)) is not first
    # (in a worker process: one worker, two jobs)
    (pid, a, cells_a), (same_pid, b, cells_b) = _workers.run_in_workers(
        _cells_of, [(layout,), (layout,)], 1
    )
    assert pid == same_pid != os.getpid()
    assert (a, cells_a) == (b, cells_b)


def test_the_workers_start_before_the_first_job_is_prepared() -> None:
    """The workers start (a fresh interpreter each) while the caller prepares the
    jobs: both are running when the generator is asked for its first job."""
    import multiprocessing

    seen: list[int] = []

    def jobs() -> Any:
        seen.append(len(multiprocessing.active_children()))
        yield ()
        yield ()

    before = len(multiprocessing.active_children())
    pids = _workers.run_in_workers(os.getpid, jobs(), 2)
    assert seen == [before + 2]
    assert len(pids) == 2


def test_nothing_of_the_tables_stays_after_a_computation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The protection keeps the vectors, positions and certificate rows of a table
    for the next count with the same cells; once the computation is done they are
    dropped (a long-running process keeps nothing of it), also after an error."""
    import sys

    from kommunale_integration._engine import _hypercube

    sys.path.insert(0, str(EXAMPLE.parents[1] / "benchmarks"))
    try:
        from cases_read import generate
    finally:
        sys.path.remove(str(EXAMPLE.parents[1] / "benchmarks"))
    data = ki.read_cases(*generate(tmp_path, 1_000, seed=7))
    kept: list[tuple[int, int, int]] = []
    original = _hypercube.forget

    def spy() -> None:
        kept.append(
            (len(_hypercube._VECTORS), len(_hypercube._POSITIONS), len(_hypercube._Rows._last))
        )
        original()

    monkeypatch.setattr(_hypercube, "forget", spy)
    options: dict[str, Any] = {"periods": ["2025"], "by": ("sex",), "include_subperiods": True}
    # (placements: a count on its own, whose certificate rows are kept; those of the
    # one table of new and active cases are not, no other table has its cells)
    ki.compute_indicators(
        cases=data, indicators=["new_cases", "active_cases", "placements"], workers=1, **options
    )
    assert len(kept) == 1
    assert min(kept[0]) > 0, "a product table was protected here"
    assert (_hypercube._VECTORS, _hypercube._POSITIONS, _hypercube._Rows._last) == ({}, [], [])

    def broken(*args: Any, **kwargs: Any) -> Any:
        _hypercube._POSITIONS.append(args)  # kept before the error
        raise RuntimeError("in the middle of a protection")

    monkeypatch.setattr(compute, "protect", broken)
    with pytest.raises(RuntimeError, match="middle"):
        ki.compute_indicators(cases=data, indicators=["new_cases"], workers=1, **options)
    assert not _hypercube._POSITIONS


def test_workers_leave_ctrl_c_to_the_parent() -> None:  # and watch it
    """A terminal sends Ctrl-C to every process of the command: a worker ignores it
    (no traceback of its own), the interrupted parent ends the workers."""
    assert _workers.run_in_workers(signal.getsignal, [(signal.SIGINT,)], 2) == [signal.SIG_IGN]


def test_a_worker_that_dies_is_a_clear_error() -> None:
    with pytest.raises(ki.KommunaleIntegrationError, match="workers=1"):
        _workers.run_in_workers(os._exit, [(3,), (3,)], 2)


@pytest.mark.parametrize("command", ["indicators", "report"])
def test_the_cli_option_reaches_the_engine(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from kommunale_integration._cli import main

    argv = [
        command, str(EXAMPLE), "--period", "2025",
        "--cases", str(EXAMPLE / "cases.csv"), "--events", str(EXAMPLE / "events.csv"),
    ]  # fmt: skip
    if command == "indicators":
        argv.append("--only")
    seen: list[int | None] = []
    real = ki.compute_indicators

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr("kommunale_integration._engine.compute_indicators", spy)
    assert main([*argv, "--workers", "1"]) == 0
    one = capsys.readouterr().out
    assert main(argv) == 0
    assert capsys.readouterr().out == one
    assert seen == [1, None]
    for wrong in ("0", "-2", "zwei"):
        with pytest.raises(SystemExit) as stop:
            main([*argv, "--workers", wrong])
        assert stop.value.code == 2
        assert "--workers" in capsys.readouterr().err


# --------------------------------------------------------------------------- interrupts

_RUN = """
import sys
from kommunale_integration._engine import compute
from kommunale_integration._cli import main
import endless

compute.POOL_CELLS = 0  # the example's tables in two workers (and the command)
compute._protect_count = endless.protect  # jobs that end only when they are ended
sys.exit(main(sys.argv[1:]))
"""

_ENDLESS = """
import time

def protect(*args):
    time.sleep(600)
"""


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid → (parent pid, session id, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[3]), command)
    return found


_EXIT = {
    "SIGTERM to the command": 143,
    "Ctrl-C in the terminal": 130,
    "Ctrl-C while the workers import": 130,
    "SIGKILL": -9,
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", sorted(_EXIT))
def test_an_interrupt_ends_the_workers_and_writes_nothing(tmp_path: Path, how: str) -> None:
    output = tmp_path / "kennzahlen.csv"
    # (three processes: this one and two workers)
    argv = [
        "indicators", str(EXAMPLE), "--period", "2025", "--by", "sex",
        "--cases", str(EXAMPLE / "cases.csv"), "--events", str(EXAMPLE / "events.csv"),
        "--workers", "3", "--output", str(output),
    ]  # fmt: skip
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "endless.py").write_text(_ENDLESS, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "lib")}
    command = subprocess.Popen(
        [sys.executable, "-c", DEFAULT_SIGINT + _RUN, *argv],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as in a terminal
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and command.poll() is None:
            time.sleep(0.05)
            workers = [
                pid
                for pid, (parent, _, line) in _processes().items()
                if parent == command.pid and "spawn_main" in line
            ]
        assert len(workers) == 2, "the workers did not start"
        if how != "Ctrl-C while the workers import":
            time.sleep(0.5)  # they import and start their jobs
        if how == "SIGTERM to the command":
            command.send_signal(signal.SIGTERM)
        elif how == "SIGKILL":  # the command cannot end its workers: they see it gone
            command.send_signal(signal.SIGKILL)
        else:
            os.killpg(command.pid, signal.SIGINT)
        # the jobs never end: the command ends only if it ends its workers
        _, err = command.communicate(timeout=60)
        assert command.returncode == _EXIT[how], err
        assert "Traceback" not in err, err
        if how != "SIGKILL":
            assert "no output was changed" in err or "keine Ausgabe" in err, err
        assert not output.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["lib"]
        # nothing of the command is left: neither a worker nor a helper process
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = [p for p, (_, session, _) in _processes().items() if session == command.pid]
            if not left:
                break
            time.sleep(0.05)
        assert not left, [_processes().get(p) for p in left]
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever a failure left
            os.killpg(command.pid, signal.SIGKILL)
