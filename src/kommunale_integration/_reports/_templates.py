"""Jinja2 environments for the reports: HTML (autoescaped) and Markdown.

Templates are loaded from a town's own folder first (``templates=Path(...)``) and then
from the package (``kommunale_integration/_reports/templates``), so a town overrides one
template by putting a file of the same name into its folder, without forking. Both
environments use :class:`jinja2.StrictUndefined`: a missing value fails loudly instead
of printing nothing.

Filters available in every template: ``num``, ``signed``, ``money``, ``date``,
``period``, ``cell`` (value with its status symbol), ``status`` (measure status),
``goal_kind``; the global ``t(key, **values)`` returns a frame text. HTML templates also
have ``link(url, text)`` (only ``http``, ``https``, ``mailto`` and ``tel`` become links),
``css_string``, ``charted(blocks, index)`` (:func:`charted`) and the test ``long_word``
(:func:`has_long_word`); Markdown templates have ``md`` (inline text) and ``mdcell``
(table cells: ``|`` and line breaks escaped).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any, Final

import jinja2
from markupsafe import Markup, escape

from .._errors import KommunaleIntegrationError, foreign_text
from .._i18n import tr
from .._version import __version__
from ._format import Formatter, plain

__all__ = ["TemplateError", "csp_hash", "environment", "render", "safe_link"]

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class TemplateError(KommunaleIntegrationError):
    """A report template could not be found or rendered (e.g. an undefined value).

    .. versionadded:: 0.1.0
    """


def safe_link(url: str | None, text: str | None = None) -> Markup:
    """An ``<a>`` for *url* when its scheme is http, https, mailto or tel, else plain text."""
    label = text if text is not None else url
    if not url:
        return escape(label or "")
    if url.strip().lower().startswith(_SAFE_SCHEMES):
        return Markup('<a href="{0}">{1}</a>').format(url.strip(), label)
    return escape(label)


def css_string(value: str) -> Markup:
    """*value* as a quoted CSS string (for ``content:`` in the print stylesheet)."""
    out = []
    for char in plain(str(value)):
        if char.isalnum() or char in " .,-–:;()/!?&'":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    # Every character outside a small safe set is a CSS escape, so this cannot break out.
    return Markup('"' + "".join(out) + '"')  # noqa: S704


_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|<>])")


def md_inline(value: Any) -> str:
    """Escape Markdown syntax in running text (``*``, ``_``, ``[`` …, ``<`` as entity)."""
    text = str(value)
    text = _MD_SPECIAL.sub(
        lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)), text
    )
    return text


_BREAKS = re.compile(r"[ \t\r\n\f\v]+")


def _collapse(text: str) -> str:
    """Collapse runs of spaces and line breaks (a non-breaking space stays)."""
    return _BREAKS.sub(" ", text).strip()


def md_cell(value: Any) -> str:
    """Escape a Markdown table cell: Markdown syntax, ``|`` and line breaks."""
    return _collapse(md_inline(value))


def md_block(value: Any) -> str:
    """Escape a paragraph of running text, keeping its blank-line paragraph breaks."""
    paragraphs = re.split(r"\n\s*\n", str(value).strip())
    return "\n\n".join(_collapse(md_inline(p)) for p in paragraphs)


def csp_hash(script: str) -> str:
    """The CSP source ``'sha256-…'`` of an inline *script*."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def environment(
    kind: str, fmt: Formatter, templates: str | PathLike[str] | None = None
) -> jinja2.Environment:
    """Return the environment for *kind* (``"html"`` or ``"md"``).

    Args:
        kind: ``"html"`` (autoescaped) or ``"md"`` (not escaped; use ``md``/``mdcell``).
        fmt: The formatter of the report language.
        templates: A folder whose templates take precedence over the package's.
    """
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        folder = Path(templates)
        if not folder.is_dir():
            raise TemplateError(tr("the template folder {folder} does not exist", folder=folder))
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.PackageLoader("kommunale_integration._reports", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # HTML is always escaped; Markdown is not HTML and escapes with md/mdcell.
        autoescape=kind == "html",  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    filters: dict[str, Callable[..., Any]] = {
        "num": fmt.number,
        "signed": fmt.signed,
        "money": fmt.money,
        "date": fmt.date,
        "period": fmt.period,
        "cell": fmt.cell,
        "status": fmt.status,
        "goal_kind": fmt.goal_kind,
        "target_group": fmt.target_group,
        "language": fmt.language,
    }
    if kind == "html":
        filters["css_string"] = css_string
        env.tests["long_word"] = has_long_word
        env.globals["link"] = safe_link
        env.globals["charted"] = charted
    else:
        filters["md"] = md_inline
        filters["mdcell"] = md_cell
        filters["mdblock"] = md_block
    env.filters.update(filters)
    env.globals["t"] = fmt.t
    env.globals["fmt"] = fmt
    env.globals["lang"] = fmt.lang
    env.globals["version"] = __version__
    return env


#: A word of more characters than this in a table cell may break anywhere in print
#: (:func:`has_long_word`); about 8 cm at 9 pt, nearly half a line
#: ("Sozialarbeit/Sozialwissenschaft", 31, keeps whole).
LONG_WORD: Final = 40


def has_long_word(text: object) -> bool:
    """Whether *text* has a word longer than :data:`LONG_WORD` characters.

    Such a word (a name of one word, a URL) ran off the printed page from a table cell;
    the cell lets it break anywhere. Other cells keep their words whole: a cell that may
    break anywhere counts as narrow when the table shares out its width, and dates and
    German compounds of other cells were cut ("27.11.20/25")."""
    return any(len(word) > LONG_WORD for word in plain(str(text)).split())


def charted(blocks: Any, index: int) -> bool:
    """Whether ``blocks[index]`` is a table whose charts follow it (after its notes): in
    print they are one block that a page break does not split (the Kreis report printed
    a table at the foot of a page and its chart overleaf)."""
    if getattr(blocks[index], "kind", None) != "table":
        return False
    for block in blocks[index + 1 :]:
        if block.kind == "chart":
            return True
        if not (block.kind == "paragraph" and block.style == "note"):
            return False
    return False


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render template *name*; template problems become :class:`TemplateError`."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as error:
        raise TemplateError(tr("report template {name} not found", name=repr(error.name))) from None
    except jinja2.UndefinedError as error:
        raise TemplateError(
            tr("report template {name}: {problem}", name=repr(name), problem=foreign_text(error))
        ) from None
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or error.name or name
        raise TemplateError(
            tr(
                "report template {name}, line {line}: {problem}",
                name=where,
                line=error.lineno,
                problem=foreign_text(error),
            )
        ) from None
