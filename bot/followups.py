"""Follow-ups read in context: "how long?", "what if they say no?", "is that working days?".

Parents follow an answer with a few words that only make sense after it. Such a message is
re-read against the entry just answered (`last_entry`): the candidates are that entry, its
`related:` entries and the targets of its `follow_ups:` (content/faq). Each candidate is scored
two ways, and the better one counts:

- the trained intent model's probabilities, restricted to the candidates (the model alone
  spreads a short message over the whole library; among three or four candidates it is clear);
- how close the message is to the `ask:` phrases staff wrote for the entry (TF-IDF over words
  and character n-grams, so "how long does that take?" matches "how long does it take").

The best candidate is answered only if it clears a floor and a margin over the next one;
otherwise the caller gives its normal reply. A follow-up that means the same entry gets the
sentence of its answer that holds the fact ("calendar days, not working days"), not the whole
answer again. No Rasa here: the actions pass in the message, the ranking and the slot.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Optional

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.pipeline import make_union
from sklearn.preprocessing import normalize

from bot import content, reading
from bot.content import Entry, FollowUp, Library

SHORT_WORDS = 5
"""A message of at most this many words (after "ok", "and", "but"...) is read as a follow-up."""
UNSURE = 0.5
"""Below this model confidence a message is re-read against the conversation's topic."""
SURE = 0.5
"""At or above this confidence the model's own FAQ answer stands, unless an `ask:` phrase matches
closely (STRONG_PHRASE): "how long" after mediation means mediation, whatever the model says."""
MIN_SCORE = 0.35
"""The best candidate must score at least this much ..."""
MARGIN = 0.12
"""... and this much more than the next candidate."""
STRONG_PHRASE = 0.6
"""An `ask:` phrase this close to the message wins over a confident model guess."""
CLOSE_PHRASE = 0.75
"""An `ask:` phrase this close is a follow-up even without "it" or "that" and however sure the model is
("what should i be asking for at the meeting" after school funding, 0.75: not the request letter)."""
LONG_MODEL_SHARE = 0.5
"""For a message that is not short, a candidate chosen by the model alone (no close ask phrase)
needs at least this share of the model's top probability."""
MODEL_PRIOR = 0.05
"""Added to the candidates' total probability when sharing it out, so that candidates the model
barely considered do not get a large share of nothing."""
NEAR_PHRASE = 0.5
"""A longer message this close to an ask phrase is a follow-up when the model places it nowhere (its top
guess under MIN_SCORE): "can i send my own reports" after the assessment answer."""
OWN_ASK_OVER_DETAIL = 0.5
"""A message this close to one of the answer's own ask phrases gets that phrase's fact, not the part a general
detail pattern finds ("is that ok" after section F: its vagueness, not "the council has a legal duty")."""
FACT_MIN_SIMILARITY = 0.12
"""A sentence of an answer is quoted for a same-entry follow-up only if it is at least this close."""
OUT_OF_SCOPE_SURE = 0.8
OUT_OF_SCOPE_PLAIN = 0.4
"""Outside a SEND conversation: with about 130 intents, a weak out-of-scope guess is more often a
vague SEND message than another council service (bins 0.92, a CV 0.70); it gets "not sure" with
guesses, and so does a message that points at something unsaid ("is that working days?")."""
"""In a SEND conversation, "only SEND" needs this confidence and a message that does not point
back ("it", "that", "they"): "whose job is it?" after the annual review answer is not about bins."""

_FILLERS = {"ok", "okay", "oh", "and", "but", "so", "right", "thanks", "thank", "you", "um", "hmm", "well", "then",
            "also", "sorry", "please", "alright", "cool", "great", "yes", "no"}
_REFORMS = ("send_reforms", "reforms_")
_NAMES_REFORMS = re.compile(r"\b(?:reforms?|white paper|proposals?|propos\w*|chang\w*|new (?:law|rules|system)|scrap\w*|"
                            r"abolish\w*|get rid|20[23]\d|government|parliament|bill|stop\w*|paus\w*|future|isps?|"
                            r"inclusion (?:support )?plans?|exist|anymore|any more|going away|ending)\b", re.IGNORECASE)
"""The reforms entries' own words: a sure guess at them stands after another answer only when the message
names the reforms; "still" alone ("can i still ask for an assessment") does not."""
_POINTING = {"that", "it", "this", "they", "them", "those", "these", "its", "thats", "theyre"}
_CONTINUES = re.compile(r"^\W*(?:and|also|plus|what about|how about)\b", re.IGNORECASE)
"""A message that opens by carrying on ("and will he still get his transport") is about the answer before it."""
_ASKS_ABOUT_SOMETHING_UNSAID = re.compile(
    r"^\W*(?:and |but |so |ok |okay )?(?:is|does|do|did|will|can|was|what about|how about)\s+(?:that|this|those|these|it)\b",
    re.IGNORECASE)
_COMMON = {"what", "when", "where", "which", "who", "whose", "why", "how", "your", "with", "from", "about", "that",
           "they", "have", "this", "does", "help", "free", "council", "school", "child", "children", "after",
           "before", "their", "them", "will", "should", "there", "need", "needs", "getting", "more", "being",
           "some", "into", "than", "only", "other", "things", "work", "what's", "young", "people", "person",
           "parent", "parents", "family", "families", "local", "support", "someone", "time", "long", "days",
           "ask", "asked", "asking", "say", "said", "says", "tell", "told"}


