"""Small validator objects for the model (each with a readable ``repr``).

Every validator raises :class:`~kommunale_integration.InvalidValueError` naming the
field, what was expected and what was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, Final

import attrs

from ._errors import InvalidValueError, clip, shown
from ._i18n import N_
from ._parse import (
    AGS_DIGITS,
    MAX_AGE,
    MAX_COUNT,
    SLUG_PATTERN,
    ParseError,
    check_count,
    check_figure,
    check_money,
    parse_ags,
    repair_ags,
)

# An e-mail address: a local part of letters, digits and ``. _ + ' -``, and a domain of
# labels of letters, digits and inner hyphens. Letters beyond ASCII are allowed (IDN,
# SMTPUTF8: ``müller@straße.de``). Refused are the characters that mean something in a
# ``mailto:`` link or a mail header — ``?`` (``a@b.de?cc=x%40evil.org`` added a
# recipient), ``&``, ``%``, ``#``, ``=``, ``,``, ``;``, ``:``, ``/`` — and empty labels.
# Written so that JSON Schema (ECMA-262) reads it as Python does (no ``\w``).
_LETTER = "A-Za-z0-9\u00c0-\uffff"
_EMAIL = re.compile(
    rf"^[{_LETTER}._+'-]+@(?:[{_LETTER}](?:[{_LETTER}-]*[{_LETTER}])?\.)+[A-Za-z]{{2,}}$"
)
_URL = re.compile(r"^https?://[^\s<>\"']+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()/\-.]{2,30}[0-9]$")


def _fail(attribute: attrs.Attribute[Any], message: str, **values: Any) -> InvalidValueError:
    return InvalidValueError(attribute.name, message, **values)


def _check_optional(attribute: attrs.Attribute[Any]) -> None:
    """Refuse ``None`` for a required field: one without a default of ``None``.

    The one rule for every validator: a field is optional exactly when its default is
    ``None`` (``str | None = None``); ``Actor(id=None, name="x")`` fails.
    """
    if attribute.default is not None:
        raise _fail(attribute, "is required, got None")


@attrs.frozen(repr=False)
class _Regex:
    pattern: re.Pattern[str]
    message: str  # a ``messages`` id with {found}
    expected: str  # for the repr

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            _check_optional(attribute)
            return
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise _fail(attribute, self.message, found=shown(value))

    def __repr__(self) -> str:
        return f"<matches {self.expected}>"


slug = _Regex(
    SLUG_PATTERN,
    N_(
        "expected an identifier of letters, digits, '.', '_' or '-' (e.g. 'drk-coesfeld'), "
        "got {found}"
    ),
    "an identifier",
)
email = _Regex(
    _EMAIL,
    N_("expected an e-mail address like 'name@example.org', got {found}"),
    "an e-mail address",
)
url = _Regex(_URL, N_("expected an http(s) URL like 'https://example.org', got {found}"), "a URL")
phone = _Regex(
    _PHONE,
    N_("expected a phone number of digits, spaces, '+', '/', '-' or parentheses, got {found}"),
    "a phone number",
)


@attrs.frozen(repr=False)
class _AGS:
    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            _check_optional(attribute)
            return
        try:  # the one rule (parse_ags), without repair: the key itself is asked for
            if isinstance(value, str) and parse_ags(value, repair=False) == value:
                return
            # a number, or the key with spaces around it
            raise ParseError("invalid-ags", AGS_DIGITS)
        except ParseError as error:
            if error.key == "ags-lost-zero":  # 4012000 for 04012000: say which key
                raise _fail(
                    attribute,
                    "{problem}, got {found}; did it lose its leading zero? Write it in quotes: "
                    '"{meant}"',
                    problem=error.values["problem"],
                    found=shown(value),
                    meant=repair_ags(value)[0],
                ) from None
            raise _fail(
                attribute, "{problem}, got {found}", problem=error, found=shown(value)
            ) from None

    def __repr__(self) -> str:
        return "<AGS of 2, 3, 5 or 8 digits>"


ags = _AGS()


def _number_shown(value: Any) -> str:
    """A number as quoted in a message: as text, shortened (``1E+400``, not a repr)."""
    return (
        shown(value)
        if isinstance(value, bool) or not isinstance(value, int | Decimal)
        else (clip(str(value)))
    )


@attrs.frozen(repr=False)
class _Number:
    """A number by :mod:`._parse`'s one rule for its kind: with a *limit*, a whole
    number from 0 to *limit* (:func:`check_count`); without, a figure, finite and below
    10^15 in magnitude, negative only if *negative* (:func:`check_figure`)."""

    limit: int | None = None
    negative: bool = True

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            _check_optional(attribute)
            return
        try:
            if self.limit is not None:
                check_count(value, limit=self.limit)
            else:
                check_figure(value, negative=self.negative)
        except ParseError as error:
            raise _fail(
                attribute, "{problem}, got {found}", problem=error, found=_number_shown(value)
            ) from None

    def __repr__(self) -> str:
        if self.limit is not None:
            return f"<whole number from 0 to {self.limit}>"
        return f"<{'' if self.negative else 'non-negative '}number below 10^15>"


#: A count of people, places, votes or inhabitants.
count = _Number(limit=MAX_COUNT)
#: An age in years.
age = _Number(limit=MAX_AGE)
#: An indicator's value, target or baseline.
figure = _Number()
#: A numerator, a denominator, a full-time equivalent.
non_negative = _Number(negative=False)

#: The largest threshold of disclosure control: counts are whole numbers of 64 bits in
#: the engine, and ``threshold + margin`` must stay one (``--threshold
#: 99999999999999999999`` ended with an internal error).
MAX_THRESHOLD: Final = 2**31 - 1


def check_threshold(value: object, name: str = "threshold") -> None:
    """Refuse a threshold that is not a whole number from 0 to :data:`MAX_THRESHOLD`.

    The one rule for every threshold: an indicator's own (:class:`Confidentiality`) and
    the run's (``DisclosureControl``, ``--threshold``).

    Raises:
        InvalidValueError: naming *name*.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_THRESHOLD:
        raise InvalidValueError(
            name,
            "expected a whole number from 0 to {limit}, got {found}",
            limit=MAX_THRESHOLD,
            found=shown(value),
        )


