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

import errno
import functools
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Final
from urllib.parse import quote

import attrs
import jinja2
from markupsafe import Markup, escape

from .._io import add_file, atomic_directory
from .._model import Actor, Concept, Contact, Eligibility, Offer, Venue
from ._calendar import calendar_filename, calendar_files, offer_times
from ._directory_html import DirectoryHtml, OfferHtml, labels, offer_html
from ._format import Formatter
from ._templates import csp_hash, environment, render, safe_link
from ._wegweiser import Text, WegweiserText, rule_days, wegweiser_languages

__all__ = ["DirectorySite", "build_directory", "directory_site"]

_WILDCARD = "*"


@attrs.frozen(kw_only=True)
class ContactView:
    """A contact for display; the links are rendered once per build (the same in every
    language)."""

    label: str
    phone: str | None
    phone_uri: str | None
    email: str | None
    web: str | None
    phone_link: Markup = Markup("")
    email_link: Markup = Markup("")
    web_link: Markup = Markup("")


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
    served_text: str
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
    #: The filter values above as the ``data-*`` attributes of the offer's list entry.
    data_attributes: Markup = Markup("")
    #: The HTML of the values above that is the same in every language.
    html: OfferHtml


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
        phone_link=safe_link("tel:" + phone_uri, contact.phone) if phone_uri else Markup(""),
        email_link=safe_link("mailto:" + contact.email, contact.email)
        if contact.email
        else Markup(""),
        web_link=safe_link(contact.web) if contact.web else Markup(""),
    )


@attrs.frozen(kw_only=True)
class _Facts:
    """What an offer shows the same in every language (computed once per build)."""

    href: str
    served: tuple[str, ...]
    served_text: str
    whole_area: bool
    address: str | None
    contacts: tuple[ContactView, ...]
    calendar: str | None
    municipalities: tuple[str, ...]
    groups: tuple[str, ...]
    days: tuple[str, ...]
    free: bool
    data_attributes: Markup
    times: tuple[time | None, time | None]
    html: OfferHtml


class _Shared:
    """What the languages of one build share: places, actors and each offer's facts."""

    def __init__(self, concept: Concept, calendars: frozenset[str]) -> None:
        self.towns = [t.ags for t in concept.municipalities()]
        self.names = {t.ags: t.name for t in concept.territories}
        self.area = concept.territory
        self.actors = {a.id: a for a in concept.actors}
        self.calendars = calendars
        self._facts: dict[str, _Facts] = {}

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

    def served_by(self, offer: Offer, actor: Actor | None) -> tuple[str, ...]:
        """The municipalities the offer serves (``*``: the whole area)."""
        found = self.expand(offer.territories, offer.venue)
        if not found and not offer.territories and actor is not None:
            found = self.expand(actor.territories, actor.venue)
        return found or (_WILDCARD,)

    def whole_area(self, territories: Iterable[str]) -> bool:
        return any(self.area.startswith(ags) for ags in territories)

    def label(self, territories: Iterable[str]) -> tuple[str, ...]:
        from .._territories import place_name

        # A neighbour outside the concept (a venue in the next town) by name and Kreis.
        return tuple(self.names.get(ags) or place_name(ags) for ags in territories)

    def facts(self, offer: Offer) -> _Facts:
        known = self._facts.get(offer.id)
        if known is None:
            known = self._facts[offer.id] = self._compute(offer)
        return known

    def _compute(self, offer: Offer) -> _Facts:
        actor = self.actors.get(offer.actor)
        contacts = offer.contacts or (actor.contacts if actor is not None else ())
        calendar = calendar_filename("angebot", offer.id)
        municipalities = self.served_by(offer, actor)
        served = self.label(offer.territories)
        groups = offer.target_groups or (_WILDCARD,)
        days = rule_days(offer.schedule)
        free = offer.cost is not None and offer.cost == 0
        rule = offer.eligibility
        values = (
            ("offer", offer.id),
            ("actor", offer.actor),
            ("municipalities", " ".join(municipalities)),
            ("fields", " ".join(offer.fields)),
            ("groups", " ".join(groups)),
            ("languages", " ".join(offer.languages)),
            ("days", " ".join(days)),
            ("free", "1" if free else "0"),
            ("min-age", "" if rule.min_age is None else str(rule.min_age)),
            ("max-age", "" if rule.max_age is None else str(rule.max_age)),
        )
        # escape() of each value: an id or code cannot leave its attribute
        data = Markup(" ".join(f'data-{name}="{escape(value)}"' for name, value in values))  # noqa: S704
        href = _filename(offer.actor) + "#angebot-" + quote(offer.id, safe="")
        address = _address(offer.venue, self) or (_address(actor.venue, self) if actor else None)
        views = tuple(_contact(c) for c in contacts)
        linked = calendar if calendar in self.calendars else None
        return _Facts(
            href=href,
            served=served,
            served_text=", ".join(served),
            whole_area=self.whole_area(offer.territories),
            address=address,
            contacts=views,
            calendar=linked,
            municipalities=municipalities,
            groups=groups,
            days=days,
            free=free,
            data_attributes=data,
            times=offer_times(offer),
            html=offer_html(
                ident=offer.id,
                href=href,
                data_attributes=data,
                served_text=", ".join(served),
                address=address,
                contacts=views,
                calendar=linked,
                web=offer.web,
            ),
        )


