"""An informed attacker on a published release, written independently of the engine.

It reads only what a run publishes — the tidy CSV, the JSON, a data package, the
figures of the report — and what is public anyway: the concept (its territories and
its indicator definitions; without one the default catalogue of ``DESIGN.md`` §4) and
the library's documented rules. From that alone it writes down every relation among
the published cells:

* a ``_T`` cell is the sum of the values of its breakdown, for every breakdown of
  the release (so also with two breakdowns at once);
* a territory is the sum of its children: the concept's ``parent``, otherwise the
  first five digits of an eight-digit AGS (the district), otherwise ``all`` —
  skipping the territories above the concept's own, which are never computed (the
  Kreis of a Stadt's concept: Coesfeld's parent is then ``all``);
* a period and its sub-periods (a year and its quarters, a year or a quarter and its
  months, a school year and its months) when all of them are published: equality for
  counts that add up over time (``new`` cases), ``max(parts) ≤ total ≤ sum(parts)``
  for distinct counts (active cases, cases with an event) — by age group too, as the
  periods of a release that overlap are aged in one year (:func:`age_years`);
* a count filtered to values of a breakdown is made of the cells of the count
  without that filter (:func:`filtered_parts`); where the release does not publish
  that count, it is a count of its own all the same, never published (every cell
  unknown, :func:`unpublished_wholes`), which may be one of a family of overlapping
  events;
* no count is negative, and the library's rule on zeros: while zeros are never
  suppressed, a suppressed cell is at least 1 (where a zero may be a secondary cell,
  at least 0);
* how new and active cases of the same cases hang together (the definitions are
  public): a case open in a period was open at its start or opened in it, so
  ``active(P) = new(P) + open(start of P)`` with the cases open at a start (unknown,
  at least 0) shared by every period that starts then (a year, its first quarter,
  January), and a case open in a period is still open at the start of the next or
  was closed in it: ``active(P) = open(start of the next) + closed(P)`` (closed
  unknown, at least 0).

Then, with linear programs (HiGHS: ``highspy``, one model per block of linked
suppressed cells, each program solved from the basis of the last; the interior-point
method where a large block changes many costs at once; given the true table, small
programs over parts of a large block near it first), it decides for every
suppressed cell whether it is **fixed** (its smallest and largest feasible values
coincide) or **bounded below the threshold** (its largest feasible value is below it:
"fewer than 3 people"). A feasible table in which a cell reaches the threshold, and
two in which it differs, settle a cell without solving its own programs, so every
verdict is exact although few programs are solved. Over whole numbers
(``integral``) it solves mixed-integer programs with :func:`scipy.optimize.milp`
(the small programs near the true table too: whole numbers in the part they change).

In rounding mode a published value ``v`` (status ``rounded``) stands for every true
count that rounds to ``v``; the attacker then asks which true counts of 1 to
``threshold − 1`` it can prove to be at least 1 and below the threshold, and which
cells it can pin down exactly.

Used by ``tests/test_disclosure_release.py`` and ``benchmarks/attack_release.py``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

TOTAL = "_T"
TOL = 1e-6
Key = tuple[str, str, str, tuple[str, ...]]
"""(indicator, period, territory, values of the breakdowns)."""
Cell = tuple[str, str, tuple[str, ...]]
"""(period, territory, values of the breakdowns) within one indicator."""
Relation = tuple[Cell, list[Cell], bool]

# ------------------------------------------------------------------ reading a release


@dataclass
class Release:
    """Every published cell: its value (``None`` when suppressed) and status."""

    dims: tuple[str, ...]
    cells: dict[Key, tuple[float | None, str]] = field(default_factory=dict)

    def indicators(self) -> list[str]:
        return sorted({k[0] for k in self.cells})

    def of(self, indicator: str) -> dict[Cell, tuple[float | None, str]]:
        return {k[1:]: v for k, v in self.cells.items() if k[0] == indicator}

    def pattern(self) -> frozenset[Key]:
        """The suppressed cells."""
        return frozenset(k for k, (_, status) in self.cells.items() if status == "suppressed")


def _number(text: Any) -> float | None:
    if text is None or text == "":
        return None
    return float(text)


def _add(release: Release, row: Mapping[str, Any]) -> None:
    key = (
        str(row["indicator"]),
        str(row["period"]),
        str(row["territory"]),
        tuple(str(row[d]) for d in release.dims),
    )
    assert key not in release.cells, f"the release lists {key} twice"
    release.cells[key] = (_number(row["value"]), str(row["status"]))


def parse_csv(text: str) -> Release:
    """The tidy CSV: ``indicator,period,territory,<breakdowns…>,value,status``."""
    reader = csv.DictReader(io.StringIO(text))
    names = list(reader.fieldnames or [])
    assert names[:3] == ["indicator", "period", "territory"], names
    assert names[-2:] == ["value", "status"], names
    release = Release(tuple(names[3:-2]))
    for row in reader:
        _add(release, row)
    return release


def parse_json(text: str) -> Release:
    """The JSON: ``{"columns": […], "rows": [{…}, …]}``."""
    data = json.loads(text)
    names = list(data["columns"])
    release = Release(tuple(names[3:-2]))
    for row in data["rows"]:
        _add(release, row)
    return release


def read_datapackage(folder: Path) -> Release:
    """The data package: the CSV resource named in ``datapackage.json``."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = descriptor["resources"]
    return parse_csv((folder / resource["path"]).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ public knowledge


DOCUMENTED_LOWER = 0.0
"""What the library's documented rule (``docs/data-protection.rst``, "Zeros as
secondary cells") tells the attacker about a suppressed cell: a zero may be suppressed
as a secondary cell, so a suppressed cell is only known to be at least 0. (Were zeros
never suppressed, it would be at least 1.) The attacker takes the rule from the
documentation, as any reader can; it imports nothing from the engine."""


@dataclass(frozen=True)
class Knowledge:
    """What the attacker knows besides the release: the territory hierarchy and, per
    indicator, whether it is a count that adds up over time, a distinct count or a
    rate (or something else, which is left alone), its own threshold where the
    concept sets a stricter one, and for a rate its numerator and denominator."""

    parents: Mapping[str, str]
    kinds: Mapping[str, str]  # "additive", "distinct", "rate"
    threshold: int = 3
    lower: float = DOCUMENTED_LOWER
    thresholds: Mapping[str, int] = field(default_factory=dict)  # the concept's own
    rates: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # rate → counts
    rounded: Mapping[str, int] = field(default_factory=dict)  # indicator → base
    scales: Mapping[str, int] = field(default_factory=dict)  # rate → its scale (else 1)
    counts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # its numerator
    flows: Mapping[str, str] = field(default_factory=dict)  # new cases → active cases
    families: Sequence[tuple[str, ...]] = ()  # counts of overlapping events (event_families)
    fiscal: int = 1  # the month a budget year (HJ) starts in: the concept's fiscal_year_start
    territory: str | None = None  # the concept's: those above it are never computed

    def threshold_of(self, indicator: str) -> int:
        """The stricter of the run's threshold and the indicator's own."""
        return max(self.threshold, self.thresholds.get(indicator, 0))


DEFAULT_KINDS = {
    "active_cases": "distinct",
    "new_cases": "additive",
    "language_course_starts": "distinct",
    "language_course_completions": "distinct",
    "placements": "distinct",
    "placement_rate": "rate",
}
"""The default catalogue (``DESIGN.md`` §4)."""
DEFAULT_RATES = {"placement_rate": ("placements", "active_cases")}
DEFAULT_FLOWS = {"new_cases": "active_cases"}
DEFAULT_SCALES = {"placement_rate": 100}


def definition_key(spec: Mapping[str, Any]) -> str:
    """A count's definition as the attacker reads it: the events are a set (their order
    and repetitions mean nothing, and only a count of events has them), filters on one
    attribute meet (a case must pass each), the order of filters and of their values
    means nothing. Two counts with one key count the same cases."""
    values: dict[str, set[str]] = {}
    for item in spec.get("filters", []):
        attribute = str(item["attribute"])
        given = {str(v) for v in item["values"]}
        values[attribute] = values.get(attribute, given) & given
    found: dict[str, Any] = {k: v for k, v in spec.items() if k not in ("events", "filters")}
    if spec.get("count") == "events":
        found["events"] = sorted({str(e) for e in spec.get("events", [])})
    if values:
        found["filters"] = [{"attribute": a, "values": sorted(values[a])} for a in sorted(values)]
    return json.dumps(found, sort_keys=True)


def event_families(counts: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """The counts of events that tie one another: with the same filters, whose sets of
    events share an event without being equal (``placements`` of employment or
    training beside ``employment_starts``). A case with an event of both sets is in
    both; so the counts are sums of the unknown numbers of cases of each pattern of
    sets (:func:`event_atoms`). One indicator per set of events (counts with the
    same set are the same count), the families sorted."""
    by_set: dict[tuple[str, str], str] = {}  # (the rest of the definition, the events) → id
    for name in sorted(counts):
        spec = counts[name]
        if spec.get("count") != "events":
            continue
        key = json.loads(definition_key(spec))
        events = json.dumps(key.pop("events"))
        by_set.setdefault((json.dumps(key, sort_keys=True), events), name)
    found: list[tuple[str, ...]] = []
    rests = sorted({rest for rest, _ in by_set})
    for rest in rests:
        sets = {by_set[k]: set(json.loads(k[1])) for k in by_set if k[0] == rest}
        left = sorted(sets)
        while left:  # the connected groups of overlapping sets
            group, todo = [left[0]], [left[0]]
            while todo:
                one = todo.pop()
                for other in left:
                    if other not in group and sets[one] & sets[other]:
                        group.append(other)
                        todo.append(other)
            left = [n for n in left if n not in group]
            if len(group) > 1:
                found.append(tuple(sorted(group)))
    return found


def flow_pairs(counts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The counts of new cases and of active cases of the same cases (the same
    definition but for ``count``): new → active."""
    flows: dict[str, str] = {}
    for name, spec in counts.items():
        if spec.get("count") != "new":
            continue
        twin = definition_key({**spec, "count": "active"})
        found = [o for o, d in counts.items() if definition_key(d) == twin]
        if found:
            flows[name] = sorted(found)[0]
    return flows


def event_atoms(sets: Sequence[Collection[str]]) -> list[frozenset[int]]:
    """The patterns a case's events in a period can make among the counts of one
    family (*sets*, each count's events): for each non-empty set of the events a case
    may have, the counts it is in. Each count is the sum of the patterns it is in."""
    events = sorted(set().union(*map(set, sets)))
    found: set[frozenset[int]] = set()
    for n in range(1, len(events) + 1):
        for had in itertools.combinations(events, n):
            found.add(frozenset(i for i, own in enumerate(sets) if set(had) & set(own)))
    return sorted(found, key=lambda a: (len(a), sorted(a)))


def knowledge_from_concept(path: Path | None, threshold: int = 3) -> Knowledge:
    """The public concept (``konzept.yaml``): territories with their parents and the
    indicators' definitions; without one the default catalogue. A rate's numerator
    and denominator are the count indicators with the same definition."""
    if path is None:
        return Knowledge(
            {},
            DEFAULT_KINDS,
            threshold,
            rates=DEFAULT_RATES,
            scales=DEFAULT_SCALES,
            flows=DEFAULT_FLOWS,
        )
    import yaml

    file = path / "konzept.yaml" if path.is_dir() else path
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    parents = {
        str(t["ags"]): str(t["parent"]) for t in data.get("territories", []) if t.get("parent")
    }
    kinds: dict[str, str] = {}
    thresholds: dict[str, int] = {}
    rounded: dict[str, int] = {}
    counts: dict[str, str] = {}  # a count's definition → its indicator
    for indicator in data.get("indicators", []):
        numerator = indicator.get("numerator")
        rule = indicator.get("confidentiality") or {}
        if rule.get("threshold") is not None:
            thresholds[indicator["id"]] = int(rule["threshold"])
        if rule.get("rounding"):
            rounded[indicator["id"]] = int(rule["rounding"])
        if indicator.get("denominator") is not None:
            kinds[indicator["id"]] = "rate"
        elif isinstance(numerator, dict) and "count" in numerator:
            kinds[indicator["id"]] = "additive" if numerator["count"] == "new" else "distinct"
            counts.setdefault(definition_key(numerator), indicator["id"])
    rates: dict[str, tuple[str, str]] = {}
    scales = {i["id"]: int(i.get("scale", 1)) for i in data.get("indicators", [])}
    definitions = {
        i["id"]: i["numerator"]
        for i in data.get("indicators", [])
        if i["id"] in kinds and kinds[i["id"]] != "rate"
    }
    for indicator in data.get("indicators", []):
        terms = [indicator.get(k) for k in ("numerator", "denominator")]
        parts = [counts.get(definition_key(t)) if isinstance(t, dict) else None for t in terms]
        if indicator.get("denominator") is not None and None not in parts:
            rates[indicator["id"]] = (str(parts[0]), str(parts[1]))
    return Knowledge(
        parents,
        kinds,
        threshold,
        thresholds=thresholds,
        rates=rates,
        rounded=rounded,
        scales={r: scales[r] for r in rates},
        counts=definitions,
        flows=flow_pairs(definitions),
        families=event_families(definitions),
        fiscal=int(data.get("fiscal_year_start") or 1),
        territory=str(data["territory"]) if data.get("territory") else None,
    )


def parent_of(territory: str, parents: Mapping[str, str], own: str | None = None) -> str | None:
    """The concept's parent, else the district of a municipality, else ``all``; with
    the concept's territory *own*, the first of them that is not above it (the
    documented rule: a territory above the concept's own — shorter, not ``all``, not
    beginning with it — is never computed, and what lies below it adds up to the next
    territory that is)."""
    if territory == "all":
        return None
    if territory in parents:
        up = parents[territory]
    elif len(territory) == 8 and territory.isdigit():
        up = territory[:5]
    else:
        up = "all"
    if own is not None and up != "all" and len(up) < 8 and not up.startswith(own):
        return parent_of(up, parents, own)
    return up


def subperiods(period: str, fiscal: int = 1) -> list[list[str]]:
    """The ways *period* splits into published sub-periods (quarters, months); a
    budget year (``HJ2026``) starts in the month *fiscal* of its year."""
    months = [f"{m:02d}" for m in range(1, 13)]
    if found := re.fullmatch(r"HJ(\d{4})", period):
        first = int(found.group(1)) * 12 + fiscal - 1
        within = [divmod(first + k, 12) for k in range(12)]
        split = [[f"{y}-{m + 1:02d}" for y, m in within]]
        if (fiscal - 1) % 3 == 0:
            split.insert(0, [f"{y}-Q{m // 3 + 1}" for y, m in within[::3]])
        return split
    if re.fullmatch(r"\d{4}", period):
        return [[f"{period}-Q{q}" for q in range(1, 5)], [f"{period}-{m}" for m in months]]
    if found := re.fullmatch(r"(\d{4})-H([12])", period):
        year, half = found.group(1), int(found.group(2))
        return [
            [f"{year}-Q{q}" for q in (2 * half - 1, 2 * half)],
            [f"{year}-{m}" for m in months[6 * (half - 1) : 6 * half]],
        ]
    if found := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        year, quarter = found.group(1), int(found.group(2))
        return [[f"{year}-{m}" for m in months[3 * (quarter - 1) : 3 * quarter]]]
    if found := re.fullmatch(r"SJ(\d{4})/\d{2}", period):
        year = int(found.group(1))
        return [[f"{year}-{m}" for m in months[7:]] + [f"{year + 1}-{m}" for m in months[:7]]]
    return []


def period_bounds(period: str, fiscal: int = 1) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The month *period* starts in and the month the next period starts in, as
    ``(year, month)`` (a year, half year, quarter, month, school year or budget year,
    which starts in the month *fiscal*)."""

    def plus(year: int, month: int, n: int) -> tuple[int, int]:
        k = year * 12 + month - 1 + n
        return k // 12, k % 12 + 1

    if found := re.fullmatch(r"(\d{4})", period):
        return (int(found[1]), 1), (int(found[1]) + 1, 1)
    if found := re.fullmatch(r"(\d{4})-H([12])", period):
        first = (int(found[1]), 6 * int(found[2]) - 5)
        return first, plus(*first, 6)
    if found := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        first = (int(found[1]), 3 * int(found[2]) - 2)
        return first, plus(*first, 3)
    if found := re.fullmatch(r"(\d{4})-(\d{2})", period):
        first = (int(found[1]), int(found[2]))
        return first, plus(*first, 1)
    if found := re.fullmatch(r"SJ(\d{4})/\d{2}", period):
        return (int(found[1]), 8), (int(found[1]) + 1, 8)
    if found := re.fullmatch(r"HJ(\d{4})", period):
        return (int(found[1]), fiscal), (int(found[1]) + 1, fiscal)
    return None


def age_years(periods: Iterable[str], fiscal: int = 1) -> dict[str, int]:
    """The year whose end gives a case its age group in each of *periods*, the
    periods of one release (``docs/indicators.rst``: the age is that year less the
    year of birth): the periods that share a month, directly or through others (a
    year with its quarters and months, a school or budget year with its months),
    take the year of the last month among them; the others their own. So
    ``SJ2025/26`` and its September 2025 take 2026; 2024 and 2025, each with its
    quarters and months, 2024 and 2025. (Periods the attacker cannot place, none.)"""
    bounds = {p: b for p in periods if (b := period_bounds(p, fiscal)) is not None}
    # the periods sharing a month, each group with the month after its last
    groups: list[tuple[list[str], tuple[int, int]]] = []
    for period in sorted(bounds, key=lambda p: bounds[p]):
        first, following = bounds[period]
        if groups and first < groups[-1][1]:
            groups[-1] = ([*groups[-1][0], period], max(groups[-1][1], following))
        else:
            groups.append(([period], following))
    return {p: year if month > 1 else year - 1 for ps, (year, month) in groups for p in ps}


Ageing = Callable[[tuple[str, ...]], bool]
"""Whether the cases of a combination of breakdown values depend on the year of the
age (:func:`age_years`): a value of ``age_group`` other than ``_T``, or any
combination of a count filtered on ``age_group``. Such a combination holds other
cases in periods aged in other years, so the cases open at a start belong to it
only for one year of age."""


def never_ageing(combo: tuple[str, ...]) -> bool:
    """No combination depends on the year of the age."""
    return False


def filtered_on_age(spec: Mapping[str, Any] | None) -> bool:
    """Whether a count with the definition *spec* is filtered on ``age_group``."""
    return any(f.get("attribute") == "age_group" for f in (spec or {}).get("filters", []))


def ageing(dims: Sequence[str], spec: Mapping[str, Any] | None = None) -> Ageing:
    """:data:`Ageing` of a count with the definition *spec* broken down by *dims*."""
    if filtered_on_age(spec):
        return lambda combo: True
    if "age_group" not in dims:
        return never_ageing
    at = list(dims).index("age_group")
    return lambda combo: combo[at] != TOTAL


def flow_relations(
    new: Mapping[Cell, Any],
    active: Mapping[Cell, Any],
    name: str,
    fiscal: int = 1,
    ages: Ageing = never_ageing,
) -> tuple[list[Relation], dict[Cell, tuple[Cell, Cell]]]:
    """The relations between the new cases *new* and the active cases *active* of the
    same cases (cells of both by their own keys, each map giving the name of a cell
    in the attacker's program): ``active(P) = new(P) + open(start of P)`` and, where a
    published period starts when *P* ends, ``active(P) = open(that start) +
    closed(P)``, with the unknown cells ``open`` and ``closed`` (named after *name*).
    Also, per unknown cell, the active and the new cell it is the difference of
    (``open``; for ``closed`` the active cell and the ``open`` cell). Where the
    cases of a combination depend on the year of the age (*ages*), the cases open
    at a start are a cell per year of age (:func:`age_years` of the release): the
    cases open on 1 January 2025 in an age group of 2024 are not those of 2025."""
    found: list[Relation] = []
    unknown: dict[Cell, tuple[Cell, Cell]] = {}
    years = age_years({c[0] for c in active}, fiscal)
    found_bounds = [(period_bounds(p, fiscal), year) for p, year in years.items()]
    starts = {b[0] for b, _ in found_bounds if b is not None}
    aged_starts = {(b[0], year) for b, year in found_bounds if b is not None}
    for cell in sorted(active, key=repr):
        period, territory, combo = cell
        bounds = period_bounds(period, fiscal)
        if bounds is None or cell not in new:
            continue
        first, following = bounds
        year = years[period]
        aged = f"@{year}" if ages(combo) else ""
        opened: Cell = (f"{name}>open|{first[0]}-{first[1]:02d}{aged}", territory, combo)
        found.append((active[cell], [new[cell], opened], True))
        unknown.setdefault(opened, (active[cell], new[cell]))
        if (following, year) in aged_starts if aged else following in starts:
            at = f"{following[0]}-{following[1]:02d}{aged}"
            later: Cell = (f"{name}>open|{at}", territory, combo)
            closed: Cell = (f"{name}>closed|{period}", territory, combo)
            found.append((active[cell], [later, closed], True))
            unknown[closed] = (active[cell], later)
    return found, unknown


def pattern_time_relations(
    pattern: Mapping[Cell, Sequence[Cell]],
    atoms: Sequence[frozenset[int]],
    name: str,
    fiscal: int = 1,
) -> tuple[list[Relation], dict[Cell, tuple[list[Cell], list[Cell]]]]:
    """What the patterns of a family of overlapping events (:func:`event_atoms`) tell
    over time, one-sided: a case's pattern in a period is the union of its patterns
    in the sub-periods in which it has events. So a case whose pattern in a
    sub-period contains the atom *A* has a pattern containing *A* in the period
    (``Σ_{B ⊇ A} B(sub) ≤ Σ_{B ⊇ A} B(period)`` for each sub-period), and a case
    whose pattern in the period lies within *A* has such a pattern in at least one
    sub-period (``Σ_{B ⊆ A} B(period) ≤ Σ_subs Σ_{B ⊆ A} B(sub)``). — placements,
    employment and training: a case with both in March has both in the year, and a
    case with only employment in the year had only employment in some month.

    *pattern*: per cell of the family's first count, the cells of its patterns.
    Returns the relations and the unknown cells they need (named after *name*): for
    each, the cells whose sum less the others' it is (a sum of patterns, or the
    slack of an inequality, at least 0). (A period and its sub-periods are aged in
    one year, :func:`age_years`: these hold in every age group.)"""
    found: list[Relation] = []
    made: dict[Cell, tuple[list[Cell], list[Cell]]] = {}
    present = {c[0] for c in pattern}
    groups = {
        **{f"up{j}": [k for k, b in enumerate(atoms) if b >= a] for j, a in enumerate(atoms)},
        **{f"down{j}": [k for k, b in enumerate(atoms) if b <= a] for j, a in enumerate(atoms)},
    }

    def total(group: str, cell: Cell) -> Cell:
        """The sum of the patterns of *group* at *cell* (a cell of its own, or the one
        pattern)."""
        ks = groups[group]
        if len(ks) == 1:
            return pattern[cell][ks[0]]
        aux: Cell = (f"{name}>{group}|{cell[0]}", cell[1], cell[2])
        if aux not in made:
            made[aux] = ([pattern[cell][k] for k in ks], [])
            found.append((aux, [pattern[cell][k] for k in ks], True))
        return aux

    for cell in sorted(pattern, key=repr):
        period, territory, combo = cell
        for n, subs in enumerate(subperiods(period, fiscal)):
            if not all(s in present for s in subs):
                continue
            parts = [(s, territory, combo) for s in subs]
            for group in groups:
                whole = total(group, cell)
                if group.startswith("up"):
                    for part in parts:  # part ≤ whole: whole = part + slack
                        low = total(group, part)
                        slack: Cell = (f"{name}>{group}-{part[0]}|{period}", territory, combo)
                        made[slack] = ([whole], [low])
                        found.append((whole, [low, slack], True))
                else:  # whole ≤ Σ parts: Σ parts = whole + slack
                    tops = [total(group, part) for part in parts]
                    slack = (f"{name}>{group}-split{n}|{period}", territory, combo)
                    made[slack] = (tops, [whole])
                    summed: Cell = (f"{name}>{group}-sum{n}|{period}", territory, combo)
                    made[summed] = (tops, [])
                    found.append((summed, tops, True))
                    found.append((summed, [whole, slack], True))
    return found, made


def relations(
    cells: Iterable[Cell],
    dims: Sequence[str],
    parents: Mapping[str, str],
    *,
    additive: bool,
    fiscal: int = 1,
    own: str | None = None,
) -> list[Relation]:
    """Every relation among the published cells of one count indicator (over time
    in every combination, an age group too: a period and its sub-periods are aged
    in one year, :func:`age_years`); *own* is the concept's territory
    (:func:`parent_of`)."""
    keys = set(cells)
    periods = sorted({k[0] for k in keys})
    territories = sorted({k[1] for k in keys})
    combos = sorted({k[2] for k in keys})
    values = [sorted({c[i] for c in combos} - {TOTAL}) for i in range(len(dims))]
    children: dict[str, list[str]] = {}
    for t in territories:
        up = parent_of(t, parents, own)
        if up is not None:
            children.setdefault(up, []).append(t)
    found: list[Relation] = []

    def add(total: Cell, parts: list[Cell], exact: bool) -> None:
        if total in keys and parts and all(p in keys for p in parts):
            found.append((total, parts, exact))

    for p in periods:
        for combo in combos:
            for up, kids in children.items():
                add((p, up, combo), [(p, k, combo) for k in kids], True)
            for i in range(len(dims)):
                if combo[i] != TOTAL:
                    continue
                parts = [(*combo[:i], v, *combo[i + 1 :]) for v in values[i]]
                for t in territories:
                    add((p, t, combo), [(p, t, c) for c in parts], True)
    present = set(periods)
    for p in periods:
        for subs in subperiods(p, fiscal):
            if not all(s in present for s in subs):
                continue
            for combo in combos:
                for t in territories:
                    add((p, t, combo), [(s, t, combo) for s in subs], additive)
    return found


def check_truth(truth: Mapping[Cell, float], found: Sequence[Relation]) -> None:
    """Every relation holds in the true table (else the attacker's model is wrong)."""
    for total, parts, exact in found:
        values = [truth[p] for p in parts]
        if exact:
            assert abs(truth[total] - sum(values)) < TOL, (total, truth[total], sum(values))
        else:
            assert max(values) - TOL <= truth[total] <= sum(values) + TOL, (total, parts)


# ------------------------------------------------------------------ the linear programs


@dataclass
class Verdict:
    """What the attacker learns about one suppressed cell."""

    low: float  # a feasible value, at least the smallest (exact when ``fixed``)
    high: float  # below the threshold: at least the largest feasible value; else one reached
    fixed: bool
    below: bool  # the largest feasible value is below the threshold
    ruled: bool = False  # below the threshold by the engine's rule alone (ENGINE_RULE)
    unexplained: bool = False  # in a block without a primary cell in the true table


def _blocks(
    hidden: Sequence[Cell], found: Sequence[Relation]
) -> list[tuple[list[Cell], list[Relation]]]:
    parent = {c: c for c in hidden}

    def root(c: Cell) -> Cell:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching: list[tuple[Cell, Relation]] = []
    for relation in found:
        linked = [c for c in (relation[0], *relation[1]) if c in parent]
        if not linked:
            continue
        first = root(linked[0])
        for other in linked[1:]:
            r = root(other)
            if r != first:
                parent[r] = first
        touching.append((linked[0], relation))
    members: dict[Cell, list[Cell]] = {}
    for c in hidden:
        members.setdefault(root(c), []).append(c)
    own: dict[Cell, list[Relation]] = {r: [] for r in members}
    for c, relation in touching:
        own[root(c)].append(relation)
    return [(members[r], own[r]) for r in sorted(members, key=repr)]


LARGE = 2000
"""From this many cells on, a program that changes many costs at once is solved by
HiGHS's interior-point method (with crossover, so the table is a vertex and its basis
the start of the next program): on the large blocks of a release of 20,000 cases it
is many times faster than the simplex method."""

NEAR_FROM = 2000
"""From this many cells on, a block whose true table is given starts near it."""

NEAR_ROUNDS = 3
"""Programs per part of the territory (:func:`_parts`), each lifting the cells the
last left open."""

LIFTED = 1e-3
"""The weight of a cell lifted before in the next lifts (:meth:`_Program.solve_lift`)."""

_trace: Any = None
"""A callable given one line per program solved (for profiling), or ``None``."""


class _Highs:
    """The linear programs of one block in one HiGHS model (``highspy``), solved one
    after another, each from the basis of the last (a new objective often needs a few
    pivots only). Its columns are the block's cells ``x`` and, with *lifts* (for
    :meth:`_Program.solve_lift`), one more ``z`` per cell with ``z ≤ x`` (free unless
    a lift bounds it)."""

    def __init__(
        self,
        a_eq: Any,
        b_eq: Any,
        a_ub: Any,
        b_ub: Any,
        bounds: Sequence[tuple[float | None, float | None]],
        lifts: bool,
    ) -> None:
        import highspy
        from scipy.sparse import eye, hstack, vstack

        n = len(bounds)
        self.n, self.width = n, 2 * n if lifts else n
        self.inf = highspy.kHighsInf
        blocks, lower, upper = [], [], []
        for matrix, low, high in (
            (a_eq, b_eq, b_eq),
            (a_ub, None if b_ub is None else np.full(len(b_ub), -self.inf), b_ub),
        ):
            if matrix is not None:
                rows = matrix.shape[0]
                blocks.append(hstack([matrix, coo_matrix((rows, n))]) if lifts else matrix)
                lower.append(low)
                upper.append(high)
        if lifts:
            blocks.append(hstack([-eye(n), eye(n)]))  # z − x ≤ 0
            lower.append(np.full(n, -self.inf))
            upper.append(np.zeros(n))
        matrix = vstack(blocks).tocsc() if blocks else coo_matrix((0, n)).tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.width, matrix.shape[0]
        lp.col_cost_ = np.zeros(self.width)
        free = np.full(self.width - n, self.inf)
        lp.col_lower_ = np.r_[[-self.inf if lo is None else lo for lo, _ in bounds], -free]
        lp.col_upper_ = np.r_[[self.inf if up is None else up for _, up in bounds], free]
        lp.row_lower_ = np.concatenate(lower) if lower else np.zeros(0)
        lp.row_upper_ = np.concatenate(upper) if upper else np.zeros(0)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)
        self.columns = np.arange(self.width, dtype=np.int32)
        self.lifted = free  # the upper bounds of z
        self.cost = np.zeros(self.width)
        self.solved = False
        self.status = highspy.HighsModelStatus

    def solve(
        self, cost: Any, lift: Any = None, *, again: bool = False
    ) -> tuple[float, Any] | None:
        """Minimise ``cost · (x, z)`` with ``z ≤ lift`` (no bound where *lift* is
        ``None``); the optimal ``x`` and the objective, ``None`` when unbounded."""
        n, highs = self.n, self.highs
        if lift is not None and not np.array_equal(lift, self.lifted):
            highs.changeColsBounds(n, self.columns[n:], np.full(n, -self.inf), lift)
            self.lifted = np.array(lift)
        cost = np.asarray(cost, dtype=float)
        changed = np.count_nonzero(cost != self.cost)
        highs.changeColsCost(self.width, self.columns, cost)
        self.cost = cost
        # a new basis when many costs change (the last one would need many pivots),
        # unless *again*: the simplex method from the last basis in any case
        fresh = n >= LARGE and (not self.solved or (changed >= LARGE and not again))
        highs.setOptionValue("solver", "ipm" if fresh else "simplex")
        highs.setOptionValue("presolve", "on" if fresh else "off")
        highs.run()
        status = highs.getModelStatus()
        if status not in (self.status.kOptimal, self.status.kUnbounded):
            # presolve and the interior-point method may leave an unbounded program
            # undecided: the simplex method without presolve decides
            highs.setOptionValue("solver", "simplex")
            highs.setOptionValue("presolve", "off")
            highs.run()
            status = highs.getModelStatus()
        if _trace is not None:
            _trace(
                f"{n} cells, {changed} costs changed, {'ipm' if fresh else 'simplex'}: "
                f"{highs.modelStatusToString(status)}"
            )
        if status == self.status.kUnbounded:
            return None
        assert status == self.status.kOptimal, highs.modelStatusToString(status)
        self.solved = True
        x = np.array(highs.getSolution().col_value)
        return float(highs.getInfo().objective_function_value), x[:n]


class _Program:
    """The feasible tables of one block: ``A_eq x = b_eq``, ``A_ub x ≤ b_ub``, bounds;
    with *integral* only tables of whole numbers (counts are whole numbers, and the
    attacker knows it: a mixed-integer program, :func:`scipy.optimize.milp`)."""

    def __init__(
        self,
        cells: list[Cell],
        found: Sequence[Relation],
        known: Mapping[Cell, float],
        bounds: Mapping[Cell, tuple[float | None, float | None]],
        integral: bool = False,
    ) -> None:
        self.cells = cells
        self.found = found
        self.integral = integral
        index = {c: i for i, c in enumerate(cells)}
        eq: list[tuple[dict[int, float], float]] = []
        ub: list[tuple[dict[int, float], float]] = []
        # each relation with the block's cells as indices and the published ones as
        # constants: (total index or None, total value, part indices, published parts)
        self.links: list[tuple[int | None, float, list[int], list[float], bool]] = []

        def row(terms: list[tuple[Cell, float]]) -> tuple[dict[int, float], float]:
            coefs: dict[int, float] = {}
            rhs = 0.0
            for cell, a in terms:
                if cell in index:
                    coefs[index[cell]] = coefs.get(index[cell], 0.0) + a
                else:
                    rhs -= a * known[cell]
            return {i: a for i, a in coefs.items() if a}, rhs

        for total, parts, exact in found:
            self.links.append(
                (
                    index.get(total),
                    known.get(total, math.nan),
                    [index[p] for p in parts if p in index],
                    [known[p] for p in parts if p not in index],
                    exact,
                )
            )
            coefs, rhs = row([(total, 1.0), *((p, -1.0) for p in parts)])
            if coefs:
                (eq if exact else ub).append((coefs, rhs))  # total − Σ parts (= or ≤) 0
            if not exact:
                for part in parts:
                    coefs, rhs = row([(part, 1.0), (total, -1.0)])  # part ≤ total
                    if coefs:
                        ub.append((coefs, rhs))
        self.a_eq, self.b_eq = self._matrix(eq, len(cells))
        self.a_ub, self.b_ub = self._matrix(ub, len(cells))
        self.bounds = [bounds[c] for c in cells]
        self._lifts: _Highs | None = None
        self._pure: _Highs | None = None
        self._goal = np.full(len(cells), math.inf)  # the lifts' goals (z ≤ goal)
        self._stacked: tuple[Any, Any, Any, int] | None = None

    @staticmethod
    def _matrix(rows: list[tuple[dict[int, float], float]], n: int) -> tuple[Any, Any]:
        if not rows:
            return None, None
        r = [i for i, (coefs, _) in enumerate(rows) for _ in coefs]
        c = [j for coefs, _ in rows for j in coefs]
        a = [x for coefs, _ in rows for x in coefs.values()]
        matrix = coo_matrix((a, (r, c)), shape=(len(rows), n)).tocsr()
        return matrix, np.array([rhs for _, rhs in rows])

    def outer_bounds(self, rounds: int = 30) -> tuple[Any, Any]:
        """Bounds that every feasible table keeps, by propagating the bounds of the
        cells through each relation until nothing changes (or *rounds* passes). They
        enclose the exact interval of each cell: a cell whose outer bound is below the
        threshold is below it, one whose outer bounds meet is fixed — no linear
        program needed (this settles most cells of a badly protected release)."""
        lo = np.array([b[0] if b[0] is not None else -math.inf for b in self.bounds])
        hi = np.array([b[1] if b[1] is not None else math.inf for b in self.bounds])
        watch: dict[int, list[int]] = {}
        for r, (t, _, parts, _, _) in enumerate(self.links):
            for i in (*parts, *(() if t is None else (t,))):
                watch.setdefault(i, []).append(r)
        todo = set(range(len(self.links)))
        for _ in range(rounds):
            changed: set[int] = set()
            for r in sorted(todo):
                changed |= self._tighten(self.links[r], lo, hi, self.integral)
            todo = {r for i in changed for r in watch[i]}
            if not todo:
                break
        assert np.all(lo <= hi + 1e-6), "the release contradicts its own relations"
        return lo, hi

    @staticmethod
    def _tighten(
        link: tuple[int | None, float, list[int], list[float], bool],
        lo: Any,
        hi: Any,
        integral: bool = False,
    ) -> set[int]:
        """One relation's consequences for the bounds of its cells (changed in place);
        the cells whose bounds moved by more than ``TOL``. With *integral* the bounds
        are rounded inwards to whole numbers."""
        t, value, parts, fixed, exact = link
        constant = float(sum(fixed))
        los, his = lo[parts], hi[parts]
        low_inf, high_inf = int(np.isneginf(los).sum()), int(np.isposinf(his).sum())
        low_sum = constant + float(los[~np.isneginf(los)].sum())  # Σ of the finite lows
        high_sum = constant + float(his[~np.isposinf(his)].sum())
        moved: set[int] = set()

        def clip(i: int, low: float, high: float) -> None:
            if integral:  # a whole number between the bounds
                low = math.ceil(low - TOL) if math.isfinite(low) else low
                high = math.floor(high + TOL) if math.isfinite(high) else high
            if low > lo[i] + TOL:
                lo[i] = low
                moved.add(i)
            if high < hi[i] - TOL:
                hi[i] = high
                moved.add(i)

        if t is not None:
            floor = max([*fixed, *los])
            clip(
                t,
                (-math.inf if low_inf else low_sum) if exact else floor,
                math.inf if high_inf else high_sum,
            )
        t_low, t_high = (value, value) if t is None else (lo[t], hi[t])
        for i in parts:
            # the sums of the other parts' bounds
            others_low = (
                -math.inf
                if low_inf - int(math.isinf(lo[i]))
                else low_sum - (0.0 if math.isinf(lo[i]) else lo[i])
            )
            others_high = (
                math.inf
                if high_inf - int(math.isinf(hi[i]))
                else high_sum - (0.0 if math.isinf(hi[i]) else hi[i])
            )
            # total ≤ Σ parts: this part is at least the total less the others;
            # total = Σ parts: at most the total less the others; else at most the total
            clip(i, t_low - others_high, t_high - others_low if exact else t_high)
        return moved

    def solve_lift(self, cells: Any, goal: Any) -> Any:
        """A feasible table that lifts as many of *cells* as it can to *goal*:
        maximise ``Σ z`` over extra variables with ``z ≤ x`` and ``z ≤ goal``. The
        cells of earlier lifts keep their goal and a small weight (``LIFTED``): any
        feasible table is a witness, and the last optimal basis stays nearly optimal,
        so a lift of a few cells needs few pivots."""
        if self.integral:  # whole numbers in the table; the lifts z may be fractions
            return self._milp_lift(cells, goal)
        highs = self._model()
        self._goal[cells] = goal
        solved = highs.solve(self._lift_cost(cells), self._goal)
        assert solved is not None
        return solved[1]

    def solve_table(self, objective: Any) -> Any:
        """A feasible table minimising *objective* together with the small weights of
        the cells lifted so far (a witness, not an optimum of *objective* alone)."""
        if self.integral:
            solved = self.solve(objective)
            assert solved is not None
            return solved[1]
        highs = self._model()
        cost = self._lift_cost([])
        cost[: len(self.cells)] = objective
        solved = highs.solve(cost, self._goal)
        assert solved is not None
        return solved[1]

    def _model(self, lifts: bool = True) -> _Highs:
        """The block's model with the lifts' columns, or (for the exact ends of
        single cells, whose objectives must not change the lifts' costs) without."""
        if lifts and self._lifts is None:
            self._lifts = _Highs(self.a_eq, self.b_eq, self.a_ub, self.b_ub, self.bounds, True)
            self._goal = np.full(len(self.cells), self._lifts.inf)
        if not lifts and self._pure is None:
            self._pure = _Highs(self.a_eq, self.b_eq, self.a_ub, self.b_ub, self.bounds, False)
        model = self._lifts if lifts else self._pure
        assert model is not None
        return model

    def _lift_cost(self, cells: Any) -> Any:
        n = len(self.cells)
        cost = np.zeros(2 * n)
        cost[n:][np.isfinite(self._goal)] = -LIFTED
        cost[n + np.asarray(cells, dtype=int)] = -1.0
        return cost

    def _milp_lift(self, cells: Any, goal: Any) -> Any:
        """:meth:`solve_lift` over tables of whole numbers."""
        from scipy.sparse import hstack, vstack

        n, m = len(self.cells), len(cells)
        link = coo_matrix(
            (
                np.r_[-np.ones(m), np.ones(m)],
                (np.r_[np.arange(m), np.arange(m)], np.r_[cells, n + np.arange(m)]),
            ),
            shape=(m, n + m),
        )
        a_ub = (
            link
            if self.a_ub is None
            else vstack([hstack([self.a_ub, coo_matrix((self.a_ub.shape[0], m))]), link])
        )
        b_ub = np.zeros(m) if self.b_ub is None else np.r_[self.b_ub, np.zeros(m)]
        a_eq = (
            None
            if self.a_eq is None
            else hstack([self.a_eq, coo_matrix((self.a_eq.shape[0], m))]).tocsr()
        )
        bounds = [*self.bounds, *((None, float(g)) for g in goal)]
        whole = np.r_[np.ones(n), np.zeros(m)]
        cost = np.r_[np.zeros(n), -np.ones(m)]
        solved = self._milp(cost, a_ub, b_ub, a_eq, self.b_eq, bounds, whole)
        assert solved is not None
        return solved[1][:n]

    def keeps(self, x: Any) -> bool:
        """Whether the table *x* keeps every relation and bound of the block."""
        low = np.array([-math.inf if lo is None else lo for lo, _ in self.bounds])
        high = np.array([math.inf if up is None else up for _, up in self.bounds])
        return bool(
            len(x) == len(self.cells)
            and np.all(np.isfinite(x))
            and np.all(x >= low - TOL)
            and np.all(x <= high + TOL)
            and (self.a_eq is None or np.all(np.abs(self.a_eq @ x - self.b_eq) <= TOL))
            and (self.a_ub is None or np.all(self.a_ub @ x <= self.b_ub + TOL))
        )

    def _rows(self) -> tuple[Any, Any, Any, int]:
        """Every row of the block (the equations first) by rows and by columns, the
        right-hand sides and the number of equations."""
        if self._stacked is None:
            from scipy.sparse import csr_matrix, vstack

            parts = [m for m in (self.a_eq, self.a_ub) if m is not None]
            n = len(self.cells)
            matrix = vstack(parts).tocsr() if parts else csr_matrix((0, n))
            rhs = np.concatenate([b for b in (self.b_eq, self.b_ub) if b is not None] or [[]])
            equations = 0 if self.a_eq is None else self.a_eq.shape[0]
            self._stacked = (matrix, matrix.tocsc(), np.asarray(rhs, dtype=float), equations)
        return self._stacked

    def solve_near(self, base: Any, near: Any, cells: Any, goal: Any, down: Any = None) -> Any:
        """The table *base* (one that keeps every relation) with the cells *near*
        changed to lift as many of *cells* (among them) as it can to *goal*: the
        program of :meth:`solve_lift` over *near* alone, every other cell kept at its
        value in *base*. Small, and its result keeps every relation of the block (so
        it is a witness like any other table). With *down* it lowers those cells
        instead (the smallest sum of their values). With :attr:`integral` the cells
        *near* take whole numbers (a mixed-integer program; *base* is whole, so the
        result is a table of whole numbers)."""
        from scipy.sparse import hstack, vstack

        rows, columns, rhs, equations = self._rows()
        touched = np.unique(columns[:, near].indices)
        outside = base.copy()
        outside[near] = 0.0
        right = rhs[touched] - rows[touched] @ outside
        local = rows[touched][:, near]
        where = np.searchsorted(near, cells)
        m, k = len(near), len(cells)
        is_eq = touched < equations
        lift = coo_matrix(
            (
                np.r_[-np.ones(k), np.ones(k)],
                (np.r_[np.arange(k), np.arange(k)], np.r_[where, m + np.arange(k)]),
            ),
            shape=(k, m + k),
        )
        a_ub = vstack([hstack([local[~is_eq], coo_matrix(((~is_eq).sum(), k))]), lift]).tocsr()
        a_eq = hstack([local[is_eq], coo_matrix((is_eq.sum(), k))]).tocsr()
        bounds = [self.bounds[j] for j in near] + [(None, float(g)) for g in goal]
        cost = np.r_[np.zeros(m), -np.ones(k)]
        if down is not None:
            cost[np.searchsorted(near, down)] = 1.0
        b_ub = np.r_[right[~is_eq], np.zeros(k)]
        a_eq, b_eq = (a_eq, right[is_eq]) if is_eq.any() else (None, None)
        if self.integral:  # whole numbers in *near* (the rest of *base* is whole)
            whole = np.r_[np.ones(m), np.zeros(k)]
            solved = self._milp(cost, a_ub, b_ub, a_eq, b_eq, bounds, whole)
            assert solved is not None  # (base itself is feasible)
            x = np.round(solved[1])  # (whole up to the solver's tolerance)
        else:
            result = linprog(
                cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
            )
            assert result.status == 0, result.message  # (base itself is feasible)
            x = result.x
        table = base.copy()
        table[near] = x[:m]
        return table

    def feasible(self) -> bool:
        """Whether any table keeps every relation and bound: one program without an
        objective, presolved (where many cells are fixed, presolve removes them and
        most of their relations first)."""
        model = _Highs(self.a_eq, self.b_eq, self.a_ub, self.b_ub, self.bounds, False)
        model.highs.setOptionValue("presolve", "on")
        model.highs.run()
        status = model.highs.getModelStatus()
        if status in (model.status.kInfeasible, model.status.kUnboundedOrInfeasible):
            return False
        assert status in (model.status.kOptimal, model.status.kModelEmpty), status
        return True

    def solve(self, objective: Any) -> tuple[float, Any] | None:
        """Minimise *objective* (over tables of whole numbers when :attr:`integral`);
        ``None`` when unbounded."""
        if self.integral:
            whole = np.ones(len(self.cells))
            return self._milp(
                objective, self.a_ub, self.b_ub, self.a_eq, self.b_eq, self.bounds, whole
            )
        # the exact ends of single cells, from the basis of the smallest sum: the
        # interior-point method could not settle an unbounded end quickly
        return self._model(lifts=False).solve(objective, again=True)

    def _milp(
        self,
        objective: Any,
        a_ub: Any,
        b_ub: Any,
        a_eq: Any,
        b_eq: Any,
        bounds: Sequence[tuple[float | None, float | None]],
        integrality: Any,
    ) -> tuple[float, Any] | None:
        """Minimise *objective* with the columns marked in *integrality* whole
        numbers, solved to optimality (no gap, no presolve); ``None`` when
        unbounded."""
        constraints = []
        if a_ub is not None:
            constraints.append(LinearConstraint(a_ub, -np.inf, b_ub))
        if a_eq is not None:
            constraints.append(LinearConstraint(a_eq, b_eq, b_eq))
        lows = [-np.inf if lo is None else lo for lo, _ in bounds]
        ups = [np.inf if up is None else up for _, up in bounds]
        result = milp(
            objective,
            integrality=integrality,
            bounds=Bounds(lows, ups),
            constraints=constraints,
            # presolve off: scipy 1.17.1's HiGHS presolve gave a maximum of 18 for a
            # cell that a table of whole numbers puts at 22 (a too small maximum can
            # only make the attacker claim too much, never miss a cell)
            options={"mip_rel_gap": 0.0, "presolve": False},
        )
        if result.status != 0:
            # HiGHS may not tell an unbounded integer program from an infeasible one.
            # The release comes from a table of whole numbers, so whole-number tables
            # exist, and with rational data the integer program is unbounded exactly
            # when its linear relaxation is (Meyer 1974): ask the relaxation.
            relaxed = linprog(
                objective,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=bounds,
                method="highs",
                options={"presolve": False},
            )
            assert relaxed.status == 3, (result.message, relaxed.message)
            return None
        return float(result.fun), result.x

    def table_with(self, changed: Mapping[int, tuple[float, float | None]]) -> Any:
        """A feasible table with the bounds of the cells *changed* (index → (lowest,
        highest or None)) in place of their own, ``None`` when there is none (over
        whole numbers with :attr:`integral`)."""
        bounds = list(self.bounds)
        for i, bound in changed.items():
            bounds[i] = bound
        lows = [-np.inf if lo is None else lo for lo, _ in bounds]
        ups = [np.inf if up is None else up for _, up in bounds]
        n = len(self.cells)
        if self.integral:
            constraints = []
            if self.a_ub is not None:
                constraints.append(LinearConstraint(self.a_ub, -np.inf, self.b_ub))
            if self.a_eq is not None:
                constraints.append(LinearConstraint(self.a_eq, self.b_eq, self.b_eq))
            result = milp(
                np.zeros(n),
                integrality=np.ones(n),
                bounds=Bounds(lows, ups),
                constraints=constraints,
                options={"presolve": False},
            )
            if result.status == 2:  # (infeasible)
                return None
            assert result.status == 0, result.message
            return np.round(result.x)
        result = linprog(
            np.zeros(n),
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=list(zip(lows, ups, strict=True)),
            method="highs",
        )
        if result.status == 2:
            return None
        assert result.status == 0, result.message
        return result.x


ENGINE_RULE = """An engine suppresses nothing without a reason: every cell it suppresses
is a primary cell (1 to ``threshold − 1``) or is suppressed to protect one. So every
*block* of suppressed cells — the cells linked by relations in which two of them are
suppressed (through unknown cells too: the open cases, the patterns of a family) —
holds at least one primary cell. A primary cell ``p`` of a release is safe from an
attacker who knows only that much of the engine when a table consistent with the
release puts ``p`` at the threshold or above and another suppressed cell of its block
at 1 to ``threshold − 1``; else every table in which ``p`` reaches the threshold would
have no primary cell in that block, and would not have been published with it
suppressed: ``p`` is 1 or 2. (Each block is decided on its own: the blocks share no
relation, so tables of different blocks combine.) The library's own exception
(``docs/data-protection.rst``, "Closed chains"): a *closed chain* — cells tied only
by relations of a single part (a total with one part: they hold one value), none of
its published cells in a relation of two or more parts (unknown cells may be), a
cell of no relation the smallest — is suppressed from 1 to the threshold, so a block
may hold such a chain at the threshold instead of a primary cell. :func:`closed_chains`
finds them."""


def closed_chains(found: Sequence[Relation], unknown: Collection[Cell] = ()) -> set[Cell]:
    """The cells of the closed chains of :data:`ENGINE_RULE`'s exception, from the
    relations alone: grouped by breadth-first search over the relations of a single
    part, and a group dropped when one of its cells that is not *unknown* lies in a
    relation of two or more parts."""
    hidden = set(unknown)
    pairs: dict[Cell, set[Cell]] = {}
    wide: set[Cell] = set()
    for total, parts, _ in found:
        if len(parts) == 1:
            pairs.setdefault(total, set()).add(parts[0])
            pairs.setdefault(parts[0], set()).add(total)
        else:
            wide.update(c for c in (total, *parts) if c not in hidden)
    cells = {c for total, parts, _ in found for c in (total, *parts)}
    closed: set[Cell] = set()
    seen: set[Cell] = set()
    for start in cells:
        if start in seen:
            continue
        group, todo = {start}, [start]
        while todo:
            for other in pairs.get(todo.pop(), ()):
                if other not in group:
                    group.add(other)
                    todo.append(other)
        seen |= group
        if group.isdisjoint(wide):
            closed |= group
    return closed


class _RuleWatch:
    """The cells that some table seen so far lifts to the threshold while the block
    holds a reason to be suppressed (:data:`ENGINE_RULE`): another wanted cell at 1 to
    ``threshold − 1``, or a wanted cell of a closed chain (*closed*) at 1 to the
    threshold — which may be the lifted cell itself: called with every table found."""

    def __init__(self, wanted: Any, threshold: int, closed: Any = None) -> None:
        self.wanted = wanted
        self.threshold = threshold
        self.closed = np.zeros(len(wanted), dtype=bool) if closed is None else closed
        self.safe = np.zeros(len(wanted), dtype=bool)

    def reasons(self, x: Any) -> Any:
        """The wanted cells that are a reason to suppress their block in the table *x*."""
        top = np.where(self.closed, self.threshold, self.threshold - 1)
        return self.wanted & (x >= 1 - TOL) & (x <= top + TOL)

    def __call__(self, x: Any) -> None:
        reason = self.reasons(x)
        if reason.any():
            # (a cell at the threshold is no reason unless it is of a closed chain: then
            # it is its own)
            self.safe |= x >= self.threshold - TOL


def _judge_rule(
    program: _Program, threshold: int, watch: _RuleWatch, targets: Any, order: Any
) -> Any:
    """The *targets* (a mask) that :data:`ENGINE_RULE` bounds below the threshold, of
    those not yet safe in *watch*: for each, a program per other wanted cell ``q``
    (in *order*, the likeliest first) with the target at least the threshold and
    ``1 ≤ q ≤ threshold − 1``, until one is feasible (its table shown to *watch*,
    which may make other targets safe too)."""
    ruled = np.zeros(len(targets), dtype=bool)
    closed = watch.closed
    for p in np.flatnonzero(targets):
        if watch.safe[p]:
            continue
        if closed[p]:  # its own chain at the threshold: the exception of the rule
            x = program.table_with({int(p): (threshold, threshold)})
            if x is not None:
                watch(x)
        for q in order:
            if watch.safe[p]:
                break
            if q == p or not watch.wanted[q]:
                continue
            top = threshold if closed[q] else threshold - 1
            x = program.table_with({int(p): (threshold, None), int(q): (1, top)})
            if x is not None:
                watch(x)
        ruled[p] = not watch.safe[p]
    return ruled


def _parts(cells: Sequence[Any], found: Sequence[Relation]) -> list[Any]:
    """The cells of a block by part of the territory: for each territory just below
    the top of the hierarchy (a district below ``all``), the indices of the cells of
    it, of the territories below it and of the top — read from the relations (a
    relation whose parts lie in other territories than its total is one of the
    territory). Every relation holds among the cells of one part and the top's, so
    such a part can change on its own with the top."""
    if not all(isinstance(c, tuple) and len(c) == 3 for c in cells):
        return [np.arange(len(cells))]  # (no territory: one part)
    up: dict[str, str] = {}
    for total, parts, _ in found:
        for part in parts:
            if part[1] != total[1] and part[0] == total[0] and part[2] == total[2]:
                up[part[1]] = total[1]

    def root(territory: str) -> str:
        while up.get(up.get(territory, territory)) is not None:
            territory = up[territory]
        return territory

    tops = {t for t in up.values() if t not in up}
    groups: dict[str, list[int]] = {}
    shared = []
    for i, cell in enumerate(cells):
        if cell[1] in tops:
            shared.append(i)
        else:
            groups.setdefault(root(cell[1]), []).append(i)
    return [np.array(sorted(g + shared)) for _, g in sorted(groups.items())]


def _judge_block(
    program: _Program,
    threshold: int,
    base: Any = None,
    wanted: Any = None,
    watch: Callable[[Any], None] | None = None,
) -> dict[Cell, Verdict]:
    """The verdict of every cell of a block, solving as few programs as possible.

    First the outer bounds (:meth:`_Program.outer_bounds`) settle the cells that are
    fixed or cannot reach the threshold by the relations alone. Then every feasible
    table is a witness: a cell that reaches the threshold in one and differs between
    two is settled. A table with the smallest sum comes first; then tables that lift
    as many unsettled cells as possible to ``max(threshold, low + 1)`` at once
    (maximising ``Σ z`` with ``z ≤ x`` and ``z ≤`` that goal); the cells left get
    their own programs (largest value, and smallest value when it could be fixed).

    With *base*, a table that keeps every relation (the true one), the tables come
    from small programs first: over the cells of one part of the territory
    (:func:`_parts`), then of two, four … parts together, every other cell kept at
    its value in *base* — each a table of the whole block. Every table found is
    also shown to *watch* (:class:`_RuleWatch`). On the block of new and
    active cases of a synthetic export of 400 municipalities by two breakdowns
    (345,318 cells with the open and closed cases) 130 such programs settled every
    cell in 465 s; a single program over the whole block had taken 503 s, and the
    attack had not finished in 74 minutes. Only *wanted* cells get a verdict (the
    others are unknowns of the programs).
    """
    n = len(program.cells)
    outer_low, outer_high = program.outer_bounds()
    low_seen = np.full(n, math.inf)
    high_seen = np.full(n, -math.inf)
    unbounded = np.zeros(n, dtype=bool)
    solved_high = np.zeros(n, dtype=bool)
    pinned = outer_high - outer_low <= TOL  # fixed by the relations alone
    wanted = np.ones(n, dtype=bool) if wanted is None else wanted  # (cells to judge)
    capped = outer_high < threshold - TOL  # below the threshold by the relations alone

    def see(x: Any) -> None:
        np.minimum(low_seen, x[:n], out=low_seen)
        np.maximum(high_seen, x[:n], out=high_seen)
        if watch is not None:
            watch(x[:n])

    def varied() -> Any:
        return high_seen - low_seen > TOL

    def is_open(at: Any) -> Any:
        moved = high_seen[at] - low_seen[at] > TOL
        reached = (high_seen[at] >= threshold - TOL) & moved
        return wanted[at] & ~(reached | unbounded[at] | pinned[at] | (capped[at] & moved))

    def open_cells() -> Any:
        return np.flatnonzero(is_open(np.arange(n)))

    todo = open_cells()
    if base is not None and len(todo) and program.keeps(base):
        # a table known to keep every relation (the true one): programs over the
        # cells of one part of the territory with every other cell kept at its value
        # there give tables of the whole block that settle most cells without a
        # program over all of it
        see(base)
        parts = _parts(program.cells, program.found)
        while len(parts) > 1 and len(open_cells()):
            for near in parts:
                for _ in range(NEAR_ROUNDS):
                    lift = near[is_open(near)]
                    if not len(lift):
                        break
                    goal = np.maximum(threshold, low_seen[lift] + 1)
                    see(program.solve_near(base, near, lift, goal))
                    if is_open(lift).sum() == len(lift):
                        break
                # a cell that reaches the threshold with one value so far may be lower
                down = near[is_open(near) & (high_seen[near] >= threshold - TOL)]
                if len(down):
                    see(program.solve_near(base, near, down[:0], down[:0], down))
            # what is left, in parts twice as large (the last: the whole block)
            parts = [np.union1d(*parts[k : k + 2]) for k in range(0, len(parts) - 1, 2)] + (
                parts[-1:] if len(parts) % 2 else []
            )
        todo = open_cells()
        if _trace is not None:
            _trace(f"near the true table: {len(todo)} of {n} cells left")
    if len(todo) and not np.isfinite(low_seen).all():
        bottom = program.solve(np.ones(n))
        if bottom is not None:  # (the sum is bounded below when every cell is)
            see(bottom[1])
        todo = open_cells()
    while len(todo):
        seen = np.isfinite(low_seen[todo])
        goal = np.maximum(threshold, np.where(seen, low_seen[todo] + 1, threshold))
        see(program.solve_lift(todo, goal))
        left = open_cells()
        if len(left) == len(todo):
            break
        todo = left
    # cells that every table so far gives the same value: tables in random directions
    # tell most of them from fixed ones (one program each, not one per cell)
    rng = np.random.default_rng(len(todo))
    while len(todo) > 1:
        see(program.solve_table(np.where(np.isin(np.arange(n), todo), rng.uniform(-1, 1, n), 0)))
        left = open_cells()
        if len(todo) - len(left) < max(2, len(todo) // 50):
            todo = left
            break
        todo = left
    for i in todo:
        if high_seen[i] - low_seen[i] > TOL and (capped[i] or high_seen[i] >= threshold - TOL):
            continue  # settled meanwhile by another cell's table
        objective = np.zeros(n)
        if high_seen[i] - low_seen[i] <= TOL or not (capped[i] or high_seen[i] >= threshold - TOL):
            objective[i] = -1.0
            top = program.solve(objective)
            solved_high[i] = True
            if top is None:
                unbounded[i] = True
                continue
            see(top[1])
        if high_seen[i] - low_seen[i] <= TOL:
            objective[i] = 1.0
            least = program.solve(objective)
            assert least is not None
            see(least[1])
    verdicts: dict[Cell, Verdict] = {}
    for i in np.flatnonzero(wanted):
        if pinned[i]:
            low = high = float(outer_low[i])
        elif unbounded[i]:
            low, high = float(low_seen[i]), math.inf
        else:
            low = float(low_seen[i])
            # the largest value solved for, else one reached, else the outer bound
            high = float(outer_high[i] if capped[i] and not solved_high[i] else high_seen[i])
        verdicts[program.cells[i]] = Verdict(
            low=low,
            high=high,
            fixed=bool(pinned[i]) or (not unbounded[i] and high - low <= TOL),
            below=high < threshold - TOL,
        )
    return verdicts


def attack_suppression(
    cells: Mapping[Cell, tuple[float | None, str]],
    found: Sequence[Relation],
    threshold: int,
    lower: float | None = DOCUMENTED_LOWER,
    *,
    integral: bool = False,
    table: Mapping[Cell, float] | None = None,
    unknown: Collection[Cell] = (),
    rule: bool = False,
) -> dict[Cell, Verdict]:
    """The verdict on every suppressed cell of one count indicator; with *integral*
    the attacker who also uses that counts are whole numbers (mixed-integer programs:
    a cell is fixed when one whole number is its only feasible value, below the
    threshold when its largest feasible whole number is).

    *table*: values of the suppressed cells that may keep every relation (the true
    table, where known). Where they do, in a block of at least :data:`NEAR_FROM`
    cells, the programs start near it (:func:`_judge_block`); the verdicts are the
    same, since any table that keeps every relation is one the attacker cannot
    exclude, however it was found. *unknown*: suppressed cells that were never
    published (the open and closed cases of the flows, the patterns of a family of
    overlapping events) — unknowns of the programs, without a verdict of their own.

    With *rule* the attacker also knows :data:`ENGINE_RULE`: a cell it bounds below
    the threshold that way (and not by the relations alone) is ``ruled``. With
    *table*, only the cells that are 1 to ``threshold − 1`` in it are judged so, and
    a block without such a cell is ``unexplained`` (the engine broke the rule)."""
    hidden = sorted((c for c, (_, status) in cells.items() if status == "suppressed"), key=repr)
    known = {c: v for c, (v, _) in cells.items() if v is not None}
    for c, (v, status) in cells.items():
        assert (v is None) == (status == "suppressed"), (c, v, status)
    bounds: dict[Cell, tuple[float | None, float | None]] = dict.fromkeys(hidden, (lower, None))
    verdicts: dict[Cell, Verdict] = {}
    chains = closed_chains(found, unknown) if rule else set()
    for block, own in _blocks(hidden, found):
        program = _Program(block, own, known, bounds, integral)
        base = None
        if table is not None and len(block) >= NEAR_FROM and all(c in table for c in block):
            base = np.array([table[c] for c in block], dtype=float)
        wanted = np.array([c not in unknown for c in block], dtype=bool)
        # (a cell of no relation is a closed chain of its own)
        closed = np.array([c in chains or not own for c in block], dtype=bool)
        watch = _RuleWatch(wanted, threshold, closed) if rule else None
        judged = _judge_block(program, threshold, base, wanted, watch)
        verdicts.update(judged)
        if watch is None:
            continue
        true = None
        if table is not None and all(c in table for c in block):
            true = np.array([table[c] for c in block], dtype=float)
        small = wanted.copy()
        if true is not None:
            small &= (true >= 1 - TOL) & (true <= threshold - 1 + TOL)
            if not watch.reasons(true).any():
                for i in np.flatnonzero(wanted):
                    verdicts[block[i]] = dataclasses.replace(verdicts[block[i]], unexplained=True)
                continue
        targets = small & np.array([c in judged and not judged[c].below for c in block])
        # the likeliest cells first: the true table's small cells, then the others
        order = np.r_[np.flatnonzero(small), np.flatnonzero(~small)]
        for i in np.flatnonzero(_judge_rule(program, threshold, watch, targets, order)):
            verdicts[block[i]] = dataclasses.replace(verdicts[block[i]], ruled=True)
    return verdicts


# ------------------------------------------------------------------ rounding mode


def rounding_range(value: float, base: int, *, distinct: bool) -> tuple[float, float]:
    """The true counts that the documented rule publishes as *value*: those that round
    (halves up) to it — base 5: v − 2 … v + 2, base 10: v − 5 … v + 4 — and, for a
    distinct count (whose periods and sub-periods the rule keeps consistent by raising
    a cell to the multiple above its count), also v − base + 1 … v."""
    low = math.ceil(value - base / 2)
    high = math.ceil(value + base / 2) - 1
    if distinct:
        low = min(low, value - base + 1)
    return max(0.0, low), float(high)


def attack_rounding(
    cells: Mapping[Cell, tuple[float | None, str]],
    found: Sequence[Relation],
    threshold: int,
    base: int,
    *,
    distinct: bool | Collection[Cell],
) -> dict[Cell, tuple[float, float]]:
    """In rounding mode: the cells published as 0 that the attacker can prove to hold
    1 to ``threshold − 1`` people, with his interval. Every cell with the status
    ``rounded`` that is not a total stands for the true counts that the rule publishes
    as its value (:func:`rounding_range`); a total is the sum of its parts; a cell with
    another status is taken as its exact value. Tables in which many 0 cells are 0 at
    once settle them together (as in :func:`_judge_block`)."""
    # (*distinct*: whether the count is a distinct one, or the cells that are; a cell
    # without a value is an unknown of the flows: open or closed cases)
    unknown = sorted((c for c, (v, s) in cells.items() if s == "rounded" or v is None), key=repr)
    known = {c: float(v) for c, (v, s) in cells.items() if s != "rounded" and v is not None}
    # the documented rule: a total is published as the sum of its published parts, so
    # its own value says nothing beyond them; every other cell is rounded
    totals = {total for total, _, exact in found if exact}
    bounds: dict[Cell, tuple[float, float | None]] = {}
    for c in unknown:
        value = cells[c][0]
        if value is None or c in totals:
            bounds[c] = (0.0, None)
            continue
        many = distinct if isinstance(distinct, bool) else c in distinct
        bounds[c] = rounding_range(value, base, distinct=many)
    for total, parts, exact in found:  # and the published table keeps every relation
        if cells[total][0] is None or any(cells[p][0] is None for p in parts):
            continue  # (a relation of the flows)
        shown = [cells[p][0] or 0 for p in parts]
        if exact:
            assert cells[total][0] == sum(shown), total
        else:
            assert max(shown) <= (cells[total][0] or 0) <= sum(shown), total
    exposed: dict[Cell, tuple[float, float]] = {}
    for block, own in _blocks(unknown, found):
        if all(cells[c][0] is not None for c in block):
            # The published table is a table the attacker must consider possible: it
            # keeps every relation (checked above) and each value lies in its own
            # range. So each 0 of the block is 0 in a feasible table, and none can be
            # proved to be 1 or 2 — no linear program needed (one over a block of
            # 200,000 cells, a synthetic export of 400 municipalities by two
            # breakdowns, had not finished in 8 minutes).
            assert all(bounds[c][0] <= (cells[c][0] or 0) for c in block)
            continue
        todo = [i for i, c in enumerate(block) if cells[c][0] == 0]
        # First one program: is there a table with every published 0 of the block at
        # 0? Then none can be proved to be 1 or 2 (the 0s fixed, presolve removes
        # them: on the block of new and active cases of a synthetic export of 400
        # municipalities the smallest sum of the 0s had not finished in 30 minutes)
        pinned = {**bounds, **{block[i]: (0.0, 0.0) for i in todo}}
        if todo and _Program(block, own, known, pinned).feasible():
            continue
        program = _Program(block, own, known, bounds)
        n = len(block)
        while todo:  # tables with as many of the 0 cells at 0 as possible
            objective = np.zeros(n)
            objective[todo] = 1.0
            solved = program.solve(objective)
            assert solved is not None
            left = [i for i in todo if solved[1][i] > TOL]
            if len(left) == len(todo):
                break
            todo = left
        for i in todo:
            objective = np.zeros(n)
            objective[i] = 1.0
            bottom = program.solve(objective)
            assert bottom is not None
            low = math.ceil(bottom[0] - TOL)
            if low < 1:
                continue
            top = program.solve(-objective)
            assert top is not None
            high = math.floor(-top[0] + TOL)
            if high < threshold:
                exposed[block[i]] = (low, high)
    return exposed


# ------------------------------------------------------------------ the whole release


@dataclass
class Outcome:
    """The attack on one release."""

    suppressed: int = 0
    fixed: list[Key] = field(default_factory=list)
    below: list[Key] = field(default_factory=list)
    rates: list[Key] = field(default_factory=list)  # published rates of a hidden count
    rounded: list[Key] = field(default_factory=list)  # rounded 0s proven to be 1 or 2
    skipped: list[str] = field(default_factory=list)  # indicators not attacked
    ruled: list[Key] = field(default_factory=list)  # below the threshold by ENGINE_RULE
    unexplained: list[Key] = field(default_factory=list)  # blocks without a primary cell

    @property
    def exposed(self) -> list[Key]:
        found = {*self.fixed, *self.below, *self.rates, *self.rounded}
        found |= {*self.ruled, *self.unexplained}
        return sorted(found, key=repr)


def attack_release(
    release: Release,
    knowledge: Knowledge,
    truth: Release | None = None,
    *,
    integral: bool = False,
    rule: bool = False,
) -> Outcome:
    """Attack every count indicator of *release*; check every rate (with *integral*
    over tables of whole numbers only: :func:`attack_suppression`; with *rule* the
    attacker also knows :data:`ENGINE_RULE`, and the primary cells it bounds below
    the threshold that way alone are ``ruled``).

    With *truth* (the internal table of the same data) the attacker's relations are
    checked against the true values first, and the verdicts against the truth; a
    cell bounded below the threshold counts when it is a primary cell (1 to
    threshold − 1). Without it every suppressed cell bounded below the threshold
    counts (the attacker cannot tell a primary cell from a suppressed zero).
    """
    outcome = Outcome()
    release, knowledge, never = unpublished_wholes(release, knowledge)
    shown = given_back_by_rates(release, knowledge)  # the counts that rates give back
    if truth is not None:
        for key, (value, status) in shown.cells.items():
            assert status != "given back by a rate" or value == (truth.cells[key][0] or 0), key
    folded = filtered_parts(release, knowledge)
    present = set(release.indicators())
    # new and active cases of the same cases are attacked together (with suppression)
    flows = {
        new: active
        for new, active in knowledge.flows.items()
        if new in present
        and active in present
        and (new in knowledge.rounded) == (active in knowledge.rounded)
    }
    # the counts of overlapping events of one family are attacked together
    families = {
        family[0]: members
        for family in knowledge.families
        if len(members := [m for m in family if m in present and m not in folded]) > 1
        and len({m in knowledge.rounded for m in members}) == 1
    }
    with_family = {m for members in families.values() for m in members[1:]}
    for indicator in release.indicators():
        kind = knowledge.kinds.get(indicator)
        if indicator in folded or indicator in flows.values() or indicator in with_family:
            continue  # attacked with the count it is a part of, or with its new cases
        if kind == "rate" and indicator in knowledge.rates:
            outcome.rates += _rate_leaks(release, indicator, knowledge.rates[indicator])
            continue
        if kind not in ("additive", "distinct"):
            outcome.skipped.append(indicator)
            continue
        members = [indicator, *([flows[indicator]] if indicator in flows else [])]
        members = families.get(indicator, members)
        group = _group(release, shown, knowledge, truth, folded, members, never)
        cells, found, real, owner, threshold = group
        if real is not None:
            check_truth(real, found)
        if indicator in knowledge.rounded:
            exposed = attack_rounding(
                cells,
                found,
                threshold,
                knowledge.rounded[indicator],
                distinct={
                    c
                    for c, name in owner.items()
                    if name is not None
                    and knowledge.kinds[folded[name][0] if name in folded else name] == "distinct"
                },
            )
            outcome.rounded += [(indicator, *cell) for cell in exposed]
            continue
        if real is not None and knowledge.lower > 0:
            zeros = [
                c
                for c, (_, s) in cells.items()
                if s == "suppressed" and owner[c] is not None and not real[c]
            ]
            assert not zeros, f"{indicator}: zeros suppressed against the rule: {zeros[:5]}"
        verdicts = attack_suppression(
            cells,
            found,
            threshold,
            knowledge.lower,
            integral=integral,
            table=real,
            unknown={c for c, name in owner.items() if name is None or name in never},
            rule=rule,
        )
        for cell, verdict in verdicts.items():
            name = owner[cell]
            if name is None or name in never:
                continue  # an unknown cell (open or closed cases, patterns, a whole count)
            outcome.suppressed += 1
            key = (name, cell[0].removeprefix(f"{name}|"), *cell[1:])
            below = verdict.below and verdict.high < knowledge.threshold_of(name) - TOL
            true = None if truth is None else float(truth.cells[key][0] or 0)
            if true is not None and (verdict.fixed or verdict.below):
                # the largest feasible value was solved for: the truth lies below it
                assert true <= verdict.high + TOL, (key, true, verdict)
                assert not verdict.fixed or abs(true - verdict.low) < TOL, (key, verdict)
            if verdict.fixed:
                outcome.fixed.append(key)
            if below and (true is None or 0 < true < knowledge.threshold_of(name)):
                outcome.below.append(key)
            elif verdict.ruled:
                outcome.ruled.append(key)
            if verdict.unexplained:
                outcome.unexplained.append(key)
    return outcome


_Group = tuple[
    dict[Cell, tuple[float | None, str]],
    list[Relation],
    dict[Cell, float] | None,
    dict[Cell, str | None],
    int,
]


def _group(
    release: Release,
    shown: Release,
    knowledge: Knowledge,
    truth: Release | None,
    folded: Mapping[str, tuple[str, dict[Cell, list[Cell]]]],
    members: Sequence[str],
    never: Collection[str] = (),
) -> _Group:
    """The cells (the first member's by their own keys, the others' and the parts'
    named ``"<indicator>|<period>"``), the relations, the true values (with
    *truth*, unless a count of *never* — never published, :func:`unpublished_wholes`
    — takes part), each cell's indicator (None for an unknown cell of the flows) and
    the strictest threshold of the count indicators *members* — one count, or the
    new and the active cases of the same cases — and of the counts that are parts
    of them (a filter on a breakdown)."""
    cells: dict[Cell, tuple[float | None, str]] = {}
    found: list[Relation] = []
    owner: dict[Cell, str | None] = {}
    threshold = 0
    names: dict[str, dict[Cell, Cell]] = {}
    parts = [p for p, (base, _) in folded.items() if base in members]
    real: dict[Cell, float] | None = {}
    if truth is None or any(name in never for name in [*members, *parts]):
        real = None
    for name in [*members, *parts]:
        own = shown.of(name)
        kind = knowledge.kinds[folded[name][0] if name in folded else name]
        alias = own_names = {
            c: c if name == members[0] else (f"{name}|{c[0]}", c[1], c[2]) for c in own
        }
        names[name] = own_names
        found += [
            (alias[t], [alias[q] for q in ps], exact)
            for t, ps, exact in relations(
                own,
                release.dims,
                knowledge.parents,
                additive=kind == "additive",
                fiscal=knowledge.fiscal,
                own=knowledge.territory,
            )
        ]
        threshold = max(threshold, knowledge.threshold_of(name))
        for c, a in alias.items():
            cells[a], owner[a] = own[c], name
            if real is not None and truth is not None:
                real[a] = float(truth.cells[(name, *c)][0] or 0)
    for part in parts:  # each cell of a part = the sum of its base's cells
        base, links = folded[part]
        found += [
            (names[part][c], [names[base][q] for q in sources], True)
            for c, sources in links.items()
        ]
    if all(knowledge.kinds.get(m) == "distinct" for m in members) and len(members) > 1:
        # a family of counts of overlapping events (event_families): each count's cell
        # is the sum of the cases of each pattern it is in (unknown, at least 0), which
        # add up over territories and breakdowns (not over time: a case's pattern in a
        # year need not be its pattern in any month; one-sided relations over time,
        # pattern_time_relations)
        sets = [json.loads(definition_key(knowledge.counts[m]))["events"] for m in members]
        atoms = event_atoms(sets)
        weights = np.array(
            [[1.0 if i in atom else 0.0 for atom in atoms] for i in range(len(sets))]
        )
        solvable = np.linalg.matrix_rank(weights) == len(atoms)
        pattern: dict[Cell, list[Cell]] = {}
        for cell in names[members[0]]:
            period, territory, combo = cell
            pattern[cell] = [
                (f"{members[0]}>pattern{j}|{period}", territory, combo) for j in range(len(atoms))
            ]
            for i, m in enumerate(members):
                parts_of = [pattern[cell][j] for j, atom in enumerate(atoms) if i in atom]
                found.append((names[m][cell], parts_of, True))
            for atom_cell in pattern[cell]:
                cells[atom_cell], owner[atom_cell] = (None, "suppressed"), None
            if real is not None and solvable:
                values = np.array([real[names[m][cell]] for m in members])
                solved = np.linalg.lstsq(weights, values, rcond=None)[0]
                real.update(zip(pattern[cell], map(float, solved), strict=True))
        for period in sorted({c[0] for c in pattern}):
            within = {c: pattern[c] for c in pattern if c[0] == period}
            for j in range(len(atoms)):
                alias = {c: atoms_of[j] for c, atoms_of in within.items()}
                found += [
                    (alias[t], [alias[q] for q in ps], exact)
                    for t, ps, exact in relations(
                        alias,
                        release.dims,
                        knowledge.parents,
                        additive=False,
                        own=knowledge.territory,
                    )
                ]
        more, made = pattern_time_relations(pattern, atoms, members[0], knowledge.fiscal)
        found += more
        for aux, (plus, minus) in made.items():  # (in the order they build on each other)
            cells[aux], owner[aux] = (None, "suppressed"), None
            if real is not None and solvable:
                real[aux] = sum(real[c] for c in plus) - sum(real[c] for c in minus)
                assert real[aux] >= -TOL, (aux, real[aux])  # (the relation holds)
        if real is not None and not solvable:
            real = None  # (the patterns' true values are not known: no check)
    elif len(members) == 2:
        flow, unknown = flow_relations(
            names[members[0]],
            names[members[1]],
            members[0],
            knowledge.fiscal,
            ageing(release.dims, knowledge.counts.get(members[0])),
        )
        found += flow
        # (the open cases first: the closed ones are the difference to one of them)
        for cell in sorted(unknown, key=lambda c: ">closed|" in c[0]):
            plus, minus = unknown[cell]
            cells[cell], owner[cell] = (None, "suppressed"), None
            if real is not None:
                real[cell] = real[plus] - real[minus]
    return cells, found, real, owner, threshold


WHOLE = "~whole"
"""The suffix of a count the attacker adds, never published (:func:`unpublished_wholes`)."""


def unpublished_wholes(
    release: Release, knowledge: Knowledge
) -> tuple[Release, Knowledge, set[str]]:
    """*release* and *knowledge* with the counts that a filter on a breakdown of the
    release is part of, where the release does not publish them: employment starts
    of women (``sex: [f]``) by sex beside placements, without employment starts. The
    concept tells that the women's count is the column of women of a count of all
    employment starts (:func:`filtered_parts`), and that count is one of the family
    of placements (:func:`event_families`) — so the women's count is tied to
    placements through it; likewise new cases of women to active cases
    (:func:`flow_pairs`). The attacker adds it as a count ``<name>~whole`` whose
    every cell is suppressed (unknown, at least 0; never judged): its families
    replace those they overlap. Also the names of the counts added."""
    dims, present = release.dims, set(release.indicators())
    counts, kinds = dict(knowledge.counts), dict(knowledge.kinds)
    rounded = dict(knowledge.rounded)
    cells = dict(release.cells)
    known = {definition_key(counts[n]) for n in present if n in counts}
    added: set[str] = set()
    for name in sorted(present & set(counts)):
        spec = counts[name]
        on = [f for f in spec.get("filters", []) if f["attribute"] in dims]
        whole = {**spec, "filters": [f for f in spec.get("filters", []) if f not in on]}
        if not on or definition_key(whole) in known:
            continue
        known.add(definition_key(whole))
        virtual = f"{name}{WHOLE}"
        counts[virtual], kinds[virtual] = whole, kinds[name]
        if name in rounded:
            rounded[virtual] = rounded[name]
        for key in release.cells:
            if key[0] == name:
                cells[(virtual, *key[1:])] = (None, "suppressed")
        added.add(virtual)
    if not added:
        return release, knowledge, added
    new = [f for f in event_families(counts) if added & set(f)]
    taken = {m for f in new for m in f}
    families = [f for f in knowledge.families if not taken & set(f)] + new
    flows = {**knowledge.flows}  # (and new and active cases, one of them added)
    for fresh, active in flow_pairs(counts).items():
        if {fresh, active} & added and active not in flows.values():
            flows[fresh] = active
    changed = dataclasses.replace(
        knowledge, counts=counts, kinds=kinds, rounded=rounded, families=families, flows=flows
    )
    return Release(release.dims, cells), changed, added


def filtered_parts(
    release: Release, knowledge: Knowledge
) -> dict[str, tuple[str, dict[Cell, list[Cell]]]]:
    """The count indicators that are parts of another one of the release: the same
    definition with a filter on one of its breakdowns (``sex: [f]`` by sex). The
    concept publishes the filter, so each of its cells is known to be the sum of
    cells of the other — the other's cell of a value of the filter, 0 for another
    value, the sum over the filter's values for the total. Indicator → (the other,
    each cell → the other's cells that add up to it)."""

    canonical = definition_key

    dims, present = release.dims, set(release.indicators())
    found: dict[str, tuple[str, dict[Cell, list[Cell]]]] = {}
    for name, spec in knowledge.counts.items():
        on = [f for f in spec.get("filters", []) if f["attribute"] in dims]
        if name not in present or not on:
            continue
        rest = canonical({**spec, "filters": [f for f in spec["filters"] if f not in on]})
        bases = sorted(
            b for b in present if b != name and canonical(knowledge.counts.get(b, {})) == rest
        )
        if not bases:
            continue
        values: dict[int, set[str]] = {}
        for f in on:
            i = dims.index(f["attribute"])
            values[i] = values.get(i, set(map(str, f["values"]))) & set(map(str, f["values"]))
        labels = [{c[2][i] for c in release.of(bases[0])} - {TOTAL} for i in range(len(dims))]
        links: dict[Cell, list[Cell]] = {}
        for period, territory, combo in release.of(name):
            choices = [
                [value]
                if i not in values
                else sorted(labels[i] & values[i])
                if value == TOTAL
                else [value]
                if value in values[i]
                else []
                for i, value in enumerate(combo)
            ]
            links[(period, territory, combo)] = [
                (period, territory, c) for c in itertools.product(*choices)
            ]
        found[name] = (bases[0], links)
    return found


def given_back_by_rates(release: Release, knowledge: Knowledge) -> Release:
    """*release* with every suppressed count that a published rate gives back: a
    rate is ``round(numerator × scale / denominator, 1)`` (halves up), so beside a
    published denominator it leaves a few whole numerators, beside a published
    numerator a few whole denominators; where exactly one fits, the count is known.
    The attacker takes each rate's scale from the concept (100: per cent)."""
    from decimal import ROUND_HALF_UP, Decimal

    def rate(num: int, den: int, scale: int) -> Decimal:
        if num == 0:
            return Decimal("0.0")
        return (Decimal(num) * scale / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    known = dict(release.cells)
    for name, (numerator, denominator) in knowledge.rates.items():
        scale = knowledge.scales.get(name, 1)
        for key, (value, _) in release.cells.items():
            if key[0] != name or value is None:
                continue
            shown = Decimal(str(value))
            n_key, d_key = (numerator, *key[1:]), (denominator, *key[1:])
            if n_key not in known or d_key not in known:
                continue
            n, d = known[n_key][0], known[d_key][0]
            if n is None and d is not None:
                fits = [x for x in range(int(d) + 1) if d and rate(x, int(d), scale) == shown]
                hidden = n_key
            elif d is None and n:  # (a zero numerator gives 0.0 with any denominator)
                top = int(n * scale / max(float(shown) - 0.05, 1e-9)) + 1
                fits = [x for x in range(int(n), top + 1) if rate(int(n), x, scale) == shown]
                hidden = d_key
            else:
                continue
            if len(fits) == 1:
                known[hidden] = (float(fits[0]), "given back by a rate")
    return Release(release.dims, known)


def _rate_leaks(release: Release, rate: str, counts: tuple[str, str]) -> list[Key]:
    """The published rates whose numerator or denominator is suppressed: numerator =
    rate × denominator / scale would give the count back (the documented rule: a rate
    is suppressed when either count is)."""
    hidden = release.pattern()
    leaks = []
    for key, (value, _) in release.cells.items():
        if key[0] != rate or value is None:
            continue
        if any((count, *key[1:]) in hidden for count in counts):
            leaks.append(key)
    return leaks


def report_release(context: Any) -> Release:
    """Every count the report shows (its Kennzahlen tables, trend charts and
    per-municipality tables), read from :func:`~kommunale_integration.report_context`,
    which holds exactly the figures of every report format."""
    release = Release(())
    for figure in context.figures:
        points = [(figure.territory, p) for p in (figure.current, figure.previous, *figure.series)]
        points += [(ags, p) for ags, _, p in figure.by_municipality]
        for territory, point in points:
            if point is None or str(point.status) == "missing":
                continue
            key = (figure.indicator.id, str(point.period), territory, ())
            value = None if point.published is None else float(point.published)
            entry = (value, str(point.status))
            assert release.cells.setdefault(key, entry) == entry, f"{key} shown twice, differently"
    return release
