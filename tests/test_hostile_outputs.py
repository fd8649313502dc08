"""Hostile outputs found by the sixteenth session's hostile tester: an input named by an
option that several commands share (``--mapping``, ``--templates``) was overwritten, and
the outputs of one ``indicators`` run could name one place or lie one inside another."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import run_cli

pytestmark = pytest.mark.usefixtures("english_messages")

EXAMPLE = Path(__file__).parent.parent / "examples" / "stadt_coesfeld"
CASES = ["--cases", str(EXAMPLE / "cases.csv"), "--events", str(EXAMPLE / "events.csv")]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry below *folder* with the bytes of each file (None: a folder)."""
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        found[path.relative_to(folder).as_posix()] = None if path.is_dir() else path.read_bytes()
    return found


MAPPING = "case_id: case_id\n"
#: A Gemeindeverzeichnis in its CSV form: Land, Kreis and one Gemeinde.
GV_ROWS = [
    "10,,05,,,,,Nordrhein-Westfalen,,,,,,,,,,,,",
    "40,43,05,5,66,,,Steinfurt,,,,,,,,,,,,",
    '60,64,05,5,66,0096,096,Wettringen, 57.69, 8 261, 4 129, 4 132,  143,48493,"7,319404",'
    '"52,209339",H03,Münsterland,02,mittlere Besiedlungsdichte',
]
TEMPLATE = "{{ 1 }}\n"