@dataclass(frozen=True)
class Reading:
    """What a follow-up was read as: the entry that answers it, and why."""
    target: str
    score: float
    model: float
    phrase: float
    fact: str = ""
    """For a follow-up answered by the entry just given: the part of its answer that holds the fact."""
    raw: float = 0.0
    """The model's own probability for the target, before restricting to the candidates."""


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", reading.plain(text).lower().replace("'", "").replace("\u2019", ""))


TOPIC_MAX_ENTRIES = 3
"""A word in the example questions of at most this many entries names a topic ("tribunal", "ehcp"
does not: it is everywhere, but it is in the titles)."""
# Grammar words never name a topic, even in a title ("Transport for post-16" made "for" one); these
# stop words can ("first steps", "the last review").
_NOT_GRAMMAR = {"amount", "describe", "empty", "first", "five", "found", "front", "last", "part", "put", "side",
                "ten", "top", "bill", "fire", "call", "find", "move", "back", "system", "full"}
_GRAMMAR = frozenset(ENGLISH_STOP_WORDS - _NOT_GRAMMAR)


@lru_cache(maxsize=4)
def _topic_words_cached(titles: tuple[str, ...], questions: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    found = {w for title in titles for w in words(title) if len(w) >= 3}
    spread: dict[str, set[int]] = {}
    for index, entry_questions in enumerate(questions):
        for question in entry_questions:
            for word in words(question):
                spread.setdefault(word, set()).add(index)
    found |= {w for w, where in spread.items() if len(where) <= TOPIC_MAX_ENTRIES and len(w) >= 3}
    return frozenset(found - _COMMON - _POINTING - _FILLERS - _GRAMMAR)


def topic_words(library: Library) -> frozenset[str]:
    """Words that name a topic of their own: those of the entries' titles, and words of the example
    questions that only a few entries use; common words and pronouns are not topics."""
    entries = sorted(library.entries.values(), key=lambda e: e.id)
    return _topic_words_cached(tuple(e.title for e in entries), tuple(e.questions for e in entries))


def is_short(text: str) -> bool:
    return len([w for w in words(text) if w not in _FILLERS]) <= SHORT_WORDS


def points_back(text: str, library: Library) -> bool:
    """It says "that", "it" or "they" and names no topic of its own: it refers to what came before."""
    found = words(text)
    return any(w in _POINTING for w in found) and not any(w in topic_words(library) for w in found)


CONTEXT_FREE_MAX_WORDS = 8
"""A message this short that points back ("is that working days?") is a follow-up, whatever its words."""


def needs_context(text: str, confidence: float) -> bool:
    """A short message that points back, read with no answer before it: the model's weak guess (below
    MIN_SCORE) answers something the parent never asked, so the reply is "not sure" instead."""
    found = words(text)
    return len(found) <= CONTEXT_FREE_MAX_WORDS and any(w in _POINTING for w in found) and confidence < MIN_SCORE


@lru_cache(maxsize=512)
def _vocabulary(entry: Entry) -> frozenset[str]:
    """The words of an entry's title, example questions and follow-up phrases."""
    texts = (entry.title, *entry.questions, *(ask for f in entry.follow_ups for ask in f.asks))
    return frozenset(w for text in texts for w in words(text))


def belongs_here(text: str, entry: Entry, guess: Optional[Entry]) -> bool:
    """Of the message's own words (four letters or more, not common ones), those that tell the answer and
    the model's other guess apart are all the answer's: "does the school have to refer or can i" after the
    OT referral answer ("refer"), which the model alone reads as naming a school; "the council said no
    because its under 2 miles" after school transport ("miles", "under"), read alone as the assessment test."""
    own = {w for w in words(text) if len(w) >= 4} - _COMMON - _FILLERS - _POINTING
    if not own or guess is None or guess.id == entry.id:
        return False
    answer, other = own & _vocabulary(entry), own & _vocabulary(guess)
    return bool(answer - other) and not other - answer


def looks_like_follow_up(text: str, confidence: float, library: Library) -> bool:
    """A short message; one that points back ("it", "that", "they") and names no topic of its own;
    or one the model is unsure of that points back or names no topic. A longer message with a
    topic of its own ("school not following the ehcp") is a new question, however unsure the model."""
    found = words(text)
    pointing = any(w in _POINTING for w in found)
    topical = any(w in topic_words(library) for w in found)
    return is_short(text) or (pointing and not topical) or (confidence < UNSURE and (pointing or not topical))


_PHONE_NUMBER = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")
_ASKS_NUMBER = re.compile(r"\b(?:number|phone|ring|call)\b")


@dataclass(frozen=True)
class Detail:
    """A plain detail parents ask for after any answer ("is it free?", "what's their number?"): the
    words that ask for it, and the words of a sentence of an answer that gives it."""
    name: str
    asks: re.Pattern
    says: re.Pattern
    beats_a_sure_guess: bool = False
    """"How long is the wait?" names no topic, yet the model is sure it means the EHC time limits."""
    first: bool = False
    """Quote the first sentence that gives it (how to apply comes before "you can apply again")."""
    own_words: frozenset = frozenset()
    """Words of the question that name no other topic here ("ehcp" in "he doesn't have an ehcp")."""
    paragraph: bool = False
    """Quote the whole paragraph that gives it ("no EHC plan" opens a paragraph about children without one)."""
    quiet: bool = False
    """When the answer does not say it, read the message as usual rather than say the answer has no more."""
    prefer: Optional[re.Pattern] = None
    """Of the sentences that give it, those that also say this come first ("the council must name it" before
    "a special school place needs an EHC plan" for "who decides")."""
    after_reading: bool = False
    """Quote it only when the model and the ask phrases point to no other entry: "and if the LA refuse?"
    after the time limits means the refusal's own answer."""


DETAILS = (
    # "He doesn't have an EHCP" after an answer that covers children with and without a plan.
    Detail("no_plan", re.compile(r"\b(?:doesnt|does not|dont|do not|hasnt|has not|havent|have not|not got|without|isnt on|"
                                 r"no|not) (?:got |have |has |yet |even |on )*(?:an? |one|the )?(?:ehcp|ehc plan|ehc|plan|"
                                 r"statement)\b"),
           re.compile(r"\b(?:no|without an?|not have an?|do not need an?|does not need an?|not need an?) (?:ehc )?plan\b"),
           first=True, paragraph=True, beats_a_sure_guess=True, quiet=True, own_words=frozenset({"ehcp", "ehc", "plan", "statement"})),
    # "Who pays for that?": the sentence about money, ahead of "cost" (which "pay" also asks for).
    Detail("who_pays", re.compile(r"\bwho (?:pays|funds|is paying|is funding|foots)\b|\bwho (?:has|have) to pay\b|"
                                  r"\b(?:get|give|any|some) (?:money|funding)\b|\bwill (?:they|the council) pay\b"),
           re.compile(r"\b(?:pay|pays|paid|fund|funds|funded|funding|budget|money|free|costs?)\b"),
           beats_a_sure_guess=True, quiet=True, own_words=frozenset({"money", "funding"}),
           prefer=re.compile(r"\b(?:free (?:to|of charge|for|at the point)|at no cost)\b")),  # not "free videos"
    # "Is that allowed?" after an answer that says what the law allows: its first sentence that says so.
    Detail("allowed", re.compile(r"\b(?:is|are) (?:that|this|it|they|them|what they are doing|what theyre doing) "
                                 r"(?:even |actually |really )?(?:allowed|legal|lawful|illegal|ok|okay)\b|"
                                 r"\bcan (?:they|the school|the council|he|she) (?:do|say) (?:that|this)\b|\bare they allowed\b"),
           re.compile(r"\b(?:unlawful|lawful|illegal|not allowed|must not|mustn't|cannot|can't|not acceptable|unacceptable|"
                      r"legal duty|discriminat\w*|needs your agreement)\b"),
           first=True, beats_a_sure_guess=True, quiet=True, own_words=frozenset({"legal", "lawful", "illegal", "allowed"})),
    # "So who is meant to sort it out?" after any answer: who holds the duty, never the Mental Capacity
    # Act's best interests (the model's reading of the words alone).
    Detail("responsible", re.compile(r"\bwho(?:s| is| are)? (?:meant|supposed|responsible|in charge)\b|"
                                     r"\bwhose (?:job|responsibility|duty)\b|\bwho (?:has|have|needs?|should|must|ought) to "
                                     r"(?:sort|fix|do|arrange|provide|make|put|deal|organi[sz]e)\b|"
                                     r"\bwho (?:sorts|fixes|arranges|deals with|organi[sz]es)\b"),
           re.compile(r"(?<!parental )\b(?:responsible|responsibility|legal duty|duty|duties|must (?:arrange|secure|provide|"
                      r"name|review|find)|must be (?:arranged|provided|secured)|the council must)\b"),
           beats_a_sure_guess=True, first=True,
           own_words=frozenset({"responsible", "responsibility", "job", "duty", "sort", "fix", "meant", "supposed"}),
           prefer=re.compile(r"(?<!parental )\b(?:responsible|responsibility|duty|duties)\b")),
    # "Who decides?" after any answer: who makes that decision, never the Mental Capacity Act's best
    # interests (the model's reading of the words alone).
    Detail("decides", re.compile(r"\bwho (?:decides|decide|makes (?:the|that|this) (?:decision|call)|has the (?:final )?say|"
                                 r"gets to (?:decide|choose|say)|chooses|agrees it)\b"),
           re.compile(r"\b(?:decides|decided|decision|agrees?|agreement|approv\w*|panel|assessment|must name)\b"),
           beats_a_sure_guess=True, own_words=frozenset({"decides", "decide", "decision", "say", "choose", "chooses"}),
           prefer=re.compile(r"\b(?:decides|decided|decision|must name)\b")),
    # "And then what?" after an answer: the next step it gives, not the general menu.
    Detail("next", re.compile(r"^(?:and |so |ok |okay |right |but )*(?:then what|what then|what happens (?:next|then|after(?: that)?)|"
                              r"what comes next|(?:and )?after that|whats next|what is next|what next|and then)\W*$"),
           re.compile(r"^(?:then|next|after that|afterwards|once|the final|you can|within)\b|"
                      r"^if (?:the|it|they)\b[^.]*\b(?:not|still)\b"), first=True),
    Detail("cost", re.compile(r"\b(?:free|cost|costs|pay|paying|paid|charge|charged|charges|price|fee|fees)\b"),
           re.compile(r"\b(?:free|costs?|charges?|charged|fees?|price|paid back|pay back|pay it back)\b")),
    Detail("contact", re.compile(r"\b(?:number|phone|ring|call|email|contact|website)\b"),
           re.compile(r"\b(?:phone|telephone|email|e-mail|contact|website|details are)\b|" + _PHONE_NUMBER.pattern)),
    Detail("apply", re.compile(r"\b(?:apply|applies|applying|claim|claims|claiming|application|sign up|register)\b|"
                               r"\bhow (?:do|can|would|should) (?:i|we) (?:ask for|request) (?:one|it|that|them)$"),
           re.compile(r"\b(?:apply|application|claim|form|request|ask for (?:a|an|one|it))\b"), first=True),
    Detail("write", re.compile(r"\bwho (?:do|should|can) (?:i|we) (?:write|send|email|complain|address)\b|"
                               r"\bwho (?:do|should) (?:i|we) (?:send|address) (?:it|the letter)\b|\bwhere do (?:i|we) send\b"),
           re.compile(r"\b(?:write to|in writing|complain to|send (?:it|the form|form|a letter|your)|email the|"
                      r"letter to|ask the council|ask the school|tell the)\b"), first=True),
    Detail("refused", re.compile(r"\bif (?:they|he|she|it|the (?:council|school|college|la)) (?:still )?"
                                 r"(?:dont|doesnt|wont|refuses?|says? no|ignores?|turns? (?:it|me|us) down|do nothing|does nothing)\b"),
           re.compile(r"\b(?:refus\w*|appeal\w*|complain\w*)\b"), first=True, after_reading=True),
    # "They have missed the first one, what now" after the time limits (or the dates worked out from them):
    # the answer's sentence on a missed deadline, not the next step of the process.
    Detail("missed", re.compile(r"\b(?:they|theyve|the council|the la|it|the deadline|the date|that date|that)\b(?: \w+){0,3} "
                                r"(?:missed|gone past|gone over|passed|overdue|run out|ran out)\b"),
           re.compile(r"\b(?:is late|(?:is|are) missed|misses|missed|overdue)\b"),
           first=True, quiet=True, own_words=frozenset({"missed", "passed", "overdue", "first", "date", "deadline"}),
           prefer=re.compile(r"\bcomplain")),
    Detail("steps", re.compile(r"\bwhat (?:can|do|should) (?:i|we) (?:actually |really |even |now )?do\b|\bwhat now\b|\bwhere do (?:i|we) (?:go|start)\b|"
                               r"\bwhat are (?:my|our) options\b|\bnext steps?\b|"
                               r"\bhow (?:do|can|could) (?:i|we) (?:stop|challenge|fight) (?:it|that|this|them)\b|"
                               r"\bhow (?:do|can|should) (?:i|we) (?:actually )?(?:do|go about) (?:it|that|this)\b"),
           re.compile(r"^(?:what to do|what you can do|you can|ask|write|complain|appeal|contact|talk to|tell)\b|"
                      r"^if\b[^.,]*,\s*(?:ask|write|complain|appeal|contact|talk to|tell)\b|"  # "If it goes on, ask ..."
                      r"\n\s*(?:1\.|-)\s*(?:write|ask|complain|tell|contact|appeal|note)\b"),  # a list of steps
           first=True, own_words=frozenset({"options"})),  # "what are my options", not the options after 16
    Detail("time", re.compile(r"\bhow long\b|\btime ?limits?\b|\bwait(?:s|ing)?\b|\bhow many (?:weeks|months)\b|\bby when\b|"
                              r"\bwhen (?:should|must|do|does|will|have|did|is|are) .*\bby$|\bdeadline\b"),
           re.compile(r"\b\d+ (?:working |school |calendar )?(?:days?|weeks?|months?|years?)\b|\bwaits\b|"
                      r"\bwaiting (?:lists?|times?)\b|\bby \d{1,2} (?:january|february|march|april|may|june|july|"
                      r"august|september|october|november|december)\b"), beats_a_sure_guess=True),
)
"""A sentence that "cannot pay for a school place" does not say what something costs."""


_CHECKING = re.compile(r"^\W*(?:(?:and|so|but|ok|okay|really|wait)\W+)?(?:(?:is|are)\s+(?:that|this|it|you)\s+"
                       r"(?:really\s+|definitely\s+|actually\s+)?(?:right|true|correct|accurate|sure|the law|legit)"
                       r"|really|seriously|are you sure|you sure|is that a fact)\W*$", re.IGNORECASE)


_ASKS_FOR_THE_LAW = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay|wait|sorry)\W+)?(?:"
    r"(?:is|isn'?t|are)\s+(?:that|this|it|they)\s+(?:actually\s+|really\s+|even\s+)?(?:the law|a law|law|legal|illegal|lawful|"
    r"unlawful|allowed|fair|ok|okay|in the law|in law|written down|official)"
    r"|where (?:does|do|is) (?:it|that|this|the law) (?:say|said|written|come from)(?: (?:that|this|so|it))?"
    r"|where (?:is|'?s) (?:that|this|it) (?:written|from)"
    r"|(?:what|which) (?:law|laws|rule|rules|legislation|regulation)(?: (?:is that|says that|says so|is it|says))?"
    r"|(?:can|could) (?:i|you) (?:see|show me|have) (?:the law|where it says(?: that| so)?|the source)"
    r"|show me (?:the law|where it says(?: that| so)?)|(?:what(?:'?s| is) )?(?:the|your) source"
    r"|says who)\W*$", re.IGNORECASE)
