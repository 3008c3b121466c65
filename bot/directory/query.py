"""Understanding a parent's search in their own words: kind of help, child's age, place, cost.

"is there speech therapy for my 4 year old near Gillingham?" gives need speech_language, age 4,
place Gillingham. Everything here is plain text rules over the staff-edited vocabulary, so it
explains itself and needs no retraining.
"""
from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Optional

from bot.directory.vocabulary import Place, Vocabulary, cached

MAX_AGE = 25  # the SEND system covers 0 to 25

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_NUM = r"(\d{1,4}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
# A number followed by a unit of time or money, or a count of things, is not an age: "it is 2 weeks
# since", "is 5 pounds", "there is 1 thing".
_NOT_AN_AGE = (r"(?!\s*(?:months?|mths?|weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|times?|pounds?|quid|percent|%|am|pm|o'?clock|"
               r"things?|more|of them|people|services|reasons?|questions?|schools?)\b)")
_AGE_PATTERNS = [
    re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:years?|yrs?|yo|y/o)(?:\s*-?\s*old)?\b"),
    # "is 6", "he's 6", "hes 6" (no apostrophe, as typed on a phone), "shes 6", "they're 6"
    re.compile(r"\b(?:aged?:?|age of|is|he's|she's|hes|shes|they're|theyre|they are|turned|turning|meant|make (?:it|that)|"
               r"(?:he|she|they)'?ll be|will be)\s+(?:nearly |almost |just |only |about |around |actually |now )?" + _NUM + r"\b" + _NOT_AN_AGE),
    re.compile(_NUM + r"\s*(?:-|\s)?\s*(?:months?|mths?)(?:\s*-?\s*old)?\b"),
]
# Asked for an age: a message that starts with a number ("6", "about 10", "11 in June", "3 and a half").
_BARE_NUMBER = re.compile(r"^\s*(?:about |around |nearly |almost |just |only |roughly )?" + _NUM + r"\b" + _NOT_AN_AGE)
# A school year group: reception (age 4 to 5), then Year 1 (5 to 6) to Year 13 (17 to 18).
_SCHOOL_YEAR = re.compile(r"\b(?:in |starting |starts |going into )(?:(reception)\b|(?:year|yr) ?" + _NUM + r"\b)")
_RECEPTION_AGE = 4
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)(?:\s*(\d[A-Z]{2}))?\b", re.IGNORECASE)
_FREE = re.compile(r"\b(free|no cost|no charge|doesn'?t cost|does not cost|without paying)\b")
_SKIP = re.compile(
    r"^\s*(skip|pass|any|anything|anywhere|any ?age|all|all ages|none|no|nope|no preference|not sure|unsure|"
    r"i'?m not sure|not really sure|no idea|dunno|i dunno|not bothered|i'?m not bothered|either|any of them|"
    r"i don'?t know|i do not know|i don'?t really know|"
    r"don'?t know|dont know|i don'?t mind|don'?t mind|doesn'?t matter|it doesn'?t matter|whatever|"
    r"anywhere in medway|all of medway|the whole of medway|any area|any kind|any help|everything|"
    r"skip (this|that|it)|rather not say|prefer not to say|i'?d rather not say|i'?d prefer not to say|"
    r"(i )?don'?t want to say|(i )?do not want to say|not saying|i'?d rather not|"
    r"what do you have|what have you got|what(?:'s|s| is) (?:there|available)|show me (?:everything|all))"
    r"(?:\s*,?\s*(?:really|tbh|to be honest|sorry|please))*\s*[.!?]*\s*$")
_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("""
a about an and any anything are around as at be can could do does for from get got has have he her
him his how i i'm in is it its looking me my near nearby need needs of on or our please she some
something support services service that the their them there they this to us want we what where which
who with would you your child children son daughter kid kids boy girl year years old yo help find
around area local locally close closest medway available offer offers thing things someone anyone
disabled disability disabilities sen send additional special grandson granddaughter grandchild teenager
teen young person people parent parents carer carers kind type sort hes shes theyre
nearly almost just only roughly ll half teenagers teens lad lads boys girls whats ones
finding searching actually sorry meant instead not no rather than sure if its little
show tell see give list recommend suggest know let lets go take anywhere somewhere everywhere
mum mums mam mams mom moms dad dads mother mothers father fathers other others
""".split())
NOT_SEARCHED = STOPWORDS | frozenset("""
hello hi hiya hey morning afternoon evening thanks thank cheers struggling struggle coping cope worried
stressed desperate really very am im ive been
""".split())
"""Words left out of the search but not enough for a message alone to mean nothing: a greeting or a
feeling beside a request ("hello, i'm struggling, is there a group") is not searched for."""


