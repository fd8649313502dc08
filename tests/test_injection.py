"""Injection: hostile text in a concept never becomes markup, a formula, code or a path.

Every HTML builder (report, directory, action plan, diff) is rendered twice: once with
hostile text in every user-editable text field and once with a harmless text of the
same shape. Parsed with html5lib, both must have exactly the same elements and
attribute names: escaping worked when nothing was added. Links are checked for their
scheme. CSV and XLSX writers neutralise formulas and read back the original text;
YAML is only read safely; table paths cannot leave the concept folder; zip bombs are
refused before openpyxl sees them.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import html5lib  # type: ignore[import-untyped]
import pytest

import kommunale_integration as ki
from test_report_data import TODAY, sample_concept

# --------------------------------------------------------------------------- payloads

TEXT_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</p></div><iframe src=//evil.example></iframe>",
    "<style>*{background:url(//evil.example)}</style>",
    '<meta http-equiv="refresh" content="0;url=//evil.example">',
    "<base href=//evil.example/>",
    '<a href="javascript:alert(1)">klick</a>',
    "]]><!-- --><![CDATA[",
    "{{ 7*7 }} {% raw %} ${7*7}",
    "&lt;b&gt; &amp;amp; &#60;script&#62;",
    "<textarea></textarea><title></title><noscript>"
    '<p title="</noscript><img src=x onerror=alert(1)>">',
]

URL_PAYLOADS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    'https://ok.example/"onmouseover="alert(1)',
]

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def harmless(payload: str) -> str:
    """A text of the same shape as *payload* (length, spaces) without special characters."""
    return "".join(c if c.isalnum() or c.isspace() else "x" for c in payload)


# --------------------------------------------------------------------------- hostile concept


def _text(original: str | None, payload: str) -> str:
    return f"{original or 'Text'} {payload}"


def hostile_concept(payload: str, url: str | None = None) -> ki.Concept:
    """The report test concept with *payload* in every free-text field.

    With *url*, every web address, e-mail and legal-basis link is *url* (model
    validators are switched off for that, as a defence-in-depth test of the renderers).
    """
    base = sample_concept()
    t: Callable[[str | None], str] = lambda s: _text(s, payload)  # noqa: E731
    with attrs.validators.disabled():
        web: dict[str, Any] = {} if url is None else {"web": url}
        contact = ki.Contact(
            name=t("Frau Muster"),
            role=t("Leitung"),
            phone="+49 2541 1",
            email="a@b.de" if url is None else f"{url}@x.de",
            **web,
        )
        actors = tuple(
            attrs.evolve(
                a,
                name=t(a.name),
                description=t(a.description),
                responsibility=t(a.responsibility),
                contacts=(*a.contacts, contact),
                venue=ki.Venue(name=t("Haus"), street=t("Markt 1"), city=t("Ort")),
                **web,
            )
            for a in base.actors
        )
        offers = tuple(
            attrs.evolve(
                o,
                name=t(o.name),
                description=t(o.description),
                schedule_note=t(o.schedule_note),
                cost_note=t(o.cost_note),
                eligibility=ki.Eligibility(note=t("ab 16")),
                contacts=(contact,),
                **web,
            )
            for o in base.offers
        )
        measures = tuple(
            attrs.evolve(
                m,
                title=t(m.title),
                description=t(m.description),
                expected_result=t(m.expected_result),
            )
            for m in base.measures
        )
        return base.evolve(
            title=t(base.title),
            summary=t(base.summary),
            starting_point=t(base.starting_point),
            outlook=t(base.outlook),
            committee=t(base.committee),
            territories=tuple(attrs.evolve(x, name=t(x.name)) for x in base.territories),
            fields=tuple(
                attrs.evolve(f, title=t(f.title), description=t(f.description)) for f in base.fields
            ),
            goals=tuple(attrs.evolve(g, text=t(g.text)) for g in base.goals),
            measures=measures,
            actors=actors,
            offers=offers,
            indicators=tuple(
                attrs.evolve(
                    i,
                    name=t(i.name),
                    definition=t(i.definition),
                    unit=t(i.unit),
                    source=t(i.source),
                    method_notes=t(i.method_notes),
                )
                for i in base.indicators
            ),
            networks=tuple(
                attrs.evolve(n, name=t(n.name), description=t(n.description)) for n in base.networks
            ),
            meetings=tuple(
                attrs.evolve(
                    m,
                    topics=tuple(t(x) for x in m.topics),
                    results=tuple(t(x) for x in m.results),
                    location=t(m.location),
                )
                for m in base.meetings
            ),
            glossary=(ki.GlossaryTerm(term=t("KIM"), definition=t("Management")),),
            abbreviations=(ki.Abbreviation(short=t("VHS"), long=t("Volkshochschule")),),
            legal_bases=tuple(
                attrs.evolve(
                    b,
                    law=t(b.law),
                    title=t(b.title),
                    paragraph=t(b.paragraph),
                    summary=t(b.summary),
                    **({} if url is None else {"url": url}),
                )
                for b in base.legal_bases
            ),
        )


# --------------------------------------------------------------------------- the builders


def _report(concept: ki.Concept, old: ki.Concept) -> dict[str, str]:
    return {"report.html": ki.build_report(concept, "2025", format="html", today=TODAY)}


def _plan(concept: ki.Concept, old: ki.Concept) -> dict[str, str]:
    return {"plan.html": ki.build_action_plan(concept, format="html", today=TODAY)}


def _diff(concept: ki.Concept, old: ki.Concept) -> dict[str, str]:
    return {"diff.html": ki.diff_concepts(old, concept).to_html()}


def _directory(concept: ki.Concept, old: ki.Concept) -> dict[str, str]:
    from kommunale_integration._reports._directory import render_directory

    files: dict[str, str] = {}
    for lang in ("de", "ar"):  # German, and a right-to-left page with German fallbacks
        site = ki.directory_site(concept, lang=lang, today=TODAY)
        files.update({f"{lang}/{name}": html for name, html in render_directory(site).items()})
    return files


BUILDERS = {"report": _report, "plan": _plan, "diff": _diff, "directory": _directory}


# --------------------------------------------------------------------------- DOM checks


def _parse(text: str) -> Any:
    return html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _elements(tree: Any) -> Iterator[Any]:
    for element in tree.iter():
        if isinstance(element.tag, str):
            yield element


def structure(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every element of the page as (tag, attribute names), in document order."""
    return [
        (_local(e.tag), tuple(sorted(_local(a) for a in e.attrib))) for e in _elements(_parse(text))
    ]