"""Asking what an answer rests on: "is that the law", "where does it say that", "is that allowed"."""

_ASKS_TO_WRITE = re.compile(
    r"\b(?:write|draft|do|make|give)\s+(?:me|us)\s+(?:a|an|the|that)?\s*(?:letter|email|e-mail|complaint)\b"
    r"|\b(?:write|draft)\s+(?:it|that|one|the (?:letter|email|e-mail|complaint))\s+for\s+(?:me|us)\b"
    r"|\b(?:write|draft)\s+(?:a|the|my)\s+(?:letter|email|e-mail|complaint)\s+for\s+(?:me|us)\b"
    r"|\bwhat (?:do|should|shall|would|can) (?:i|we) (?:say|write|put)\b|\bwhat (?:to|should i) (?:say|write|put)\b"
    r"|\bhow (?:do|should) (?:i|we) (?:word|phrase) (?:it|that|the (?:letter|email))\b"
    r"|\b(?:a|any) (?:template|example|sample) (?:letter|email)\b", re.IGNORECASE)
"""Asking the assistant to write a letter or say what to put in it."""

_ASKS_TO_SEND = re.compile(
    r"\b(?:send|email|e-mail|text|forward)\s+(?:me\s+)?(?:that|this|it|the answer|a copy|them)(?:\s+to\s+(?:me|my\s+\w+))?\W*$"
    r"|\b(?:send|email|e-mail|text|forward)\s+(?:that|this|it)\s+to\s+(?:me|my\s+\w+)\b"
    r"|\bcan i (?:get|have) (?:a copy|that|this|it) (?:in writing|by email|emailed|sent)\b", re.IGNORECASE)
