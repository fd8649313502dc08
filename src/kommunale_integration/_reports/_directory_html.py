"""The HTML that the Wegweiser repeats most: each offer's entry in the list, its section
on the actor page, and the language switcher of every page.

A large directory has tens of thousands of offers and pages in every language, and
rendering each of them through Jinja2 costs more than the rest of the build together.
This HTML is therefore written here, with every value escaped, and handed to the page
templates as the filters ``offer_entry`` (``<li>`` of ``index.html``) and
``offer_section`` (``<section>`` of ``akteure/<actor>.html``) and the function
``language_links(up, here)``. A town's own template may use them or write its own markup
from the fields of :class:`~kommunale_integration._reports._directory.OfferView` and
``site.languages_available``.

The interface texts of the pages (:data:`LABELS`) are looked up once per language and
given to the templates as ``l`` (``{{ l.who_may_come }}``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import attrs
from markupsafe import Markup, escape

from ._templates import safe_link
from ._wegweiser import WegweiserText

if TYPE_CHECKING:
    from ._directory import ContactView, DirectorySite, OfferView

__all__ = ["LABELS", "DirectoryHtml", "OfferHtml", "labels", "offer_html"]

#: The interface texts of the Wegweiser pages: name in the templates (``l.<name>``) →
#: message id of the ``wegweiser`` catalogue.
LABELS: Final = {
    "language": "Language",
    "directory": "Directory",
    "back": "Back to the overview",
    "responsible_for": "Responsible for",
    "address": "Address",
    "website": "Website",
    "last_verified": "Last verified",
    "never_verified": "never verified",
    "contact": "Contact",
    "phone": "Phone",
    "email": "Email",
    "services": "Services",
    "who_may_come": "Who may come",
    "everyone": "everyone",
    "cost": "Cost",
    "places": "Places",
    "when": "When",
    "add_to_calendar": "add to calendar (.ics)",
    "languages": "Languages",
    "where": "Where",
    "area_served": "Area served",
    "where_the_organisation_works": "where the organisation works",
    "field_of_action": "Field of action",
    "no_services": "No current services.",
    "filter": "Filter",
    "municipality": "Municipality",
    "all": "all",
    "target_group": "Target group",
    "language_of_the_offer": "Language of the offer",
    "weekday": "Weekday",
    "age": "Age",
    "organisation": "Organisation",
    "free_only": "free of charge only",
    "search": "Search",
    "reset": "Reset",
    "services_shown": "services shown",
    "show_more": "Show more",
}


def labels(w: WegweiserText, site: DirectorySite) -> dict[str, Markup]:
    """The interface texts of one language, escaped (the templates' ``l.<name>``), plus
    ``whole_area`` ("for all of Kreis Coesfeld"), ``created`` (the footer) and ``credit``
    (the attribution the licence of the Gemeindeverzeichnis asks for, as Destatis words
    it, in every language: the site names places and Kreise from it)."""
    from .._territories import ATTRIBUTION
    from .._version import __version__

    found = {name: escape(w.t(message)) for name, message in LABELS.items()}
    found["whole_area"] = escape(w.t("for all of {area}", area=site.territory_name))
    found["created"] = escape(
        w.t(
            "Created on {date} with kommunale-integration {version}.",
            date=site.generated,
            version=__version__,
        )
    )
    found["credit"] = escape(f"{ATTRIBUTION} (dl-de/by-2-0)")
    return found


@attrs.frozen(kw_only=True)
class OfferHtml:
    """The HTML of an offer that is the same in every language, written once per build
    (the entry and the section of each language only add the translated texts)."""

    #: ``<li data-…>`` and the start of the link to the offer (index.html).
    entry_start: str
    #: ``<section id="angebot-…">`` and the start of its heading (actor page).
    section_start: str
    #: The named municipalities served, escaped ("" for none).
    served: str
    #: The address, escaped ("" for none).
    address: str
    #: The first two contacts with a phone number or an e-mail address, one line each.
    phones: str
    #: The ``<ul>`` of all contacts ("" for none).
    contacts: str
    #: The link to the calendar file from an actor page ("" for none).
    calendar: str
    #: The link to the offer's website ("" for none).
    web: str


def offer_html(
    *,
    ident: str,
    href: str,
    data_attributes: str,
    served_text: str,
    address: str | None,
    contacts: Sequence[ContactView],
    calendar: str | None,
    web: str | None,
) -> OfferHtml:
    """The language-independent HTML of one offer (every value escaped)."""
    key = _escape(ident)
    return OfferHtml(
        entry_start=f'<li {data_attributes}>\n<h2><a href="{_escape(href)}">',
        section_start=(
            f'<section id="angebot-{key}" aria-labelledby="titel-{key}">\n<h3 id="titel-{key}">'
        ),
        served=_escape(served_text),
        address=_opt(address),
        phones="".join(_phones(contacts)),
        contacts=_contact_list(contacts) if contacts else "",
        calendar=f"../../{_escape(calendar)}" if calendar else "",
        web=str(safe_link(web)) if web else "",
    )


class DirectoryHtml:
    """Writes the repeated HTML of one language (the filters and functions of the pages).

    Every value is escaped (``escape``) or is HTML made safe before (:class:`Markup`:
    shown texts, links, the ``data-*`` attributes).
    """

    def __init__(self, w: WegweiserText, texts: dict[str, Markup], site: DirectorySite) -> None:
        self.w = w
        self.texts = texts
        self._in_languages: dict[str, str] = {}
        self._lines: dict[tuple[str | None, str, tuple[str, ...], bool], str] = {}
        self._whos: dict[tuple[tuple[str, ...], bool, tuple[str, ...]], str] = {}
        self._field_facts: dict[tuple[str, ...], str] = {}
        self._badge = f' <span class="badge">{texts["whole_area"]}</span>'
        self._whole_area = _fact(texts["area_served"], texts["whole_area"])
        self._organisation_area = texts["where_the_organisation_works"]
        self._links = [
            (
                f"{_escape(link.code)}/",
                f'" lang="{_escape(link.code)}" dir="{_escape(link.dir)}"'
                f' hreflang="{_escape(link.code)}"'
                + (' aria-current="page"' if link.code == site.lang else "")
                + f">{_escape(link.name)}</a></li>",
            )
            for link in site.languages_available
        ]

    # ------------------------------------------------------------------ every page

    def language_links(self, up: str, here: str) -> Markup:
        """The ``<li>`` of the language switcher: this page (*here*, a path within the
        language folder; *up* leads to the folder) in every language of the site."""
        page = _escape(here)
        start = f'<li><a href="{_escape(up)}../'
        return Markup(  # noqa: S704 - every value escaped
            "\n".join(f"{start}{folder}{page}{rest}" for folder, rest in self._links)
        )

    # ------------------------------------------------------------------ the list

    def entry(self, o: OfferView) -> Markup:
        """The ``<li>`` of the offer in the list (index.html); it prints compactly."""
        show, h = self.w.show, o.html
        if o.whole_area:
            where = self._badge
        elif h.served:
            where = f" · {h.served}"
        else:
            where = ""
        parts = [h.entry_start, show(o.name), f"</a></h2>\n<p>{show(o.actor_name)}{where}</p>\n"]
        if o.schedule or h.address:
            schedule = show(o.schedule)
            if h.address:
                sep = " · " if o.schedule else ""
                parts.append(f'<p>{schedule}{sep}<span lang="de" dir="ltr">{h.address}</span></p>')
            else:
                parts.append(f"<p>{schedule}</p>")
        line = self._line(o)
        if line:
            parts.append(line)
        parts.append(h.phones)
        parts.append("\n</li>\n")
        return Markup("".join(parts))  # noqa: S704 - every value escaped above

    def _line(self, o: OfferView) -> str:
        """``<p>`` with cost, languages and target groups ("" when none is given)."""
        key = (
            o.cost,
            o.languages_text if o.language_labels else "",
            o.groups,
            bool(o.group_labels),
        )
        found = self._lines.get(key)
        if found is None:
            line: list[str] = []
            if o.cost:
                line.append(_escape(o.cost))
            if o.language_labels:
                line.append(_escape(self.w.t("in {languages}", languages=o.languages_text)))
            if o.group_labels:
                line.append(self.w.show_list(o.group_labels))
            found = self._lines[key] = f"<p>{' · '.join(line)}</p>" if line else ""
        return found

    # ------------------------------------------------------------------ the actor page

    def section(self, o: OfferView) -> Markup:
        """The ``<section id="angebot-…">`` of the offer on its actor's page."""
        show, texts, h = self.w.show, self.texts, o.html
        parts = [h.section_start, show(o.name), "</h3>\n"]
        if o.description:
            parts.append(f"<p>{show(o.description)}</p>\n")
        parts.append('<dl class="facts">\n')
        parts.append(self._who(o))
        if o.cost or o.cost_note:
            sep = " – " if o.cost and o.cost_note else ""
            parts.append(_fact(texts["cost"], f"{_opt(o.cost)}{sep}{show(o.cost_note)}"))
        if o.capacity:
            parts.append(_fact(texts["places"], _escape(o.capacity)))
        if o.schedule:
            calendar = ""
            if h.calendar:
                calendar = f' · <a href="{h.calendar}" download>{texts["add_to_calendar"]}</a>'
            parts.append(_fact(texts["when"], f"{show(o.schedule)}{calendar}"))
        if o.language_labels:
            parts.append(self._languages(o.languages_text))
        if h.address:
            parts.append(_fact(texts["where"], h.address, german=True))
        if o.whole_area:
            parts.append(self._whole_area)
        else:
            parts.append(_fact(texts["area_served"], h.served or self._organisation_area))
        if o.field_labels:
            parts.append(self._fields(o))
        if h.contacts:
            parts.append(_fact(texts["contact"], h.contacts))
        if h.web:
            parts.append(_fact(texts["website"], h.web))
        parts.append(
            _fact(texts["last_verified"], _opt(o.last_verified) or texts["never_verified"])
        )
        parts.append("</dl>\n</section>\n")
        return Markup("".join(parts))  # noqa: S704 - every value escaped above

    def _who(self, o: OfferView) -> str:
        """The "who may come" fact: target groups, eligibility and its note."""
        key = (o.groups, bool(o.group_labels), o.eligibility)
        who = self._whos.get(key)
        if who is None:
            who = self.w.show_list(o.group_labels) if o.group_labels else self.texts["everyone"]
            if o.eligibility:
                items = "".join(f"<li>{_escape(x)}</li>" for x in o.eligibility)
                who += f'<ul class="plain">{items}</ul>'
            self._whos[key] = who
        if o.eligibility_note:
            who += f"<p>{self.w.show(o.eligibility_note)}</p>"
        return _fact(self.texts["who_may_come"], who)

    def _languages(self, languages: str) -> str:
        found = self._in_languages.get(languages)
        if found is None:
            found = _fact(self.texts["languages"], _escape(languages))
            self._in_languages[languages] = found
        return found

    def _fields(self, o: OfferView) -> str:
        found = self._field_facts.get(o.fields)
        if found is None:
            found = _fact(self.texts["field_of_action"], self.w.show_list(o.field_labels))
            self._field_facts[o.fields] = found
        return found


def _contact_list(contacts: Sequence[ContactView]) -> str:
    """``<ul>`` of contacts: name and role, phone, e-mail."""
    items = []
    for c in contacts:
        phone = f' · <span dir="ltr">{c.phone_link}</span>' if c.phone else ""
        email = f" · {c.email_link}" if c.email else ""
        items.append(f"<li>{_escape(c.label)}{phone}{email}</li>")
    return f'<ul class="plain">{"".join(items)}</ul>'


def _escape(value: str) -> str:
    """*value* escaped for HTML text and attributes (as ``markupsafe.escape``, without
    wrapping each piece in :class:`Markup`: the offers' HTML is made of thousands)."""
    return html.escape(value, quote=True)


def _opt(value: str | None) -> str:
    return _escape(value) if value else ""


def _phones(contacts: Sequence[ContactView]) -> list[str]:
    """The first two contacts with a phone number or an e-mail address, one a line."""
    lines = []
    for c in contacts[:2]:
        if not (c.phone or c.email):
            continue
        label = f"{_escape(c.label)}: " if c.label else ""
        phone = f'<span dir="ltr">{c.phone_link}</span>' if c.phone else ""
        sep = " · " if c.phone and c.email else ""
        email = c.email_link if c.email else ""
        lines.append(f"<p>{label}{phone}{sep}{email}</p>")
    return lines


def _fact(term: str, value: str, *, german: bool = False) -> str:
    """One ``<dt>``/``<dd>`` pair of a ``dl.facts`` (an address stays German, left to right)."""
    dd = '<dd lang="de" dir="ltr">' if german else "<dd>"
    return f"<dt>{term}</dt>{dd}{value}</dd>\n"
