"""The held-out test phrasings really are held out: none of them is a training example."""
from pathlib import Path

import yaml

from tests import phrasings
from tests.eval.safeguarding import sets as safeguarding_sets

ROOT = Path(__file__).resolve().parent.parent


def training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                examples.add(line.lstrip("- ").strip().lower())
    return examples


def test_no_test_phrasing_is_in_the_training_data():
    seen = training_examples()
    assert len(seen) > 300
    for name in ("SAFEGUARDING", "OUT_OF_SCOPE", "ORDINARY_SEND"):
        overlap = [t for t in getattr(phrasings, name) if t.lower() in seen]
        assert not overlap, f"{name} phrasings found in data/nlu: {overlap}"


def test_no_safeguarding_evaluation_or_tuning_message_is_in_the_training_data():
    """tests/eval/safeguarding measures the assistant (and tuning.yml tunes the threshold): none of
    those messages may train it, whether in data/nlu or as a question in content/faq."""
    seen = training_examples()
    overlap = [t for t in safeguarding_sets.all_messages() if t.lower().strip() in seen]
    assert not overlap, f"safeguarding evaluation messages found in data/nlu: {overlap}"