"""Asking the assistant to send its answer somewhere: it cannot."""


def checks_the_answer(text: str) -> bool:
    """"Is that right?", "really?": the parent wants to know how sure the answer just given is."""
    return bool(_CHECKING.match(text.replace("\u2019", "'")))


def asks_for_the_law(text: str) -> bool:
    """"Is that the law?", "where does it say that?", "is that allowed?": what the answer rests on."""
    return len(words(text)) <= CONTEXT_FREE_MAX_WORDS and bool(_ASKS_FOR_THE_LAW.match(text.replace("\u2019", "'")))


def asks_to_write(text: str) -> bool:
    """"Write me a letter", "what do I say to them": the parent wants the words to send."""
    return len(words(text)) <= CONTEXT_FREE_MAX_WORDS + 4 and bool(_ASKS_TO_WRITE.search(text.replace("\u2019", "'")))


def asks_to_send(text: str) -> bool:
    """"Can you send me that", "email it to me": the assistant cannot send anything."""
    return len(words(text)) <= CONTEXT_FREE_MAX_WORDS and bool(_ASKS_TO_SEND.search(text.replace("\u2019", "'")))


def asks_for_detail(text: str, library: Library) -> Optional[Detail]:
    """The detail a short message asks for that names no topic of its own ("is it free?", "can you
    just tell me the number"): after an answer it is about that answer, whatever the model guesses."""
    found = words(text)
    if len(found) > CONTEXT_FREE_MAX_WORDS:
        return None
    for detail in DETAILS:
        if detail.asks.search(" ".join(found)) and not any(
                w in topic_words(library) and not detail.asks.fullmatch(w) and w not in detail.own_words for w in found):
            return detail
    return None


