"""Where people's names are in a message: after cues ("my son", "called", "Mia's mum", "Mrs"),
in lists ("our twins Ella and Grace"), and common first names written with a capital
("Harry has autism"). Also the school named beside a child's name, which with it identifies the child.

Returns spans, so the caller decides the label. Pattern-based: a rare name with no cue and no
capital ("zephyr has autism") is not found; capitalised place, condition and service names
(Chatham, Down syndrome, St Mary's) are never taken for names.
"""
from __future__ import annotations

import re
from typing import Callable, Iterator, Optional

from bot.first_names import FIRST_NAMES, alone, listed

Span = tuple[int, int]

_TOKEN = re.compile(r"(?:[OD]['’])?[A-Za-z]+(?:-[A-Za-z]+)*")
# Words that are never a name, whatever their case, and that end a run of names.
_STOP = frozenset("""
a an the and or but so because if when then than that this these those there here it its is are was were be been
am being has have had do does did not no yes can cant could would should will wont shall may might must i me my
mine we us our you your he him his she her they them their who whom which what why how where all any some every
each both either neither one two three four five six seven eight nine ten first last next other another only just
also very really too still now again already always never often soon ever please thanks thank sorry hi hello
hey dear ok okay well yeah yep no nope lol at by for from in into on onto out up down off over under with without
about after before between through during until till to of as like back away around near
names name stupid horrible nasty weird things everyone everybody anyone someone somebody nobody anyway lots loads
much many more most less few little big new old young good bad great best better worse worst sure fine happy sad
worried concerned confused desperate struggling looking trying wondering hoping asking writing here
mum mom mummy dad daddy mother father parent parents carer carers nan nana nanny gran granny grandma grandad
grandpa auntie aunt uncle son daughter child children boy girl kid kids baby twins brother sister husband wife
partner family teacher teachers senco head school college nursery academy class year years month months week
weeks day days reception section primary junior infant road street avenue lane close drive council team nhs
gp doctor nurse hospital clinic service services support
send sen ehcp ehc plan iass sendiass camhs salt ot ep pru ta autism autistic adhd asd deaf blind disabled
dyslexic dyspraxic nonverbal verbal epileptic diabetic adopted fostered home mainstream special
medway chatham gillingham rochester strood rainham hoo walderslade lordswood wigmore hempstead luton cuxton
halling frindsbury twydall kent england london maidstone
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december christmas easter summer autumn winter spring
down asperger aspergers tourette tourettes rett duchenne crohn crohns fragile prader
god mr mrs ms miss dr sir madam
""".split())
# Read after "my son is ...": these describe a child rather than name one.
_DESCRIPTIONS = frozenset("""deaf autistic blind disabled dyslexic dyspraxic nonverbal epileptic diabetic adopted
fostered home still now very really not struggling ok okay fine happy sad anxious asd adhd sen send mainstream
in at on year reception""".split())

_PERSON = (r"(?:son|daughter|child|boy|girl|kid|lad|lass|little one|stepchild|grandson|granddaughter|grandchild|"
           r"stepson|stepdaughter|nephew|niece|brother|sister|husband|wife|partner|eldest|oldest|youngest|"
           r"middle one|baby|toddler|teenager|twins|sons|daughters|boys|girls|children|kids|lads|grandchildren|"
           r"triplets|nephews|nieces|brothers|sisters)")
_MODIFIER = r"(?:little|eldest|oldest|youngest|middle|younger|older|baby|twin|step|foster|adopted|two|three|lovely)"
_APPOSITION = re.compile(rf"(?i:\b(?:my|our|his|her|their)\s+(?:{_MODIFIER}\s+)*{_PERSON}\b)(?P<rest>)")
_NAMING = re.compile(
    r"(?i:\b(?:(?:'s|’s|s)?\s*(?:full\s+)?names?\s+(?:is|are|was)|name's|known\s+as|call\s+(?:him|her|them|me)"
    r"|(?:is|are|was|were|be|am|'m|’m)\s+(?:called|named)"
    rf"|(?:a|an|the|my|our)\s+(?:{_MODIFIER}\s+)*(?:{_PERSON}|man|woman|lady|friend|teacher|ta)\s+(?:called|named)))\b")