@pytest.mark.parametrize(
    ("argv", "victim"),
    [
        (
            [
                "indicators",
                "--period",
                "2025",
                "--only",
                *CASES,
                "--mapping",
                "m-intern.yaml",
                "--output",
                "m-intern.yaml",
            ],
            "m-intern.yaml",
        ),
        (
            [
                "indicators",
                "--period",
                "2025",
                "--only",
                *CASES,
                "--mapping",
                "m-intern.yaml",
                "--audit",
                "m-intern.yaml",
            ],
            "m-intern.yaml",
        ),
        (
            [
                "report",
                str(EXAMPLE),
                "--period",
                "2025",
                *CASES,
                "--mapping",
                "m-intern.yaml",
                "--output",
                "m-intern.yaml",
            ],
            "m-intern.yaml",
        ),
        (
            [
                "report",
                str(EXAMPLE),
                "--period",
                "2025",
                "--templates",
                "tpl",
                "--output",
                "tpl/report.html.j2",
            ],
            "tpl/report.html.j2",
        ),
        (
            [
                "report",
                str(EXAMPLE),
                "--period",
                "2025",
                "--templates",
                "tpl",
                "--output",
                "tpl/teil.md",
            ],
            "tpl/teil.md",
        ),
        (
            ["plan", str(EXAMPLE), "--templates", "tpl", "--output", "tpl/plan.html.j2"],
            "tpl/plan.html.j2",
        ),
    ],
)
def test_an_input_named_by_a_shared_option_is_never_overwritten(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    victim: str,
) -> None:
    """``indicators --mapping m-intern.yaml --output m-intern.yaml`` replaced the mapping by the
    table, and ``report --templates tpl --output tpl/report.html.j2`` a template by the
    report: the inputs that options of several commands name were not the run's
    inputs."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m-intern.yaml").write_text(MAPPING, "utf-8")
    (tmp_path / "tpl").mkdir()
    for name in ("report.html.j2", "plan.html.j2", "teil.md"):
        (tmp_path / "tpl" / name).write_text(TEMPLATE, "utf-8")
    before = _snapshot(tmp_path)
    code, _, err = run_cli(capsys, *argv)
    assert code == 2, err
    assert f"overwrite {victim}" in err or f"input {victim}" in err, err
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("outputs", "said"),
    [
        (
            ["--output", "a-intern.csv", "--audit", "a-intern.csv"],
            "a-intern.csv is named for two outputs of one run",
        ),
        (
            ["--output", "./a-intern.csv", "--audit", "a-intern.csv"],
            "is named for two outputs of one run",
        ),
        (
            ["--output", "paket", "--datapackage", "paket"],
            "paket is named for two outputs of one run",
        ),
        (
            ["--output", "paket/kennzahlen.csv", "--datapackage", "paket"],
            "paket/kennzahlen.csv lies inside the output folder paket",
        ),
        (
            ["--audit", "paket/pruef-intern.csv", "--datapackage", "paket"],
            "paket/pruef-intern.csv lies inside the output folder paket",
        ),
        (["--output", "k.csv/"], "k.csv/ names a folder"),  # (was the file k.csv)
        (["--output", "k.xlsx/.", "--format", "xlsx"], "k.xlsx/. names a folder"),
        (["--audit", "a-intern.csv/"], "a-intern.csv/ names a folder"),
    ],
)
def test_the_outputs_of_one_run_are_apart_before_any_work(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    outputs: list[str],
    said: str,
) -> None:
    """The audit (true values of suppressed cells) was written and then silently
    replaced by the table of the same name; a table written into the data package's
    folder made the next run refuse that folder as not the library's; ``--output p
    --datapackage p`` wrote the package and then failed. Now nothing is written."""
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "indicators", "--period", "2025", "--only", *CASES, *outputs)
    assert code == 2, err
    assert said.replace("/", os.sep) in err, err
    assert "nothing was written" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["ä" * 124 + ".md", "b" * 252 + ".md"])
def test_an_output_with_a_long_name_the_file_system_allows_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """A name of 240 to 255 bytes is a valid file name, but the temporary beside it
    (``.<name>.ki-tmp-<pid>-<token>``) was not: "the name is too long"."""
    assert len(os.fsencode(name)) <= 255
    for _ in range(2):  # new, then replaced
        code, _, err = run_cli(capsys, "plan", EXAMPLE, "--output", tmp_path / name)
        assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_long_named_output_left_half_written_by_a_killed_run_is_cleaned_up(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    from kommunale_integration._io import _stem, atomic_directory, atomic_write

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(gone.stdout)  # a process that no longer runs
    name = "k" * 250
    for role in ("tmp", "new"):
        stale = tmp_path / f".{_stem(name)}.ki-{role}-{pid}-0123abcd"
        stale.mkdir() if role == "new" else stale.write_text("half", "utf-8")
    atomic_write(tmp_path / (name[:-4] + ".csv"), "other output: its temporaries stay")
    assert len(list(tmp_path.iterdir())) == 3
    with atomic_directory(tmp_path / name, writer="t") as new:
        (new / "a.txt").write_text("a", "utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [name[:-4] + ".csv", name]


@pytest.mark.parametrize(
    "argv",
    [
        ["directory", str(EXAMPLE), "--output", "{out}"],
        ["export", "hsds", str(EXAMPLE), "--output", "{out}"],
        ["calendar", str(EXAMPLE), "--output", "{out}"],
    ],
)
def test_a_mount_point_as_output_folder_is_refused_with_advice(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    """An empty USB stick or share given as output folder: the folder is replaced as a
    whole, which a mount point cannot be — the swap failed after the whole build with
    "the file or device is busy". (``init`` fills an empty folder file by file, which
    works there.) A mount point is simulated: tests do not mount."""
    stick = tmp_path / "usb"
    stick.mkdir()
    real = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda p: Path(p) == stick or real(p))
    code, _, err = run_cli(capsys, *[w.replace("{out}", str(stick)) for w in argv])
    assert code == 2, err
    assert f"{stick} is a mount point" in err
    assert f"name a folder inside it (for example {stick / 'ausgabe'})" in err
    assert list(stick.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["usb"]  # no temporary beside it


def test_an_interrupt_between_the_catalogue_and_the_concept_changes_neither(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``territories update --concept`` writes the catalogue and records it in
    konzept.yaml: Ctrl-C between the two left the new catalogue under the name the
    concept already used, with the concept's old Gebietsstand."""
    import kommunale_integration as ki
    from kommunale_integration import _territories
    from kommunale_integration._cli import main

    source = tmp_path / "gv.csv"
    source.write_text("\n".join(GV_ROWS) + "\n", "utf-8")
    folder = tmp_path / "w"
    ki.init_concept(folder, ags="05566096")
    (folder / "gv.tsv").write_text("the catalogue the concept records\n", "utf-8")
    before = _snapshot(folder)
    real = _territories.record_territory_catalogue

    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt  # Ctrl-C once the catalogue is written

    monkeypatch.setattr(_territories, "record_territory_catalogue", interrupted)
    argv = ["--lang", "en", "territories", "update", str(source), "--output",
            str(folder / "gv.tsv"), "--gebietsstand", "2024-12-31",
            "--concept", str(folder)]  # fmt: skip
    assert main(argv) == 130
    assert _snapshot(folder) == before
    monkeypatch.setattr(_territories, "record_territory_catalogue", real)
    assert main(argv) == 0
    assert "gebietsstand: 2024-12-31" in (folder / "konzept.yaml").read_text("utf-8")


