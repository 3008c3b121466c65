"""Safeguarding: the one decision on whether a message is about risk, and the emergency reply.

`assess(text, model_intent, model_confidence)` is the only place that decides. The chat
assistant (components/guard.py) and forum triage (bot/triage/classify.py) both call it, so they
always agree. It combines
  - the patterns in `content/safeguarding.yml`, each for one kind of risk (a pattern wins
    whatever the model says, unless one of its own `not` phrases is in the message), and
  - the NLU model's `safeguarding` intent, trusted alone only from MODEL_THRESHOLD and only when
    none of the file's `guards` (everyday near-misses such as "fits in well") overrules it: a guard
    phrase counts only in a short message (GUARD_MAX_WORDS), where it is most of what was said.
The patterns, guards, kinds, first lines and contacts are data, so staff can change them without
touching code. tests/test_safeguarding_eval.py measures the decision on tests/eval/safeguarding.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Optional

from bot import yamlfile
from bot.paths import content_dir
from bot.yamlfile import ContentError, Problem

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

KINDS = ("medical", "self_harm", "mental_health", "violence", "abuse", "neglect", "missing", "parent_crisis", "general")
"""Kinds of risk: each has its own first line in the emergency reply (content/safeguarding.yml)."""

SAFEGUARDING_INTENT = "safeguarding"
DANGER_NOW_INTENT = "danger_now"
"""The check-in's button: the emergency reply (data/rules/basics.yml), for the general kind of risk."""
GENERAL_FIRST_LINE = "It sounds like someone may be at risk. If anyone is in immediate danger, call 999 now."

MODEL_THRESHOLD = 0.85
"""The model's `safeguarding` confidence from which it raises the alarm on its own (when no guard
phrase is in the message). Chosen on tests/eval/safeguarding/tuning.yml only, never on the
evaluation sets (`python -m tests.eval.safeguarding.tune` prints the table): with the blended
TF-IDF and sentence-embedding model, on 25 risk and 80 everyday tuning messages, 0.80 was the
lowest with no false alarm (0.75 flagged 1, 0.60 flagged 2) and every risk message was still
caught up to 0.90; 0.85 keeps one step of margin. With the safe6 examples (2026-12-01) a grieving
child reached 0.93: grief and bereavement became a guard phrase; then 0.85 is the lowest with no
false alarm on 128 risk and 89 everyday tuning messages and 0.90 catches the same 128 (kept at 0.85:
the tune rule's margin step would add nothing on tuning). With the safe7 examples and probe6's misses
in tuning (149 risk, 92 everyday), 0.80 is the lowest with no false alarm: kept at 0.85. Re-run the
table after changing the training data."""

CHECK_IN_MIN = 0.7
"""From this `safeguarding` confidence up to MODEL_THRESHOLD (no pattern, no guard phrase), the reply
opens with the check-in (content/safeguarding.yml `check_in`): is anyone in danger, with a button to
the emergency reply, then the answer. Patterns caught only 7 to 15 of 20 to 29 risk messages in new
words in each of five probes (README), so a doubtful message gets a way to the routes without the
alarm. Chosen on tuning.yml only (`python -m tests.eval.safeguarding.tune` prints both tables): with
the safe6 examples, at 0.7 the model reaches 90 of 128 tuning risk messages and 2 of 89 hard everyday
ones get the check-in; at 0.6, 103 and 5; at 0.5, 110 and 6 (before those examples, at 0.5: 76 and 4).
With the safe7 examples, on 149 risk and 92 everyday tuning messages: at 0.7, 106 reached and 3 asked
(95 and 2 before them); at 0.6, 117 and 7; at 0.5, 127 and 8: 0.7 kept."""

