"""The Akteursverzeichnis / Wegweiser: a static, self-contained site of actors and offers.

``index.html`` lists every actor with its offers; ``akteure/<id>.html`` is one page per
actor with contacts and the details of each offer. The index has a filter (municipality,
field of action, target group, language, free-text search) run by a small inline script
that the page's content security policy allows by its hash. With scripts off, the filter
stays hidden and every entry is visible; the browser's own search still works. Every
entry shows when it was last verified.

An actor matches a filter value when the actor itself or one of its offers has it. The
municipalities of an entry are those named in its territories (a Kreis stands for all
its Städte und Gemeinden) and the municipality of its venue; an entry without
territories serves the whole area and matches every municipality. An entry without
target groups is open to all and matches every target group.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from urllib.parse import quote

import attrs
from markupsafe import Markup

from .._catalogues import Catalogue, load_catalogue
from .._io import atomic_directory
from .._model import Actor, Concept, Contact, Offer, Venue
from ._format import Formatter
from ._templates import csp_hash, environment, render

__all__ = ["DirectorySite", "build_directory", "directory_site"]

_WILDCARD = "*"


@attrs.frozen(kw_only=True)
class ContactView:
    """A contact for display."""

    label: str
    phone: str | None
    phone_uri: str | None
    email: str | None
    web: str | None


@attrs.frozen(kw_only=True)
class OfferView:
    """An offer for display on its actor's page."""

    id: str
    name: str
    description: str | None
    field_labels: tuple[str, ...]
    group_labels: tuple[str, ...]
    language_labels: tuple[str, ...]
    served: tuple[str, ...]
    address: str | None
    schedule: str | None
    cost: object
    cost_note: str | None
    capacity: int | None
    web: str | None
    last_verified: date | None


@attrs.frozen(kw_only=True)
class Entry:
    """One actor on the index, with the filter values of the actor and its offers."""

    id: str
    name: str
    href: str
    category: str | None
    municipalities: tuple[str, ...]
    fields: tuple[str, ...]
    groups: tuple[str, ...]
    languages: tuple[str, ...]
    field_labels: tuple[str, ...]
    group_labels: tuple[str, ...]
    language_labels: tuple[str, ...]
    served: tuple[str, ...]
    offers: tuple[str, ...]
    last_verified: date | None


@attrs.frozen(kw_only=True)
class ActorPage:
    """The page of one actor."""

    id: str
    filename: str
    name: str
    category: str | None
    description: str | None
    field_labels: tuple[str, ...]
    group_labels: tuple[str, ...]
    served: tuple[str, ...]
    address: str | None
    web: str | None
    contacts: tuple[ContactView, ...]
    offers: tuple[OfferView, ...]
    last_verified: date | None


@attrs.frozen(kw_only=True)
class DirectorySite:
    """The content of the directory site, unformatted.

    .. versionadded:: 0.1.0
    """

    title: str
    intro: str
    territory_name: str
    today: date
    municipalities: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, str], ...]
    target_groups: tuple[tuple[str, str], ...]
    languages: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...]
    pages: tuple[ActorPage, ...]


@functools.cache
def _categories() -> Catalogue:
    return load_catalogue("actor_categories")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


class _Places:
    """Expands territories to the municipalities of the concept."""

    def __init__(self, concept: Concept) -> None:
        self.towns = [t.ags for t in concept.municipalities()]
        self.names = {t.ags: t.name for t in concept.territories}

    def expand(self, territories: Iterable[str], venue: Venue | None) -> tuple[str, ...]:
        found: list[str] = []
        named = list(territories)
        for ags in named:
            if len(ags) == 8:
                found.append(ags)
            else:
                found.extend(t for t in self.towns if t.startswith(ags))
        if venue is not None and venue.municipality:
            found.append(venue.municipality)
        if not named and not found:
            return (_WILDCARD,)
        return _unique(found)

    def label(self, territories: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.names.get(ags, ags) for ags in territories)


