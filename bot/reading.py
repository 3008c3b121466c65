"""Finding the questions in a long message: parents tell the story first and ask last.

`question_parts` picks the sentences of a long post that ask something, so that a message asking
two different things can be answered on the main one with the other offered as a button.
(Weighting the asking sentences above the whole message when classifying was measured on the
tuning set of real questions and lost 4.5 points: the story carries the topic too.)
"""
from __future__ import annotations

import re

from bot import redaction
from bot.directory.query import parse_age

LONG_MESSAGE_WORDS = 25
"""Messages shorter than this are read whole: they are the question (unless `_SECOND_QUESTION` joins two)."""

TWO_QUESTIONS_WORDS = 8
"""From this length a short message joining two questions with "and" is read as two."""

_SECOND_QUESTION = re.compile(
    r",?\s+(?:and also|and|also|plus|oh and)\s+(?=(?:can|could|do|does|is|are|will|would|should|how|what|"
    r"when|where|who|why|which)\b)", re.IGNORECASE)
"""Where a sentence starts asking a second thing: "how long does it take and can I get a personal budget"."""

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+|(?<=[.?!])(?=[A-Z])")
_ASKING_START = re.compile(
    r"^(?:so |but |and |also |ok |okay |please |basically |just )?"
    r"(?:how|what|whats|what's|when|where|who|whose|which|why|can|could|do|does|did|is|isn't|are|aren't|"
    r"should|shall|will|would|has|have|may|might|am|must|any (?:advice|ideas|help|tips|thoughts)|"
    r"anyone|does anyone|has anyone|i (?:need|want|would like) to know|i'm wondering|i am wondering|"
    r"i wondered|wondering|i was wondering|please help|help|advice)\b", re.IGNORECASE)


_TEXT_SPEAK = {
    "wot": "what", "wat": "what", "wht": "what", "wen": "when", "hw": "how", "hav": "have", "hv": "have",
    "sch": "school", "skool": "school", "skl": "school", "dh": "husband",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks", "thnx": "thanks",
    "thnks": "thanks", "ty": "thank you", "kk": "ok", "coz": "because", "cos": "because", "b4": "before",
    "yr": "year", "wud": "would", "shud": "should", "cud": "could", "dx": "diagnosis",
    "dunno": "don't know", "wanna": "want to", "gonna": "going to", "ppl": "people", "bc": "because",
}
_TEXT_SPEAK_WORD = re.compile(r"(?<![\w/'])(" + "|".join(sorted(_TEXT_SPEAK, key=len, reverse=True)) + r")(?![\w/'])",
                              re.IGNORECASE)


def plain(text: str) -> str:
    """Text-speak written out as the words the model and the follow-up reading know: "wot now" is
    "what now", "sch" school, "hav" have. Only words the training examples never use: "DS", "DD" and
    "LA" are in them, and writing those out at reading lost real questions."""
    return _TEXT_SPEAK_WORD.sub(lambda m: _TEXT_SPEAK[m.group(1).lower()], text)


def words(text: str) -> int:
    return len(text.split())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def asks(sentence: str) -> bool:
    """Whether a sentence asks something: a question mark, or it opens the way questions do."""
    return "?" in sentence or bool(_ASKING_START.match(sentence.strip(" -*\"'")))


_ABOUT_STARTING_AGAIN = re.compile(
    r"^\W*(?:do|does|did|will|would|should|shall|is|are|was|were|has|have|had|must|am|why|how|what|when|where|"
    r"who|which|if|whether)\b|\b(?:have|has|had|got) to\b", re.IGNORECASE)
START_AGAIN_MAX_WORDS = 8
"""A request to start the conversation again is short ("can we start again please"); a longer message
that mentions starting again is about something else."""


def asks_to_start_again(text: str) -> bool:
    """Whether a message the model read as "start again" asks for that (which wipes the conversation),
    and not a question about starting something again: "do we have to start again?" after the moving
    answer asks whether the plan's process restarts."""
    return words(text) <= START_AGAIN_MAX_WORDS and not _ABOUT_STARTING_AGAIN.search(text)


_ABOUT_THE_ASSISTANT = re.compile(
    r"\b(?:you|u|bot|robot|chat ?bot|human|real|person|people|ai|computer|machine|automated|someone|somebody|"
    r"staff|talking to|chatting to|speaking to|this)\b", re.IGNORECASE)


def asks_about_the_assistant(text: str) -> bool:
    """Whether a message the model read as "are you a bot?" is about the assistant at all ("are you a
    real person", "who am I talking to", "is this automated"): "whose job is it" after the annual
    review answer is not, and is read against that answer instead."""
    return bool(_ABOUT_THE_ASSISTANT.search(text))