GUARD_MAX_WORDS = 20
"""A guard phrase overrules the model only in a message of at most this many words, where the everyday
phrase is most of what was said ("he got excluded again", "still grieving"). In a longer message a guard
phrase is one part of a story that can also hold a risk ("fighting the council for two years ... my
tablets lined up tonight"), so there the model's reading counts as in any other message. Chosen on
tuning.yml with the everyday and dev sets (`python -m tests.eval.safeguarding.tune` prints the guard
table), eighth session of 2026-12-01: every guarded everyday message the model reads as risk from 0.85
is short (the longest 14 words: "is my son at risk of losing his place if he's off a lot", everyday.yml);
up to 12 words one everyday.yml message alarms, from 15 none on tuning, everyday, dev, held-out or select;
tuning risk caught is the same from 8 to 25 words (152 of 157) and falls from 30 (a 28-word and a
37-word story with "medication" and "become an adult" in them, 0.98 and 0.92). 20 is the middle of that
plateau, five words from each edge. A guard confidence ceiling was not an option: a guarded everyday
tuning message reaches 0.97 (grief)."""

CHECK_IN = "If you or anyone else is in danger right now, choose the button below for who to call."
CHECK_IN_BUTTON = "Someone is in danger now"
"""Used when content/safeguarding.yml has no `check_in` or `check_in_button`."""


@dataclass(frozen=True)
class Route:
    """One emergency contact, with the public page it was taken from."""

    name: str
    what: str
    phone: str
    source: str
    url: str = ""
    id: str = ""
    kinds: tuple[str, ...] = ()
    """Shown in the emergency reply only for these kinds of risk (empty: for every kind)."""


@dataclass(frozen=True)
class Pattern:
    id: str
    description: str
    regex: re.Pattern
    examples: tuple[str, ...]
    kind: str = "general"
    also: Optional[re.Pattern] = None
    unless: tuple[re.Pattern, ...] = ()

    def matches(self, plain: str) -> bool:
        """True when the (normalised) message matches, with its `with` part, and no `not` phrase."""
        return bool(self.regex.search(plain) and (self.also is None or self.also.search(plain))
                    and not any(u.search(plain) for u in self.unless))


@dataclass(frozen=True)
class Kind:
    """One kind of risk: the emergency reply's first line, and the reply to a request for help after it."""

    id: str
    label: str
    first_line: str
    follow_up: str
    follow_up_routes: tuple[str, ...]
    sources: tuple[str, ...] = ()
    hint: Optional[re.Pattern] = None
    follow_up_sources: tuple[str, ...] = ()
    first_person_line: str = ""
    """The first line for someone telling of their own risk ("I want to die"), spoken to them."""
    entry: str = ""
    """The FAQ entry that says more (its answer opens with 999), sent when help is asked for again
    after the shorter reply: "what support is there" after violence at home."""


@dataclass(frozen=True)
class Rules:
    intro: str
    outro: str
    routes: tuple[Route, ...]
    patterns: tuple[Pattern, ...]
    not_examples: tuple[str, ...]
    last_reviewed: Optional[date]
    kinds: dict = field(default_factory=dict)
    guards: tuple[re.Pattern, ...] = ()
    check_in: str = ""
    check_in_button: str = ""


@dataclass(frozen=True)
class Decision:
    """Whether a message is about risk, which kind, and why (a pattern id or the model)."""

    is_risk: bool
    kind: Optional[str]
    reason: str
    pattern: Optional[str] = None

    def as_dict(self) -> dict:
        return {"is_risk": self.is_risk, "kind": self.kind, "reason": self.reason, "pattern": self.pattern}


def default_path() -> Path:
    return content_dir() / "safeguarding.yml"