def detail_part(text: str, detail: Detail, entry: Entry, library: Library) -> str:
    """The part of an entry's answer that gives the detail ("" when it does not say)."""
    parts = [p for p in answer_parts(entry.answer) if detail.says.search(p.lower())]
    if _ASKS_NUMBER.search(text.lower()) and any(_PHONE_NUMBER.search(p) for p in parts):
        parts = [p for p in parts if _PHONE_NUMBER.search(p)]  # "the number": the sentence that gives one
    if not parts:
        return ""
    preferred = [p for p in parts if detail.prefer and detail.prefer.search(p.lower())]
    parts = preferred or parts
    part = parts[0] if detail.first else max(zip(similarity(library, text, parts), parts))[1]
    if detail.paragraph:
        return next((p.strip() for p in entry.answer.split("\n\n") if part in p), part)
    return part


# Similarity of a message to the `ask:` phrases ----------------------------------------------------

def _all_asks(library: Library) -> list[str]:
    return [ask for e in library.entries.values() for f in e.follow_ups for ask in f.asks]


@lru_cache(maxsize=4)
def _vectoriser_cached(corpus: tuple[str, ...]):
    features = make_union(
        TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
        TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
    )
    return features.fit(list(corpus))


_by_library: list[tuple[Library, Any]] = []  # the last few libraries (held, so no other takes their id) and theirs


def _vectoriser(library: Library):
    """The vectoriser fitted on the library's asks and questions; found by the library itself first, as
    gathering its corpus again cost about 0.3 ms a call (issue 19: several calls a follow-up)."""
    for kept, vectoriser in _by_library:
        if kept is library:
            return vectoriser
    corpus = _all_asks(library) + [q for e in library.entries.values() for q in e.questions]
    vectoriser = _vectoriser_cached(tuple(corpus))
    _by_library[:] = [(library, vectoriser), *_by_library[:3]]
    return vectoriser


def similarity(library: Library, text: str, others: list[str]) -> list[float]:
    """Cosine similarity of `text` to each of `others` (word and character TF-IDF; each part is
    normalised, so the union's vectors are scaled to unit length before comparing)."""
    if not others:
        return []
    matrix = normalize(_vectoriser(library).transform([text] + others))
    return [float(v) for v in (matrix[1:] @ matrix[0].T).toarray().ravel()]


# Candidates and their scores ---------------------------------------------------------------------

def candidates(entry: Entry, library: Library) -> list[str]:
    """The entry itself, its related entries, then its follow-ups' targets, each once."""
    found: list[str] = []
    for entry_id in (entry.id, *entry.related, *(f.target for f in entry.follow_ups)):
        if entry_id in library.entries and entry_id not in found:
            found.append(entry_id)
    return found


