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

from markupsafe import Markup, escape

from ._templates import safe_link
from ._wegweiser import WegweiserText

if TYPE_CHECKING:
    from ._directory import ContactView, DirectorySite, OfferView

__all__ = ["LABELS", "DirectoryHtml", "labels"]

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
    ``whole_area`` ("for all of Kreis Coesfeld") and ``created`` (the footer)."""
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
    return found


class DirectoryHtml:
    """Writes the repeated HTML of one language (the filters and functions of the pages).

    Every value is escaped (``escape``) or is HTML made safe before (:class:`Markup`:
    shown texts, links, the ``data-*`` attributes).
    """

    def __init__(self, w: WegweiserText, texts: dict[str, Markup], site: DirectorySite) -> None:
        self.w = w
        self.texts = texts
        self._contacts: dict[tuple[ContactView, ...], str] = {}
        self._in_languages: dict[str, str] = {}
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
        show = self.w.show
        if o.whole_area:
            where = f' <span class="badge">{self.texts["whole_area"]}</span>'
        elif o.served:
            where = f" · {_escape(o.served_text)}"
        else:
            where = ""
        parts = [
            f'<li {o.data_attributes}>\n<h2><a href="{_escape(o.href)}">{show(o.name)}</a></h2>\n'
            f"<p>{show(o.actor_name)}{where}</p>\n"
        ]
        if o.schedule or o.address:
            sep = " · " if o.schedule and o.address else ""
            address = f'<span lang="de" dir="ltr">{_escape(o.address)}</span>' if o.address else ""
            parts.append(f"<p>{show(o.schedule)}{sep}{address}</p>")
        line: list[str] = []
        if o.cost:
            line.append(_escape(o.cost))
        if o.language_labels:
            line.append(self._languages(o.languages_text))
        if o.group_labels:
            line.append(self.w.show_list(o.group_labels))
        if line:
            parts.append(f"<p>{' · '.join(line)}</p>")
        parts.extend(_phones(o.contacts))
        parts.append("\n</li>\n")
        return Markup("".join(parts))  # noqa: S704 - every value escaped above

    def _languages(self, languages: str) -> str:
        found = self._in_languages.get(languages)
        if found is None:
            found = _escape(self.w.t("in {languages}", languages=languages))
            self._in_languages[languages] = found
        return found

    # ------------------------------------------------------------------ the actor page

    def section(self, o: OfferView) -> Markup:
        """The ``<section id="angebot-…">`` of the offer on its actor's page."""
        show, texts = self.w.show, self.texts
        ident = _escape(o.id)
        parts = [
            f'<section id="angebot-{ident}" aria-labelledby="titel-{ident}">\n'
            f'<h3 id="titel-{ident}">{show(o.name)}</h3>\n'
        ]
        if o.description:
            parts.append(f"<p>{show(o.description)}</p>\n")
        parts.append('<dl class="facts">\n')
        parts.append(_fact(texts["who_may_come"], self._who(o)))
        if o.cost or o.cost_note:
            sep = " – " if o.cost and o.cost_note else ""
            parts.append(_fact(texts["cost"], f"{_opt(o.cost)}{sep}{show(o.cost_note)}"))
        if o.capacity:
            parts.append(_fact(texts["places"], _escape(o.capacity)))
        if o.schedule:
            calendar = ""
            if o.calendar:
                link = texts["add_to_calendar"]
                calendar = f' · <a href="../../{_escape(o.calendar)}" download>{link}</a>'
            parts.append(_fact(texts["when"], f"{show(o.schedule)}{calendar}"))
        if o.language_labels:
            parts.append(_fact(texts["languages"], _escape(o.languages_text)))
        if o.address:
            parts.append(_fact(texts["where"], _escape(o.address), german=True))
        served: str
        if o.whole_area:
            served = texts["whole_area"]
        else:
            served = _escape(o.served_text) or texts["where_the_organisation_works"]
        parts.append(_fact(texts["area_served"], served))
        if o.field_labels:
            parts.append(_fact(texts["field_of_action"], self.w.show_list(o.field_labels)))
        if o.contacts:
            parts.append(_fact(texts["contact"], self._contact_list(o.contacts)))
        if o.web:
            parts.append(_fact(texts["website"], safe_link(o.web)))
        parts.append(
            _fact(texts["last_verified"], _opt(o.last_verified) or texts["never_verified"])
        )
        parts.append("</dl>\n</section>\n")
        return Markup("".join(parts))  # noqa: S704 - every value escaped above

    def _who(self, o: OfferView) -> str:
        who = self.w.show_list(o.group_labels) if o.group_labels else self.texts["everyone"]
        if o.eligibility:
            items = "".join(f"<li>{_escape(x)}</li>" for x in o.eligibility)
            who += f'<ul class="plain">{items}</ul>'
        if o.eligibility_note:
            who += f"<p>{self.w.show(o.eligibility_note)}</p>"
        return who

    def _contact_list(self, contacts: tuple[ContactView, ...]) -> str:
        found = self._contacts.get(contacts)
        if found is None:
            items = []
            for c in contacts:
                phone = f' · <span dir="ltr">{c.phone_link}</span>' if c.phone else ""
                email = f" · {c.email_link}" if c.email else ""
                items.append(f"<li>{_escape(c.label)}{phone}{email}</li>")
            found = self._contacts[contacts] = f'<ul class="plain">{"".join(items)}</ul>'
        return found


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
