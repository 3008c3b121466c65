"""Mapping Open Referral UK service records (3.0, and the older 1.0) to our tables, cleaning as we go."""
from __future__ import annotations

import json
import re
from functools import partial
from typing import Any, Callable, Optional, Union

from bot.directory import clean
from bot.directory.query import parse_needs
from bot.directory.records import Rejected, ServiceRecord, stable_id
from bot.directory.vocabulary import Vocabulary

_KINDS = {"schedule": "schedule", "cost_option": "cost", "service_area": "area"}  # in the ids of owned rows
DETAIL_KEYS = ("service_at_locations", "contacts", "phones", "schedules", "regular_schedules", "cost_options",
               "service_areas", "attributes", "service_taxonomys", "eligibilitys")


def _line(max_length: int = 500) -> Callable[[Any], Optional[str]]:
    return partial(clean.one_line, max_length=max_length)


def _text(max_length: int) -> Callable[[Any], Optional[str]]:
    return partial(clean.text, max_length=max_length)


def _pick(item: dict, **cleaners: Callable[[Any], Any]) -> dict[str, Any]:
    """Fields of a feed record, each through its cleaner: _pick(contact, name=_line(), email=clean.email)."""
    return {name: cleaner(item.get(name)) for name, cleaner in cleaners.items()}


def _list(item: dict, *keys: str) -> list[dict]:
    for key in keys:
        value = item.get(key)
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict)]
    return []


def _id(value: Any, *fallback: Any) -> str:
    cleaned = clean.one_line(value, 250)
    return cleaned or stable_id(*fallback)


def _owned_id(kind: str, service_id: str, value: Any, index: int) -> str:
    """An id for a row a service owns. Feeds reuse such ids across services (copied records), so
    they are made unique per service, the same on every run."""
    return stable_id(kind, service_id, clean.one_line(value, 250) or index)


def has_details(item: dict) -> bool:
    """Whether a list item already carries the nested arrays (1.0 lists do; 3.0 lists are summaries)."""
    return any(key in item for key in DETAIL_KEYS)


def _ages(item: dict) -> tuple[Optional[int], Optional[int]]:
    low, high = clean.integer(item.get("minimum_age"), 0, 120), clean.integer(item.get("maximum_age"), 0, 120)
    for eligibility in _list(item, "eligibilitys", "eligibilities"):
        low = low if low is not None else clean.integer(eligibility.get("minimum_age"), 0, 120)
        high = high if high is not None else clean.integer(eligibility.get("maximum_age"), 0, 120)
    if low is not None and high is not None and low > high:
        return None, None
    return low, high


def _location(record: ServiceRecord, link: dict, service_id: str, index: int) -> None:
    location = link.get("location") if isinstance(link.get("location"), dict) else None
    if location is None:
        return
    location_id = _id(location.get("id"), "location", service_id, index)
    record.locations.append({
        "id": location_id, **_pick(location, name=_line(), description=clean.text),
        "location_type": clean.enum(location.get("location_type"), clean.LOCATION_TYPES, clean.LOCATION_ALIASES, "physical"),
        "latitude": clean.number(location.get("latitude"), -90, 90),
        "longitude": clean.number(location.get("longitude"), -180, 180)})
    for n, address in enumerate(_list(location, "addresses", "physical_addresses")):
        record.addresses.append({
            "id": _id(address.get("id"), "address", location_id, n), "location_id": location_id,
            **_pick(address, attention=_line(), address_1=_line(), address_2=_line(), city=_line(), region=_line(),
                    state_province=_line(), postal_code=clean.postcode, address_type=_line(20)),
            "country": (clean.one_line(address.get("country"), 2) or "GB").upper()[:2]})
    record.service_at_location.append({"id": _owned_id("sal", service_id, link.get("id"), index),
                                       "service_id": service_id, "location_id": location_id})


def _phones(record: ServiceRecord, owner: dict, service_id: str, contact_id: Optional[str], dropped) -> None:
    for n, item in enumerate(_list(owner, "phones")):
        number = clean.phone(item.get("number"))
        if number is None and clean.one_line(item.get("number")):
            dropped("phone", item.get("number"))
        if number:
            record.phone.append({"id": _owned_id("phone", service_id, f"{contact_id}/{item.get('id') or n}", n),
                                 "service_id": service_id, "contact_id": contact_id, "number": number,
                                 **_pick(item, type=_line(20), description=_line())})