def test_a_catalogue_name_that_names_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --output gv.tsv/ wrote the file gv.tsv (the option was a Path, which drops "/")
    source = tmp_path / "gv.csv"
    source.write_text("\n".join(GV_ROWS) + "\n", "utf-8")
    output = str(tmp_path / "gv.tsv") + os.sep
    code, _, err = run_cli(capsys, "territories", "update", source, "--output", output,
                           "--gebietsstand", "2024-12-31")  # fmt: skip
    assert code == 2, err
    assert "gv.tsv/ names a folder".replace("/", os.sep) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gv.csv"]


def test_a_link_the_user_put_under_a_name_the_library_wrote_is_not_removed(
    tmp_path: Path,
) -> None:
    """A site folder whose index.html the user replaced by a symbolic link to a page
    of their own: the manifest lists the name, so the folder was replaced as the
    library's own and the user's link was gone (the page it led to stayed)."""
    from kommunale_integration import OutputError
    from kommunale_integration._io import atomic_directory

    def build() -> None:
        with atomic_directory(tmp_path / "site", writer="t") as new:
            (new / "index.html").write_text("the library's page", "utf-8")
            (new / "de").mkdir()
            (new / "de" / "a.html").write_text("a", "utf-8")

    build()
    mine = tmp_path / "meine-seite.html"
    mine.write_text("my own page", "utf-8")
    (tmp_path / "site" / "index.html").unlink()
    (tmp_path / "site" / "index.html").symlink_to(mine)
    with pytest.raises(OutputError, match=r"did not write there \(index\.html\)"):
        build()
    assert (tmp_path / "site" / "index.html").is_symlink()
    assert mine.read_text("utf-8") == "my own page"
    (tmp_path / "site" / "index.html").unlink()
    (tmp_path / "site" / "de" / "a.html").unlink()
    (tmp_path / "site" / "de" / "a.html").symlink_to(mine)  # deeper down too
    with pytest.raises(OutputError, match=r"did not write there \(de/a\.html\)"):
        build()


@pytest.mark.parametrize("name", ["\u2066", "Coesfeld\u202e", "\u2069Coesfeld"])
def test_init_refuses_a_name_whose_concept_the_loader_would_refuse(
    tmp_path: Path, name: str
) -> None:
    """``init --name`` with a direction control left open (U+2066, found by the
    hypothesis test of init) wrote a concept that load_concept then refused; a closed
    pair stays allowed."""
    import kommunale_integration as ki

    with pytest.raises(ki.KommunaleIntegrationError, match="control characters"):
        ki.init_concept(tmp_path / "k", ags="05558012", name=name)
    assert not (tmp_path / "k").exists()
    ki.init_concept(tmp_path / "ok", ags="05558012", name="\u2067Coesfeld\u2069")
    ki.load_concept(tmp_path / "ok")
