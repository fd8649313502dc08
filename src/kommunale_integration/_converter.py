"""The library's cattrs converter: the one place that decides the wire format.

Wire-format decisions (for JSON, YAML and TOML alike):

* dates are ISO 8601 strings (``2016-12-31``); on input German dates
  (``31.12.2016``) and YAML date values are accepted too;
* money and other decimals are strings (``"170000.00"``) so no float ever touches an
  amount; on input integers, floats and German numbers (``1.234,56``) are accepted;
* report periods are written in their notation (``2026-Q3``, ``SJ2025/26``);
* enums are written as their value (``ongoing``);
* an indicator's numerator/denominator is either a mapping (a :class:`CaseCount`) or a
  string (an expression over data elements);
* an observation's disaggregation is a mapping ``{dimension: value}``;
* attributes equal to their default are omitted when writing, and unknown keys are
  refused when reading (a typo must not silently drop data).

Structuring errors are collected, never only the first, and become
:class:`~kommunale_integration.Finding` objects whose location path reads like
``measures[3].timeframe.end``.
"""

from __future__ import annotations

import contextlib
import enum
import json
import re
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from . import _model as m
from . import _parse
from . import _validators as v
from ._errors import Finding, InvalidValueError, LoadError, Location, Severity, shown
from ._i18n import Translatable, tr
from ._periods import ReportPeriod, fiscal_year_start
from ._text import parse_json, parse_yaml
from ._yaml12 import YamlFloat, YamlInt

__all__ = [
    "dumps_json",
    "dumps_yaml",
    "loads_json",
    "loads_yaml",
    "make_converter",
    "parse_date",
    "parse_decimal",
    "parse_json",
    "parse_yaml",
    "structure",
    "unstructure",
]

T = TypeVar("T")

# Values quoted in messages are shortened: a YAML file whose aliases expand to a
# billion items must not turn into a message of gigabytes.
_show = shown


class _Invalid(Translatable, ValueError):
    """A value the converter cannot structure (its message translated when shown)."""


def _quoting(parse: Callable[..., T], value: Any, **options: Any) -> T:
    """Call a parser of :mod:`._parse`; its error names the value (main files are no
    case exports, so their values may be quoted)."""
    try:
        return parse(value, **options)
    except ValueError as exc:
        raise _Invalid("{problem}, got {found}", problem=exc, found=_show(value)) from None


def parse_date(value: Any) -> date:
    """Parse an ISO (``2016-12-31``) or German (``31.12.2016``) date.

    The rules are those of :func:`kommunale_integration._parse.parse_date`; the message
    of the error quotes the value (structured files are no case exports).

    Raises:
        ValueError: naming what was expected and what was found.

    .. versionadded:: 0.1.0
    """
    return _quoting(_parse.parse_date, value)


def parse_time(value: Any) -> time:
    """Parse a time of day (``16:00``); the rules are those of :func:`_parse.parse_time`.

    Raises:
        ValueError: naming what was expected and what was found.

    .. versionadded:: 0.1.0
    """
    return _quoting(_parse.parse_time, value)


def parse_decimal(value: Any, *, german: bool | None = None) -> Decimal:
    """Parse a number: int, float, ``"1234.56"`` or German ``"1.234,56"``.

    Args:
        value: The number or its text.
        german: ``True`` reads text in German notation (``1.234`` is one thousand
            two hundred and thirty-four), ``False`` in English notation; ``None``
            (default) reads German only when the text has a decimal comma, so that
            ``0.001`` written by this library reads back unchanged; the ambiguous
            ``1,234`` is refused (see :mod:`kommunale_integration._parse`).

    Raises:
        ValueError: naming what was expected and what was found.

    .. versionadded:: 0.1.0
    """
    if isinstance(value, YamlFloat):
        value = value.yaml_text  # exactly as written, not through a binary float
    return _quoting(_parse.parse_decimal, value, german=german)