def _terms(item: dict) -> list[dict]:
    terms = []
    for attribute in _list(item, "attributes"):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict):
            terms.append(term)
    for link in _list(item, "service_taxonomys"):
        taxonomy = link.get("taxonomy")
        if isinstance(taxonomy, dict):
            terms.append({"id": taxonomy.get("id"), "name": taxonomy.get("name"), "taxonomy": taxonomy.get("vocabulary")})
    terms += _list(item, "taxonomy_terms")
    return terms


def _first(item: dict, *keys: str) -> Any:
    """The first of `keys` with a value (3.0 and 1.0 name some fields differently). A value that
    is only one of the field names ("fees": "fees_description", as in the standard's own mock
    feed) is a placeholder, not a value."""
    for key in keys:
        value = clean.one_line(item.get(key))
        if value is not None and value.lower() not in keys:
            return item.get(key)
    return None


def to_record(item: Any, vocabulary: Vocabulary, where: str,
              warnings: Optional[list[Rejected]] = None) -> Union[ServiceRecord, Rejected]:
    """One feed record as a service, or why it cannot be one. A value that cannot be read (a
    phone, email or web address) is left out, with a warning added to `warnings`."""
    if not isinstance(item, dict):
        return Rejected(where, "not a JSON object")
    service_id, name = clean.one_line(item.get("id"), 250), clean.one_line(item.get("name"), 300)
    if not service_id:
        return Rejected(where, "no id")
    if not name:
        return Rejected(f"{where} (id {service_id})", "no name", service_id)

    def dropped(field: str, value: Any) -> None:
        if warnings is not None:
            warnings.append(Rejected(f"{where} (id {service_id}), {field}",
                                     f"'{str(value)[:60]}' does not look like a {field}; imported without it", service_id, kept=True))

    for field, check in (("url", clean.url), ("email", clean.email)):
        if clean.one_line(item.get(field)) and check(item.get(field)) is None:
            dropped(field, item.get(field))
    service = {
        "id": service_id, "name": name, "status": clean.enum(item.get("status"), clean.STATUS, clean.STATUS_ALIASES, "active"),
        **_pick(item, alternate_name=_line(), description=clean.text, url=clean.url, email=clean.email,
                application_process=_text(1000), accreditations=_text(1000), alert=_text(1000), assured_date=clean.day,
                assurer_email=clean.email),
        "fees": clean.text(_first(item, "fees_description", "fees"), 1000),
        "last_modified": clean.timestamp(_first(item, "last_modified", "date_modified")), "organization_id": None}
    service["minimum_age"], service["maximum_age"] = _ages(item)
    record = ServiceRecord(service=service, raw=json.dumps(item, ensure_ascii=False, default=str)[:100_000])
    organization = item.get("organization")
    if isinstance(organization, dict) and clean.one_line(organization.get("name")):
        record.organization = {"id": _id(organization.get("id"), "organization", organization.get("name")),
                               **_pick(organization, name=_line(), description=clean.text, email=clean.email,
                                       uri=clean.url),
                               "website": clean.url(organization.get("website") or organization.get("url"))}
        service["organization_id"] = record.organization["id"]
    for n, link in enumerate(_list(item, "service_at_locations")):
        _location(record, link, service_id, n)
    for n, contact in enumerate(_list(item, "contacts")):
        contact_id = _owned_id("contact", service_id, contact.get("id"), n)
        record.contact.append({"id": contact_id, "service_id": service_id,
                               **_pick(contact, name=_line(), title=_line(), department=_line(), email=clean.email)})
        _phones(record, contact, service_id, contact_id, dropped)
    _phones(record, item, service_id, None, dropped)
    owned = (("schedule", ("schedules", "regular_schedules"), dict(
                 description=_text(1000), freq=_line(10), byday=_line(50), opens_at=_line(8), closes_at=_line(8),
                 valid_from=clean.day, valid_to=clean.day)),
             ("cost_option", ("cost_options",), dict(option=_line(), amount=clean.decimal, currency=_line(3),
                                                     amount_description=_line())),
             ("service_area", ("service_areas",), dict(description=_text(1000), extent=_text(10000),
                                                       extent_type=_line(20), uri=clean.url)))
    for table, keys, cleaners in owned:
        for n, entry in enumerate(_list(item, *keys)):
            getattr(record, table).append({"id": _owned_id(_KINDS[table], service_id, entry.get("id"), n),
                                           "service_id": service_id, **_pick(entry, **cleaners)})
    for area, entry in zip(record.service_area, _list(item, "service_areas")):
        area["name"] = clean.one_line(entry.get("name") or entry.get("service_area"))
    needs: list[str] = []
    for term in _terms(item):
        term_name = clean.one_line(term.get("name") or term.get("term"))
        if not term_name:
            continue
        need = vocabulary.need_for_label(term_name)
        if need:
            needs.append(need.code)
        else:
            needs += _needs_in(term_name, vocabulary)  # a category of the feed's own ("Speech and Language Therapy")
            record.other_terms.append({"id": _id(term.get("id"), "term", term_name), "name": term_name,
                                       "code": clean.one_line(term.get("code"), 100),
                                       "description": clean.text(term.get("description"), 1000),
                                       "taxonomy": clean.one_line(term.get("taxonomy")), "term_uri": clean.url(term.get("term_uri"))})
    audience = " ; ".join(_strings([item.get(key) for key in AUDIENCE_KEYS]))
    if audience:
        needs += _needs_in(audience, vocabulary)
        if service["minimum_age"] is None and service["maximum_age"] is None and _ADULTS.search(audience) \
                and not _CHILDREN.search(audience):
            service["minimum_age"] = 18  # a service for adults only: never shown for a child's age
    if not needs:  # no SEND terms of its own: read the needs from its name, and its description's clearer words
        needs = _needs_in(name, vocabulary) + _needs_in(service["description"] or "", vocabulary, weak=False)
    record.needs = list(dict.fromkeys(needs))
    return record