def _address(venue: Venue | None) -> str | None:
    if venue is None:
        return None
    place = " ".join(x for x in (venue.postal_code, venue.city) if x)
    parts = [x for x in (venue.name, venue.street, place) if x]
    return ", ".join(parts) or None


def _contact(contact: Contact) -> ContactView:
    label = ", ".join(x for x in (contact.name, contact.role) if x)
    phone_uri = re.sub(r"[^0-9+]", "", contact.phone) if contact.phone else None
    return ContactView(
        label=label,
        phone=contact.phone,
        phone_uri=phone_uri or None,
        email=contact.email,
        web=contact.web,
    )


def _filename(actor_id: str) -> str:
    return "akteure/" + quote(actor_id, safe="") + ".html"


def _field_label(concept: Concept, fmt: Formatter, code: str) -> str:
    field = concept.field(code)
    return field.title if field is not None else fmt.field_code(code)


def directory_site(
    concept: Concept, *, lang: str = "de", today: date | None = None
) -> DirectorySite:
    """Return the content of the directory site (see :func:`build_directory`).

    .. versionadded:: 0.1.0
    """
    fmt = Formatter(lang)
    places = _Places(concept)
    day = today or date.today()  # noqa: DTZ011 - a calendar day, no time zone
    entries: list[Entry] = []
    pages: list[ActorPage] = []
    offers_by_actor: dict[str, list[Offer]] = {}
    for offer in concept.offers:
        if offer.valid_to is not None and offer.valid_to < day:
            continue  # ended offers are no longer listed
        offers_by_actor.setdefault(offer.actor, []).append(offer)
    used_fields: set[str] = set()
    used_groups: set[str] = set()
    used_languages: set[str] = set()

    for actor in sorted(concept.actors, key=lambda a: a.name.casefold()):
        offers = offers_by_actor.get(actor.id, [])
        fields = _unique([*actor.fields, *(f for o in offers for f in o.fields)])
        groups = _unique([*actor.target_groups, *(g for o in offers for g in o.target_groups)])
        if (not actor.target_groups and not offers) or any(not o.target_groups for o in offers):
            groups = (*groups, _WILDCARD)  # open to all target groups
        languages = _unique(lang_ for o in offers for lang_ in o.languages)
        towns = _unique(
            [
                *places.expand(actor.territories, actor.venue),
                *(t for o in offers for t in places.expand(o.territories, o.venue)),
            ]
        )
        used_fields.update(fields)
        used_groups.update(g for g in groups if g != _WILDCARD)
        used_languages.update(languages)
        category = _categories().label(actor.category, fmt.lang) if actor.category else None
        served = places.label(actor.territories)
        entries.append(
            Entry(
                id=actor.id,
                name=actor.name,
                href=_filename(actor.id),
                category=category,
                municipalities=towns,
                fields=fields,
                groups=groups,
                languages=languages,
                field_labels=tuple(_field_label(concept, fmt, f) for f in fields),
                group_labels=tuple(fmt.target_group(g) for g in groups if g != _WILDCARD),
                language_labels=tuple(fmt.language(c) for c in languages),
                served=served,
                offers=tuple(o.name for o in offers),
                last_verified=actor.last_verified,
            )
        )
        pages.append(
            _page(concept, fmt, places=places, actor=actor, offers=offers, category=category)
        )
    municipalities = tuple((t.ags, t.name) for t in concept.municipalities())
    field_order = [f.id for f in concept.fields] + sorted(used_fields - concept.ids("fields"))
    return DirectorySite(
        title=fmt.t("directory_title"),
        intro=fmt.t(
            "summary_counts",
            actors=fmt.number(len(entries), 0),
            offers=fmt.number(sum(len(p.offers) for p in pages), 0),
        ),
        territory_name=places.names.get(concept.territory, concept.territory),
        today=day,
        municipalities=municipalities,
        fields=tuple((f, _field_label(concept, fmt, f)) for f in field_order if f in used_fields),
        target_groups=tuple(
            sorted(((g, fmt.target_group(g)) for g in used_groups), key=lambda x: x[1].casefold())
        ),
        languages=tuple(
            sorted(((c, fmt.language(c)) for c in used_languages), key=lambda x: x[1].casefold())
        ),
        entries=tuple(entries),
        pages=tuple(pages),
    )