_ASKS_FOR_THE_MENU = re.compile(
    r"\b(?:help|menu|options?|topics?|start|what (?:can|else|do) (?:you|u|i)|what else|what (?:is|does) this|what are you|how does (?:this|it) work|"
    r"don'?t know|ask you|email|e-?mail|text|send|sent|forward|copy)\b", re.IGNORECASE)


def asks_for_the_menu(text: str) -> bool:
    """Whether a message the model read as a request for help with the assistant itself ("what can you do",
    "menu", "email me this") says so: "how do we get it" after the EOTAS answer does not, and is read
    against that answer instead."""
    return bool(_ASKS_FOR_THE_MENU.search(text))


_DESCRIBES_CHILD = re.compile(
    r"^(?:(?:ok|okay|and|but|well|so|oh|yes|yeah|no)\W+)?(?:he|she|my (?:son|daughter|child|boy|girl|kid|lad)|"
    r"(?:our|the) (?:son|daughter|child|boy|girl)|(?:dd|ds))(?:'s|s| is| has| have| was| are| gets| goes| attends| been)\b",
    re.IGNORECASE)
_ASKS = re.compile(r"\?|\b(?:what|why|how|when|who|where|which|can|could|should|would|will|do|does|is it|are there|"
                   r"is there|any|help|need|want)\b", re.IGNORECASE)


def describes_the_child(text: str) -> bool:
    """A few words about the child and no question ("she is 12 and has cerebral palsy", "he has a learning
    disability"), typed after an answer: the parent is adding what the answer should take into account."""
    plain = " ".join(text.split())
    return len(plain.split()) <= 15 and bool(_DESCRIBES_CHILD.match(plain)) and not _ASKS.search(plain)


_SAYS_GOODBYE = re.compile(
    r"\b(?:bye|goodbye|good ?bye|byee+|see (?:you|ya|u)|cya|later|laters|ttyl|(?:good ?)?night|nite|ta ?ra|cheerio|"
    r"take care|speak soon|talk (?:later|soon)|done|(?:have|got|gotta|need) to go|gotta go|(?:that'?s|thats) (?:all|everything|it)|"
    r"nothing else|come back)\b", re.IGNORECASE)


def says_goodbye(text: str) -> bool:
    """Whether a message the model read as goodbye says so ("ok bye", "I'm done", "that's all"): "who do we
    see" (read as "see you") asks a question and is read as one instead."""
    return bool(_SAYS_GOODBYE.search(text))


_POINTS_BACK = re.compile(r"\b(?:it|one|that|this|those|these)\b", re.IGNORECASE)
"""A half that says "it" or "one" ("and how do I get one") asks more about the first half, not a second thing."""


def _clauses(sentence: str) -> list[str]:
    """A sentence split where it starts asking a second thing, when both halves ask something on
    their own."""
    halves = [h.strip() for h in _SECOND_QUESTION.split(sentence) if h.strip()]
    if len(halves) < 2 or not all(asks(h) and words(h) >= 3 for h in halves):
        return [sentence]
    return [sentence] if any(_POINTS_BACK.search(h) for h in halves[1:]) else halves


def question_parts(text: str) -> list[str]:
    """The sentences of a long message that ask something (the last two sentences when none
    does), and the two halves of a question joined to another by "and"; empty for a short
    message asking one thing, which is read whole."""
    if words(text) < TWO_QUESTIONS_WORDS:
        return []
    if words(text) < LONG_MESSAGE_WORDS:
        clauses = [c for s in sentences(text) for c in _clauses(s)]
        return clauses if len(clauses) > 1 and all(asks(c) for c in clauses) else []
    parts = sentences(text)
    if len(parts) < 2:
        return []
    asking = [c for s in parts if asks(s) and words(s) >= 3 for c in _clauses(s)]
    return asking or parts[-2:]


DETAILS_FIRST_WORDS = 20
"""From this length a message that opens with the child's details is read from where they end."""

_IDENTIFYING = re.compile("|".join(re.escape(label) for label in (
    redaction.NAME, redaction.SCHOOL, redaction.NHS_NUMBER, redaction.BIRTH_DATE, redaction.PHONE, redaction.EMAIL,
    redaction.POSTCODE)))
"""Redaction's labels that say a message gives who the child is; not [address], which "a 35 min walk" can be."""
_ANY_LABEL = re.compile(r"\[[^\]]*\]")
_CLAUSE_END = re.compile(r"(?<=[,.;!?])\s+|\n+|\s+-\s+|\s+(?=(?:he|she|they)(?:'s| is| has| was| goes| attends)\b)",
                         re.IGNORECASE)