def _ranking_map(ranking: Iterable[Any]) -> dict[str, float]:
    probabilities: dict[str, float] = {}
    for item in ranking:
        if isinstance(item, dict):
            name, confidence = item.get("name"), item.get("confidence")
        else:
            name, confidence = item
        if name:
            probabilities[str(name)] = float(confidence or 0)
    return probabilities


def score(text: str, ranking: Iterable[Any], entry: Entry, library: Library) -> list[Reading]:
    """Every candidate with its score, best first."""
    probabilities = _ranking_map(ranking)
    ids = candidates(entry, library)
    model = {i: probabilities.get(content.INTENT_PREFIX + i, 0.0) for i in ids}
    total = sum(model.values()) + MODEL_PRIOR
    asks = [(f.target, ask) for f in entry.follow_ups for ask in f.asks]
    closeness = similarity(library, text, [ask for _, ask in asks])
    phrase = {i: 0.0 for i in ids}
    for (target, _), value in zip(asks, closeness):
        if target in phrase:
            phrase[target] = max(phrase[target], value)
    readings = [Reading(i, max(model[i] / total, phrase[i]), model[i] / total, phrase[i], raw=model[i]) for i in ids]
    return sorted(readings, key=lambda r: r.score, reverse=True)


def same_part_text(entry: Entry, fact: str) -> str:
    """The reply to a new question that the part of the answer quoted just before also answers."""
    return (f"The same part of the answer about \"{entry.title}\" covers that:\n\n{fact}\n\n"
            f"Source: {entry.source}.")


def points_back_to_an_ask(text: str, entry: Entry, library: Library) -> bool:
    """It points back ("how do i contact them") and one of the entry's `ask:` phrases says it closely."""
    return any(w in _POINTING for w in words(text)) and any(
        r.phrase >= STRONG_PHRASE for r in score(text, (), entry, library))


def reread(text: str, ranking: Iterable[Any], last_entry: Optional[str], library: Library,
           predicted: Optional[str] = None, confidence: float = 0.0) -> Optional[Reading]:
    """What a message means after the answer about `last_entry`, or None to reply as usual.

    `predicted` and `confidence` are the model's own reading (an intent name); a confident FAQ
    guess outside the candidates stands unless an `ask:` phrase matches the message closely. A
    short question for a plain detail ("is it free?", "what's their number?") gets the part of the
    answer that gives it, or (if no other reading fits) that the answer says no more."""
    entry = library.entries.get(last_entry or "")
    if entry is None or not text.strip() or text.startswith("/"):  # "/faq_..." is a button: it means itself
        return None
    echoed = echoed_part(text, entry)
    if echoed:
        return Reading(entry.id, 1.0, 0.0, 1.0, echoed)
    readings = score(text, ranking, entry, library)
    if not readings:
        return None
    best = readings[0]
    guess = library.by_intent(predicted)
    if guess is not None and guess.id.startswith(_REFORMS) and not _NAMES_REFORMS.search(text):
        confidence = min(confidence, UNSURE - 0.01)  # "can i still ask for an ehc assessment" after the kinship answer
    own = next((r.phrase for r in readings if r.target == entry.id), 0.0)
    detail = asks_for_detail(text, library) if best.phrase < STRONG_PHRASE and own < OWN_ASK_OVER_DETAIL else None
    if detail and not (detail.beats_a_sure_guess or guess is None or guess.id == entry.id or confidence < SURE):
        detail = None
    part = detail_part(text, detail, entry, library) if detail and not detail.after_reading else ""
    if part:
        return Reading(entry.id, best.score, best.model, best.phrase, part, best.raw)
    reading = _reread(text, ranking, entry, library, readings, guess, confidence)
    if detail and detail.after_reading and (reading is None or (reading.target == entry.id and not reading.fact)):
        part = detail_part(text, detail, entry, library)
        if part:
            return Reading(entry.id, best.score, best.model, best.phrase, part, best.raw)
    if reading is None and detail and not detail.quiet:
        return Reading(entry.id, best.score, best.model, best.phrase)
    return reading