def normalise(text: str) -> str:
    """Lower-case, fold curly quotes and compatibility characters, collapse white space."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(text.split())


def _required_text(node: Any, key: str, path: Path, problems: list[Problem], where: str) -> str:
    value = node.get(key) if hasattr(node, "get") else None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(path, yamlfile.line_of(node), f"{where} has no '{key}'",
                                f"add a '{key}:' line with text"))
        return ""
    return value.strip()


def parse(data: Any, path: Path) -> Rules:
    """Validate the file's contents and build the rules; raise ContentError naming every problem."""
    problems: list[Problem] = []
    if not hasattr(data, "get"):
        raise ContentError([Problem(path, 1, "the file must be a mapping with 'routes' and 'patterns'",
                                    "compare with the layout described at the top of the file")])
    intro = _required_text(data, "intro", path, problems, "the file")
    outro = _required_text(data, "outro", path, problems, "the file")

    routes: list[Route] = []
    for index, node in enumerate(data.get("routes") or []):
        where = f"route {index + 1}"
        name = _required_text(node, "name", path, problems, where)
        what = _required_text(node, "what", path, problems, where)
        phone = _required_text(node, "phone", path, problems, where)
        source = _required_text(node, "source", path, problems, where)
        if source and not source.startswith("https://"):
            problems.append(Problem(path, yamlfile.line_of(node, "source"), f"{where}: source must be a https:// address",
                                    "give the public page the number was read on"))
        only = tuple(str(k) for k in (node.get("kinds") or []))
        for unknown in [k for k in only if k not in KINDS]:
            problems.append(Problem(path, yamlfile.line_of(node, "kinds"), f"{where}: unknown kind '{unknown}'",
                                    f"use one of: {', '.join(KINDS)}"))
        routes.append(Route(name, what, phone, source, str(node.get("url") or ""), str(node.get("id") or ""), only))
    if not routes:
        problems.append(Problem(path, yamlfile.line_of(data, "routes") if "routes" in data else 1,
                                "there are no emergency routes", "list at least 999 under 'routes:'"))

    patterns: list[Pattern] = []
    seen: set[str] = set()
    for index, node in enumerate(data.get("patterns") or []):
        where = f"pattern {index + 1}"
        pid = _required_text(node, "id", path, problems, where)
        if pid and not _ID.match(pid):
            problems.append(Problem(path, yamlfile.line_of(node, "id"), f"id '{pid}' is not a simple name",
                                    "use lower-case letters, digits and underscores"))
        if pid in seen:
            problems.append(Problem(path, yamlfile.line_of(node, "id"), f"id '{pid}' is used twice", "make ids unique"))
        seen.add(pid)
        source = _required_text(node, "pattern", path, problems, where)
        try:
            regex = re.compile(source)
        except re.error as exc:
            problems.append(Problem(path, yamlfile.line_of(node, "pattern"), f"{where} ('{pid}') is not a valid pattern: {exc}",
                                    "check brackets are closed and special characters are escaped with \\"))
            continue
        examples = tuple(str(e) for e in node.get("examples") or [])
        kind = str(node.get("kind") or "general")
        if kind not in KINDS:
            problems.append(Problem(path, yamlfile.line_of(node, "kind") if "kind" in node else yamlfile.line_of(node),
                                    f"{where} ('{pid}') has an unknown kind '{kind}'", f"use one of: {', '.join(KINDS)}"))
        also = _compile(node.get("with"), path, yamlfile.line_of(node, "with") if "with" in node else 1,
                        f"{where} ('{pid}') 'with'", problems) if node.get("with") else None
        unless = tuple(r for r in (_compile(u, path, yamlfile.line_of(node, "not") if "not" in node else 1,
                                            f"{where} ('{pid}') 'not'", problems)
                                   for u in node.get("not") or []) if r is not None)
        patterns.append(Pattern(pid, str(node.get("description") or ""), regex, examples, kind, also, unless))
    if not patterns:
        problems.append(Problem(path, 1, "there are no patterns", "add at least one under 'patterns:'"))

    route_ids = {r.id for r in routes if r.id}
    kinds: dict[str, Kind] = {}
    kinds_node = data.get("kinds") or {}
    for kid, node in (kinds_node.items() if hasattr(kinds_node, "items") else []):
        where = f"kind '{kid}'"
        if kid not in KINDS:
            problems.append(Problem(path, yamlfile.line_of(kinds_node, kid), f"{where} is not a known kind",
                                    f"use one of: {', '.join(KINDS)}"))
        first_line = _required_text(node, "first_line", path, problems, where)
        follow_up = _required_text(node, "follow_up", path, problems, where)
        wanted = tuple(str(r) for r in (node.get("follow_up_routes") or []) if hasattr(node, "get"))
        for rid in wanted:
            if rid not in route_ids:
                problems.append(Problem(path, yamlfile.line_of(node, "follow_up_routes"),
                                        f"{where} names route '{rid}', which is not under 'routes'",
                                        "use the id of a route listed under 'routes:'"))
        sources = tuple(str(u) for u in (node.get("sources") or []) if hasattr(node, "get"))
        hint = _compile(node.get("hint"), path, yamlfile.line_of(node, "hint") if "hint" in node else 1,
                        f"{where} 'hint'", problems) if hasattr(node, "get") and node.get("hint") else None
        follow_up_sources = tuple(str(u) for u in (node.get("follow_up_sources") or []) if hasattr(node, "get"))
        for url in sources + follow_up_sources:
            if not url.startswith(("https://", "http://")):
                problems.append(Problem(path, yamlfile.line_of(node), f"{where}: source '{url}' is not a web address",
                                        "give the public page the advice was read on"))
        first_person = " ".join(str(node.get("first_person_line") or "").split()) if hasattr(node, "get") else ""
        entry = str(node.get("entry") or "") if hasattr(node, "get") else ""
        kinds[kid] = Kind(kid, str(node.get("label") or kid) if hasattr(node, "get") else kid,
                          first_line, follow_up, wanted, sources, hint, follow_up_sources, first_person, entry)
    if "general" not in kinds:
        kinds["general"] = Kind("general", "someone at risk", GENERAL_FIRST_LINE, GENERAL_FIRST_LINE, tuple(sorted(route_ids)))
    for pattern in patterns:
        if len(kinds) > 1 and pattern.kind not in kinds and pattern.kind in KINDS:
            problems.append(Problem(path, 1, f"pattern '{pattern.id}' has kind '{pattern.kind}', which has no entry under 'kinds'",
                                    "add the kind with its first_line and follow_up"))
    guards = tuple(r for r in (_compile(g, path, yamlfile.line_of(data, "guards") if "guards" in data else 1,
                                        "a guard", problems) for g in data.get("guards") or []) if r is not None)

    check_in = " ".join(str(data.get("check_in") or CHECK_IN).split())
    check_in_button = str(data.get("check_in_button") or CHECK_IN_BUTTON).strip()

    reviewed = data.get("last_reviewed")
    if problems:
        raise ContentError(problems)
    return Rules(intro, outro, tuple(routes), tuple(patterns),
                 tuple(str(e) for e in data.get("not_examples") or []),
                 reviewed if isinstance(reviewed, date) else None, kinds, guards, check_in, check_in_button)


