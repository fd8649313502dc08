"""Shape of the source: no function of ``src/`` is longer than 120 lines."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kommunale_integration"
LIMIT = 120


def function_lengths(source: str) -> list[tuple[str, int, int]]:
    """``(name, first line, number of lines)`` of every function in *source*, nested too
    (decorators and docstring included: the lines a reader has to take in)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            end = node.end_lineno or node.lineno
            found.append((node.name, first, end - first + 1))
    return found


def test_the_measure_counts_every_line_of_a_function() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (name, first, length), *_ = function_lengths(f"@decorated\ndef f():\n{body}\n")
    assert (name, first, length) == ("f", 1, LIMIT + 2)


def test_no_function_exceeds_120_lines() -> None:
    too_long = [
        f"{path.relative_to(SRC)}:{first} {name} ({length} lines)"
        for path in sorted(SRC.rglob("*.py"))
        for name, first, length in function_lengths(path.read_text(encoding="utf-8"))
        if length > LIMIT
    ]
    assert not too_long, too_long
