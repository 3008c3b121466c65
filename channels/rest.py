"""Rasa's REST channel with its input checked first, at the same address (/webhooks/rest/webhook).

Rasa's own channel answers a JSON body that is not an object with a 500, files every client that
sends no `sender` under one shared conversation, and passes control characters to the tracker
store. Here those get a clear 400 or 413 instead, and the text is cleaned before Rasa sees it.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request

from bot import input_checks


class CheckedRestInput(RestInput):
    """Validates the body, the sender and the message; otherwise Rasa's REST channel unchanged."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @staticmethod
    def _body(req: Request) -> Dict[Text, Any]:
        body = req.json  # Sanic answers 400 itself when this is not JSON
        if not isinstance(body, dict):
            raise InvalidUsage("The request body must be a JSON object with 'sender' and 'message'.")
        return body

    async def _extract_sender(self, req: Request) -> Text:
        sender = self._body(req).get("sender")
        if not input_checks.valid_sender(sender):
            raise InvalidUsage(f"'sender' must be a conversation id of 1 to {input_checks.MAX_SENDER_CHARS} "
                               "letters, digits or the characters - _ . : @")
        return sender

    def _extract_message(self, req: Request) -> Text:
        message = self._body(req).get("message")
        if message is None:
            return ""
        if not isinstance(message, str):
            raise InvalidUsage("'message' must be text.")
        if len(message) > input_checks.MAX_MESSAGE_CHARS:
            raise PayloadTooLarge(f"Messages can be up to {input_checks.MAX_MESSAGE_CHARS:,} characters. "
                                  "Please send a shorter message, or split it into parts.")
        return input_checks.clean(message)