def _compile(source: Any, path: Path, line: int, where: str, problems: list[Problem]) -> Optional[re.Pattern]:
    try:
        return re.compile(str(source))
    except re.error as exc:
        problems.append(Problem(path, line, f"{where} is not a valid pattern: {exc}",
                                "check brackets are closed and special characters are escaped with \\"))
        return None



def load(path: Optional[Path] = None) -> Rules:
    """The rules from the file, re-read only when the file changes (so edits go live without a restart)."""
    return yamlfile.load_parsed(path or default_path(), parse)


def _first_pattern(plain: str, rules: Rules) -> Optional[Pattern]:
    for pattern in rules.patterns:
        if pattern.matches(plain):
            return pattern
    return None


def match(text: str, rules: Optional[Rules] = None) -> Optional[str]:
    """The id of the first pattern the message matches (its `not` phrases respected), or None."""
    if not text:
        return None
    rules = rules or load()
    found = _first_pattern(normalise(text), rules)
    return found.id if found else None


def guarded(text: str, rules: Optional[Rules] = None) -> bool:
    """True when an everyday near-miss phrase (the file's `guards`) is in the message."""
    rules = rules or load()
    plain = normalise(text)
    return any(guard.search(plain) for guard in rules.guards)


def guard_veto(text: str, rules: Optional[Rules] = None, max_words: Optional[int] = None) -> Optional[str]:
    """The guard phrase that overrules the model's reading of this message, if any: a guard phrase in a
    message of at most `max_words` words (GUARD_MAX_WORDS). None in a longer message or with no guard."""
    rules = rules or load()
    plain = normalise(text)
    if len(plain.split()) > (GUARD_MAX_WORDS if max_words is None else max_words):
        return None
    return next((g.pattern for g in rules.guards if g.search(plain)), None)


