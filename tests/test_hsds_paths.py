"""HSDS import reads only inside the package: no absolute paths, no ``..``, no symbolic
links out; every file within the size limit; messages quote no whole foreign record.

The attacker here is a ``datapackage.json`` (or a folder of JSON documents) written by
someone else, pointing at files the user did not mean to import."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import kommunale_integration as ki
from kommunale_integration._cli import main
from kommunale_integration._hsds._read import read_tables
from kommunale_integration._loaders._common import LoadOptions

pytestmark = pytest.mark.usefixtures("english_messages")

SECRET = "SYN-000123;geboren 01.02.1990;Musterstraße 1"


def _outside(tmp_path: Path) -> Path:
    """A file with personal data next to the package (the thing not to read)."""
    secret = tmp_path / "outside_cases.csv"
    secret.write_text(f"id,name\n{SECRET},x\n", encoding="utf-8")
    return secret


def _package(tmp_path: Path, resource_path: str) -> Path:
    folder = tmp_path / "deep" / "paket"
    folder.mkdir(parents=True)
    (folder / "organizations.csv").write_text(
        "id,name,description\n0b7e3b7c-0000-4000-8000-000000000001,VHS,Kurse\n", encoding="utf-8"
    )
    package = {
        "resources": [
            {"name": "organization", "path": "organizations.csv"},
            {"name": "attribute", "path": resource_path},
        ]
    }
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return folder


def _all_text(findings: object) -> str:
    return "\n".join(str(f) for f in findings)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "resource",
    [
        "../../outside_cases.csv",
        "{secret}",
        "sub/../../../outside_cases.csv",
        "..\\..\\outside_cases.csv",
    ],
)
def test_paths_out_of_the_package_are_not_read(tmp_path: Path, resource: str) -> None:
    secret = _outside(tmp_path)
    folder = _package(tmp_path, resource.format(secret=secret))
    tables, _origin, findings = read_tables(folder)
    assert "attribute" not in tables
    assert [f.code for f in findings] == ["hsds-path-outside"]
    assert SECRET not in _all_text(findings)
    assert str(secret) not in _all_text(findings)


def test_etc_passwd_is_not_read(tmp_path: Path) -> None:
    folder = _package(tmp_path, "/etc/passwd")
    tables, _origin, findings = read_tables(folder)
    assert "attribute" not in tables
    assert [f.code for f in findings] == ["hsds-path-outside"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_symlink_out_of_the_package_is_not_read(tmp_path: Path) -> None:
    secret = _outside(tmp_path)
    folder = _package(tmp_path, "attributes.csv")
    (folder / "attributes.csv").symlink_to(secret)
    tables, _origin, findings = read_tables(folder)
    assert "attribute" not in tables
    assert [f.code for f in findings] == ["hsds-path-outside"]
    # A symlinked directory of JSON documents is not followed either.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "organization.json").write_text(
        json.dumps({"id": "a", "name": "VHS", "description": "x"}), encoding="utf-8"
    )
    (tmp_path / "elsewhere").mkdir()
    leaked = tmp_path / "elsewhere" / "organization.json"
    leaked.write_text(json.dumps({"id": "b", "name": SECRET, "description": "x"}), "utf-8")
    (docs / "more.json").symlink_to(leaked)
    tables, _origin, findings = read_tables(docs)
    assert set(tables["organization"]) == {"a"}
    assert "hsds-path-outside" in {f.code for f in findings}
    assert SECRET not in _all_text(findings)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_symlink_inside_the_package_is_read(tmp_path: Path) -> None:
    folder = _package(tmp_path, "attributes.csv")
    real = folder / "real.csv"
    real.write_text("id,link_id,value\nat-1,0b7e3b7c-0000-4000-8000-000000000001,1\n", "utf-8")
    (folder / "attributes.csv").symlink_to(real)
    tables, _origin, _findings = read_tables(folder)
    assert set(tables["attribute"]) == {"at-1"}


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = _package(tmp_path, "attributes.csv")
    (folder / "attributes.csv").write_text("id,value\n" + "x,y\n" * 5000, encoding="utf-8")
    with pytest.raises(ki.LoadError) as caught:
        read_tables(folder, options=LoadOptions(max_file_bytes=10_000))
    (finding,) = caught.value.findings
    assert finding.code == "file-too-large"
    assert "attributes.csv" in str(finding)


def test_command_exits_1_or_2_without_printing_foreign_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _outside(tmp_path)
    folder = _package(tmp_path, "../../outside_cases.csv")
    code = main(["import", "hsds", str(folder), "--output", str(tmp_path / "konzept.yaml")])
    captured = capsys.readouterr()
    assert code in (1, 2)
    assert SECRET not in captured.out + captured.err
    assert "Traceback" not in captured.err


def test_unplaced_record_message_quotes_no_record(tmp_path: Path) -> None:
    folder = tmp_path / "paket"
    folder.mkdir()
    (folder / "phones.csv").write_text(f"id,number,description\np-1,0251 1,{SECRET}\n", "utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "phone", "path": "phones.csv"}]}), "utf-8"
    )
    try:
        _concept, report = ki.import_hsds(folder)
        text = _all_text(report.findings)
    except ki.LoadError as error:
        text = _all_text(error.findings)
    assert "p-1" in text
    assert SECRET not in text
    assert "Musterstraße" not in text


def test_long_ids_are_shortened_in_messages(tmp_path: Path) -> None:
    long_id = "x" * 5000
    folder = tmp_path / "paket"
    folder.mkdir()
    (folder / "phones.csv").write_text(f"id,number\n{long_id},0251 1\n", "utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "phone", "path": "phones.csv"}]}), "utf-8"
    )
    try:
        _concept, report = ki.import_hsds(folder)
        findings = report.findings
    except ki.LoadError as error:
        findings = error.findings
    assert findings
    assert all(len(f.message) < 400 for f in findings)