_CALLED = re.compile(r"(?i:\b(?:called|named))\b")
_IS = re.compile(r"\s*(?:is|are)\b", re.IGNORECASE)
_SELF = re.compile(r"(?i:\b(?:i\s+am|i'm|i’m|im|this\s+is|it's|it’s))\b")
_TITLE = re.compile(r"\b(?:Mrs|Mr|Ms|Miss|Mx|Dr)\.?(?=\s)")
_RELATION_AFTER = re.compile(
    r"(?:'s|’s|s')\s+(?i:mum|mom|mummy|mam|dad|daddy|mother|father|parents?|carers?|nan|nana|nanny|gran|granny|"
    r"grandma|grandad|grandpa|auntie|aunt|uncle|step\s?mum|step\s?dad)\b")
_RELATION_BEFORE = re.compile(
    r"(?i:\b(?:mum|mom|mummy|dad|daddy|mother|father|parents?|carers?|nan|grandma|grandad|grandparents?)"
    r"\s+(?:of|to))\b")
_SIGN_OFF = re.compile(
    r"(?i:\b(?:thanks|thank\s+you|thankyou|regards|best\s+wishes|cheers|sincerely|many\s+thanks|ta))"
    r"[\s,!.-]+(?P<name>(?:[OD]['’])?[A-Za-z]+(?:-[A-Za-z]+)*(?:\s+[A-Z][a-z]+(?:-[A-Za-z]+)*)?)[\s.!]*$")
_SCHOOL = re.compile(
    r"\b(?!(?:Is|The|A|An|My|Our|His|Her|At|To|In|Does|Can|Which|What|Where|And|Goes)\b)"
    r"(?:St\.?\s+)?(?:[A-Z][A-Za-z'’-]*\s+(?:(?:of|on|the)\s+)?){0,4}?[A-Z][A-Za-z'’-]*\s+"
    r"(?:(?:Primary|Junior|Infant|Infants|Secondary|Grammar|High|Special|Community|Girls'?|Boys'?|C\s?of\s?E)\s+)*"
    r"(?:School|Academy|College|Primary|Juniors|Infants|Nursery)\b(?:\s+for\s+(?:Girls|Boys)\b)?")
_GAP = re.compile(r"\s*[,(]?\s*")
_SURNAME = re.compile(r"[ \t]+((?:[OD]['’])?[A-Za-z]+(?:-[A-Za-z]+)*)")
_LIST_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+)", re.IGNORECASE)
_FOLLOWING = re.compile(r"\s*('s|’s|[A-Za-z]+(?:'t)?)")
_SAINT = re.compile(r"\b(?:St\.?|Saint)\s+$")
# After a capitalised name opening a sentence, a word that shows it is the subject ("Harry has autism").
_SUBJECT_VERBS = frozenset("""has have had is was isn't wasn't goes went attends attended needs needed can can't
cannot won't will would does doesn't did didn't gets got hates loves likes struggles started starts keeps kept
wants finds found says said loves refuses refused from who told and 's ’s""".split())
# A capitalised word after a first name that makes it part of a place's name ("Victoria Road").
_PLACE_WORDS = frozenset("""road street avenue lane close drive way crescent gardens place court grove terrace hill
park square hospital school academy college primary centre center house surgery clinic ward station""".split())


def _is_stop(word: str) -> bool:
    return word.lower().replace("’", "'") in _STOP or (len(word) > 1 and word.isupper())


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not _is_stop(word)


def _token_at(text: str, pos: int) -> Optional[re.Match]:
    """The word starting at pos after spaces and one comma or bracket, if there is one."""
    return _TOKEN.match(text, _GAP.match(text, pos).end())


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 40):pos].rstrip()
    return not before or before[-1] in ".!?:;\n"


