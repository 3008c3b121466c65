"""Hostile and unlucky input for the fuzz test: messages, REST bodies and socket.io events, from a seed.

Everything comes from one `random.Random(seed)`, so a failing case can be made again from its seed
and index (`Fuzz(seed).rest_case(i)` gives the same case every time).
"""
from __future__ import annotations

import json
import random
import string
from typing import Any, Optional

# Pieces a message is made from: what parents type, what attackers type, and what breaks software.
WORDS = ("my son needs an ehcp", "what is SEN support", "help", "school won't listen", "tribunal",
         "speech therapy near Gillingham", "hello", "talk to a person", "is that working days", "start again",
         "my email is jo@example.org", "call 07700 900123", "dob 12/03/2015")
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --",
           "1 OR 1=1", "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd", "%00", "\\u0000", "/restart",
           "/safeguarding", '/leave_question{"consent": "yes"}', "/faq_", "/", "//", "/feedback_helpful",
           "/directory_more", "/greet{\"x\": 1}", "\"}]", "NaN", "null")
SCRIPTS = ("مرحبا، أحتاج مساعدة بخصوص ابني", "שלום, הבן שלי צריך עזרה", "我的孩子需要帮助", "Мій син має аутизм",
           "मेरे बेटे को मदद चाहिए", "ลูกชายของฉันต้องการความช่วยเหลือ", "Dzień dobry", "Ελληνικά", "한국어 도움",
           "\u202eevil\u202c", "\u200f\u200e\u200b\u2066x\u2069", "Z\u0351\u0363\u0364a\u0317lgo\u035e", "ﷺ", "𒐫")