def _structure_money(value: Any, _: Any) -> Decimal | None:
    """An amount in EUR of a field the model checks with ``money`` (:func:`_parse.parse_money`:
    ``1e400`` and ``170.000 €`` are refused here, where the text is still known)."""
    if value is None:
        return None
    if isinstance(value, YamlFloat):
        value = value.yaml_text  # 1e400 as written, not as a number
    return _quoting(_parse.parse_money, value)


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, YamlFloat):
        # A number of YAML or JSON with a point or an exponent, read as written: 100.0
        # is 100; 1e40 and 1e400 are refused as written (a whole number is written in
        # digits; int(1e40) would end in ...752, 1e400 is a float's inf).
        text = value.yaml_text
        if "e" not in text.casefold():
            with contextlib.suppress(ValueError):
                return _parse.parse_int(_parse.parse_decimal(text))
        raise _Invalid("expected a whole number, got {found}", found=_show(text))
    if isinstance(value, float | Decimal | str) and not isinstance(value, bool):
        try:
            return _parse.parse_int(value)
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise _Invalid("expected a whole number, got {found}", found=_show(value))


def _structure_str(value: Any, _: type) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, YamlInt | YamlFloat):
        return value.yaml_text  # version: 1.10 is "1.10", not "1.1"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # YAML turns 05558 into text only when quoted; numbers are accepted as text.
        return str(value)
    raise _Invalid("expected text, got {found}", found=_show(value))


def _structure_bool(value: Any, _: type) -> bool:
    try:
        return _parse.parse_bool(value)
    except ValueError:
        raise _Invalid("expected true/false (ja/nein), got {found}", found=_show(value)) from None


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(str(e.value)) for e in cls)
        raise _Invalid(
            "expected one of {allowed}, got {found}", allowed=allowed, found=_show(value)
        ) from None


def _structure_period(value: Any, _: type) -> ReportPeriod:
    if isinstance(value, ReportPeriod):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Invalid(
            "expected a report period like 2026 or 2026-Q1, got {found}", found=_show(value)
        )
    return ReportPeriod.parse(value)


def _written(value: Any) -> str:
    """A scalar as text: a YAML number as it was written."""
    return value.yaml_text if isinstance(value, YamlInt | YamlFloat) else str(value)


def _structure_pairs(value: Any, _: type) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple(sorted((_written(k), _written(v)) for k, v in value.items()))
    raise _Invalid("expected a mapping of dimension to value, got {found}", found=_show(value))


def fiscal_start_of(raw: Any) -> int:
    """The fiscal start month that a raw concept mapping declares (1 if none or invalid).

    An invalid ``fiscal_year_start`` is reported when the concept is structured; the
    periods are then read as calendar budget years.
    """
    value = raw.get("fiscal_year_start") if isinstance(raw, Mapping) else None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12:
        return value
    return 1


def _is_list_type(kind: Any) -> bool:
    args = typing.get_args(kind)
    return typing.get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


_VOTES = re.compile(r"([0-9]{1,6}):([0-9]{1,6}):([0-9]{1,6})(?::([0-9]{1,6}))?")


