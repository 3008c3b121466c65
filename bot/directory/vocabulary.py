"""The words parents use for kinds of help, and the places the directory knows
(content/directory/vocabulary.yml, edited by staff)."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_DISTRICT = re.compile(r"^ME\d{1,2}$")


@dataclass(frozen=True)
class Need:
    code: str
    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    name: str
    aliases: tuple[str, ...]
    districts: tuple[str, ...]
    latitude: float
    longitude: float

    def km_to(self, latitude: float, longitude: float) -> float:
        """Distance in km (equirectangular: exact enough across a borough)."""
        x = math.radians(longitude - self.longitude) * math.cos(math.radians((latitude + self.latitude) / 2))
        y = math.radians(latitude - self.latitude)
        return 6371.0 * math.hypot(x, y)


@dataclass(frozen=True)
class Vocabulary:
    taxonomy: str
    needs: tuple[Need, ...]
    places: tuple[Place, ...]
    districts: dict[str, str]

    def need(self, code: str) -> Optional[Need]:
        return self._by_code.get(code)

    def place(self, name: str) -> Optional[Place]:
        return self._places.get(name.strip().lower())

    def place_for_district(self, district: str) -> Optional[Place]:
        name = self.districts.get(district.upper())
        return self.place(name) if name else None

    def need_for_label(self, text: str) -> Optional[Need]:
        """A need from its code, its label or one of its synonyms (as staff write them in a spreadsheet)."""
        return self._by_name.get(_name_key(text))

    @cached_property
    def _by_code(self) -> dict[str, Need]:
        return {need.code: need for need in reversed(self.needs)}  # the first need with a code wins

    @cached_property
    def _places(self) -> dict[str, Place]:
        """Places by lower-case name or alias; the first place wins a shared word."""
        found: dict[str, Place] = {}
        for place in self.places:
            for word in (place.name.lower(), *place.aliases):
                found.setdefault(word, place)
        return found

    @cached_property
    def _by_name(self) -> dict[str, Need]:
        names: dict[str, Need] = {}
        for need in reversed(self.needs):  # the first need wins a shared word
            names.update({_name_key(word): need for word in need.synonyms})
            names.update({_name_key(need.code): need, _name_key(need.label): need})
        return names


def _name_key(text: str) -> str:
    """A need's name as compared: lower case, hyphens and underscores as spaces, spaces folded
    ("Multi-sensory impairment" is "multi sensory impairment")."""
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def default_path() -> Path:
    return content_dir() / "directory" / "vocabulary.yml"


def _text_list(node: Any, key: str, path: Path, problems: list[Problem], what: str) -> tuple[str, ...]:
    values = node.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        problems.append(Problem(path, yamlfile.line_of(node, key), f"{what}: '{key}' must be a list of words",
                                "write it as [word, \"a phrase\"]"))
        return ()
    return tuple(" ".join(v.lower().split()) for v in values)


def parse(data: Any, path: Path) -> Vocabulary:
    problems: list[Problem] = []
    if not hasattr(data, "get"):
        raise ContentError([Problem(path, 1, "the file must be a mapping with 'needs' and 'places'", "see the top of the file")])
    needs: list[Need] = []
    seen_synonyms: dict[str, str] = {}
    for index, node in enumerate(data.get("needs") or []):
        code, label = str(node.get("code") or ""), str(node.get("label") or "").strip()
        line = yamlfile.line_of(node)
        if not _CODE.match(code):
            problems.append(Problem(path, line, f"need {index + 1}: code '{code}' is not letters, digits and _",
                                    "use a short lower-case code such as speech_language"))
        if not label:
            problems.append(Problem(path, line, f"need '{code}' has no label", "add a label: shown to parents"))
        synonyms = _text_list(node, "synonyms", path, problems, f"need '{code}'")
        for word in synonyms:
            if word in seen_synonyms and seen_synonyms[word] != code:
                problems.append(Problem(path, yamlfile.line_of(node, "synonyms"),
                                        f"'{word}' is a synonym of both '{seen_synonyms[word]}' and '{code}'",
                                        "keep it under one need"))
            seen_synonyms[word] = code
        needs.append(Need(code, label, synonyms))
    places: list[Place] = []
    for node in data.get("places") or []:
        line = yamlfile.line_of(node)
        name = str(node.get("name") or "").strip()
        try:
            latitude, longitude = float(node.get("latitude")), float(node.get("longitude"))
        except (TypeError, ValueError):
            problems.append(Problem(path, line, f"place '{name}' needs a latitude and longitude", "numbers, such as 51.38 and 0.52"))
            continue
        if not (50.0 < latitude < 53.0 and -1.0 < longitude < 2.0):
            problems.append(Problem(path, line, f"place '{name}' is not in Kent", "check latitude and longitude are not swapped"))
        districts = tuple(d.upper() for d in _text_list(node, "districts", path, problems, f"place '{name}'"))
        for district in districts:
            if not _DISTRICT.match(district):
                problems.append(Problem(path, yamlfile.line_of(node, "districts"), f"'{district}' is not a Medway postcode district",
                                        "districts look like ME4"))
        aliases = _text_list(node, "aliases", path, problems, f"place '{name}'")
        places.append(Place(name, (name.lower(),) + aliases, districts, latitude, longitude))
    districts = {str(k).upper(): str(v) for k, v in (data.get("districts") or {}).items()}
    known = {p.name for p in places}
    for district, name in districts.items():
        if name not in known:
            problems.append(Problem(path, yamlfile.line_of(data.get("districts"), district),
                                    f"district {district} names '{name}', which is not under places", "use a place's name"))
    if not needs or not places:
        problems.append(Problem(path, 1, "the file needs both 'needs' and 'places'", "see the comments at the top"))
    if problems:
        raise ContentError(problems)
    return Vocabulary(str(data.get("taxonomy") or "medway-send-needs"), tuple(needs), tuple(places), districts)


def load(path: Optional[Path] = None) -> Vocabulary:
    path = path or default_path()
    return parse(yamlfile.load(path), path)


@lru_cache(maxsize=1)
def cached() -> Vocabulary:
    """The vocabulary, read once per process. Unlike the FAQ files it is not re-read when it changes:
    the search index's tags are made from it, so an edit takes effect with `directory migrate` (which
    rewrites the tags) and a restart, together; reading a new vocabulary against old tags would miss."""
    return load()
