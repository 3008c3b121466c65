"""What to say when the assistant has not understood: say so, and offer a way on."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

from bot import content, people, yamlfile
from bot.input_checks import EMPTY, NO_CONTENT, NO_WORDS, NOT_ENGLISH
from bot.paths import content_dir
from bot.safety import SAFEGUARDING_INTENT
from bot.yamlfile import ContentError, Problem

SUGGEST_MIN_CONFIDENCE = 0.04
"""A guess below this confidence is not worth offering. It must stay below the FallbackClassifier
threshold in config.yml (a fallback's best guess is always under that), or no guess is ever
offered; with about 180 intents, 0.04 is seven times a uniform guess (a test checks both). It was
0.05 with about 130 intents; as entries were added, "my sons plan" fell to 0.049 and got no guesses."""
MAX_GUESSES = 3
GENERAL_GUESS_MIN = 0.08
"""A message telling the assistant something without asking ("the school keep ringing me to fetch him
at lunchtime") is offered the answers the model guesses at least this much (exclusions, 0.10)."""

MENU = (("EHC plans", "/faq_ehcp_overview"), ("Find a service", "/find_service"), (people.HANDOFF_TITLE, people.HANDOFF_PAYLOAD),
        ("Leave a question for a volunteer", "/leave_question"))

_OPENINGS = {
    EMPTY: "I didn't receive any words.",
    NO_WORDS: "I can only read words, not emoji or symbols on their own.",
    NO_CONTENT: "Could you tell me a bit more about what you would like to know?",
    NOT_ENGLISH: "Sorry, I can only understand English at the moment. A translation tool may help, "
                 "or you can talk to a person.",
}


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def labels_path() -> Path:
    return content_dir() / "intent_labels.yml"


@lru_cache(maxsize=4)
def _labels_cached(path: Path, mtime_ns: int) -> dict[str, str]:
    data = yamlfile.load(path)
    labels = data.get("labels") if hasattr(data, "get") else None
    if not hasattr(labels, "items"):
        raise ContentError([Problem(path, 1, "no 'labels:' mapping", "see the comment at the top of the file")])
    return {str(k): str(v) for k, v in labels.items()}


def labels(path: Optional[Path] = None) -> dict[str, str]:
    """Plain-English names of the intents worth guessing: the labels file plus every FAQ entry's title."""
    path = path or labels_path()
    names = {entry.intent: entry.title for entry in content.live().entries.values()}
    names.update(_labels_cached(path, path.stat().st_mtime_ns))
    return names


def _guesses(ranking: Iterable[dict[str, Any]], names: dict[str, str], minimum: float = SUGGEST_MIN_CONFIDENCE,
             prefix: str = "") -> list[str]:
    """The labelled intents (starting with `prefix`) worth offering, best first. Safeguarding is never a guess: on
    a reply that reaches the fallback the safety guard has already turned it down, so the share the model gave it
    is shared out among the rest ("my sons plan": safeguarding 0.52, its guesses 0.03)."""
    ranking = list(ranking)
    refused = sum(float(c.get("confidence") or 0) for c in ranking if c.get("name") == SAFEGUARDING_INTENT)
    scale = 1.0 / max(1.0 - refused, 0.5)
    return [c["name"] for c in ranking if c.get("name") in names and str(c["name"]).startswith(prefix)
            and float(c.get("confidence") or 0) * scale >= minimum][:MAX_GUESSES]


def age_reply(age: int) -> Reply:
    """A message that only gives an age ("12") outside a search: ask whether it is the child's age and
    offer a search for that age, since nothing was asked."""
    child = "a baby under 1" if age == 0 else f"a {age} year old"
    text = (f"Is {age} your child's age? I can look for services for {child} in Medway's Local Offer: "
            "choose below, or tell me what kind of help you are looking for. If you meant something else, "
            "please ask your question in a few words.")
    return Reply(text, [{"title": f"Find services for {child}", "payload": f"find services for {child}"},
                        {"title": people.HANDOFF_TITLE, "payload": people.HANDOFF_PAYLOAD}])


def place_reply(place: str, find_service: str = "") -> Reply:
    """A message that only gives a Medway place ("we live in Rainham") outside a search: nothing was asked,
    so offer a search near there (for the last answer's kind of service first, when it has one)."""
    text = (f"Is {place} where you live? I can look for services near {place} in Medway's Local Offer: "
            "choose below, or tell me what kind of help you are looking for. If you meant something else, "
            "please ask your question in a few words.")
    buttons = [{"title": f"Find {find_service} services near {place}",
                "payload": f"find {find_service} services near {place}"}] if find_service else []
    buttons += [{"title": f"Find services near {place}", "payload": f"find services near {place}"},
                {"title": people.HANDOFF_TITLE, "payload": people.HANDOFF_PAYLOAD}]
    return Reply(text, buttons)


def reply(issue: Optional[str], ranking: Iterable[dict[str, Any]] = (),
          names: Optional[dict[str, str]] = None) -> Reply:
    """The fallback reply: what went wrong in plain words, up to three fair guesses, then the menu."""
    names = labels() if names is None else names
    buttons: list[dict[str, str]] = []
    if issue in _OPENINGS:
        text = f"{_OPENINGS[issue]} Please type your question, or choose a topic:"
    else:
        guesses = _guesses(ranking, names)
        buttons = [{"title": names[g], "payload": f"/{g}"} for g in guesses]
        if len(guesses) == 1:
            text = (f"Sorry, I'm not sure I understood. Did you mean: {names[guesses[0]].rstrip('?')}? "
                    "Or choose a topic, or try asking in a different way.")
        elif guesses:
            text = "Sorry, I'm not sure I understood. Did you mean one of these? Or try asking in a different way."
        else:
            text = "Sorry, I'm not sure I understood. Could you say it in a different way? Or choose a topic:"
    for title, payload in MENU:
        if all(b["payload"] != payload for b in buttons):
            buttons.append({"title": title, "payload": payload})
    return Reply(text, buttons)


AFTER_CRISIS = ("Thank you for telling me. You don't have to manage this on your own, and needing a break is not a "
                "failure. These may help: {topics}. Or talk to a person.")
AFTER_CRISIS_TOPICS = ("faq_short_breaks", "faq_carer_wellbeing")


def after_crisis_reply(ranking: Iterable[dict[str, Any]] = (), names: Optional[dict[str, str]] = None) -> Reply:
    """The reply to a message the model could not place, straight after the emergency reply ("i just
    need a break from it"): warm words, a person first, then the model's guesses and support for carers."""
    names = labels() if names is None else names
    picked = list(dict.fromkeys(g for g in (*_guesses(ranking, names), *AFTER_CRISIS_TOPICS) if g in names))[:3]
    topics = "; ".join(names[g].rstrip("?") for g in picked)
    buttons = [people.handoff_button()] + [{"title": names[g], "payload": f"/{g}"} for g in picked]
    return Reply(AFTER_CRISIS.format(topics=topics), buttons)


def general_reply(ranking: Iterable[dict[str, Any]] = (), names: Optional[dict[str, str]] = None) -> Optional[Reply]:
    """The reply to a message that tells the assistant something without asking: the answers it may be
    about, or None when there is no fair guess (the general reply, utter_send_general, is sent)."""
    names = labels() if names is None else names
    guesses = _guesses(ranking, names, GENERAL_GUESS_MIN, content.INTENT_PREFIX)
    if not guesses:
        return None
    text = ("Thank you for telling me. Is it about one of these? If not, ask in your own words, or talk to a "
            "person: Medway SENDIASS gives free, impartial advice on anything about SEND.")
    buttons = [{"title": names[g], "payload": f"/{g}"} for g in guesses]
    buttons += [{"title": title, "payload": payload} for title, payload in MENU[2:]]
    return Reply(text, buttons)