def _names_from(text: str, pos: int, first_ok: Callable[[str], bool]) -> list[Span]:
    """A name at pos (if first_ok accepts its first word), its surnames, and any names listed after it."""
    found: list[Span] = []
    word = _token_at(text, pos)
    if not word or not first_ok(word.group()):
        return found
    while word:
        start, end = word.span()
        for _ in range(2):  # surnames: capitalised words straight after ("Jack Thompson", "Mohammed Ali Khan")
            more = _SURNAME.match(text, end)
            if not more or not _capitalised(more.group(1)):
                break
            end = more.end()
        found.append((start, end))
        joiner = _LIST_JOINER.match(text, end)
        word = _TOKEN.match(text, joiner.end()) if joiner else None
        if word and not (_capitalised(word.group()) or word.group().lower() in FIRST_NAMES):
            word = None
    return found


def _strong(word: str) -> bool:
    """After an explicit naming cue ("is called", "name is"), any word that is not an everyday one."""
    return not _is_stop(word)


def _after_child(word: str) -> bool:
    """Straight after "my son": a capitalised word, or a listed first name in lower case ("my son oscar")."""
    return _capitalised(word) or listed(word)


def _after_is(word: str) -> bool:
    return (_capitalised(word) or listed(word)) and word.lower() not in _DESCRIPTIONS


def _by_cues(text: str) -> Iterator[Span]:
    for cue in _NAMING.finditer(text):
        yield from _names_from(text, cue.end(), _strong)
    for cue in _CALLED.finditer(text):
        yield from _names_from(text, cue.end(), listed)
    for cue in _APPOSITION.finditer(text):
        if _IS.match(text, cue.end()):
            yield from _names_from(text, _IS.match(text, cue.end()).end(), _after_is)
        else:
            yield from _names_from(text, cue.end(), _after_child)
    for cue in _SELF.finditer(text):
        yield from _names_from(text, cue.end(), _after_is)
    for cue in _TITLE.finditer(text):
        yield from _names_from(text, cue.end(), _capitalised)
    for cue in _RELATION_BEFORE.finditer(text):
        yield from _names_from(text, cue.end(), _after_child)
    for cue in _RELATION_AFTER.finditer(text):
        yield from _names_before(text, cue.start())
    sign_off = _SIGN_OFF.search(text)
    if sign_off and (_capitalised(sign_off.group("name")) or sign_off.group("name").split()[0].lower() in FIRST_NAMES):
        yield sign_off.span("name")


def _names_before(text: str, end: int) -> Iterator[Span]:
    """The names ending at end ("Ella and Grace" before "'s mum")."""
    offset = max(0, end - 200)
    words = [(offset + w.start(), offset + w.end(), w.group()) for w in _TOKEN.finditer(text[offset:end])]
    if not words or words[-1][1] != end:
        return
    last = words[-1][2]
    if not (_capitalised(last) or listed(last)):
        return
    yield words[-1][:2]
    index = len(words) - 1
    while index >= 2 and words[index - 1][2].lower() == "and" and _after_child(words[index - 2][2]):
        index -= 2
        yield words[index][:2]


def _alone(text: str, taken: list[Span]) -> Iterator[Span]:
    """Capitalised common first names with no cue, and their surnames."""
    reached = 0
    for word in _TOKEN.finditer(text):
        if word.start() < reached or not alone(word.group().split("-")[0]):
            continue
        if _SAINT.search(text[max(0, word.start() - 7):word.start()]) or any(s <= word.start() < e for s, e in taken):
            continue
        spans = _names_from(text, word.start(), lambda w: True)
        after = _FOLLOWING.match(text, spans[0][1])
        following = after.group(1) if after else ""
        if following.lower() in _PLACE_WORDS:
            continue
        if _at_sentence_start(text, word.start()) and spans[0][1] == word.end() \
                and following.lower().replace("’", "'") not in _SUBJECT_VERBS:
            continue
        reached = spans[-1][1]
        yield from spans


def schools(text: str) -> list[Span]:
    """Spans of school names ("Balfour Junior School", "St Mary's Primary", "Hundred of Hoo Academy")."""
    return [m.span() for m in _SCHOOL.finditer(text)]


def find(text: str) -> tuple[list[Span], list[Span]]:
    """Spans of people's names in the text, and of schools when the text names someone."""
    school_spans = schools(text)
    spans = [s for s in _by_cues(text) if not any(start <= s[0] < end for start, end in school_spans)]
    spans += [s for s in _alone(text, school_spans + spans)]
    return _merge(spans), (school_spans if spans else [])


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
