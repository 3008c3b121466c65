"""Scripted multi-turn conversations (tests/eval/conversations/), played end to end through the running
assistant over the REST channel and judged by what each reply says (issue 17)."""
from pathlib import Path

import pytest

from tests.eval import conversations, real

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.90


def learnt_from() -> list[str]:
    """Every line the model or the answers are made from: training data and FAQ content."""
    return [line for folder in ("data/nlu", "content/faq") for path in sorted((ROOT / folder).rglob("*.yml"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_conversations_load_and_cover_the_themes():
    found = conversations.load()
    assert len(found) >= 45, f"{len(found)} conversations; at least 45 are needed"
    assert {c.theme for c in found} >= {"followups", "search", "safeguarding", "repeats", "mixed"}


def test_no_message_is_a_training_example_or_a_near_copy():
    leaks = real.near_copies(conversations.messages(conversations.load()), learnt_from())
    assert not leaks, "conversation messages (or near copies) found in data/nlu or content/faq:\n" + "\n".join(
        f"{message!r} ~ {line!r}" for message, line in leaks)


def test_a_bad_file_is_refused_with_its_file_and_line(tmp_path):
    folder = tmp_path / "conversations"
    folder.mkdir()
    (folder / "broken.yml").write_text(
        "- id: one\n  why: a check\n  turns:\n    - say: hello there\n      must: ['(unclosed']\n"
        "    - say: and again\n      must: [x]\n")
    with pytest.raises(conversations.BadConversation, match=r"broken.yml:4 \(one turn 1\).*must"):
        conversations.load(folder)
    (folder / "broken.yml").write_text(
        "- id: one\n  why: a check\n  turns:\n    - say: only one turn\n      must: [x]\n")
    with pytest.raises(conversations.BadConversation, match=r"broken.yml:1: .*2 to 6 turns"):
        conversations.load(folder)


def test_a_turn_fails_on_a_missing_or_forbidden_pattern_or_the_same_reply_again(tmp_path):
    folder = tmp_path / "conversations"
    folder.mkdir()
    (folder / "t.yml").write_text(
        "- id: one\n  why: a check\n  turns:\n    - say: a\n      must: ['6 weeks']\n      must_not: ['not sure']\n"
        "    - say: b\n      must: ['6 weeks']\n      buttons_must: ['person']\n")
    conversation = conversations.load(folder)[0]
    same = conversations.Reply("Within 6 weeks.", ("Talk to a person",))
    failures = conversations.run(conversation, lambda text: same)
    assert [f.turn.say for f in failures] == ["b"] and "word for word" in failures[0].problems[0]
    replies = iter([conversations.Reply("I'm not sure I understood. 6 WEEKS", ()),
                    conversations.Reply("6 weeks", ())])
    failures = conversations.run(conversation, lambda text: next(replies))
    assert [p for f in failures for p in f.problems] == ["must not say /not sure/", "no button /person/"]


@pytest.mark.server
def test_conversations_hold_end_to_end(assistant, capsys):
    def new_chat():
        chat = assistant.chat()

        def send(text: str) -> conversations.Reply:
            replies = chat.send(text)
            return conversations.Reply("\n".join(r.get("text") or "" for r in replies),
                                       tuple(b.get("title", "") for r in replies for b in r.get("buttons") or []))
        return send

    results = conversations.score(conversations.load(), new_chat)
    table = conversations.report(results).split("\n\n")[1]
    overall = results.scores["ALL"]
    with capsys.disabled():  # shown by `make test` even when the test passes
        print(f"\n{table}\nConversations: {overall.held}/{overall.total} held ({overall.share:.0%}) "
              f"(report: {conversations.REPORT})")
    assert overall.share >= TARGET
