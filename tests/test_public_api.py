"""The public API: the lazy names are listed once and agree with __all__ and the type
checkers' imports; the layers import downwards only and without cycles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kommunale_integration as ki

PACKAGE = Path(ki.__file__).resolve().parent
INIT = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))


def _type_checking_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in INIT.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for item in node.body:
                assert isinstance(item, ast.ImportFrom)
                found.setdefault("." + (item.module or ""), set()).update(
                    a.name for a in item.names
                )
    return found


def _eager_names() -> set[str]:
    names = set()
    for node in INIT.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(a.asname or a.name for a in node.names)
    return names


def test_lazy_names_agree_with_the_type_checking_imports() -> None:
    lazy = {module: set(names) for module, names in ki._LAZY_MODULES.items()}
    assert lazy == _type_checking_imports()
    assert len(ki._LAZY) == sum(len(names) for names in ki._LAZY_MODULES.values())


def test_all_is_the_eager_and_the_lazy_names() -> None:
    assert len(ki.__all__) == len(set(ki.__all__))
    assert set(ki.__all__) == _eager_names() | set(ki._LAZY)
    assert not _eager_names() & set(ki._LAZY)


def test_every_public_name_resolves_and_is_listed_by_dir() -> None:
    for name in ki.__all__:
        value = getattr(ki, name)
        assert value is not None, name
    assert set(ki.__all__) <= set(dir(ki))


def test_typing_module_is_public() -> None:
    from kommunale_integration import typing as kt

    assert set(kt.__all__) == {"HasIndicatorRows", "IndicatorRows", "StrPath"}
    assert isinstance(ki.IndicatorTable(rows=()), kt.HasIndicatorRows)


# --------------------------------------------------------------------------- layers

# What the model may not import (directly or through what it imports).
_ABOVE_THE_MODEL = (
    "kommunale_integration._loaders",
    "kommunale_integration._reports",
    "kommunale_integration._commands",
    "kommunale_integration._cli",
    "kommunale_integration._engine",
    "kommunale_integration._validation",
    "kommunale_integration._hsds",
    "kommunale_integration._converter",
    "kommunale_integration._cases",
    "kommunale_integration._text",
)


def _module_imports(path: Path) -> set[str]:
    """Package modules imported at module level by *path* (not in functions or
    TYPE_CHECKING blocks)."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    package = parts if path.name == "__init__.py" else parts[:-1]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            for alias in node.names:  # from . import _model
                found.add(f"{module}.{alias.name}")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("kommunale_integration"))
    return found


def _graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return {name: _module_imports(path) & set(modules) for name, path in modules.items()}


def test_the_model_imports_nothing_above_it() -> None:
    graph = _graph()
    reached: set[str] = set()
    stack = ["kommunale_integration._model"]
    while stack:
        module = stack.pop()
        for target in graph.get(module, ()):
            if target not in reached and target != "kommunale_integration":
                reached.add(target)
                stack.append(target)
    assert not {m for m in reached if m.startswith(_ABOVE_THE_MODEL)}, sorted(reached)


def test_importing_the_package_loads_no_layer_above_the_model() -> None:
    code = "import kommunale_integration, sys; print(*sorted(sys.modules), sep='\\n')"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [m for m in loaded if m.startswith(_ABOVE_THE_MODEL)]


def test_no_import_cycle_between_modules() -> None:
    graph = _graph()
    # a package imports its own modules (re-exports): that is no cycle
    edges = {
        name: {t for t in targets if not name.startswith(t + ".") and t != name}
        for name, targets in graph.items()
    }
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle.extend([*path[path.index(target) :], target] if target in path else [])
                return True
            if state.get(target) is None and visit(target, [*path, target]):
                return True
        state[node] = 2
        return False

    for start in sorted(edges):
        if state.get(start) is None and visit(start, [start]):
            break
    assert not cycle, " -> ".join(cycle)