def guess_kind(plain: str, rules: Rules) -> str:
    """The kind whose hint words the message uses (for a message the model alone caught)."""
    for kind in rules.kinds.values():
        if kind.hint is not None and kind.hint.search(plain):
            return kind.id
    return "general"


def assess(text: str, model_intent: Optional[str] = None, model_confidence: float = 0.0,
           rules: Optional[Rules] = None, threshold: float = MODEL_THRESHOLD,
           guard_max_words: Optional[int] = None) -> Decision:
    """The one safeguarding decision, for the chat assistant and triage alike.

    `model_intent` and `model_confidence` are the intent model's own top prediction for the text
    (before any fallback). A pattern match is always a risk; otherwise the model's `safeguarding`
    intent counts from `threshold` unless a guard phrase overrules it (`guard_veto`: a guard phrase
    in a message of at most `guard_max_words`, GUARD_MAX_WORDS, words).
    """
    if not text or not text.strip():
        return Decision(False, None, "empty")
    rules = rules or load()
    plain = normalise(text)
    found = _first_pattern(plain, rules)
    if found is not None:
        return Decision(True, found.kind, f"pattern {found.id}", found.id)
    if model_intent == SAFEGUARDING_INTENT:
        if model_confidence < threshold:
            return Decision(False, None, f"model {model_confidence:.2f} below {threshold:.2f}")
        if guard_veto(plain, rules, guard_max_words):
            return Decision(False, None, "model overruled by a guard phrase")
        return Decision(True, guess_kind(plain, rules), f"model {model_confidence:.2f}")
    return Decision(False, None, "no pattern, model says " + (model_intent or "nothing"))


def needs_check_in(text: str, model_intent: Optional[str], model_confidence: float,
                   rules: Optional[Rules] = None, guard_max_words: Optional[int] = None) -> bool:
    """A message the model doubtfully reads as risk (CHECK_IN_MIN up to MODEL_THRESHOLD) that no pattern
    caught and no guard phrase explains (`guard_veto`): the reply asks whether anyone is in danger before answering."""
    if model_intent != SAFEGUARDING_INTENT or not CHECK_IN_MIN <= model_confidence < MODEL_THRESHOLD:
        return False
    rules = rules or load()
    return _first_pattern(normalise(text), rules) is None and guard_veto(text, rules, guard_max_words) is None


def _kind(rules: Rules, kind: Optional[str]) -> Kind:
    return rules.kinds.get(kind or "general") or rules.kinds["general"]


def _route_line(route: Route) -> str:
    return f"- {route.name}: {route.phone}. {route.what}"


_FOR_SELF = re.compile(
    r"\b(?:myself|my life|i (?:want|wanna|wish i was|wish i were) (?:to )?(?:die|dead)|i(?:'m| am|m) suicidal|"
    r"i feel suicidal|i (?:have been |keep |want to |wanna )?(?:cut|cutting|hurt|hurting|harm|harming) myself|"
    r"i(?:'m| am|m) (?:\w+ ){0,3}(?:in|having|going through) (?:a |an )?(?:\w+ ){0,2}crisis)\b")
_SOMEONE_ELSE = re.compile(r"\b(?:my|our|her|his) (?:son|daughter|child|kid|boy|girl|teen\w*|partner|husband|wife)\b")
YOUNG_PEOPLE_ROUTES = ("emergency", "nhs_111", "childline", "samaritans")
"""For someone telling of their own risk, these routes come first (999 always first of all)."""


