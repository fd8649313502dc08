"""JSON Schema (draft 2020-12) for every model type, for form builders and other tools.

The schemas are generated from the attrs classes and follow the wire format of the
library's converter (see :mod:`kommunale_integration._converter`):

* dates are strings with ``format: date`` (``2016-12-31``);
* money and other decimals are strings of digits (``"170000.00"``), so no float ever
  touches an amount;
* report periods are strings in their notation (``2026-Q3``, ``SJ2025/26``);
* enums list their values in ``enum``;
* tuples are arrays, nested model objects are ``$ref`` to ``$defs``;
* an attribute with a default is optional (not ``required``) and may be ``null`` when
  its default is ``None``; defaults that are plain data are given as ``default``;
* unknown keys are refused (``additionalProperties: false``), as the converter does.

Titles and descriptions come from the docstrings. Invariants between fields (an end
after its start, a contact with a name *or* a role) are not expressed in the schema; the
model checks them on construction.
"""

from __future__ import annotations

import enum
import inspect
import re
import typing
from datetime import date, time
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any, Final

import attrs

from . import _model as m
from . import _validators as v
from ._errors import KommunaleIntegrationError, shown
from ._i18n import tr
from ._periods import ReportPeriod
from ._schedule import MeetingSchedule, MovedMeeting

__all__ = ["SCHEMA_TYPES", "json_schema", "schema_type"]

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

#: The model types that have a JSON Schema, by class name.
#:
#: .. versionadded:: 0.1.0
SCHEMA_TYPES: Final[dict[str, type]] = {
    cls.__name__: cls
    for cls in (
        m.Abbreviation,
        m.AcceptedFinding,
        m.Actor,
        m.Baseline,
        m.CaseCount,
        m.CaseFilter,
        m.Concept,
        m.Confidentiality,
        m.Contact,
        m.DateRange,
        m.Decision,
        m.Eligibility,
        m.FieldOfAction,
        m.Funding,
        m.GlossaryTerm,
        m.Goal,
        m.Indicator,
        m.LegalBasis,
        m.Measure,
        m.Meeting,
        MeetingSchedule,
        MovedMeeting,
        m.Network,
        m.Observation,
        m.Offer,
        m.StaffPosition,
        m.StatusChange,
        m.Target,
        m.Territory,
        m.Translation,
        m.Venue,
        m.Votes,
    )
}

_DECIMAL_PATTERN: Final = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_NON_NEGATIVE_PATTERN: Final = r"^\+?(\d+(\.\d*)?|\.\d+)$"
#: :func:`~kommunale_integration._parse.check_money`: cents, below 10^12, no exponent.
_MONEY_PATTERN: Final = r"^\+?(\d{1,12}(\.\d{0,2})?|\.\d{1,2})$"
_PERIOD_PATTERN: Final = (
    r"^(\d{4}|\d{4}-H[12]|\d{4}-Q[1-4]|\d{4}-(0[1-9]|1[0-2])|\d{4}-W(0[1-9]|[1-4]\d|5[0-3])"
    r"|SJ\d{4}/\d{2}|HJ\d{4}|\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2})$"
)

# Validator object -> JSON Schema keywords for the string it checks.
_STRING_RULES: Final[tuple[tuple[Any, dict[str, Any]], ...]] = (
    (v.slug, {"pattern": v.slug.pattern.pattern, "maxLength": 128}),
    (v.email, {"format": "email", "pattern": v.email.pattern.pattern}),
    (v.url, {"format": "uri", "pattern": v.url.pattern.pattern}),
    (v.phone, {"pattern": v.phone.pattern.pattern}),
    (v.postal_code, {"pattern": v.postal_code.pattern.pattern}),
    (v.ags, {"pattern": r"^([0-9]{2}|[0-9]{3}|[0-9]{5}|[0-9]{8})$"}),
    (v.non_empty, {"minLength": 1, "pattern": r"\S"}),
)