@dataclass(frozen=True)
class Query:
    """A search: need codes, the child's age, a Medway place's name, free only, and the words typed."""

    needs: tuple[str, ...] = ()
    age: Optional[int] = None
    place: Optional[str] = None
    free_only: bool = False
    keywords: tuple[str, ...] = ()

    def what(self, vocabulary: Optional[Vocabulary] = None) -> str:
        """The kind of help searched for in words: "Autism", "'swimming'", "any kind of help"."""
        vocabulary = vocabulary or cached()
        if self.keywords and not self.needs:
            return "'" + " ".join(self.keywords) + "'"
        return " and ".join((vocabulary.need(c).label if vocabulary.need(c) else c) for c in self.needs) or "any kind of help"

    def describe(self, vocabulary: Optional[Vocabulary] = None) -> str:
        """The search in words: "autism support, age 7, near Strood, free only"."""
        parts = [self.what(vocabulary)]
        if self.age is not None:
            parts.append(f"age {self.age}")
        parts.append(f"near {self.place}" if self.place else "anywhere in Medway")
        if self.free_only:
            parts.append("free only")
        return ", ".join(parts)


@dataclass(frozen=True)
class Understood(Query):
    """What a message says about the search; `problems` explain values that could not be used."""

    problems: tuple[str, ...] = ()


@functools.lru_cache(maxsize=2048)  # the vocabulary's phrases, looked up for every message read
def _phrase_pattern(phrase: str) -> re.Pattern:
    """A word or phrase as a whole, also in the plural ("learning disabilities", "toddlers", "stammers")."""
    plural = "(?:ies|s|es)?" if not phrase.endswith("y") else "(?:s)?"
    stem = re.escape(phrase[:-1]) + "(?:y|ies)" if phrase.endswith("y") and len(phrase) > 3 else re.escape(phrase) + plural
    return re.compile(r"(?<![a-z0-9])" + stem + r"(?![a-z0-9])")


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def parse_age(text: str, bare_number: bool = False) -> tuple[Optional[int], Optional[str], Optional[tuple[int, int]]]:
    """(age in whole years, problem, span) from a message; a bare number counts only when we asked for an age."""
    lowered = text.lower().replace("\u2019", "'")  # phones type a curly apostrophe: "he\u2019s 6"
    for index, pattern in enumerate(_AGE_PATTERNS):
        match = pattern.search(lowered)
        if match:
            value = _number(match.group(1))
            if index == 2:
                value //= 12
            break
    else:
        match = _SCHOOL_YEAR.search(lowered)
        if match:  # "he's in year 6": the age most of the year group are (Year 6 are 10 to 11)
            value = _RECEPTION_AGE if match.group(1) else _number(match.group(2)) + _RECEPTION_AGE
            return (value, None, match.span()) if value <= _RECEPTION_AGE + 13 else (None, None, None)
        match = _BARE_NUMBER.match(lowered) if bare_number else None
        if not match:
            return None, None, None
        value = _number(match.group(1))
    if value > MAX_AGE:
        return None, "age_out_of_range", match.span()
    return value, None, match.span()


# A misspelt town ("Gilingham", "Chattam") is read only when we asked which part of Medway: elsewhere
# an ordinary word could look like a short place name.
_FUZZY_PLACE_RATIO = 0.8
_FUZZY_PLACE_MIN_LENGTH = 5


def _misspelt_place(lowered: str, vocabulary: Vocabulary) -> tuple[Optional[Place], list[tuple[int, int]]]:
    best: tuple[float, Optional[Place], tuple[int, int]] = (0.0, None, (0, 0))
    for match in _WORD.finditer(lowered):
        word = match.group()
        if len(word) < _FUZZY_PLACE_MIN_LENGTH or word in STOPWORDS:
            continue
        for place in vocabulary.places:
            for alias in place.aliases:
                if " " in alias or len(alias) < _FUZZY_PLACE_MIN_LENGTH:
                    continue
                ratio = difflib.SequenceMatcher(None, word, alias).ratio()
                if ratio >= _FUZZY_PLACE_RATIO and ratio > best[0]:
                    best = (ratio, place, match.span())
    return (best[1], [best[2]]) if best[1] else (None, [])