def threshold(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An attrs validator of :func:`check_threshold`."""
    check_threshold(value, attribute.name)


@attrs.frozen(repr=False)
class _Money:
    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            _check_optional(attribute)
            return
        if not isinstance(value, Decimal):
            raise _fail(
                attribute, "expected a Decimal amount in EUR, got {found}", found=shown(value)
            )
        try:
            check_money(value)
        except ParseError as error:
            raise _fail(attribute, "{problem}, got {found}", problem=error, found=value) from None

    def __repr__(self) -> str:
        return "<Decimal EUR: not negative, cents, below 10^12>"


money = _Money()


@attrs.frozen(repr=False)
class _NonEmpty:
    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            raise _fail(attribute, "must not be empty, got {found}", found=shown(value))

    def __repr__(self) -> str:
        return "<non-empty text>"


non_empty = _NonEmpty()


@attrs.frozen(repr=False)
class _TupleOf:
    member: Any  # a type or a tuple of types

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise _fail(attribute, "expected a tuple, got {kind}", kind=type(value).__name__)
        for i, item in enumerate(value):
            if not isinstance(item, self.member):
                raise _fail(
                    attribute,
                    "item {index} must be {kind}, got {found}",
                    index=i,
                    kind=_type_name(self.member),
                    found=shown(item),
                )

    def __repr__(self) -> str:
        return f"<tuple of {_type_name(self.member)}>"


def _type_name(member: Any) -> str:
    if isinstance(member, tuple):
        return " or ".join(m.__name__ for m in member)
    return str(member.__name__)


def tuple_of(member: Any) -> _TupleOf:
    """Validate a tuple whose items are instances of *member*."""
    return _TupleOf(member)


def check_date_order(start: date | None, end: date | None, start_name: str, end_name: str) -> None:
    """Raise :class:`InvalidValueError` when *end* lies before *start*."""
    if start is not None and end is not None and end < start:
        raise InvalidValueError(
            end_name,
            "{end_name} {end} lies before {start_name} {start}",
            end_name=end_name,
            end=end.isoformat(),
            start_name=start_name,
            start=start.isoformat(),
        )


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Convert any iterable (but not a string) to a tuple."""
    if isinstance(value, str | bytes):
        return (value,)
    return tuple(value)


@attrs.frozen(repr=False)
class _InstanceOf:
    kind: Any  # a type or a tuple of types
    allow_none: bool = False

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and self.allow_none:
            return
        if isinstance(value, bool) and self.kind is not bool and bool not in _as_tuple(self.kind):
            raise _fail(
                attribute,
                "expected {kind}, got {found}",
                kind=_type_name(self.kind),
                found=shown(value),
            )
        if not isinstance(value, self.kind):
            raise _fail(
                attribute,
                "expected {kind}, got {found}",
                kind=_type_name(self.kind),
                found=shown(value),
            )

    def __repr__(self) -> str:
        return f"<instance of {_type_name(self.kind)}{' or None' if self.allow_none else ''}>"


def _as_tuple(kind: Any) -> tuple[Any, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def instance_of(kind: Any) -> _InstanceOf:
    """Validate that the value is an instance of *kind* (a type or tuple of types)."""
    return _InstanceOf(kind)


def optional_instance_of(kind: Any) -> _InstanceOf:
    """Like :func:`instance_of` but ``None`` is allowed."""
    return _InstanceOf(kind, allow_none=True)


@attrs.frozen(repr=False)
class _OneOf:
    options: tuple[Any, ...]
    allow_none: bool = False

    def __call__(self, inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and self.allow_none:
            return
        if isinstance(value, bool) or value not in self.options:
            allowed = ", ".join(repr(o) for o in self.options)
            raise _fail(
                attribute,
                "expected one of {allowed}, got {found}",
                allowed=allowed,
                found=shown(value),
            )

    def __repr__(self) -> str:
        return f"<one of {self.options!r}>"


def one_of(*options: Any, allow_none: bool = False) -> _OneOf:
    """Validate that the value is one of *options*."""
    return _OneOf(options, allow_none)


postal_code = _Regex(
    re.compile(r"^[0-9]{5}$"),
    N_("expected a German postal code of 5 digits, got {found}"),
    "a postal code",
)

#: A calendar month, 1 (January) to 12 (December).
month = one_of(*range(1, 13))
