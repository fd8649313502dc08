"""The Wegweiser (Akteursverzeichnis): a static, offline site of offers in many languages.

The site has one folder per language (``de/``, ``ar/``, ``uk/`` …) and a language choice
at ``index.html``. Each folder holds ``index.html``, the list of all current offers with
a filter, and one page per actor under ``akteure/`` with its contacts and every offer in
detail (who may come, cost, places, times in words, venue, contacts, last verified), each
offer with its own anchor (``akteure/<actor>.html#angebot-<offer>``). The calendar files
(``kalender/``) hold each offer's and each network's dates. Arabic and Persian pages are
written right to left (``dir="rtl"``) with a mirrored layout.

The filter applies to each **offer**: its municipalities are those named in its own
territories (a Kreis stands for all its Städte und Gemeinden, so offers for the whole
Kreis show for every municipality) and the municipality of its venue; an offer that
names neither serves where its actor does, and one whose actor names none serves the
whole area. An offer without target groups is open to all. The language filter matches
the languages the offer is given in; the weekday filter the days of its rule; the age
filter its age limits (inclusive); "free of charge" an offer whose cost is 0.

Texts of actors and offers come in the page language when the data has a translation
(:class:`~kommunale_integration.Translation`); otherwise the German text is shown and
marked as German. With scripts off, the filter stays hidden and every offer is visible.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import attrs
from markupsafe import Markup

from .._io import atomic_directory
from .._model import Actor, Concept, Contact, Offer, Venue
from ._calendar import calendar_filename, calendar_files, offer_times
from ._format import Formatter
from ._templates import csp_hash, environment, render
from ._wegweiser import Text, WegweiserText, rule_days, wegweiser_languages

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
    """One offer: its texts in the page language and the values the filter uses."""

    id: str
    name: Text
    actor: str
    actor_name: Text
    href: str
    description: Text | None
    field_labels: tuple[Text, ...]
    group_labels: tuple[Text, ...]
    language_labels: tuple[str, ...]
    languages_text: str
    served: tuple[str, ...]
    whole_area: bool
    address: str | None
    schedule: Text | None
    cost: str | None
    cost_note: Text | None
    capacity: str | None
    eligibility: tuple[str, ...]
    eligibility_note: Text | None
    contacts: tuple[ContactView, ...]
    web: str | None
    calendar: str | None
    last_verified: str | None
    municipalities: tuple[str, ...]
    fields: tuple[str, ...]
    groups: tuple[str, ...]
    languages: tuple[str, ...]
    days: tuple[str, ...]
    free: bool
    min_age: int | None
    max_age: int | None


@attrs.frozen(kw_only=True)
class ActorPage:
    """The page of one actor with its offers."""

    id: str
    filename: str
    name: Text
    category: Text | None
    description: Text | None
    responsibility: Text | None
    address: str | None
    web: str | None
    contacts: tuple[ContactView, ...]
    offers: tuple[OfferView, ...]
    last_verified: str | None


@attrs.frozen(kw_only=True)
class LanguageLink:
    """A language of the site for the switcher: code, name in itself, direction."""

    code: str
    name: str
    dir: str


@attrs.frozen(kw_only=True)
class DirectorySite:
    """The content of the Wegweiser in one language, unformatted.

    .. versionadded:: 0.1.0
    """

    lang: str
    dir: str
    title: str
    intro: str
    territory_name: str
    today: date
    generated: str
    languages_available: tuple[LanguageLink, ...]
    municipalities: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, Text], ...]
    target_groups: tuple[tuple[str, Text], ...]
    languages: tuple[tuple[str, str], ...]
    actors: tuple[tuple[str, Text], ...]
    weekdays: tuple[tuple[str, str], ...]
    offers: tuple[OfferView, ...]
    pages: tuple[ActorPage, ...]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


class _Places:
    """Expands territories to the municipalities of the concept."""

    def __init__(self, concept: Concept) -> None:
        self.towns = [t.ags for t in concept.municipalities()]
        self.names = {t.ags: t.name for t in concept.territories}
        self.area = concept.territory
        self._offers: dict[str, tuple[str, ...]] = {}

    def expand(self, territories: Iterable[str], venue: Venue | None) -> tuple[str, ...]:
        found: list[str] = []
        for ags in territories:
            if len(ags) == 8:
                found.append(ags)
            else:
                found.extend(t for t in self.towns if t.startswith(ags))
        if venue is not None and venue.municipality:
            found.append(venue.municipality)
        return _unique(found)

    def of_offer(self, offer: Offer, actor: Actor | None) -> tuple[str, ...]:
        known = self._offers.get(offer.id)  # the same for every language
        if known is not None:
            return known
        found = self.expand(offer.territories, offer.venue)
        if not found and not offer.territories and actor is not None:
            found = self.expand(actor.territories, actor.venue)
        self._offers[offer.id] = found or (_WILDCARD,)
        return self._offers[offer.id]

    def whole_area(self, territories: Iterable[str]) -> bool:
        return any(self.area.startswith(ags) for ags in territories)

    def label(self, territories: Iterable[str]) -> tuple[str, ...]:
        from .._territories import place_name

        # A neighbour outside the concept (a venue in the next town) by name and Kreis.
        return tuple(self.names.get(ags) or place_name(ags) for ags in territories)


def _address(venue: Venue | None, places: _Places | None = None) -> str | None:
    if venue is None:
        return None
    city = venue.city
    town = venue.municipality
    if places is not None and town and town not in places.names:
        # A venue in a neighbouring town: its name and Kreis, "Rheine (Kreis Steinfurt)".
        from .._territories import place_name

        named = place_name(town)
        city = named if not city or named.startswith(city) else f"{city}, {named}"
    place = " ".join(x for x in (venue.postal_code, city) if x)
    parts = [x for x in (venue.name, venue.street, place) if x]
    return ", ".join(parts) or None


@functools.cache
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


def _field_label(concept: Concept, w: WegweiserText, code: str) -> Text:
    """The concept's own title in German; elsewhere the catalogue's translated label."""
    field = concept.field(code)
    if w.lang == "de":
        return Text(field.title) if field is not None else w.label("fields", code)
    label = w.label("fields", code)
    if label.missing and field is not None:
        return Text(field.title, missing=True)
    return label


class _Builder:
    """Builds the views of one language (one instance per language)."""

    def __init__(
        self, concept: Concept, w: WegweiserText, places: _Places, calendars: frozenset[str]
    ) -> None:
        self.concept = concept
        self.calendars = calendars
        self.w = w
        self.places = places
        self.fields: dict[str, Text] = {}
        self.groups: dict[str, Text] = {}

    def field(self, code: str) -> Text:
        if code not in self.fields:
            self.fields[code] = _field_label(self.concept, self.w, code)
        return self.fields[code]

    def group(self, code: str) -> Text:
        if code not in self.groups:
            self.groups[code] = self.w.label("target_groups", code)
        return self.groups[code]

    def actor_name(self, actor: Actor | None, actor_id: str) -> Text:
        if actor is None:
            return Text(actor_id)
        return self.w.content(actor.name, actor.translation(self.w.lang).name)

    def eligibility(self, offer: Offer) -> tuple[str, ...]:
        w, rule = self.w, offer.eligibility
        lines: list[str] = []
        low, high = rule.min_age, rule.max_age
        if low is not None and high is not None:
            lines.append(w.t("age: {min} to {max}", min=low, max=high))
        elif low is not None:
            lines.append(w.t("age: {min} and over", min=low))
        elif high is not None:
            lines.append(w.t("age: up to {max}", max=high))
        lines.extend(w.legal_basis(code) for code in rule.legal_bases)
        if rule.residence_statuses:
            statuses = w.join(list(rule.residence_statuses))
            lines.append(w.t("residence status: {statuses}", statuses=statuses))
        return tuple(lines)

    def offer(self, offer: Offer, actor: Actor | None) -> OfferView:
        w = self.w
        text = offer.translation(w.lang)
        words = w.schedule(offer.schedule, *offer_times(offer))
        if words is not None:
            schedule: Text | None = Text(words)
        elif offer.schedule_note:
            schedule = w.content(offer.schedule_note, text.schedule_note)
        else:
            schedule = None
        contacts = offer.contacts or (actor.contacts if actor is not None else ())
        calendar = calendar_filename("angebot", offer.id)
        labels = tuple(w.language(c) for c in offer.languages)
        cost = None
        if offer.cost is not None:
            cost = w.t("free of charge") if offer.cost == 0 else w.money(offer.cost)
        return OfferView(
            id=offer.id,
            name=w.content(offer.name, text.name),
            actor=offer.actor,
            actor_name=self.actor_name(actor, offer.actor),
            href=_filename(offer.actor) + "#angebot-" + quote(offer.id, safe=""),
            description=(
                w.content(offer.description, text.description) if offer.description else None
            ),
            field_labels=tuple(self.field(f) for f in offer.fields),
            group_labels=tuple(self.group(g) for g in offer.target_groups),
            language_labels=labels,
            languages_text=w.join(labels),
            served=self.places.label(offer.territories),
            whole_area=self.places.whole_area(offer.territories),
            address=_address(offer.venue, self.places)
            or (_address(actor.venue, self.places) if actor else None),
            schedule=schedule,
            cost=cost,
            cost_note=w.content(offer.cost_note, text.cost_note) if offer.cost_note else None,
            capacity=w.number(offer.capacity) if offer.capacity is not None else None,
            eligibility=self.eligibility(offer),
            eligibility_note=(
                w.content(offer.eligibility.note, text.eligibility)
                if offer.eligibility.note
                else None
            ),
            contacts=tuple(_contact(c) for c in contacts),
            web=offer.web,
            calendar=calendar if calendar in self.calendars else None,
            last_verified=w.date(offer.last_verified) if offer.last_verified else None,
            municipalities=self.places.of_offer(offer, actor),
            fields=offer.fields,
            groups=offer.target_groups or (_WILDCARD,),
            languages=offer.languages,
            days=rule_days(offer.schedule),
            free=offer.cost is not None and offer.cost == 0,
            min_age=offer.eligibility.min_age,
            max_age=offer.eligibility.max_age,
        )

    def page(self, actor: Actor, offers: Sequence[OfferView]) -> ActorPage:
        w = self.w
        text = actor.translation(w.lang)
        category = w.label("actor_categories", actor.category) if actor.category else None
        return ActorPage(
            id=actor.id,
            filename=_filename(actor.id),
            name=self.actor_name(actor, actor.id),
            category=category,
            description=(
                w.content(actor.description, text.description) if actor.description else None
            ),
            responsibility=(
                w.content(actor.responsibility, text.responsibility)
                if actor.responsibility
                else None
            ),
            address=_address(actor.venue, self.places),
            web=actor.web,
            contacts=tuple(_contact(c) for c in actor.contacts),
            offers=tuple(offers),
            last_verified=w.date(actor.last_verified) if actor.last_verified else None,
        )


def _current(concept: Concept, day: date) -> list[Offer]:
    """The offers not ended before *day* (ended offers are no longer listed)."""
    return [o for o in concept.offers if o.valid_to is None or o.valid_to >= day]


def directory_site(
    concept: Concept,
    *,
    lang: str = "de",
    today: date | None = None,
    languages: Sequence[str] | None = None,
    calendars: Iterable[str] = (),
    _places: _Places | None = None,
) -> DirectorySite:
    """Return the content of the Wegweiser in *lang* (see :func:`build_directory`).

    Args:
        concept: The concept.
        lang: The page language (an ISO 639 code such as ``de``, ``ar``, ``uk``).
        today: The build date; offers that ended before it are left out.
        languages: The languages of the whole site, for the language switcher
            (default: all interface languages).
        calendars: The calendar files of the site (``kalender/angebot-<id>.ics``) that
            the offers link to.

    .. versionadded:: 0.1.0
    """
    w = WegweiserText(lang)
    places = _places or _Places(concept)  # shared by the languages of one build
    day = today or date.today()  # noqa: DTZ011 - a calendar day, no time zone
    build = _Builder(concept, w, places, frozenset(calendars))
    actors = {a.id: a for a in concept.actors}
    offers = [build.offer(o, actors.get(o.actor)) for o in _current(concept, day)]
    offers.sort(key=lambda o: (o.actor_name.value.casefold(), o.name.value.casefold()))
    by_actor: dict[str, list[OfferView]] = {}
    for view in offers:
        by_actor.setdefault(view.actor, []).append(view)
    pages = [
        build.page(actor, by_actor.get(actor.id, ()))
        for actor in sorted(concept.actors, key=lambda a: a.name.casefold())
    ]
    used_fields = _unique(f for o in offers for f in o.fields)
    field_order = [f.id for f in concept.fields if f.id in used_fields]
    field_order += [f for f in used_fields if f not in field_order]
    used_groups = {g for o in offers for g in o.groups if g != _WILDCARD}
    used_languages = {c for o in offers for c in o.languages}
    codes = list(languages) if languages is not None else list(wegweiser_languages())
    return DirectorySite(
        lang=w.lang,
        dir=w.dir,
        title=w.t("Integration directory: services and organisations"),
        intro=w.t(
            "{offers} services from {actors} organisations.",
            offers=w.number(len(offers)),
            actors=w.number(len(pages)),
        ),
        territory_name=places.names.get(concept.territory, concept.territory),
        today=day,
        generated=w.date(day),
        languages_available=tuple(
            LanguageLink(code=c, name=w.autonym(c), dir=WegweiserText(c).dir) for c in codes
        ),
        municipalities=tuple((t.ags, t.name) for t in concept.municipalities()),
        fields=tuple((f, build.field(f)) for f in field_order),
        target_groups=tuple(
            sorted(((g, build.group(g)) for g in used_groups), key=lambda x: x[1].value.casefold())
        ),
        languages=tuple(
            sorted(((c, w.language(c)) for c in used_languages), key=lambda x: x[1].casefold())
        ),
        actors=tuple((p.id, p.name) for p in pages if p.offers),
        weekdays=tuple((d, w.weekday(d)) for d in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
        offers=tuple(offers),
        pages=tuple(pages),
    )


def render_directory(
    site: DirectorySite, templates: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Render the pages of one language; return ``{path within the language folder: HTML}``."""
    w = WegweiserText(site.lang)
    env = environment("html", Formatter("de"), templates)
    env.auto_reload = False  # thousands of pages: do not look at the template files again
    env.globals.update(t=w.t, nt=w.nt, show=w.show, lang=w.lang, dir=w.dir, w=w)
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


