"""Round trips: every table kind and format, written then read, gives equal objects."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunale_integration as ki
from kommunale_integration import testing

linked_contacts = st.builds(
    lambda contact, owner, which: ki.LinkedContact(contact=contact, **{which: owner}),
    testing.contacts(),
    testing.slugs,
    st.sampled_from(["actor", "offer"]),
)

ITEMS: dict[str, st.SearchStrategy[Any]] = {
    "actors": testing.actors(),
    "offers": testing.offers(),
    "contacts": linked_contacts,
    "measures": testing.measures,
    "observations": testing.observations(),
    "meetings": testing.meetings,
}

# (file name, delimiter, encoding)
FORMATS = [
    ("t.csv", ",", "utf-8"),
    ("t.csv", ";", "utf-8-sig"),
    ("t.csv", ";", "cp1252"),
    ("t.csv", "\t", "utf-8"),
    ("t.xlsx", ";", "utf-8"),
]


def _tabular(obj: Any) -> Any:
    """What a table can hold: an empty address or time frame is no address at all."""
    if isinstance(obj, tuple):
        return tuple(_tabular(x) for x in obj)
    if not attrs.has(type(obj)):
        return obj
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        if not field.init:
            continue
        value = getattr(obj, field.name)
        if isinstance(value, ki.Venue | ki.DateRange) and not any(
            getattr(value, f.name) is not None for f in attrs.fields(type(value))
        ):
            changes[field.name] = None
        elif attrs.has(type(value)) or isinstance(value, tuple):
            changes[field.name] = _tabular(value)
    return attrs.evolve(obj, **changes) if changes else obj


def _cp1252(obj: Any) -> Any:
    """The same object with every text limited to what Windows-1252 can hold."""

    def clean(data: Any) -> Any:
        if isinstance(data, str):
            # Bytes 0x80-0xBF after a byte 0xC2-0xF4 (e.g. "Ã©") are also valid UTF-8, and
            # UTF-8 is tried first: such rare pairs are not a Windows-1252 round trip.
            text = data.encode("cp1252", "replace").decode("cp1252")
            return "".join("?" if 0x80 <= ord(c.encode("cp1252")) <= 0xBF else c for c in text)
        if isinstance(data, list):
            return [clean(x) for x in data]
        if isinstance(data, dict):
            return {k: clean(v) for k, v in data.items()}
        return data

    if isinstance(obj, ki.LinkedContact):
        return attrs.evolve(obj, contact=_cp1252(obj.contact))
    return ki.structure(clean(ki.unstructure(obj)), type(obj))


@pytest.mark.parametrize(("name", "delimiter", "encoding"), FORMATS)
@pytest.mark.parametrize("kind", list(ITEMS))
def test_write_then_read_gives_equal_objects(
    tmp_path_factory: pytest.TempPathFactory,
    kind: str,
    name: str,
    delimiter: str,
    encoding: str,
) -> None:
    @settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(st.lists(ITEMS[kind], max_size=4))
    def check(items: list[Any]) -> None:
        if encoding == "cp1252":
            items = [_cp1252(x) for x in items]
        items = [_tabular(x) for x in items]
        path = tmp_path_factory.mktemp("rt") / name
        ki.write_table(items, path, kind, delimiter=delimiter, encoding=encoding)
        assert ki.read_table(path, kind) == tuple(items)

    check()


def test_unencodable_text_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    actor = ki.Actor(id="a", name="Українська громада")
    target = tmp_path / "akteure.csv"
    with pytest.raises(ki.OutputError, match="Windows-1252"):
        ki.write_table([actor], target, "actors", encoding="cp1252")
    assert not target.exists()


def test_formula_cells_are_neutralised_and_restored(tmp_path: Path) -> None:
    actor = ki.Actor(id="a", name='=HYPERLINK("http://evil")', description="'=already quoted")
    target = tmp_path / "akteure.csv"
    ki.write_table([actor], target, "actors", delimiter=",")
    text = target.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "''=already quoted" in text
    assert ki.read_table(target, "actors") == (actor,)


@given(st.text(max_size=8))
def test_neutralise_is_undone_by_unneutralise(text: str) -> None:
    from kommunale_integration._parse import neutralise, unneutralise

    written = neutralise(text)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unneutralise(written) == text


def _unique_ids(items: tuple[Any, ...]) -> tuple[Any, ...]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return tuple(seen.values())


@st.composite
def savable_concepts(draw: st.DrawFn) -> ki.Concept:
    """Concepts whose actors and offers have unique ids (contacts are linked by id) and
    whose offers name actors of the concept (an unknown Träger in a table is an error)."""
    concept = draw(testing.concepts())
    actors = _unique_ids(concept.actors) or (ki.Actor(id="traeger", name="Träger e.V."),)
    ids = [a.id for a in actors]
    offers = tuple(
        attrs.evolve(o, actor=draw(st.sampled_from(ids))) for o in _unique_ids(concept.offers)
    )
    return concept.evolve(
        actors=_tabular(actors),
        offers=_tabular(offers),
        measures=_tabular(concept.measures),
        observations=_tabular(concept.observations),
        meetings=_tabular(concept.meetings),
    )


@pytest.mark.parametrize("layout", ["csv", "xlsx", "yaml-folder", "k.yaml", "k.json", "k.toml"])
def test_save_then_load_concept_gives_an_equal_concept(
    tmp_path_factory: pytest.TempPathFactory, layout: str
) -> None:
    @settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(savable_concepts())
    def check(concept: ki.Concept) -> None:
        base = tmp_path_factory.mktemp("concept")
        if layout.startswith("k."):
            target = base / layout
            ki.save_concept(concept, target)
        else:
            target = base / "konzept"
            tables = None if layout == "yaml-folder" else layout
            ki.save_concept(concept, target, tables=tables)
        loaded = ki.load_concept(target)
        assert loaded == concept
        if layout in {"csv", "xlsx"}:
            # every table item knows its file and spreadsheet row (header = row 1)
            for index in range(len(concept.actors)):
                where = loaded.locate(f"actors[{index}].name")
                assert (where.file, where.row, where.column) == (
                    f"akteure.{layout}",
                    index + 2,
                    "Name",
                )

    check()


def test_save_concept_writes_tables_and_refuses_foreign_folders(tmp_path: Path) -> None:
    concept = ki.Concept(
        id="k",
        title="Konzept",
        territory="05558",
        actors=(ki.Actor(id="a", name="A", contacts=(ki.Contact(role="Beratung"),)),),
    )
    target = tmp_path / "konzept"
    ki.save_concept(concept, target)
    assert sorted(p.name for p in target.iterdir()) == [
        "akteure.csv",
        "kontakte.csv",
        "konzept.yaml",
    ]
    ki.save_concept(concept, target, tables="xlsx")  # replaces its own files
    assert sorted(p.name for p in target.iterdir()) == [
        "akteure.xlsx",
        "kontakte.xlsx",
        "konzept.yaml",
    ]
    (target / "notizen.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ki.OutputError, match=r"notizen\.txt"):
        ki.save_concept(concept, target)
    assert (target / "notizen.txt").read_text(encoding="utf-8") == "keep me"


def test_control_characters_cannot_go_into_a_workbook(tmp_path: Path) -> None:
    actor = ki.Actor(id="a", name="Klingel\x07zeichen")
    with ki.using_language("en"), pytest.raises(ki.OutputError, match=r"row 2, column 'Name'"):
        ki.write_table([actor], tmp_path / "a.xlsx", "actors")
    with pytest.raises(ki.OutputError, match=r"Zeile 2, Spalte 'Name'"):
        ki.write_table([actor], tmp_path / "a.xlsx", "actors")
    assert not (tmp_path / "a.xlsx").exists()
    with pytest.raises(ki.OutputError, match="NUL"):
        ki.write_table([ki.Actor(id="a", name="A\x00B")], tmp_path / "a.csv", "actors")


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(testing.concepts())
def test_any_concept_round_trips_through_a_toml_file(concept: ki.Concept) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "konzept.toml"
        ki.save_concept(concept, target)
        assert ki.load_concept(target) == concept


# --------------------------------------------------------------------------- in memory
# The save/load property above writes folders and is slow, so it runs few examples. The
# same codecs are checked here in memory with many examples and a small alphabet of ids
# and titles, so that collisions such as a dangling reference "h" beside a field titled
# "H" (which once became that field's id) come up on every run.

_NAMES = st.sampled_from(["h", "H", "x", "X", "h.1", "sprache", "Sprache", "Sprache und Bildung"])


@st.composite
def _fields_and_actors(draw: st.DrawFn) -> tuple[list[ki.FieldOfAction], list[ki.Actor]]:
    ids = draw(st.lists(st.sampled_from(["h", "x", "sprache", "a-b"]), unique=True, max_size=3))
    fields = [ki.FieldOfAction(id=i, title=draw(_NAMES)) for i in ids]
    actors = [
        ki.Actor(
            id=f"a{n}",
            name=draw(_NAMES),
            fields=tuple(draw(st.lists(_NAMES.filter(lambda t: " " not in t), max_size=3))),
        )
        for n in range(draw(st.integers(1, 3)))
    ]
    return fields, actors


@settings(max_examples=400, deadline=None)
@given(
    _fields_and_actors(), st.sampled_from([(";", "csv"), (",", "csv"), ("\t", "csv"), ("", "xlsx")])
)
def test_field_references_round_trip_in_memory(
    data: tuple[list[ki.FieldOfAction], list[ki.Actor]], fmt: tuple[str, str]
) -> None:
    import io

    from kommunale_integration._loaders._concept import _table_file_bytes

    fields, actors = data
    delimiter, kind = fmt
    payload = _table_file_bytes(actors, ki.TableKind.ACTORS, kind, delimiter or ";", "utf-8")
    back = ki.read_table(io.BytesIO(payload), "actors", name=f"akteure.{kind}", fields=fields)
    assert [a.fields for a in back] == [a.fields for a in actors]


def test_a_dangling_field_reference_is_not_taken_for_a_title() -> None:
    """The bug hypothesis found in about one of 13 full runs (issue 15)."""
    import io

    field = ki.FieldOfAction(id="x", title="H")
    actor = ki.Actor(id="a", name="A", fields=("h",))
    from kommunale_integration._loaders._concept import _table_file_bytes

    payload = _table_file_bytes([actor], ki.TableKind.ACTORS, "csv", ";", "utf-8")
    (back,) = ki.read_table(io.BytesIO(payload), "actors", name="akteure.csv", fields=[field])
    assert back.fields == ("h",)
    # a title that no id can be still stands for its code
    table = b"Name;Handlungsfelder\r\nA;Sprache und Bildung, h\r\n"
    fields = [ki.FieldOfAction(id="sprache", title="Sprache und Bildung"), field]
    (actor,) = ki.read_table(io.BytesIO(table), "actors", name="akteure.csv", fields=fields)
    assert actor.fields == ("sprache", "h")
