"""A quick routing check without starting Rasa: train the intent model in this process and judge the
answer of the entry it picks, as the real-question evaluation judges the assistant's reply.

    python -m tests.eval.offline                 # tuning, dev, select, real and held-out figures
    python -m tests.eval.offline --misses dev    # and the development questions it gets wrong
    python -m tests.eval.offline --dev-file fresh8 --misses dev   # one round's dev file on its own line

It renders the deadline helper's reply for a deadline intent (as actions/deadlines.py does, dated today) but
ignores follow-ups, searches and the second-question button, so it reads a point or two below the
end-to-end figure of `make test`; use it to compare changes, then confirm with `make test`. Sentence
embeddings of texts already seen are cached in results/cache/ (MEDWAY_EMBED_CACHE to move it).
"""
from __future__ import annotations

import argparse
import os
import pickle
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

import numpy as np
import yaml

from bot import content, deadlines, sentence_encoder
from bot.intent_model import IntentModel
from tests.eval import evaluate, real

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD = 0.12  # config.yml's FallbackClassifier threshold
Ranker = Callable[[str], list[tuple[str, float]]]


def training_examples() -> tuple[list[str], list[str]]:
    texts, intents = [], []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines() if "intent" in block else []:
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:].strip())
                    intents.append(block["intent"])
    return texts, intents


class CachedEncoder:
    """The shared sentence encoder, remembering embeddings across runs (they depend on the text only)."""

    def __init__(self, path: Path):
        self.path = path
        self.inner = sentence_encoder.shared()
        self.cache: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.exists() else {}

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        texts = list(texts)
        new = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if new:
            self.cache.update(zip(new, self.inner.encode(new)))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self.cache))
        return np.array([self.cache[t] for t in texts]).reshape(len(texts), -1)


def reply(ranking: list[tuple[str, float]], library: content.Library, question: str = "") -> str:
    """The text the assistant would send: the entry's answer, or what action_deadlines says for a deadline intent."""
    name, confidence = ranking[0]
    if confidence < THRESHOLD:
        return ""
    if name in deadlines.INTENTS:  # as actions/deadlines.py answers them
        return deadlines.reply_to(name, question, datetime.now(ZoneInfo("Europe/London")).date())
    entry = library.entries.get(name.removeprefix(content.INTENT_PREFIX))
    return entry.answer if entry and name.startswith(content.INTENT_PREFIX) else ""


def real_score(rank: Ranker, items: list[real.Item], library: content.Library) -> tuple[Counter, Counter, list]:
    right, total, misses = Counter(), Counter(), []
    for item in items:
        ranking = rank(item.question)
        ok = item.holds(reply(ranking, library, item.question))
        for key in (item.topic, "ALL"):
            right[key] += ok
            total[key] += 1
        if not ok:
            misses.append((item, ranking[0]))
    return right, total, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", choices=("tuning", "dev", "select", "real"), help="list the questions this set gets wrong")
    parser.add_argument("--dev-file", help="also score the dev files whose name starts with this alone (and list only their misses)")
    args = parser.parse_args()
    cache = Path(os.environ.get("MEDWAY_EMBED_CACHE", ROOT / "results" / "cache" / "embeddings.pkl"))
    encoder = CachedEncoder(cache)
    sentence_encoder.shared = lambda: encoder  # the model asks for the shared encoder by this name
    library = content.load()
    texts, intents = training_examples()
    model = IntentModel().fit(texts, intents)
    print(f"{len(texts)} training examples, {len(set(intents))} intents")
    sets = [("tuning", real.load(real.TUNING)), ("dev", real.load(real.DEV)), ("select", real.load(real.SELECT)), ("real", real.load(real.REAL))]
    if args.dev_file:
        sets.insert(2, (f"dev[{args.dev_file}]", [i for i in sets[1][1] if i.where.startswith(f"dev/{args.dev_file}")]))
    for name, items in sets:
        right, total, misses = real_score(model.rank, items, library)
        topics = ", ".join(f"{t} {right[t]}/{total[t]}" for t in sorted(total) if t != "ALL")
        print(f"{name}: {right['ALL'] / total['ALL']:.1%} of {total['ALL']} ({topics})")
        if args.misses == name.split("[")[0] and not (args.dev_file and name == "dev"):
            for item, (intent, confidence) in misses:
                print(f"  {item.where} [{item.topic}] {item.question[:90]!r} -> {intent} {confidence:.2f}")
    held_out = evaluate.load_questions()
    got = [r[0][0] for r in model.rank_many([q for q, _ in held_out], top=1)]
    hits = sum(g == content.INTENT_PREFIX + e for g, (_, e) in zip(got, held_out))
    print(f"held-out authored: {hits / len(held_out):.1%} of {len(held_out)} right entry (threshold ignored)")


if __name__ == "__main__":
    main()