EMOJI = ("😭", "🙏", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇬🇧", "❤️", "🧑🏽‍🦽", "\ufe0f", "\u200d")
CONTROLS = "".join(chr(c) for c in [*range(0, 32), *range(127, 160)]) + "\u2028\u2029\ufeff\ufffe\uffff"
PLANES = [(0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x1FFFF), (0x20000, 0x2FFFF), (0x30000, 0x3FFFF),
          (0xE0000, 0xE01EF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD), (0x40000, 0xDFFFF)]


class Fuzz:
    """Generators of messages and request bodies, reproducible from a seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def _rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{index}")

    # --- text -------------------------------------------------------------------------------
    def text(self, rng: random.Random, max_chars: int = 300) -> str:
        """A message of mixed pieces: words, hostile strings, other scripts, emoji, controls, any plane."""
        parts = []
        for _ in range(rng.randint(1, 6)):
            kind = rng.randrange(8)
            if kind == 0:
                parts.append(rng.choice(WORDS))
            elif kind == 1:
                parts.append(rng.choice(HOSTILE))
            elif kind == 2:
                parts.append(rng.choice(SCRIPTS))
            elif kind == 3:
                parts.append("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 5))))
            elif kind == 4:
                parts.append("".join(rng.choice(CONTROLS) for _ in range(rng.randint(1, 5))))
            elif kind == 5:
                low, high = rng.choice(PLANES)
                parts.append("".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 20))))
            elif kind == 6:
                parts.append(chr(rng.randint(0xD800, 0xDFFF)))  # a lone surrogate (sent escaped in JSON)
            else:
                parts.append("".join(rng.choice(string.printable) for _ in range(rng.randint(1, 30))))
        text = rng.choice([" ", "", "\n"]).join(parts)
        if rng.random() < 0.02:
            text = (text or "x") * (rng.choice([4999, 5001, 20000]) // max(len(text), 1) + 1)
            text = text[:rng.choice([4999, 5000, 5001, 20000])]
        return text if len(text) > 5000 or rng.random() < 0.02 else text[:max_chars]

    def value(self, rng: random.Random, depth: int = 0) -> Any:
        """Any JSON value, sometimes deeply nested or large."""
        kind = rng.randrange(10 if depth < 4 else 7)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice([True, False])
        if kind == 2:
            return rng.choice([0, -1, 2 ** 63, -(2 ** 64), 1e308, -0.0, 3.14, 10 ** 30])
        if kind in (3, 4, 5, 6):
            return self.text(rng, 60)
        if kind == 7:
            return [self.value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
        if kind == 8:
            return {self.text(rng, 20): self.value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
        return self.nested(rng, rng.randint(10, 200))

    @staticmethod
    def nested(rng: random.Random, depth: int) -> Any:
        value: Any = "deep"
        for _ in range(depth):
            value = [value] if rng.random() < 0.5 else {"a": value}
        return value

    def sender(self, rng: random.Random, good: str) -> Any:
        """Mostly the conversation's own id; sometimes anything at all."""
        return good if rng.random() < 0.9 else self.value(rng)

    # --- REST ------------------------------------------------------------------------------
    def rest_case(self, index: int, sender: str) -> tuple[Optional[dict], bytes]:
        """(the body as a JSON value, or None when the bytes are not JSON; the bytes to POST)."""
        rng = self._rng("rest", index)
        kind = rng.random()
        if kind < 0.1:
            return None, self._broken_bytes(rng)
        if kind < 0.2:
            body: Any = self.value(rng)  # not an object at all
        elif kind < 0.45:
            body = {"sender": self.value(rng), "message": self.text(rng)}  # almost always a bad sender
        elif kind < 0.58:
            body = {"sender": sender, "message": rng.choice([self.value(rng), rng.random(), [self.text(rng)]])}
        elif kind < 0.65:
            body = {"sender": sender, "message": "x" * rng.choice([5001, 20000, 200_000])}
        else:  # a message the model reads (only these cost a whole turn)
            body = {"sender": sender, "message": self.text(rng)}
            if rng.random() < 0.2:
                body["metadata"] = self.value(rng)
            if rng.random() < 0.1:
                body["input_channel"] = self.value(rng)
            if rng.random() < 0.05:
                body[self.text(rng, 10)] = self.value(rng)
        return body, json.dumps(body, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")

    def _broken_bytes(self, rng: random.Random) -> bytes:
        kind = rng.randrange(7)
        if kind == 0:
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
        if kind == 1:
            return b'{"sender": "a", "message": "' + bytes([rng.choice([0xC0, 0xFF, 0xFE, 0x80, 0xED])]) + b'"}'
        if kind == 2:
            return b"[" * rng.choice([1000, 100000]) + b"]" * rng.choice([0, 1000])
        if kind == 3:
            return b'{"sender": "a", "message": "\\ud800\\udfff\\udc00"}'
        if kind == 4:
            return b'{"sender": "a", "message": "hi"' + b", " * rng.randint(0, 3)
        if kind == 5:
            return b'{"sender": "a", "message": "hi", "metadata": ' + b'{"a":' * 50000 + b"1" + b"}" * 50000 + b"}"
        return json.dumps({"sender": "a", "message": "x"}).encode("utf-16")

    # --- socket.io ---------------------------------------------------------------------------
    def socket_case(self, index: int, session_id: str) -> tuple[str, Any]:
        """(event name, data) for a socket.io client to emit."""
        rng = self._rng("socket", index)
        kind = rng.random()
        if kind < 0.05:
            return "session_request", rng.choice([None, {"session_id": self.value(rng)}, self.value(rng)])
        if kind < 0.2:
            return "user_uttered", self.value(rng)
        if kind < 0.45:
            return "user_uttered", {"message": self.value(rng), "session_id": self.sender(rng, session_id)}
        if kind < 0.6:
            return "user_uttered", {"message": "x" * rng.choice([5001, 20000]) + self.text(rng), "session_id": session_id}
        data: dict[str, Any] = {"message": self.text(rng), "session_id": self.sender(rng, session_id)}
        if rng.random() < 0.2:
            data["customData"] = self.value(rng)
        return "user_uttered", data
