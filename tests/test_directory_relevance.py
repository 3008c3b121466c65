"""Search relevance on a realistic, messy directory (tests/directory_relevance.py): at least 80%
of the first three cards of 40 parent searches are relevant, on SQLite and PostgreSQL."""
from bot.directory import oruk, search, store
from bot.directory.query import understand
from bot.directory.vocabulary import cached
from tests.directory_relevance import SEARCHES, v1_items, v3_items

TARGET = 0.8


def load(engine):
    for source, items in (("feed:v1", v1_items()), ("feed:v3", v3_items())):
        records = [oruk.to_record(item, cached(), f"item {n}") for n, item in enumerate(items, start=1)]
        assert all(not isinstance(r, oruk.Rejected) for r in records)
        store.apply(engine, records, source)


def first_three(engine, text):
    u = understand(text)
    result = search.find(engine, search.Query(u.needs, u.age, u.place, u.free_only, u.keywords))
    return [f.service_id for f in result.found[:3]]


def judge(engine):
    """(share of the first three cards that are relevant, each search's misses)."""
    relevant_cards = shown_cards = 0
    misses = []
    for text, relevant in SEARCHES:
        shown = first_three(engine, text)
        good = sum(s in relevant for s in shown)
        relevant_cards += good
        shown_cards += max(len(shown), 1)  # finding nothing counts as one irrelevant card
        if good < len(shown) or not shown:
            misses.append((text, [s for s in shown if s not in relevant] or "nothing found"))
    return relevant_cards / shown_cards, misses


def test_at_least_80_percent_of_the_first_three_cards_are_relevant(empty_directory):
    assert len(SEARCHES) >= 40
    load(empty_directory)
    share, misses = judge(empty_directory)
    print(f"\nrelevant first-three cards: {share:.0%}; searches with an irrelevant card: {len(misses)}")
    for miss in misses:
        print("  ", miss)
    assert share >= TARGET, misses