def _csp_hashes(tree: Any) -> set[str]:
    hashes: set[str] = set()
    for element in _elements(tree):
        if _local(element.tag) == "meta" and element.get("http-equiv") == (
            "Content-Security-Policy"
        ):
            hashes |= set(re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", element.get("content", "")))
    return hashes


def scheme(url: str) -> str | None:
    """The scheme as a browser reads it (control characters and spaces removed)."""
    cleaned = re.sub(r"[\x00-\x20]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_safe_dom(text: str) -> None:
    """No script but the page's own hashed one, no event handler, only safe link schemes."""
    tree = _parse(text)
    allowed = _csp_hashes(tree)
    for element in _elements(tree):
        tag = _local(element.tag)
        if tag == "script":
            assert "src" not in element.attrib
            digest = base64.b64encode(
                hashlib.sha256((element.text or "").encode("utf-8")).digest()
            ).decode()
            assert digest in allowed, "an inline script not allowed by the CSP"
        assert tag not in {"iframe", "object", "embed", "base", "frame", "frameset"}
        for name, value in element.attrib.items():
            attribute = _local(name)
            assert not attribute.startswith("on"), f"event handler {attribute} on <{tag}>"
            assert attribute not in {"srcdoc", "formaction", "action"}
            if attribute in {"href", "src", "xlink:href", "poster", "background"}:
                found = scheme(value)
                if attribute == "src" and found == "data":
                    assert value.startswith("data:image/"), value
                    continue
                assert found is None or found in SAFE_SCHEMES, f"{attribute}={value!r}"
                if found is None:
                    assert not re.sub(r"[\x00-\x20]", "", value).startswith("//"), value
            if tag == "meta" and attribute == "http-equiv":
                assert value.lower() != "refresh"


def page_text(text: str) -> str:
    return "".join(_parse(text).itertext())


# --------------------------------------------------------------------------- HTML tests


@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize("payload", TEXT_PAYLOADS)
def test_html_adds_no_element_or_attribute(builder: str, payload: str) -> None:
    build = BUILDERS[builder]
    base = sample_concept()
    hostile = build(hostile_concept(payload), base)
    reference = build(hostile_concept(harmless(payload)), base)
    assert hostile.keys() == reference.keys()
    for name, text in hostile.items():
        assert structure(text) == structure(reference[name]), f"{builder}: {name}"
        assert_safe_dom(text)
    # The text is shown as text: the actor name appears verbatim in the page text.
    first = next(iter(hostile.values()))
    assert payload in page_text(first)


def test_text_payloads_appear_as_text_in_the_report() -> None:
    payload = TEXT_PAYLOADS[0]
    html = ki.build_report(hostile_concept(payload), "2025", format="html", today=TODAY)
    shown = page_text(html)
    assert "VHS Coesfeld <script>alert(1)</script>" in shown
    assert "Management <script>alert(1)</script>" in shown  # glossary
    assert "<script>alert" not in html


@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize("url", URL_PAYLOADS)
def test_only_safe_link_schemes(builder: str, url: str) -> None:
    pages = BUILDERS[builder](hostile_concept("x", url=url), sample_concept())
    for text in pages.values():
        assert_safe_dom(text)
        for element in _elements(_parse(text)):
            href = element.get("href")
            if href is not None:
                assert "alert" not in href or scheme(href) in {"http", "https", "mailto"}


def test_safe_link_keeps_an_https_link_and_drops_the_rest() -> None:
    from kommunale_integration._reports._templates import safe_link

    assert str(safe_link("https://ok.example/", "A")) == '<a href="https://ok.example/">A</a>'
    assert str(safe_link("mailto:a@b.de", "A")).startswith('<a href="mailto:')
    assert str(safe_link("tel:+492541", "A")).startswith('<a href="tel:')
    for url in URL_PAYLOADS[:-1]:
        assert "<a" not in str(safe_link(url, "A")), url
    quoted = str(safe_link(URL_PAYLOADS[-1], "A"))
    assert 'onmouseover="' not in quoted
    assert "&#34;" in quoted


def test_the_model_refuses_unsafe_urls_on_load(tmp_path: Path) -> None:
    for url in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", " https://x.de"):
        with pytest.raises(ki.LoadError) as info:
            ki.loads_yaml(
                f"id: k\ntitle: T\nterritory: '05558'\nactors:\n"
                f"  - id: a\n    name: A\n    web: {json.dumps(url)}\n",
                ki.Concept,
            )
        assert any(f.location.path == "actors[0].web" for f in info.value.findings)


@pytest.mark.parametrize("payload", TEXT_PAYLOADS[:3])
def test_markdown_outputs_carry_no_raw_html(payload: str) -> None:
    concept = hostile_concept(payload)
    outputs = [
        ki.build_report(concept, "2025", format="md", today=TODAY),
        ki.build_action_plan(concept, format="md", today=TODAY),
        ki.diff_concepts(sample_concept(), concept).to_markdown(),
    ]
    for text in outputs:
        assert "<script" not in text
        assert "<img" not in text
        assert "<svg" not in text


# --------------------------------------------------------------------------- formulas

FORMULAS = [
    '=HYPERLINK("http://evil.example","klick")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''=twice quoted",
    "=",
]
_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    return [
        c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row
    ]


def _assert_neutral(cells: list[Any]) -> None:
    for cell in cells:
        if isinstance(cell, str):
            assert not cell.startswith(_START), repr(cell)


def _formula_actors() -> list[ki.Actor]:
    return [
        ki.Actor(
            id=f"a{i}",
            name=f,
            description=f,
            responsibility=f,
            target_groups=(f"x{i}",),
            extras=(("note", f),),
        )
        for i, f in enumerate(FORMULAS)
    ]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_write_table_csv_neutralises_and_reads_back(tmp_path: Path, delimiter: str) -> None:
    actors = _formula_actors()
    path = ki.write_table(actors, tmp_path / "akteure.csv", "actors", delimiter=delimiter)
    text = path.read_bytes().decode()
    cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    _assert_neutral([c for row in cells for c in row])
    assert tuple(actors) == ki.read_table(path, "actors")


def test_write_table_xlsx_neutralises_and_reads_back(tmp_path: Path) -> None:
    import openpyxl

    actors = _formula_actors()
    path = ki.write_table(actors, tmp_path / "akteure.xlsx", "actors")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    _assert_neutral([c.value for row in sheet.iter_rows() for c in row])
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    workbook.close()
    assert tuple(actors) == ki.read_table(path, "actors")


@pytest.mark.parametrize("tables", ["csv", "xlsx"])
def test_save_concept_neutralises_every_table(tmp_path: Path, tables: str) -> None:
    import openpyxl

    concept = sample_concept(actors=tuple(_formula_actors()), offers=(), measures=())
    concept = concept.evolve(
        meetings=tuple(
            # one topic per line of the cell: a topic cannot itself start a new line
            attrs.evolve(
                m, topics=tuple(f for f in FORMULAS if f[0] not in "\t\r"), location=FORMULAS[0]
            )
            for m in concept.meetings
        )
    )
    folder = ki.save_concept(concept, tmp_path / "k", tables=tables)
    for file in folder.iterdir():
        if file.suffix == ".csv":
            _assert_neutral(_csv_cells(file.read_bytes()))
        elif file.suffix == ".xlsx":
            book = openpyxl.load_workbook(file)
            _assert_neutral([c.value for r in book.worksheets[0].iter_rows() for c in r])
            book.close()
    assert ki.load_concept(folder) == concept


def test_indicator_csv_neutralises_dimension_values(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["case_id", "municipality", "opened", "closed", "legal_basis", "sex", "herkunft"]
    )
    for i in range(40):
        writer.writerow([f"c{i}", "05558012", "2025-01-02", "", "SGB II", "f", FORMULAS[i % 4]])
    cases.write_text(buffer.getvalue(), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("case_id,event,date,detail\n", encoding="utf-8")
    data = ki.read_cases(cases, events)
    table = ki.compute_indicators(None, data, periods=["2025"], by=["herkunft"])
    out = table.write(tmp_path / "kennzahlen.csv", "csv")
    cells = _csv_cells(out.read_bytes())
    _assert_neutral(cells)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    shown = {r["herkunft"] for r in rows}
    assert {"'" + f for f in FORMULAS[:4]} <= shown


def test_csv_text_guards_every_repeat_of_a_text_and_reads_rows_once() -> None:
    # (csv_text guards each distinct text once: every repeat must come out guarded,
    # an unguarded column as given, and the rows may be a generator read once)
    from kommunale_integration._io import csv_text

    rows = (
        [FORMULAS[i % 2], FORMULAS[i % 2], "", "Text"] for i in range(4)
    )  # a generator: no second pass
    text = csv_text(rows, guard={0, 2, 3})
    got = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in got] == ["'" + FORMULAS[i % 2] for i in range(4)]
    assert [r[1] for r in got] == [FORMULAS[i % 2] for i in range(4)]
    assert {r[2] for r in got} == {""}
    assert {r[3] for r in got} == {"Text"}


def test_hsds_tabular_export_neutralises(tmp_path: Path) -> None:
    concept = sample_concept(
        actors=(ki.Actor(id="a", name=FORMULAS[0], description=FORMULAS[1]),),
        offers=(ki.Offer(id="o", name=FORMULAS[2], actor="a", description=FORMULAS[3]),),
        measures=(),
        networks=(),
        meetings=(),
    )
    out = tmp_path / "hsds"
    ki.export_hsds(concept, out, form="tabular")
    files = list(out.rglob("*.csv"))
    assert files
    for file in files:
        _assert_neutral(_csv_cells(file.read_bytes()))
    concept_back, _ = ki.import_hsds(out)
    names = {a.name for a in concept_back.actors} | {o.name for o in concept_back.offers}
    assert {FORMULAS[0], FORMULAS[2]} <= names


# --------------------------------------------------------------------------- YAML

PYTHON_TAGS = [
    "!!python/object/apply:os.system ['echo pwned > {marker}']",
    "!!python/object/new:os.system ['echo pwned > {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:kommunale_integration.Concept {{}}",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
def test_python_yaml_tags_are_refused_everywhere(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    value = tag.format(marker=marker)
    text = f"id: k\ntitle: {value}\nterritory: '05558'\n"
    # loads_yaml
    with pytest.raises(ki.LoadError):
        ki.loads_yaml(text, ki.Concept)
    # load_concept: single file and folder main file
    single = tmp_path / "k.yaml"
    single.write_text(text, encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(single)
    assert [f.code for f in info.value.findings] == ["invalid-yaml"]
    folder = tmp_path / "ordner"
    folder.mkdir()
    (folder / "konzept.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_concept(folder)
    # catalogues
    catalogue = tmp_path / "katalog.yaml"
    catalogue.write_text(f"entries:\n  - code: x\n    de: {value}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_catalogue("eigener", catalogue)
    # indicator catalogues
    indicators = tmp_path / "kennzahlen.yaml"
    indicators.write_text(f"indicators:\n  - id: x\n    name: {value}\n", encoding="utf-8")
    with pytest.raises(ki.LoadError):
        ki.load_indicators(indicators)
    assert not marker.exists()


# --------------------------------------------------------------------------- paths

OUTSIDE = [
    "../../etc/passwd",
    "../geheim.csv",
    "/etc/passwd",
    "unter/../../geheim.csv",
    "./../geheim.csv",
    "..\\..\\geheim.csv",
]


@pytest.mark.parametrize("path", OUTSIDE)
def test_table_paths_cannot_leave_the_concept(tmp_path: Path, path: str) -> None:
    (tmp_path / "geheim.csv").write_text("ID;Name\nx;Geheim\n", encoding="utf-8")
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "konzept.yaml").write_text(
        f"id: k\ntitle: T\nterritory: '05558'\ntables:\n  actors: {json.dumps(path)}\n",
        encoding="utf-8",
    )
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    codes = {f.code for f in info.value.findings}
    assert codes & {"path-outside-concept", "unreadable-file"}
    assert "Geheim" not in str(info.value)


def test_table_path_through_a_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "geheim.csv").write_text("ID;Name\nx;Geheim\n", encoding="utf-8")
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "link.csv").symlink_to(tmp_path / "geheim.csv")
    (folder / "konzept.yaml").write_text(
        "id: k\ntitle: T\nterritory: '05558'\ntables:\n  actors: link.csv\n", encoding="utf-8"
    )
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    assert {f.code for f in info.value.findings} == {"path-outside-concept"}


def test_discovered_table_symlinked_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "geheim.csv").write_text("ID;Name\nx;Geheim\n", encoding="utf-8")
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "akteure.csv").symlink_to(tmp_path / "geheim.csv")
    (folder / "konzept.yaml").write_text("id: k\ntitle: T\nterritory: '05558'\n", encoding="utf-8")
    with pytest.raises(ki.LoadError) as info:
        ki.load_concept(folder)
    assert {f.code for f in info.value.findings} == {"path-outside-concept"}


# --------------------------------------------------------------------------- zip bombs


def zip_bomb(declared: int) -> bytes:
    """A tiny XLSX-like archive whose one entry unpacks to *declared* bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * 1_000_000
            for _ in range(declared // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def lying_zip(declared: int) -> bytes:
    """An archive whose directory claims *declared* bytes for a small entry."""
    data = bytearray(zip_bomb(0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>")
    data = bytearray(buffer.getvalue())
    # patch the uncompressed size in the central directory record
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = min(declared, 0xFFFFFFFF).to_bytes(4, "little")
    return bytes(data)


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    import openpyxl

    calls: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    return calls


@pytest.mark.parametrize(
    ("data", "template"),
    [
        (lambda: zip_bomb(120_000_000), "xlsx-ratio"),
        (lambda: lying_zip(3_000_000_000), "xlsx-too-large"),
    ],
)
def test_zip_bombs_are_refused_before_unpacking(
    tmp_path: Path, no_openpyxl: list[object], data: Callable[[], bytes], template: str
) -> None:
    payload = data()
    assert len(payload) < 1_000_000
    path = tmp_path / "akteure.xlsx"
    path.write_bytes(payload)
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "actors", options=ki.LoadOptions(lang="en"))
    (finding,) = info.value.findings
    assert finding.code == "file-too-large"
    assert ("ratio" in finding.message) == (template == "xlsx-ratio")
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "konzept.yaml").write_text("id: k\ntitle: T\nterritory: '05558'\n", encoding="utf-8")
    (folder / "akteure.xlsx").write_bytes(payload)
    with pytest.raises(ki.LoadError):
        ki.load_concept(folder)
    assert no_openpyxl == []


def test_limits_are_configurable_and_checked_first(
    tmp_path: Path, no_openpyxl: list[object]
) -> None:
    path = tmp_path / "akteure.xlsx"
    path.write_bytes(lying_zip(5_000_000))
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(path, "actors", options=ki.LoadOptions(max_unpacked_bytes=1_000_000))
    assert info.value.findings[0].code == "file-too-large"
    big = tmp_path / "akteure.csv"
    big.write_bytes(b"ID;Name\n" + b"a;b\n" * 1000)
    with pytest.raises(ki.LoadError) as info:
        ki.read_table(big, "actors", options=ki.LoadOptions(max_file_bytes=100))
    assert info.value.findings[0].code == "file-too-large"
