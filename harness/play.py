"""Play conversations through the real assistant and print what a parent would read.

    .venv/bin/python -m harness.play conversations.txt

The file holds conversations separated by blank lines, one message a line (a button is typed as
its payload, such as /faq_exclusions). Each conversation gets a new sender. Replies are printed
with their buttons and the time each took. Needs a trained model (`make train`).
"""
from __future__ import annotations

import argparse
import re
import tempfile
import time
import uuid
from pathlib import Path

from harness.assistant import Assistant, Chat


def conversations(text: str) -> list[list[str]]:
    blocks = re.split(r"\n\s*\n", text.strip())
    return [[line.strip() for line in block.splitlines() if line.strip()] for block in blocks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="conversations, separated by blank lines, one message a line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medway-play-") as workdir:
        assistant = Assistant(Path(workdir))
        try:
            assistant.start()
            for messages in conversations(args.file.read_text(encoding="utf-8")):
                chat = Chat(assistant.webhook, uuid.uuid4().hex)
                print("=" * 70)
                for message in messages:
                    started = time.monotonic()
                    replies = chat.send(message)
                    print(f">>> {message}   ({(time.monotonic() - started) * 1000:.0f} ms)")
                    for reply in replies:
                        print("   " + (reply.get("text") or "").replace("\n", "\n   "))
                        if reply.get("buttons"):
                            print("   [" + " | ".join(f"{b['title']} -> {b['payload']}" for b in reply["buttons"]) + "]")
        finally:
            assistant.stop()


if __name__ == "__main__":
    main()
