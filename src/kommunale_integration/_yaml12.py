"""A safe YAML loader with the implicit types of YAML 1.2 (core schema).

PyYAML resolves plain scalars with the rules of YAML 1.1: ``yes``/``no``/``on``/``off``
are booleans, ``1:30`` is 90, ``0x1F`` and ``017`` are numbers, ``2016-12-31`` is a date.
A hand-written concept file means text by most of these. This loader resolves only what
YAML 1.2 does (``true``/``false``, ``null``/``~``, decimal, ``0o`` and ``0x`` integers,
floats, ``.inf``/``.nan``) and remembers the text of every number
(:attr:`YamlInt.yaml_text`), so that a number written where text is expected keeps the
text as written (``version: 1.10`` is ``"1.10"``). It also records duplicate keys and
refuses integers of more than 4,300 digits. The C parser of libyaml is used when
available; only the resolver and the constructors are Python.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["Loader", "YamlFloat", "YamlHugeIntegerError", "YamlInt"]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_DIGITS = 4300


class YamlInt(int):
    """An integer read from YAML, with the text it was written as."""

    yaml_text: str


class YamlFloat(float):
    """A float read from YAML, with the text it was written as."""

    yaml_text: str


class YamlHugeIntegerError(yaml.YAMLError):
    """An integer of more than 4,300 digits (``line`` is 1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"integer of more than {_MAX_DIGITS} digits at line {line}")
        self.line = line


class Loader(_BaseLoader):  # type: ignore[misc]
    """The YAML 1.2 core-schema safe loader (see the module documentation)."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - filled below, per class

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        self.duplicates.append((key_node.value, key_node.start_mark.line + 1))
                    seen.add(key)
        return super().construct_mapping(node, deep)


_MERGE = "tag:yaml.org,2002:merge"

_RESOLVERS = (
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        list("-+0123456789."),
    ),
    (_MERGE, r"<<", ["<"]),
)
for _tag, _pattern, _first in _RESOLVERS:
    Loader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), _first)


def _construct_bool(loader: Any, node: Any) -> bool:
    return str(loader.construct_scalar(node)) in {"true", "True", "TRUE"}


def _construct_int(loader: Any, node: Any) -> int:
    text = str(loader.construct_scalar(node))
    digits = text.lstrip("+-")
    if len(digits) > _MAX_DIGITS:
        raise YamlHugeIntegerError(node.start_mark.line + 1)
    if digits.startswith("0x"):
        value = int(digits[2:], 16)
    elif digits.startswith("0o"):
        value = int(digits[2:], 8)
    else:
        value = int(digits.replace("_", ""), 10)
    result = YamlInt(-value if text.startswith("-") else value)
    result.yaml_text = text
    return result


def _construct_float(loader: Any, node: Any) -> float:
    text = str(loader.construct_scalar(node))
    lowered = text.lower()
    if lowered.endswith(".inf"):
        value = float("-inf") if lowered.startswith("-") else float("inf")
    elif lowered == ".nan":
        value = float("nan")
    else:
        value = float(text)
    result = YamlFloat(value)
    result.yaml_text = text
    return result


Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
