"""`make bench` (triage part): triage 5,000 forum-style questions with the model loaded once.

The questions come from bench/triage-questions.txt (the held-out evaluation questions and the forum
sample, frozen so that runs compare), repeated with small changes so no two are identical: a greeting before, a
thank-you after, a typo, a name or a phone number to redact. Prints model load time and
questions per second for the whole run (reading, redaction, safeguarding check, classification,
answer lookup, both reports written). Target on the 2-core machine: over 200 questions a second.
"""
from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.figures import save
from bot import sentence_encoder
from bot.triage import reader, report
from bot.triage.classify import Triage, load_model

ROOT = Path(__file__).resolve().parent.parent
OPENINGS = ["", "", "Hi all, ", "Sorry if this has been asked before. ", "Can anyone help? ", "My son is called Jack. "]
ENDINGS = ["", "", " Thanks in advance", " Any advice welcome x", " You can ring me on 01632 960321.", " ty"]


def questions(count: int, seed: int = 6) -> list[str]:
    lines = (ROOT / "bench" / "triage-questions.txt").read_text(encoding="utf-8").splitlines()
    base = [line for line in lines if line.strip() and not line.startswith("#")]
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        text = rng.choice(OPENINGS) + rng.choice(base) + rng.choice(ENDINGS)
        if rng.random() < 0.2 and len(text) > 10:
            cut = rng.randrange(len(text) - 1)
            text = text[:cut] + text[cut + 1:]
        made.append(text.replace("\n", " "))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="medway-triage-") as folder:
        source = Path(folder) / "inbox.csv"
        with source.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["question"])
            writer.writerows([q] for q in questions(args.questions))

        sentence_encoder.use_threads()  # as `python -m bot triage` does
        started = time.perf_counter()
        triage = Triage(load_model())
        loaded = time.perf_counter() - started

        started = time.perf_counter()
        found, unreadable = reader.read(source)
        results = triage.run(found)
        report.write_csv(results, unreadable, Path(folder) / "inbox-triage.csv")
        report.write_html(results, unreadable, Path(folder) / "inbox-triage.html", source.name)
        elapsed = time.perf_counter() - started

    rate = len(results) / elapsed
    figures = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "questions": len(results), "model_load_s": round(loaded, 2), "triage_s": round(elapsed, 2),
        "questions_per_second": round(rate), "need_a_person": sum(r.needs_person for r in results),
        "safeguarding": sum(r.safeguarding for r in results), "target_questions_per_second": 200,
    }
    print(f"Triage: {figures['questions']:,} questions in {elapsed:.1f} s = {rate:,.0f} questions/s "
          f"(model loaded once in {loaded:.1f} s; target over 200/s); "
          f"{figures['need_a_person']} need a person, {figures['safeguarding']} safeguarding")
    save("triage", figures)


if __name__ == "__main__":
    main()
