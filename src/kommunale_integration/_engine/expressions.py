"""A small, safe parser for expressions over aggregated data elements.

An expression such as ``vhs_participants / population_foreign * 1000`` is parsed with
:func:`ast.parse` in ``eval`` mode and then checked against a whitelist: names, numbers,
``+``, ``-``, ``*``, ``/``, unary minus and parentheses. Nothing else is accepted (no
calls, no attributes, no subscripts, no powers) and nothing is ever passed to
:func:`eval`: the tree is evaluated by :meth:`Expression.evaluate` with :class:`Decimal`
arithmetic. The multiplication and division signs ``×`` and ``÷`` and the minus sign
``−`` are accepted as well.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation

import attrs

from .._errors import KommunaleIntegrationError, foreign_text, shown
from .._i18n import tr

__all__ = ["Expression", "ExpressionError", "parse_expression"]

_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}


class ExpressionError(KommunaleIntegrationError, ValueError):
    """An indicator expression is not in the allowed form (Ausdrucksfehler).

    The message quotes the expression and names what is not allowed.

    .. versionadded:: 0.1.0
    """


class _ZeroDivision(Exception):
    pass


@attrs.frozen
class Expression:
    """A parsed expression over data elements (Rechenausdruck).

    Attributes:
        text: The expression as written.
        names: The data-element names it uses, in order of first appearance.

    .. versionadded:: 0.1.0
    """

    text: str
    names: tuple[str, ...]
    has_division: bool
    _tree: ast.expr = attrs.field(repr=False, eq=False, alias="_tree")

    def evaluate(self, values: Mapping[str, Decimal] | Callable[[str], Decimal]) -> Decimal | None:
        """Evaluate with the given values of the names.

        Returns ``None`` on division by zero and for a result that is not finite or not
        below :data:`MAX_RESULT` in size (no figure of a report is that large; such a
        result comes from a wrong expression or wrong data).

        Raises:
            KeyError: a name has no value.
        """
        get = values if callable(values) else values.__getitem__
        try:
            result = _eval(self._tree, get)
        except (_ZeroDivision, ArithmeticError):  # decimal overflow is an ArithmeticError
            return None
        return result if result.is_finite() and abs(result) < MAX_RESULT else None


def element(name: str) -> Expression:
    """The expression that is one data element *name* (any code, hyphens included).

    A Kennzahl entered by hand is the data element of its own code: its observations.
    """
    return Expression(name, (name,), False, ast.Name(id=name, ctx=ast.Load()))


#: Largest number written in an expression (exclusive).
MAX_CONSTANT = 10**15
#: Largest result of an expression (exclusive); larger results count as not computable.
MAX_RESULT = Decimal(10) ** 18


def _eval(node: ast.expr, get: Callable[[str], Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return get(node.id)
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, get)
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, get), _eval(node.right, get)
    op = type(node.op)
    if op is ast.Add:
        return left + right
    if op is ast.Sub:
        return left - right
    if op is ast.Mult:
        return left * right
    if right == 0:
        raise _ZeroDivision
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):  # pragma: no cover - guarded above
        raise _ZeroDivision from None


def _check(node: ast.AST, text: str, names: list[str]) -> bool:
    """Validate *node*; return whether it contains a division."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(
                tr("in {text}: only numbers and names are allowed", text=shown(text))
            )
        if not abs(node.value) < MAX_CONSTANT:  # also refuses 1e999 (inf) and NaN
            raise ExpressionError(
                tr("in {text}: a number in an expression must lie below 10^15", text=shown(text))
            )
        return False
    if isinstance(node, ast.Name):
        if node.id not in names:
            names.append(node.id)
        return False
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ExpressionError(
                tr("in {text}: only the unary minus is allowed", text=shown(text))
            )
        if isinstance(node.op, ast.UAdd):
            raise ExpressionError(tr("in {text}: a leading '+' is not allowed", text=shown(text)))
        return _check(node.operand, text, names)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPS:
            raise ExpressionError(
                tr(
                    "in {text}: only +, -, *, / and parentheses are allowed (found {found})",
                    text=shown(text),
                    found=type(node.op).__name__,
                )
            )
        left = _check(node.left, text, names)
        right = _check(node.right, text, names)
        return left or right or isinstance(node.op, ast.Div)
    raise ExpressionError(
        tr(
            "in {text}: {found} is not allowed; use names, numbers, +, -, *, / and parentheses",
            text=shown(text),
            found=type(node).__name__,
        )
    )


def parse_expression(text: str) -> Expression:
    """Parse an expression over data elements (``a / b * 1000``).

    Raises:
        ExpressionError: for anything but names, numbers, ``+ - * /``, unary minus
            and parentheses, or for a syntax error.

    .. versionadded:: 0.1.0
    """
    source = text.replace("×", "*").replace("÷", "/").replace("−", "-").strip()
    if not source:
        raise ExpressionError(tr("an expression must not be empty"))
    if len(source) > 1000:
        raise ExpressionError(tr("the expression {text}… is too long", text=repr(text[:40])))
    try:
        tree = ast.parse(source, mode="eval")
    except ValueError:  # an integer literal of more than 4,300 digits
        raise ExpressionError(
            tr("in {text}: a number in an expression must lie below 10^15", text=shown(text))
        ) from None
    except SyntaxError as exc:
        raise ExpressionError(
            tr(
                "{text} is not a valid expression ({problem})",
                text=shown(text),
                problem=foreign_text(exc.msg),
            )
        ) from None
    names: list[str] = []
    try:
        division = _check(tree.body, text, names)
    except RecursionError:
        raise ExpressionError(
            tr("the expression {text}… is nested too deeply", text=repr(text[:40]))
        ) from None
    return Expression(text, tuple(names), division, tree.body)