def _reread(text: str, ranking: Iterable[Any], entry: Entry, library: Library, readings: list[Reading],
            guess: Optional[Entry], confidence: float) -> Optional[Reading]:
    by_phrase = max(readings, key=lambda r: r.phrase)
    same_again = guess is not None and guess.id == entry.id  # the model reads it as the answer just given
    if by_phrase is not readings[0] and (by_phrase.phrase >= CLOSE_PHRASE or (by_phrase.phrase >= STRONG_PHRASE and (
            any(w in _POINTING for w in words(text)) or confidence < UNSURE or same_again)) or (
            by_phrase.phrase >= NEAR_PHRASE and confidence < MIN_SCORE)):
        # a staff-written ask phrase this close beats the model's share among the candidates ("ok and can
        # the school do it early" after the annual review: its own "can they do it early"; "can she have her
        # melatonin on the school trip" after the sleep answer, which the model reads as the sleep answer again)
        readings = [by_phrase] + [r for r in readings if r is not by_phrase]
    best = readings[0]
    # A message close to one of the entry's own ask phrases is a follow-up when it points back ("is
    # that working days?"), however sure the model is of something else, or when the model is unsure
    # ("what about when she goes to college?" after transport).
    near_and_unplaced = best.phrase >= NEAR_PHRASE and confidence < MIN_SCORE  # "can i send my own reports"
    near_an_ask = best.phrase >= CLOSE_PHRASE or near_and_unplaced or (best.phrase >= STRONG_PHRASE and (
        any(w in _POINTING for w in words(text)) or confidence < UNSURE or _CONTINUES.match(text) or same_again))
    belongs = belongs_here(text, entry, guess) and best.target == entry.id
    if not near_an_ask and not belongs and not looks_like_follow_up(text, confidence, library):
        return None
    runner_up = readings[1].score if len(readings) > 1 else 0.0
    if best.score < MIN_SCORE or (best.score - runner_up < MARGIN and not near_an_ask):
        return None
    top = max(_ranking_map(ranking).values(), default=0.0)
    says_it = best.phrase >= MIN_SCORE and points_back(text, library)  # "can i use it for swimming lessons"
    if best.phrase < STRONG_PHRASE and not belongs and not says_it and not near_and_unplaced \
            and not is_short(text) and best.raw < LONG_MODEL_SHARE * top:
        return None  # a longer message the model reads as something else, and no ask phrase close to it
    asked = {w for f in entry.follow_ups for ask in f.asks for w in words(ask)}
    names_a_topic = any(w in topic_words(library) and w not in asked for w in words(text))
    if guess and confidence >= SURE and not belongs and (best.phrase < STRONG_PHRASE or names_a_topic) \
            and (guess.id != best.target or guess.id == entry.id):
        return None  # the model's own reading stands: another question ("does DLA stop at 16?"), or the same again
    if best.target == entry.id:
        return Reading(best.target, best.score, best.model, best.phrase, _fact(text, entry, library), best.raw)
    if best.phrase >= STRONG_PHRASE:
        quoted = _fact_elsewhere(text, entry, library.entries[best.target], library)
        if quoted:
            return Reading(best.target, best.score, best.model, best.phrase, quoted, best.raw)
    return best


_ECHO_MAX_WORDS = 4
_QUESTION_WORDS = frozenset("what why how when who where which is are can could do does did will would should".split())
_ECHO_LEAD = frozenset("so really just only and but oh ok okay the a an".split())


def echoed_part(text: str, entry: Entry) -> str:
    """A short question that repeats a figure or phrase of the answer just given ("12 months?",
    "so 4 weeks?", "early review?") asks about it: the part of the answer that says it ("" when it is
    not one). One word alone ("the ombudsman?") more likely asks what the thing is: left to the model."""
    if not text.rstrip().endswith("?"):
        return ""
    found = words(text)
    lead = 0
    while lead < len(found) and found[lead] in _ECHO_LEAD:
        lead += 1
    kept = found[lead:]  # "so 4 weeks?": the words echoed; "what is section F?" asks something else
    if not kept or len(found) > _ECHO_MAX_WORDS or kept[0] in _QUESTION_WORDS \
            or not (any(w.isdigit() for w in kept) or len(kept) > 1):  # "the ombudsman?" asks what it is
        return ""
    phrase = re.compile(r"\b" + re.escape(" ".join(kept)) + r"\b")
    return next((p for p in answer_parts(entry.answer) if phrase.search(" ".join(words(p)))), "")


def plainly_out_of_scope(text: str, confidence: float, last_entry: Optional[str], library: Library) -> bool:
    """Whether "I can only help with SEND" fits: outside a SEND conversation, for a fair guess;
    inside one, only for a confident guess at a message that does not point back to the answer."""
    if not last_entry or last_entry not in library.entries:  # "is that working days?" points at something
        return confidence >= OUT_OF_SCOPE_PLAIN and not _ASKS_ABOUT_SOMETHING_UNSAID.match(text)
    return confidence >= OUT_OF_SCOPE_SURE and not any(w in _POINTING for w in words(text)) \
        and not asks_for_detail(text, library)


# The reply ---------------------------------------------------------------------------------------

def answer_parts(answer: str) -> list[str]:
    """An answer cut into the pieces a reply can quote: sentences, and a list with its lead-in."""
    parts: list[str] = []
    for paragraph in answer.split("\n\n"):
        if "\n" in paragraph:  # a lead-in line with list items: quoted whole
            parts.append(paragraph)
            continue
        parts.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"])", paragraph) if s.strip())
    return parts


def _holding(fact: str, parts: list[str]) -> str:
    """The part of an answer that holds `fact` (from a list, the item that holds it; "" if none)."""
    for part in parts:
        if fact.lower() in " ".join(part.split()).lower():
            items = [line for line in part.splitlines()[1:] if fact.lower() in " ".join(line.split()).lower()]
            return items[0].strip() if items else part
    return ""


def _fact_elsewhere(text: str, entry: Entry, target: Entry, library: Library) -> str:
    """For a follow-up answered by another entry with a `fact:` ("when do we get the decision" after the
    appeal answer: the Tribunal steps' "within about 10 working days"), the part of that entry's answer
    that holds it ("" when the closest ask phrase has no fact: the whole answer is sent)."""
    pairs = [(f, ask) for f in entry.follow_ups if f.target == target.id for ask in f.asks]
    if not pairs:
        return ""
    closeness = similarity(library, text, [ask for _, ask in pairs])
    follow_up = max(zip(pairs, closeness), key=lambda p: p[1])[0][0]
    return _holding(follow_up.fact, answer_parts(target.answer)) if follow_up.fact else ""