def schema_type(name: str | type) -> type:
    """Return the model class for *name* (``Actor``, ``actor``, ``field-of-action`` …).

    Raises:
        KommunaleIntegrationError: for an unknown name, listing the known ones.

    .. versionadded:: 0.1.0
    """
    if isinstance(name, type):
        if name in SCHEMA_TYPES.values():
            return name
        raise KommunaleIntegrationError(
            tr("{name} is not a model type with a schema", name=name.__name__)
        )
    wanted = re.sub(r"[^a-z0-9]", "", name.lower())
    for key, cls in SCHEMA_TYPES.items():
        if key.lower() == wanted:
            return cls
    known = ", ".join(sorted(SCHEMA_TYPES))
    raise KommunaleIntegrationError(
        tr("unknown model type {name}; choose one of {known}", name=shown(name), known=known)
    )


def json_schema(model_type: str | type) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a model type (Schema eines Modelltyps).

    Args:
        model_type: A class from :data:`SCHEMA_TYPES` or its name in any case
            (``"Actor"``, ``"actor"``, ``"concept"``).

    Returns:
        A JSON-serialisable schema whose nested types are in ``$defs``. Data written by
        :func:`~kommunale_integration.unstructure` validates against it.

    Raises:
        KommunaleIntegrationError: for an unknown type name.

    Example:
        >>> schema = ki.json_schema("Contact")
        >>> schema["title"], sorted(schema["properties"])[:3]
        ('Contact', ['email', 'name', 'phone'])

    .. versionadded:: 0.1.0
    """
    cls = schema_type(model_type)
    builder = _Builder()
    root = builder.object_schema(cls)
    schema: dict[str, Any] = {"$schema": _DIALECT, **root}
    defs = {name: body for name, body in builder.defs.items() if name != cls.__name__}
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        if cls.__name__ not in self.defs:
            self.defs[cls.__name__] = {}  # placeholder against recursion
            self.defs[cls.__name__] = self.object_schema(cls)
        return {"$ref": f"#/$defs/{cls.__name__}"}

    def object_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        docs = _attribute_docs(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init or field.name.startswith("_"):
                continue
            prop = self.type_schema(hints[field.name], field.validator)
            if field.name in docs:
                prop = {"description": docs[field.name], **prop}
            default = _default(field)
            if default is attrs.NOTHING:
                required.append(field.name)
            elif default is not _NO_JSON_DEFAULT:
                prop["default"] = default
            properties[field.name] = prop
        schema: dict[str, Any] = {
            "title": cls.__name__,
            "type": "object",
            "properties": properties,
            "additionalProperties": False,
        }
        summary = _summary(cls)
        if summary:
            schema = {"title": cls.__name__, "description": summary, **schema}
        if required:
            schema["required"] = required
        return schema

    def type_schema(self, hint: Any, validator: Any = None) -> dict[str, Any]:
        rules = _validators(validator)
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, UnionType):
            members = [a for a in args if a is not NoneType]
            nullable = len(members) < len(args)
            if len(members) == 1:
                inner = self.type_schema(members[0], validator)
            else:
                inner = {"anyOf": [self.type_schema(a, validator) for a in members]}
            if not nullable:
                return inner
            if isinstance(inner.get("type"), str):
                inner = {**inner, "type": [inner["type"], "null"]}
                if "enum" in inner:
                    inner["enum"] = [*inner["enum"], None]
                return inner
            return {"anyOf": [inner, {"type": "null"}]}
        if origin is tuple:
            if hint == tuple[tuple[str, str], ...]:
                # Pairs are written as a mapping (an observation's disaggregation).
                return {"type": "object", "additionalProperties": {"type": "string"}}
            if hint == tuple[tuple[str, m.Translation], ...]:
                # Translations are written as a mapping of language code to texts.
                return {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                    "additionalProperties": self.ref(m.Translation),
                }
            member = self.type_schema(args[0])
            return {"type": "array", "items": member}
        if isinstance(hint, type):
            return self.plain_schema(hint, rules)
        raise TypeError(f"no JSON Schema for type {hint!r}")  # pragma: no cover

    def plain_schema(self, hint: type, rules: list[Any]) -> dict[str, Any]:
        if issubclass(hint, enum.Enum):
            return {"type": "string", "enum": [str(e.value) for e in hint]}
        if hint is bool:
            return {"type": "boolean"}
        if hint is int:
            schema: dict[str, Any] = {"type": "integer"}
            for rule in rules:
                if isinstance(rule, v._Number) and rule.limit is not None:
                    schema["minimum"], schema["maximum"] = 0, rule.limit
                elif isinstance(rule, v._OneOf):
                    schema["enum"] = [o for o in rule.options if o is not None]
            return schema
        if hint is str:
            schema = {"type": "string"}
            for rule in rules:
                for validator, keywords in _STRING_RULES:
                    if rule is validator:
                        schema.update(keywords)
            return schema
        if hint is date:
            return {"type": "string", "format": "date"}
        if hint is time:
            return {"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"}
        if hint is Decimal:
            pattern = _DECIMAL_PATTERN
            if any(r is v.non_negative for r in rules):
                pattern = _NON_NEGATIVE_PATTERN
            if any(r is v.money for r in rules):
                pattern = _MONEY_PATTERN
            return {"type": "string", "pattern": pattern}
        if hint is ReportPeriod:
            return {
                "type": "string",
                "pattern": _PERIOD_PATTERN,
                "description": "A report period: 2026, 2026-H1, 2026-Q3, 2026-05, 2026-W07, "
                "SJ2025/26, HJ2026 or 2025-01-01/2026-12-31.",
            }
        if attrs.has(hint):
            return self.ref(hint)
        raise TypeError(f"no JSON Schema for type {hint!r}")  # pragma: no cover


class _NoJsonDefault:
    pass


_NO_JSON_DEFAULT: Final = _NoJsonDefault()


def _default(field: attrs.Attribute[Any]) -> Any:
    default = field.default
    if default is attrs.NOTHING:
        return attrs.NOTHING
    factory = getattr(default, "factory", None)
    if factory is not None and not getattr(default, "takes_self", False):
        made = factory()
        return [] if made == () else _NO_JSON_DEFAULT
    if default == ():
        return []
    if isinstance(default, enum.Enum):
        return default.value
    if default is None or isinstance(default, bool | int | str):
        return default
    return _NO_JSON_DEFAULT  # pragma: no cover - no such default in the model


def _validators(validator: Any) -> list[Any]:
    if validator is None:
        return []
    inner = getattr(validator, "_validators", None)
    if inner is not None:
        return [r for item in inner for r in _validators(item)]
    return [validator]


def _summary(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    paragraph = doc.split("\n\n", 1)[0]
    return " ".join(paragraph.split())


_ATTRIBUTE_LINE = re.compile(r"^    (\w+): (.*)$")


def _attribute_docs(cls: type) -> dict[str, str]:
    """Read the ``Attributes:`` section of a Google-style docstring."""
    doc = inspect.getdoc(cls) or ""
    if "Attributes:" not in doc:
        return {}
    section = doc.split("Attributes:", 1)[1]
    docs: dict[str, str] = {}
    current: str | None = None
    for line in section.splitlines():
        if not line.strip():
            if current is not None:
                current = None
            continue
        if not line.startswith("    "):
            break
        match = _ATTRIBUTE_LINE.match(line)
        if match:
            current = match.group(1)
            docs[current] = match.group(2).strip()
        elif current is not None and line.startswith("        "):
            docs[current] += " " + line.strip()
    return {name: _plain(text) for name, text in docs.items()}


def _plain(text: str) -> str:
    """Turn reST roles and literals into plain text for form builders."""
    text = re.sub(r":\w+:`~?([^`]+)`", lambda mt: mt.group(1).rsplit(".", 1)[-1], text)
    return text.replace("``", "")