def _date_range_hook(conv: cattrs.Converter) -> Callable[[Any, Any], m.DateRange]:
    """A span of dates from a mapping (``{start: 2026-01-01, end: 2026-12-31}``) or from
    a report period in its notation (``2026``, ``2026-H1``, ``SJ2025/26``): a grant for
    the year 2026 is written ``period: 2026``."""
    range_hook = make_dict_structure_fn(
        m.DateRange, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure_range(value: Any, cl: Any) -> m.DateRange:
        if isinstance(value, Mapping):
            return range_hook(value, cl)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            try:
                period = _structure_period(value, ReportPeriod)
            except ValueError:
                pass
            else:
                return m.DateRange(start=period.start, end=period.end)
        raise _Invalid(
            "expected a period as {{start: 2026-01-01, end: 2026-12-31}} or as a report "
            "period like 2026, 2026-H1 or SJ2025/26, got {found}",
            found=_show(value),
        )

    return structure_range


def _votes_hook(conv: cattrs.Converter) -> Callable[[Any, Any], m.Votes]:
    """Votes from a mapping or from the notation ``str(Votes)`` writes, ``27:3:2``."""
    # YAML 1.1 reads the unquoted keys ``yes``/``no`` of a vote as booleans.
    votes_hook = make_dict_structure_fn(
        m.Votes, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure_votes(value: Any, cl: Any) -> m.Votes:
        if not isinstance(value, Mapping):
            # yes:no:abstain[:recused], as in the minutes ("27:3:2").
            found = _VOTES.fullmatch(value.strip()) if isinstance(value, str) else None
            if found is None:
                raise _Invalid(
                    "expected the votes as yes:no:abstain (27:3:2) or "
                    "{{yes: 27, no: 3, abstain: 2}}, got {found}",
                    found=_show(value),
                )
            numbers = [int(n) for n in found.groups() if n is not None]
            return m.Votes(**dict(zip(("yes", "no", "abstain", "recused"), numbers, strict=False)))
        names = {True: "yes", False: "no"}
        value = {names.get(k, k) if isinstance(k, bool) else k: v for k, v in value.items()}
        return votes_hook(value, cl)

    return structure_votes


def _mapping(value: Any) -> Any:
    """*value* if it is a mapping; else one finding that says so (not Python's
    "'str' object has no attribute 'keys'")."""
    if isinstance(value, Mapping):
        return value
    if value is None:
        raise _Invalid("empty; write its keys (key: value) below it")
    raise _Invalid("expected keys and values (key: value), got {found}", found=_show(value))


def _list_hook(conv: cattrs.Converter) -> Any:
    def structure_list(value: Any, kind: Any) -> Any:
        if value is None:  # a key left empty (``funding:`` once the example is gone)
            raise _Invalid("empty; write [] for an empty list")
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise _Invalid("expected a list, got {found}", found=_show(value))
        return conv._structure_tuple(value, kind)

    return structure_list


def _with_note(exc: Exception, name: str) -> Exception:
    """Attach the key *name* to *exc* so that the finding's path names it."""
    exc.__notes__ = [
        *getattr(exc, "__notes__", []),
        AttributeValidationNote(f"key {name}", name, m.Translation),
    ]
    return exc


def make_converter(*, omit_defaults: bool = True) -> cattrs.Converter:
    """Build the library's converter for plain data (JSON, YAML, TOML).

    Args:
        omit_defaults: Leave out attributes equal to their default when unstructuring.

    Returns:
        A :class:`cattrs.Converter` that structures every model type with detailed
        validation and refuses unknown keys.

    .. versionadded:: 0.1.0
    """
    conv = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    configure_converter(conv, omit_defaults=omit_defaults)
    return conv


def configure_converter(conv: cattrs.Converter, *, omit_defaults: bool = True) -> None:
    """Register the library's hooks on an existing converter.

    .. versionadded:: 0.1.0
    """
    conv.register_structure_hook(date, lambda v, _: parse_date(v))
    conv.register_unstructure_hook(date, lambda d: d.isoformat())
    conv.register_structure_hook(time, lambda v, _: parse_time(v))
    conv.register_unstructure_hook(time, lambda t: t.strftime("%H:%M"))
    conv.register_structure_hook(Decimal, lambda v, _: parse_decimal(v))
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(ReportPeriod, _structure_period)
    conv.register_unstructure_hook(ReportPeriod, str)
    # StrEnum is a str subclass: register on it explicitly so that str's hooks don't win.
    for base in (enum.Enum, enum.StrEnum):
        conv.register_structure_hook(base, _structure_enum)
        conv.register_unstructure_hook(base, lambda e: e.value)
    # A list field given text would otherwise be read character by character: a string
    # of a million characters gave a million findings.
    conv.register_structure_hook_factory(_is_list_type, lambda t: _list_hook(conv))
    pairs = tuple[tuple[str, str], ...]
    conv.register_structure_hook_func(lambda t: t == pairs, _structure_pairs)
    conv.register_unstructure_hook_func(lambda t: t == pairs, dict)

    translations = tuple[tuple[str, m.Translation], ...]

    def structure_translations(value: Any, _: Any) -> tuple[tuple[str, m.Translation], ...]:
        # Written as a mapping {language code: {name: …, description: …}}.
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            raise _Invalid(
                "expected a mapping of language code to texts (ar: {{name: …}}), got {found}",
                found=_show(value),
            )
        pairs = []
        for code, texts in value.items():
            try:
                pairs.append((str(code), conv.structure(texts, m.Translation)))
            except Exception as exc:
                raise cattrs.ClassValidationError(
                    f"translation {code!r}", [_with_note(exc, str(code))], m.Translation
                ) from None
        return tuple(pairs)

    conv.register_structure_hook_func(lambda t: t == translations, structure_translations)
    conv.register_unstructure_hook_func(
        lambda t: t == translations, lambda pairs: {c: conv.unstructure(x) for c, x in pairs}
    )

    def structure_term(value: Any, _: Any) -> m.CaseCount | str:
        if isinstance(value, str):
            if not value.strip():
                raise _Invalid("an expression must not be empty")
            return value
        if isinstance(value, Mapping):
            return conv.structure(value, m.CaseCount)
        raise _Invalid(
            "expected an expression or a case count mapping, got {found}", found=_show(value)
        )

    def structure_opt_term(value: Any, t: Any) -> m.CaseCount | str | None:
        return None if value is None else structure_term(value, t)

    def unstructure_term(value: m.CaseCount | str | None) -> Any:
        return value if value is None or isinstance(value, str) else conv.unstructure(value)

    conv.register_structure_hook(m.CaseCount | str, structure_term)
    conv.register_structure_hook(m.CaseCount | str | None, structure_opt_term)
    conv.register_unstructure_hook(m.CaseCount | str, unstructure_term)
    conv.register_unstructure_hook(m.CaseCount | str | None, unstructure_term)

    def is_model(t: Any) -> bool:
        return attrs.has(t) and getattr(t, "__module__", "").startswith("kommunale_integration")

    conv.register_structure_hook(m.Votes, _votes_hook(conv))
    conv.register_structure_hook(m.DateRange, _date_range_hook(conv))

    # ``HJ2026`` in a concept means the budget year of the concept's own fiscal start.
    concept_hook = make_dict_structure_fn(
        m.Concept, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True
    )

    def structure_concept(value: Any, cl: Any) -> m.Concept:
        with fiscal_year_start(fiscal_start_of(value)):
            return concept_hook(value, cl)

    conv.register_structure_hook(m.Concept, structure_concept)

    def model_hook(cl: Any) -> Callable[[Any, Any], Any]:
        money: dict[str, Any] = {
            field.name: override(struct_hook=_structure_money)
            for field in attrs.fields(cl)
            if field.validator is v.money
        }
        hook = make_dict_structure_fn(
            cl, conv, _cattrs_forbid_extra_keys=True, _cattrs_detailed_validation=True, **money
        )
        return lambda value, kind: hook(_mapping(value), kind)

    conv.register_structure_hook_factory(is_model, model_hook)
    conv.register_unstructure_hook_factory(
        is_model,
        lambda cl: make_dict_unstructure_fn(cl, conv, _cattrs_omit_if_default=omit_defaults),
    )


_CONVERTER: cattrs.Converter | None = None


def _default() -> cattrs.Converter:
    global _CONVERTER  # noqa: PLW0603 - built once, on first use
    if _CONVERTER is None:
        _CONVERTER = make_converter()
    return _CONVERTER


def unstructure(obj: Any) -> Any:
    """Turn a model object into plain data (dicts, lists, strings, numbers).

    .. versionadded:: 0.1.0
    """
    return _default().unstructure(obj)


def structure(data: Any, cls: type[T], *, file: str | None = None, path: str = "") -> T:
    """Build a model object of type *cls* from plain data.

    Args:
        data: The plain data (as read from JSON, YAML or TOML).
        cls: The model type to build.
        file: The file the data came from, for the findings' locations.
        path: A path prefix for the findings (e.g. ``actors[2]``).

    Raises:
        LoadError: with one finding for every problem found.

    .. versionadded:: 0.1.0
    """
    try:
        return _default().structure(data, cls)
    except Exception as exc:
        raise LoadError(findings_from_exception(exc, file=file, path=path)) from None


def findings_from_exception(
    exc: BaseException, *, file: str | None = None, path: str = ""
) -> list[Finding]:
    """Flatten a (cattrs) exception tree into findings with paths.

    .. versionadded:: 0.1.0
    """
    findings = []
    for raw_path, error in _walk(exc, path):
        code, message, where = _describe(error, raw_path)
        findings.append(
            Finding(
                code=code,
                severity=Severity.ERROR,
                message=message,
                location=Location(file=file, path=where or None),
            )
        )
    return findings


def _walk(exc: BaseException, path: str) -> Iterator[tuple[str, BaseException]]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for noted, note in with_notes:
            if isinstance(note, AttributeValidationNote):
                sub = f"{path}.{note.name}" if path else note.name
            else:
                sub = f"{path}[{note.index}]"
            yield from _walk(noted, sub)
        for plain in without:
            yield from _walk(plain, path)
    elif isinstance(exc, BaseExceptionGroup):
        for member in exc.exceptions:
            yield from _walk(member, path)
    else:
        yield path, exc


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _key_text(key: Any) -> str:
    """A key of a mapping as the file wrote it: YAML's ``~:`` or ``null:`` is ``null``
    (not Python's ``None``), ``true:`` is ``true``, ``1.50:`` is ``1.50``."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return _written(key)


def _describe(error: BaseException, path: str) -> tuple[str, str, str]:
    if isinstance(error, ForbiddenExtraKeysError):
        names = sorted(map(_key_text, error.extra_fields))
        keys = ", ".join(names)
        # "tіtle" with a Cyrillic і looks like "title": say which character is foreign
        foreign = [
            f"U+{ord(char):04X} in {name}"
            for name in names
            for char in dict.fromkeys(name)
            if not char.isascii()
        ]
        if foreign:
            message = tr(
                "unknown key(s) {keys} (check the spelling: keys are written in plain ASCII "
                "letters, and {chars} is none)",
                keys=keys,
                chars=", ".join(foreign[:3]),
            )
            return "unknown-key", message, path
        return "unknown-key", tr("unknown key(s) {keys} (check the spelling)", keys=keys), path
    if isinstance(error, KeyError):
        name = str(error.args[0]) if error.args else "?"
        where = path if path.rsplit(".", 1)[-1] == name else _join(path, name)
        return "missing-value", tr("required value {name} is missing", name=repr(name)), where
    if isinstance(error, InvalidValueError):
        return "invalid-value", error.message, _join(path, error.field)
    if isinstance(error, TypeError) and "required" in str(error):
        return "missing-value", str(error), path
    if isinstance(error, ValueError | TypeError | InvalidOperation):
        return "invalid-value", str(error) or type(error).__name__, path
    return "invalid-value", f"{type(error).__name__}: {error}", path


# --------------------------------------------------------------------------- JSON and YAML


def dumps_json(obj: Any, *, indent: int | None = 2) -> str:
    """Serialise a model object (or a list of them) to JSON text.

    .. versionadded:: 0.1.0
    """
    return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent)


def loads_json(text: str, cls: type[T], *, file: str | None = None) -> T:
    """Parse JSON text into a model object of type *cls*.

    Raises:
        LoadError: for invalid JSON (with line and column) or invalid content.

    .. versionadded:: 0.1.0
    """
    return structure(parse_json(text, file=file), cls, file=file)


def dumps_yaml(obj: Any) -> str:
    """Serialise a model object to YAML text (block style, Unicode kept).

    .. versionadded:: 0.1.0
    """
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(
        unstructure(obj),
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
    )


def loads_yaml(text: str, cls: type[T], *, file: str | None = None) -> T:
    """Parse YAML text (safe loader only) into a model object of type *cls*.

    Raises:
        LoadError: for invalid YAML (with line and column) or invalid content.

    .. versionadded:: 0.1.0
    """
    return structure(parse_yaml(text, file=file), cls, file=file)