def _address(venue: Venue | None, places: _Shared | None = None) -> str | None:
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
    """Builds the views of one language (one instance per language).

    Values that many offers share (labels, lists, schedules, eligibility, costs) are
    computed once per language.
    """

    def __init__(self, concept: Concept, w: WegweiserText, shared: _Shared) -> None:
        self.concept = concept
        self.w = w
        self.shared = shared
        self.fields: dict[str, Text] = {}
        self.groups: dict[str, Text] = {}
        self.categories: dict[str, Text] = {}
        self._languages: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
        self._schedules: dict[tuple[str | None, time | None, time | None], Text | None] = {}
        self._eligibility: dict[Eligibility, tuple[str, ...]] = {}
        self._costs: dict[Decimal, str] = {}
        self._numbers: dict[int, str] = {}
        self._actor_names: dict[str, Text] = {}
        self._field_lists: dict[tuple[str, ...], tuple[Text, ...]] = {}
        self._group_lists: dict[tuple[str, ...], tuple[Text, ...]] = {}

    def field(self, code: str) -> Text:
        if code not in self.fields:
            self.fields[code] = _field_label(self.concept, self.w, code)
        return self.fields[code]

    def group(self, code: str) -> Text:
        if code not in self.groups:
            self.groups[code] = self.w.label("target_groups", code)
        return self.groups[code]

    def category(self, code: str) -> Text:
        if code not in self.categories:
            self.categories[code] = self.w.label("actor_categories", code)
        return self.categories[code]

    def field_labels(self, codes: tuple[str, ...]) -> tuple[Text, ...]:
        known = self._field_lists.get(codes)
        if known is None:
            known = self._field_lists[codes] = tuple(self.field(c) for c in codes)
        return known

    def group_labels(self, codes: tuple[str, ...]) -> tuple[Text, ...]:
        known = self._group_lists.get(codes)
        if known is None:
            known = self._group_lists[codes] = tuple(self.group(c) for c in codes)
        return known

    def actor_name(self, actor: Actor | None, actor_id: str) -> Text:
        known = self._actor_names.get(actor_id)
        if known is None:
            if actor is None:
                known = Text(actor_id)
            else:
                known = self.w.content(actor.name, actor.translation(self.w.lang).name)
            self._actor_names[actor_id] = known
        return known

    def number(self, value: int) -> str:
        if value not in self._numbers:
            self._numbers[value] = self.w.number(value)
        return self._numbers[value]

    def eligibility(self, rule: Eligibility) -> tuple[str, ...]:
        plain = rule.min_age is None and rule.max_age is None
        if plain and not (rule.legal_bases or rule.residence_statuses):
            return ()  # most offers: no need to hash the rule
        known = self._eligibility.get(rule)
        if known is not None:
            return known
        w = self.w
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
        self._eligibility[rule] = tuple(lines)
        return self._eligibility[rule]

    def languages(self, codes: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
        """The names of the offer's languages and their list in words."""
        known = self._languages.get(codes)
        if known is None:
            labels = tuple(self.w.language(c) for c in codes)
            known = self._languages[codes] = (labels, self.w.join(labels))
        return known

    def schedule(self, offer: Offer, times: tuple[time | None, time | None]) -> Text | None:
        """The offer's rule and times in words, if they can be said."""
        start, end = times
        key = (offer.schedule, start, end)
        if key not in self._schedules:
            words = self.w.schedule(offer.schedule, start, end)
            self._schedules[key] = None if words is None else Text(words)
        return self._schedules[key]

    def cost(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        if value not in self._costs:
            self._costs[value] = self.w.t("free of charge") if value == 0 else self.w.money(value)
        return self._costs[value]

    def offer(self, offer: Offer) -> OfferView:
        w, facts = self.w, self.shared.facts(offer)
        text = offer.translation(w.lang)
        schedule = self.schedule(offer, facts.times)
        if schedule is None and offer.schedule_note:
            schedule = w.content(offer.schedule_note, text.schedule_note)
        labels, languages_text = self.languages(offer.languages)
        rule = offer.eligibility
        return OfferView(
            id=offer.id,
            name=w.content(offer.name, text.name),
            actor=offer.actor,
            actor_name=self.actor_name(self.shared.actors.get(offer.actor), offer.actor),
            href=facts.href,
            description=(
                w.content(offer.description, text.description) if offer.description else None
            ),
            field_labels=self.field_labels(offer.fields),
            group_labels=self.group_labels(offer.target_groups),
            language_labels=labels,
            languages_text=languages_text,
            served=facts.served,
            served_text=facts.served_text,
            whole_area=facts.whole_area,
            address=facts.address,
            schedule=schedule,
            cost=self.cost(offer.cost),
            cost_note=w.content(offer.cost_note, text.cost_note) if offer.cost_note else None,
            capacity=self.number(offer.capacity) if offer.capacity is not None else None,
            eligibility=self.eligibility(rule),
            eligibility_note=w.content(rule.note, text.eligibility) if rule.note else None,
            contacts=facts.contacts,
            web=offer.web,
            calendar=facts.calendar,
            last_verified=w.date(offer.last_verified) if offer.last_verified else None,
            municipalities=facts.municipalities,
            fields=offer.fields,
            groups=facts.groups,
            languages=offer.languages,
            days=facts.days,
            free=facts.free,
            min_age=rule.min_age,
            max_age=rule.max_age,
            data_attributes=facts.data_attributes,
            html=facts.html,
        )

    def page(self, actor: Actor, offers: Sequence[OfferView]) -> ActorPage:
        w = self.w
        text = actor.translation(w.lang)
        category = self.category(actor.category) if actor.category else None
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
            address=_address(actor.venue, self.shared),
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
    _shared: _Shared | None = None,
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
    # shared by the languages of one build (then with the same calendars)
    places = _shared or _Shared(concept, frozenset(calendars))
    day = today or date.today()  # noqa: DTZ011 - a calendar day, no time zone
    build = _Builder(concept, w, places)
    offers = [build.offer(o) for o in _current(concept, day)]
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


#: The stylesheet of a language folder, shared by its list and its actor pages.
STYLESHEET: Final = "wegweiser.css"


class _CompiledTemplates(jinja2.BytecodeCache):
    """The compiled templates of the Wegweiser, kept in memory: each language has an
    environment of its own (with the same settings), and compiling its templates again
    for each one costs more than rendering a language's index. Jinja2 checks each
    template's source against its checksum, so a changed template is compiled anew."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED: Final = _CompiledTemplates()


def _environment(
    site: DirectorySite, templates: str | os.PathLike[str] | None
) -> jinja2.Environment:
    w = WegweiserText(site.lang)
    env = environment("html", Formatter("de"), templates)
    env.auto_reload = False  # thousands of pages: do not look at the template files again
    env.bytecode_cache = _COMPILED
    texts = labels(w, site)
    html = DirectoryHtml(w, texts, site)
    env.globals.update(t=w.t, nt=w.nt, show=w.show, lang=w.lang, dir=w.dir, w=w, l=texts)
    env.globals["language_links"] = html.language_links
    env.filters.update(
        show=w.show, show_list=w.show_list, offer_entry=html.entry, offer_section=html.section
    )
    return env


def render_directory(
    site: DirectorySite, templates: str | os.PathLike[str] | None = None
) -> dict[str, str]:
    """Render the pages of one language; return ``{path within the language folder: HTML}``.

    The pages link the stylesheet :data:`STYLESHEET` of the folder (see
    :func:`render_stylesheet`).
    """
    env = _environment(site, templates)
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
            stylesheet=STYLESHEET,
        )
    }
    for page in site.pages:
        add_file(
            files,
            page.filename,
            render(
                env, "directory_actor.html.j2", site=site, page=page, stylesheet="../" + STYLESHEET
            ),
        )
    return files


def render_stylesheet(site: DirectorySite, templates: str | os.PathLike[str] | None = None) -> str:
    """The stylesheet of one language folder (the print header names the site title)."""
    return render(_environment(site, templates), "directory.css.j2", running_header=site.title)


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


def _write_files(folder: Path, files: Mapping[str, str | bytes], previous: Path | None) -> None:
    """Write *files* (``{relative path: content}``) below *folder*.

    A file whose content is the same as in the *previous* site (the folder being
    replaced) is a hard link to that file instead of a copy: the previous site is
    removed after the swap, and removing a file that lives on costs nothing, while
    freeing the disk blocks of thousands of files can take longer than the build (on a
    disk that discards freed blocks at once). Where links are not possible (a FAT USB
    stick) the file is written.
    """
    made: set[str] = set()
    root, old = str(folder), None if previous is None else str(previous)
    for name, content in files.items():
        path = os.path.join(root, name)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if old is not None and _unchanged(os.path.join(old, name), data):
            try:
                os.link(os.path.join(old, name), path, follow_symlinks=False)
                continue
            except OSError as error:
                if error.errno not in _NO_LINKS:
                    raise  # a full disk is an error, not a reason to write instead
                old = None  # no links here: write every file
        _write_new(path, data)


def _write_new(path: str, data: bytes) -> None:
    """Write *data* to the new file *path* (as ``Path.write_bytes``, with fewer steps:
    a large directory writes tens of thousands of files)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


#: Errors of ``link`` that mean "no hard links here" (FAT, some network shares).
_NO_LINKS: Final = frozenset(
    {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES}
)


def _unchanged(old: str, data: bytes) -> bool:
    """Whether *old* is a plain file holding exactly *data*."""
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


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
    schedule and per network with a meeting rule. The site is self-contained: one
    stylesheet per language folder (``<lang>/wegweiser.css``), a small inline filter
    script allowed by its hash in the content security policy, no external request, so
    it works offline. The whole folder is built beside the target and swapped in only
    when complete.

    Args:
        concept: The :class:`~kommunale_integration.Concept`.
        output_dir: The folder of the site (replaced as a whole).
        lang: Build only this language (shorthand for ``languages=[lang]``).
        languages: The languages to build (default: every interface language:
            de, en, ar, fa, uk, ru, tr, ti and any other with a ``wegweiser``
            catalogue).
        templates: A folder with Jinja2 templates that override the built-in ones
            (``directory_index.html.j2``, ``directory_actor.html.j2``,
            ``directory_languages.html.j2``, ``directory.css.j2``, ``directory.js``).
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
    shared = _Shared(concept, frozenset(calendars))
    target = Path(output_dir)
    with atomic_directory(target, writer="build_directory", inputs=inputs) as tmp:
        # (the previous site, if any, is the library's own: atomic_directory checked it)
        previous = target if target.is_dir() and not target.is_symlink() else None
        # Written language by language: a failing template leaves the old site in place.
        _write_files(tmp, {"index.html": _language_page(concept, codes, templates)}, previous)
        _write_files(tmp, calendars, previous)
        for code in codes:
            site = directory_site(concept, lang=code, today=day, languages=codes, _shared=shared)
            pages = render_directory(site, templates)
            pages[STYLESHEET] = render_stylesheet(site, templates)
            _write_files(tmp / code, pages, previous / code if previous else None)
    return target