def _page(
    concept: Concept,
    fmt: Formatter,
    *,
    places: _Places,
    actor: Actor,
    offers: list[Offer],
    category: str | None,
) -> ActorPage:
    return ActorPage(
        id=actor.id,
        filename=_filename(actor.id),
        name=actor.name,
        category=category,
        description=actor.description,
        field_labels=tuple(_field_label(concept, fmt, f) for f in actor.fields),
        group_labels=tuple(fmt.target_group(g) for g in actor.target_groups),
        served=places.label(actor.territories),
        address=_address(actor.venue),
        web=actor.web,
        contacts=tuple(_contact(c) for c in actor.contacts),
        offers=tuple(
            OfferView(
                id=o.id,
                name=o.name,
                description=o.description,
                field_labels=tuple(_field_label(concept, fmt, f) for f in o.fields),
                group_labels=tuple(fmt.target_group(g) for g in o.target_groups),
                language_labels=tuple(fmt.language(c) for c in o.languages),
                served=places.label(o.territories),
                address=_address(o.venue),
                schedule=o.schedule_note,
                cost=o.cost,
                cost_note=o.cost_note,
                capacity=o.capacity,
                web=o.web,
                last_verified=o.last_verified,
            )
            for o in offers
        ),
        last_verified=actor.last_verified,
    )


def render_directory(
    site: DirectorySite, fmt: Formatter, templates: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Render the site; return ``{relative path: HTML}``."""
    env = environment("html", fmt, templates)
    script_text = env.loader.get_source(env, "directory.js")[0] if env.loader else ""
    script = Markup(script_text)  # noqa: S704 - our own (or the town's own) script file
    files = {
        "index.html": render(
            env,
            "directory_index.html.j2",
            site=site,
            script=script,
            # base64 and quotes only: safe in the attribute as it is
            script_hash=Markup(csp_hash(script_text)),  # noqa: S704
            running_header=site.title,
        )
    }
    for page in site.pages:
        files[page.filename] = render(
            env, "directory_actor.html.j2", site=site, page=page, running_header=site.title
        )
    return files


def build_directory(
    concept: Concept,
    output_dir: str | os.PathLike[str],
    *,
    lang: str = "de",
    templates: str | os.PathLike[str] | None = None,
    today: date | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Build the Akteursverzeichnis / Wegweiser as a static site in *output_dir*.

    The site is one ``index.html`` (all actors with their offers, filterable by
    municipality, field of action, target group and language, searchable, printable)
    and one page per actor under ``akteure/``. It is self-contained: inline CSS, a
    small inline filter script allowed by its hash in the content security policy, no
    external request. The whole folder is built beside the target and swapped in only
    when complete, so an existing site is replaced only by a finished one.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        output_dir: The folder of the site (replaced as a whole).
        lang: ``"de"`` (default) or ``"en"``.
        templates: A folder with Jinja2 templates that override the built-in ones
            (``directory_index.html.j2``, ``directory_actor.html.j2``, ``directory.js``).
        today: The build date (default: today); offers that ended before it are left out.
        inputs: Input paths that must not be inside *output_dir*.

    Returns:
        The path of the site folder.

    Raises:
        OutputError: *output_dir* is an input or a file.
        TemplateError: a template is missing or uses an undefined value.

    .. versionadded:: 0.1.0
    """
    fmt = Formatter(lang)
    site = directory_site(concept, lang=lang, today=today)
    files = render_directory(site, fmt, templates)
    target = Path(output_dir)
    with atomic_directory(target, inputs=inputs) as tmp:
        for name, text in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return target