def parse_place(text: str, vocabulary: Vocabulary, misspelt: bool = False) -> tuple[Optional[Place], Optional[str], list[tuple[int, int]]]:
    """(place, problem, spans): a Medway town or postcode; a postcode elsewhere is a problem. With
    `misspelt`, a word close to a town's name counts too."""
    lowered = text.lower()
    for place in sorted(vocabulary.places, key=lambda p: -max(len(a) for a in p.aliases)):
        for alias in sorted(place.aliases, key=len, reverse=True):
            match = _phrase_pattern(alias).search(lowered)
            if match:
                return place, None, [match.span()]
    for match in _POSTCODE.finditer(text):
        district = match.group(1).upper()
        if not match.group(2) and not re.match(r"^[A-Z]{1,2}\d{1,2}$", district):
            continue
        if district.startswith("ME") and district[2:].isdigit():
            place = vocabulary.place_for_district(district)
            if place:
                return place, None, [match.span()]
            return None, "outside_medway", [match.span()]
        if match.group(2) or re.match(r"^(DA|CT|TN|BR|SE|RM|SS)\d", district):
            return None, "outside_medway", [match.span()]
    if misspelt:
        place, spans = _misspelt_place(lowered, vocabulary)
        if place:
            return place, None, spans
    return None, None, []


# "autism support not speech", "autism rather than adhd": a need named only to turn it down.
_NEGATED = re.compile(r"\b(?:not|rather than|instead of|other than|except)\s+(?:the |a |an |for |for the )?$")


def _needs(text: str, vocabulary: Vocabulary, leave_out: frozenset[str]) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """The needs named (in order) and the spans of those turned down ("not speech")."""
    lowered = text.lower()
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    negated: list[tuple[int, int]] = []
    for need in vocabulary.needs:
        for synonym in sorted(need.synonyms, key=len, reverse=True):
            match = None if synonym in leave_out else _phrase_pattern(synonym).search(lowered)
            if match and not any(s <= match.start() < e for s, e in spans):
                spans.append(match.span())
                if _NEGATED.search(lowered[:match.start()]):
                    negated.append(match.span())
                else:
                    found.append((match.start(), need.code))
                break
    return tuple(dict.fromkeys(code for _, code in sorted(found))), negated


def parse_needs(text: str, vocabulary: Vocabulary, leave_out: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Needs named in the message, in the order they appear (by none of the words in `leave_out`), but
    not one turned down ("autism support not speech")."""
    return _needs(text, vocabulary, leave_out)[0]


def is_skip(text: str) -> bool:
    """The parent chose not to answer the question ("skip", "any", "don't mind", ...)."""
    return bool(_SKIP.match(text.lower().replace("\u2019", "'")))


def understand(text: str, vocabulary: Optional[Vocabulary] = None, bare_number_is_age: bool = False,
               misspelt_place: bool = False) -> Understood:
    vocabulary = vocabulary or cached()
    lowered = text.lower()
    problems: list[str] = []
    needs, negated = _needs(text, vocabulary, frozenset())  # their words stay in keywords: "portage" ranks Portage first
    spans: list[tuple[int, int]] = list(negated)  # a need turned down is no search word either
    age, age_problem, age_span = parse_age(text, bare_number_is_age)
    place, place_problem, place_spans = parse_place(text, vocabulary, misspelt_place)
    for problem in (age_problem, place_problem):
        if problem:
            problems.append(problem)
    spans += place_spans + ([age_span] if age_span else [])
    free = [match.span() for match in _FREE.finditer(lowered)]
    spans += free
    remaining = list(lowered)
    for start, end in spans:
        remaining[start:end] = " " * (end - start)
    # Words that only name the need again ("autism", "short breaks") add nothing to the need filter;
    # more specific ones ("portage", "therapy", "SALT") stay to rank services that mention them.
    label_words = {w for code in needs for w in _WORD.findall(getattr(vocabulary.need(code), "label", "").lower())}
    keywords = tuple(dict.fromkeys(
        w for w in _WORD.findall("".join(remaining))
        if w not in NOT_SEARCHED and w not in label_words and len(w) > 1 and not w.isdigit()))
    return Understood(needs, age, place.name if place else None, bool(free), keywords, tuple(problems))