_ABOUT_THE_CHILD = re.compile(r"\b(?:" + "|".join(sorted((
    "non verbal", "non-verbal", "nonverbal", "autism spectrum disorder", "autism", "autistic", "asd", "asc", "adhd",
    "add", "dyslexia", "dyslexic", "dyspraxia", "dyspraxic", "dcd", "anxious", "anxiety", "downs syndrome",
    "down syndrome", "down's syndrome", "cerebral palsy", "epilepsy", "epileptic", "global developmental delay",
    "global delay", "gdd", "sensory processing disorder", "spd", "pda", "ocd", "odd", "learning disability",
    "learning disabilities", "speech delay", "hypermobility", "hypermobile", "selective mutism", "tourettes", "deaf",
    "visually impaired", "wheelchair user", "severe", "mild", "moderate", "suspected", "year-old", "years old",
    "year old", "yrs old", "date of birth", "nhs no", "nhs number", "d.o.b", "dob"), key=len, reverse=True)) + r")\b",
    re.IGNORECASE)
"""Diagnoses, ages and the words that introduce details: what a message says about who the child is."""
_DETAIL_WORDS = frozenset("""hi hello hiya morning evening all everyone there my our son daughter child boy girl ds dd
ds1 ds2 dd1 dd2 grandson granddaughter he she him her his is has was and with a an the of at to in goes attends called
named name nhs no number born on aged age years year yrs yr old diagnosed diagnoses diagnosis dx also who currently
s i im am m me mum mom dad parent carer here phone mobile email""".split())


def _about_the_child(text: str) -> bool:
    """Whether the text only says who the child is: names, dates, numbers, school, diagnoses, age."""
    rest = _ABOUT_THE_CHILD.sub(" ", _ANY_LABEL.sub(" ", redaction.redact(text)))
    return all(word.isdigit() or word in _DETAIL_WORDS for word in re.findall(r"[a-z]+|\d+", rest.lower()))


def without_details(text: str) -> str:
    """A long message read from after the child's details it opens with ("my son Jack dob 12/03/2015 NHS no
    ..., he is non verbal, school say they cant get salt in, ..." is read from "school say"): the name,
    date of birth and diagnoses otherwise pull it to an answer about them. Only when those opening
    clauses hold something redaction finds (a name, a date of birth, an NHS number, a school); the text
    is unchanged otherwise."""
    if words(text) < DETAILS_FIRST_WORDS or not _IDENTIFYING.search(redaction.redact(text)):
        return text
    clauses = [c.strip() for c in _CLAUSE_END.split(text) if c and c.strip()]
    opening = 0  # read with the clauses before it: a school is redacted only beside a child's name
    while opening < len(clauses) and _about_the_child(" ".join(clauses[:opening + 1])):
        opening += 1
    rest = " ".join(clauses[opening:])
    if not opening or words(rest) < 5 or not _IDENTIFYING.search(redaction.redact(" ".join(clauses[:opening]))):
        return text
    return rest


_VOLUNTEER_INTRO = re.compile(
    r"^\W*(?:(?:hi|hello|hiya|hey)\b[\s,!.]*)?(?:i'?m|i am|im)\s+(?:a|an|one of the)\s+(?:forum\s+|group\s+)?"
    r"(?:volunteers?|moderators?|mods?|admins?)\b[^,.!?;:]*[,.!?;:]+\s*", re.IGNORECASE)


def without_introduction(text: str) -> str:
    """A volunteer's message read from after their introduction ("hi im a volunteer on the forum, a mum
    asks if ..." is read from "a mum asks"): "volunteer" and "forum" otherwise pull it off its topic."""
    rest, found = _VOLUNTEER_INTRO.subn("", text.replace("\u2019", "'"), count=1)
    return rest if found and rest.strip() else text


UNDER_THREE_AGE = 3
_BABY = re.compile(r"\b(?:baby|babies|toddlers?|newborn|infant)\b", re.IGNORECASE)
_MONTHS_OLD = re.compile(r"\b(\d{1,2})\s*-?\s*(?:months?|mths?)\s*-?\s*old\b|"
                         r"\b(?:is|he's|she's|hes|shes|aged?)\s+(\d{1,2})\s*(?:months?|mths?)\b", re.IGNORECASE)


def about_an_under_three(text: str) -> bool:
    """The message says the child is under 3: "my 2 year old", "he is 20 months", "our toddler" (and
    not "we have waited 6 months")."""
    months = _MONTHS_OLD.search(text.replace("\u2019", "'"))
    if months:
        return int(months.group(1) or months.group(2)) < 12 * UNDER_THREE_AGE
    if _BABY.search(text):
        return True
    age, _, span = parse_age(text)
    counted_in_months = span is not None and re.search(r"m(?:on)?ths?\b", text[span[0]:span[1]], re.IGNORECASE)
    return age is not None and not counted_in_months and age < UNDER_THREE_AGE
