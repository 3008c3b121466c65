"""Search filters as words: each indexed service carries tags for its needs, ages, cost and nearness.

The full-text index (SQLite FTS5, PostgreSQL tsvector) then answers "these words, for this need,
age 7, free, within 3 km of Strood" in one indexed look-up that stops at the first rows it needs,
instead of reading every matching row to filter and sort it. Tags are made of letters and digits
only, so every tokenizer keeps each one whole.

Nearness is in bands around each Medway place in the vocabulary (1.5, 3 and 6 km): a search near a
place reads the nearest band first. A service with no fixed venue (online, by phone, county-wide)
is tagged as such and shown after the located ones.

The words of a service's name are tags too, by their first letters: a name word matches a typed
word when it starts with the typed word's first five letters ("therapist" and "therapy" both
start "thera"; "play" finds "Playgroup"; a typed word under three letters matches only itself). So "every word typed is in the name" is also one look-up.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any, Mapping, Optional

from bot.directory.vocabulary import Place, Vocabulary

BANDS_KM = (1.5, 3.0, 6.0)
RADIUS_KM = BANDS_KM[-1]
MAX_AGE = 25
LISTED = "listed"  # every indexed service: what a search with no words and no filters matches
NO_VENUE = "novenue"
FREE = "costfree"
OVER_MAX_AGE = "ageover"
NAME_PREFIX = 5  # letters of a word that a name match compares
VERSION = "3"  # change when the tags below change, so every index is rebuilt on the next import


@lru_cache(maxsize=None)
def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def need(code: str) -> str:
    return "need" + _slug(code)


_AGES = tuple(f"age{years}" for years in range(MAX_AGE + 1))


def age(years: int) -> str:
    return _AGES[years] if 0 <= years <= MAX_AGE else OVER_MAX_AGE


def near(place: Place, band: int) -> str:
    """Within BANDS_KM[band] of `place`."""
    return _bands(place.name)[band]


_WORD = re.compile(r"[a-z0-9]+")


def name_words(name: str) -> list[str]:
    """Tags for the words of a service's name: each word's beginnings of three to five letters (a
    shorter word: the word itself)."""
    return list(dict.fromkeys(chain.from_iterable(map(_word_tags, _WORD.findall(name.lower())))))


@lru_cache(maxsize=20_000)
def _word_tags(word: str) -> tuple[str, ...]:
    return tuple("nm" + word[:length] for length in range(min(3, len(word)), min(NAME_PREFIX, len(word)) + 1))


def name_word(typed: str) -> str:
    """The tag a typed word (letters and digits) matches in a name."""
    return "nm" + typed[:NAME_PREFIX]


def for_service(row: Mapping[str, Any], vocabulary: Vocabulary) -> str:
    """A service's tags, space separated, from its search index row (name, needs, minimum_age,
    maximum_age, is_free, latitude, longitude); each need is also paired with each age (see `for_query`)."""
    minimum_age, maximum_age = row["minimum_age"], row["maximum_age"]
    latitude, longitude = row["latitude"], row["longitude"]
    needs_tags = [need(code) for code in row["needs"].split()]
    words = [LISTED, *needs_tags, *name_words(row["name"])]
    low = max(0, minimum_age or 0)
    high = MAX_AGE if maximum_age is None else min(maximum_age, MAX_AGE)
    ages = list(_AGES[low:high + 1])
    if maximum_age is None or maximum_age > MAX_AGE:
        ages.append(OVER_MAX_AGE)
    words += ages + [tag + years for tag in needs_tags for years in ages]
    if row["is_free"]:
        words.append(FREE)
    if latitude is None or longitude is None:
        words.append(NO_VENUE)
    else:
        for place in vocabulary.places:
            # The bands a service is in: every band from the first that reaches it.
            words += _bands(place.name)[bisect_left(BANDS_KM, place.km_to(latitude, longitude)):]
    return " ".join(words)


@lru_cache(maxsize=None)
def _bands(name: str) -> tuple[str, ...]:
    """The band tags of the place with this name (by name: a string's hash is kept, a Place's is not)."""
    return tuple(f"near{band}{_slug(name)}" for band in range(len(BANDS_KM)))


@dataclass(frozen=True)
class Filter:
    """What a search requires, as tags: all of `required`, one of `any_of` (when given), none of `excluded`."""

    required: tuple[str, ...]
    any_of: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


def for_query(needs: tuple[str, ...], years: Optional[int], free_only: bool, place: Optional[Place],
              band: Optional[int]) -> Filter:
    """The tags a search requires. With a place, `band` is the nearness band (its inner bands
    excluded), or None for the whole radius; the no-fixed-venue band is -1.

    A need and an age are asked for as one need-and-age tag: far fewer services carry it than either
    alone, which is what a PostgreSQL (GIN) look-up's time depends on."""
    required = [need(code) for code in needs]
    if years is not None and needs:
        required = [tag + age(years) for tag in required]
    elif years is not None:
        required.append(age(years))
    if free_only:
        required.append(FREE)
    any_of: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    if place is not None and band is None:
        any_of = (near(place, len(BANDS_KM) - 1), NO_VENUE)
    elif place is not None and band is not None:
        required.append(NO_VENUE if band < 0 else near(place, band))
        excluded = (near(place, band - 1),) if band > 0 else ()
    return Filter(tuple(required) or ((LISTED,) if not any_of else ()), any_of, excluded)


def fingerprint(vocabulary: Vocabulary) -> str:
    """Changes when anything the tags are made from changes: rebuild the tags when it does."""
    places = [(p.name, p.latitude, p.longitude) for p in vocabulary.places]
    needs = [n.code for n in vocabulary.needs]
    return hashlib.sha256(repr((VERSION, BANDS_KM, places, needs)).encode()).hexdigest()[:16]