# Who a service is for, in the feed's own fields (ORUK 1.0 pc_targetAudience, and others' spellings).
AUDIENCE_KEYS = ("pc_targetAudience", "pc_target_audience", "target_audience", "targetAudience", "audience")
_ADULTS = re.compile(r"\b(adults?|over 18s?|18\s*\+|older people|over 65s?|65\s*\+)\b", re.IGNORECASE)
_CHILDREN = re.compile(r"\b(child(ren)?|young (people|person|adults?)|youth|famil(y|ies)|parents?|carers?|teen\w*|"
                       r"infants?|bab(y|ies)|toddlers?|pupils?|students?|send|0\s*-\s*(18|19|25)|under\s*(18|19|25)s?)\b",
                       re.IGNORECASE)
# Phrases in which the vocabulary's words mean something else: "low salt" is no speech therapy, "a
# language they can understand" no speech, "physical activity" no physical disability.
TRAPS = re.compile(r"\b(low[- ]salt|salt intake|less salt|sugar,? salt|salt and sugar|physical (activity|activities|health|"
                   r"exercise|wellbeing|well-being)|body language|languages? (they|you|other|of your)|other languages|"
                   r"(foreign|first|english|spoken|community|own) languages?|lifelong learning|adult learning|"
                   r"e-?learning|learning (new|about|a new)|hearing (from|about|what)|sensory garden|"
                   r"communication (with|between|skills for work)|behaviour (in|of) (the|our) (building|venue)|"
                   r"wheelchair[- ](accessible|access|friendly|users? welcome)|(accessible|access) (for|to|by) wheelchairs?( users)?)\b",
                   re.IGNORECASE)
# The vocabulary's single words too common in descriptions to set a need there on their own (in a
# service's name, or a feed's own category or audience, they still count).
WEAK_IN_DESCRIPTIONS = frozenset({"salt", "language", "communication", "talking", "physical", "mobility", "learning",
                                  "hearing", "visual", "vision", "sensory", "emotional", "behaviour", "wellbeing",
                                  "well-being", "anxiety", "anxious", "depression", "baby", "nursery", "toddler",
                                  "overnight", "a break", "ot"})


def _strings(value: Any) -> list[str]:
    """Every text in a JSON value (a string, or the strings of its lists and objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for v in value for text in _strings(v)]
    return []


def _needs_in(text: str, vocabulary: Vocabulary, weak: bool = True) -> list[str]:
    """The needs a text names, its trap phrases left out; without `weak`, only by clearer words."""
    return list(parse_needs(TRAPS.sub(" ", text), vocabulary, frozenset() if weak else WEAK_IN_DESCRIPTIONS))