def speaks_for_self(text: str) -> bool:
    """"I want to die", "I cut myself last night": the person at risk is the one writing (often a young
    person), not a parent writing about their child."""
    plain = normalise(text)
    return bool(_FOR_SELF.search(plain)) and not _SOMEONE_ELSE.search(plain)


def emergency_message(rules: Optional[Rules] = None, kind: Optional[str] = None, for_self: bool = False) -> str:
    """The emergency reply: the kind's first line (999 first), then every route, then the way back.
    `for_self`: the writer is the one at risk: their kind's first line spoken to them, and the routes
    for them (Childline, Samaritans) straight after 999 and NHS 111."""
    rules = rules or load()
    chosen = _kind(rules, kind)
    routes = [r for r in rules.routes if not r.kinds or chosen.id in r.kinds]
    if for_self and chosen.first_person_line:
        first = [r for rid in YOUNG_PEOPLE_ROUTES for r in routes if r.id == rid]
        routes = first + [r for r in routes if r not in first]
        lines = [chosen.first_person_line, ""]
    else:
        lines = [chosen.first_line, rules.intro, ""]
    lines += [_route_line(route) for route in routes]
    lines += ["", rules.outro]
    return "\n".join(lines)


_ASKS_FOR_HELP = re.compile(
    r"\b(?:text|texting|chat|talk|speak|call|ring|phone|message|contact)\b|\btell (?:my|anyone|anybody|them|school)\b|"
    r"\bwhat (?:do|should|can|shall) (?:i|we) do\b|\bhelp (?:me|us)\b|\bwho (?:can|do|should)\b|"
    r"\bconfidential\b|\b(?:will|would) they (?:tell|know|find out)\b|\bi need help\b|"
    r"\bwhere (?:do|can|could|should|shall) (?:i|we) (?:go|stay|take them|take (?:him|her))\b|\bsomewhere (?:safe )?to (?:go|stay)\b|\brefuge\b|"
    r"\bwhat (?:support|help)\b|\bany (?:support|help)\b|\b(?:get|find) (?:some |any )?(?:help|support)\b")


def asks_for_help(text: str) -> bool:
    """"Can I text someone?", "will they tell my mum?", "what do I do": a message straight after the
    emergency reply that asks for a way to get help, answered with the routes for that risk."""
    return bool(_ASKS_FOR_HELP.search(normalise(text)))


def follow_up_message(kind: Optional[str] = None, rules: Optional[Rules] = None) -> str:
    """The reply to a new request for help straight after the emergency reply: shorter, about the
    kind of risk, with the routes that fit it (999 always first). Never the same text twice."""
    rules = rules or load()
    chosen = _kind(rules, kind)
    by_id = {route.id: route for route in rules.routes}
    lines = [chosen.follow_up, ""]
    lines += [_route_line(by_id[rid]) for rid in chosen.follow_up_routes if rid in by_id]
    if chosen.follow_up_sources:
        lines += ["", "Sources: " + " ; ".join(chosen.follow_up_sources)]
    return "\n".join(lines)


def self_check(path: Optional[Path] = None) -> list[Problem]:
    """Prove the file's examples match and its ordinary questions do not."""
    path = path or default_path()
    try:
        rules = load(path)
    except ContentError as exc:
        return exc.problems
    problems: list[Problem] = []
    data = yamlfile.load(path)
    nodes = {str(n.get("id")): n for n in data.get("patterns") or []}
    for pattern in rules.patterns:
        for example in pattern.examples:
            if not pattern.matches(normalise(example)):
                problems.append(Problem(path, yamlfile.line_of(nodes[pattern.id], "examples"),
                                        f"example '{example}' does not match pattern '{pattern.id}'",
                                        "widen the pattern or correct the example"))
    for example in rules.not_examples:
        hit = match(example, rules)
        if hit:
            problems.append(Problem(path, yamlfile.line_of(data, "not_examples"),
                                    f"ordinary question '{example}' matches pattern '{hit}'",
                                    "narrow that pattern so everyday wording does not trigger it"))
    return problems