def nearest_own_ask(text: str, entry: Entry, library: Library) -> Optional[FollowUp]:
    """The entry's own follow-up whose ask phrase says `text`, if one is at least MIN_SCORE close."""
    matched = [f for f in entry.follow_ups if f.target == entry.id]
    if not matched:
        return None
    pairs = [(f, ask) for f in matched for ask in f.asks]
    (follow_up, _), value = max(zip(pairs, similarity(library, text, [ask for _, ask in pairs])), key=lambda p: p[1])
    return follow_up if value >= MIN_SCORE else None  # else no ask phrase says it: "do we have to wait" is not "can nursery help"


def part_asked(text: str, entry: Entry, library: Library) -> str:
    """The part of `entry`'s answer that one of its own ask phrases says `text` asks about ("" if none)."""
    follow_up = nearest_own_ask(text, entry, library)
    return _holding(follow_up.fact, answer_parts(entry.answer)) if follow_up and follow_up.fact else ""


def _fact(text: str, entry: Entry, library: Library) -> str:
    """The part of the entry's answer that a same-entry follow-up asks about ("" if none fits)."""
    parts = answer_parts(entry.answer)
    follow_up = nearest_own_ask(text, entry, library)
    asks = ""
    if follow_up:
        held = _holding(follow_up.fact, parts) if follow_up.fact else ""
        if held:
            return held
        asks = " ".join(follow_up.asks)
    closeness = similarity(library, f"{text} {asks}", parts)
    if not closeness:
        return ""
    value, part = max(zip(closeness, parts))
    return part if value >= FACT_MIN_SIMILARITY else ""


def fact_text(entry: Entry, fact: str) -> str:
    """The reply to a follow-up about the answer just given: the part that holds the fact."""
    return (f"On that point, from the answer about \"{entry.title}\":\n\n{fact}\n\n"
            f"Source: {entry.source}.")


def checked_text(entry: Entry) -> str:
    """The reply to "is that right?" after an answer: what it rests on, and who can check a situation."""
    return (f"The answer about \"{entry.title}\" is based on {entry.source}, last checked "
            f"{entry.last_reviewed:%-d %B %Y}. Every situation is different: Medway SENDIASS gives free, impartial "
            "advice and can check how it applies to your child.")


def _links_text(entry: Entry) -> str:
    return "".join(f"\n- {link.title}: {link.url}" for link in entry.links)


def law_text(entry: Entry) -> str:
    """The reply to "is that the law?" or "where does it say that?": the law the answer rests on and
    where to read it, and who can check how it applies."""
    read = f"\n\nYou can read it here:{_links_text(entry)}" if entry.links else ""
    return (f"The answer about \"{entry.title}\" rests on {entry.source} (last checked "
            f"{entry.last_reviewed:%-d %B %Y}).{read}\n\nEvery situation is different: Medway SENDIASS gives free, "
            "impartial advice and can check how the law applies to your child.")


WRITE_TEXT = ("I can't write letters or emails for you, but I can tell you what to put in them. Put it in writing and "
              "keep a dated copy, say plainly what you are asking for, and quote the law or time limit that applies. "
              "Medway SENDIASS can help you write it, for free.")


def write_text(entry: Optional[Entry], steps: str = "") -> str:
    """The reply to "write me a letter" or "what do I say to them": what to put in it, from the answer
    before if there is one, and who can help write it."""
    if entry is None:
        return WRITE_TEXT + " Tell me what it is about (for example asking for an EHC needs assessment), or choose a topic."
    point = f"\n\nFrom the answer about \"{entry.title}\":\n\n{steps}" if steps else ""
    return f"{WRITE_TEXT}{point}\n\nThe law to quote: {entry.source}."


def send_text(entry: Optional[Entry]) -> str:
    """The reply to "can you send me that": the assistant cannot send anything; how to keep the answer."""
    keep = ("I can't send emails, texts or letters. To keep an answer, copy it or take a screenshot of it.")
    if entry is None or not entry.links:
        return keep
    return f"{keep} The pages the answer about \"{entry.title}\" is based on:{_links_text(entry)}"


def _part_after(entry: Entry, fact: str) -> str:
    """The part of the entry's answer that comes after the one holding `fact` ("" if none follows)."""
    parts = answer_parts(entry.answer)
    wanted = " ".join(fact.split()).lower()
    index = next((i for i, part in enumerate(parts) if wanted and wanted in " ".join(part.split()).lower()), None)
    return parts[index + 1] if index is not None and index + 1 < len(parts) else ""


def again_text(entry: Entry, fact: str) -> str:
    """The reply to a follow-up whose part of the answer was quoted just before: what the answer says
    next, and the pages it rests on, rather than the same words again ("" when there is nothing new)."""
    after = _part_after(entry, fact) if fact else ""
    pages = f"The pages it is based on may say more:{_links_text(entry)}" if entry.links else ""
    if not after and not pages:
        return ""
    said = (f"The part just above is what the answer about \"{entry.title}\" says on that. It goes on:\n\n{after}"
            if after else f"The part just above is all the answer about \"{entry.title}\" has on that.")
    person = "" if "SENDIASS" in after else "A person can help with your situation: Medway SENDIASS gives free, impartial advice."
    return "\n\n".join(x for x in (said, pages, person) if x)


def no_more_text(entry: Entry) -> str:
    """The reply when a follow-up is about the answer just given but no part of it fits: where to find
    out (the pages the answer rests on), and a person."""
    pages = f" The pages it is based on may say more:{_links_text(entry)}\n\n" if entry.links else " "
    return (f"The answer about \"{entry.title}\" above is all I have on that.{pages}A person can help with the "
            "details of your situation, or choose a related question.")