def _language_page(
    concept: Concept, languages: Sequence[str], templates: str | os.PathLike[str] | None
) -> str:
    env = environment("html", Formatter("de"), templates)
    links = [
        (LanguageLink(code=c, name=WegweiserText(c).autonym(c), dir=WegweiserText(c).dir), t)
        for c in languages
        for t in (WegweiserText(c).t("Integration directory: services and organisations"),)
    ]
    names = {t.ags: t.name for t in concept.territories}
    return render(
        env,
        "directory_languages.html.j2",
        links=links,
        territory_name=names.get(concept.territory, concept.territory),
        running_header="",
    )


def build_directory(
    concept: Concept,
    output_dir: str | os.PathLike[str],
    *,
    lang: str | None = None,
    languages: Sequence[str] | None = None,
    templates: str | os.PathLike[str] | None = None,
    today: date | None = None,
    inputs: Iterable[str | os.PathLike[str]] = (),
    uid_domain: str = "kommunale-integration",
) -> Path:
    """Build the Wegweiser as a static site in *output_dir*, one folder per language.

    ``index.html`` lets the reader choose a language; ``<lang>/index.html`` lists every
    current offer with a filter (municipality, field of action, target group,
    language, free of charge, weekday, age, actor, free text) and prints as a compact
    list with contacts; ``<lang>/akteure/<id>.html`` is one page per actor with each of
    its offers in detail; ``kalender/`` holds an ``.ics`` file per offer with a
    schedule and per network with a meeting rule. The site is self-contained: inline
    CSS, a small inline filter script allowed by its hash in the content security
    policy, no external request, so it works offline. The whole folder is built beside
    the target and swapped in only when complete.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        output_dir: The folder of the site (replaced as a whole).
        lang: Build only this language (shorthand for ``languages=[lang]``).
        languages: The languages to build (default: every interface language:
            de, en, ar, fa, uk, ru, tr, ti and any other with a ``wegweiser``
            catalogue).
        templates: A folder with Jinja2 templates that override the built-in ones
            (``directory_index.html.j2``, ``directory_actor.html.j2``,
            ``directory_languages.html.j2``, ``directory.js``).
        today: The build date (default: today); offers that ended before it are left out.
        inputs: Input paths that must not be inside *output_dir*.
        uid_domain: Right-hand side of the calendar events' ``UID``.

    Returns:
        The path of the site folder.

    Raises:
        OutputError: *output_dir* is an input or a file.
        TemplateError: a template is missing or uses an undefined value.

    .. versionadded:: 0.1.0
    """
    if languages is None:
        codes = [lang] if lang is not None else list(wegweiser_languages())
    else:
        codes = list(languages)
    day = today or date.today()  # noqa: DTZ011 - a calendar day, no time zone
    stamp = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    calendars = calendar_files(concept, today=day, dtstamp=stamp, uid_domain=uid_domain)
    files: dict[str, str | bytes] = {"index.html": _language_page(concept, codes, templates)}
    places = _Places(concept)
    for code in codes:
        site = directory_site(
            concept, lang=code, today=day, languages=codes, calendars=calendars, _places=places
        )
        for name, text in render_directory(site, templates).items():
            files[f"{code}/{name}"] = text
    files.update(calendars)
    target = Path(output_dir)
    with atomic_directory(target, writer="build_directory", inputs=inputs) as tmp:
        folders: set[Path] = set()
        for name, content in files.items():
            path = tmp / name
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
    return target
