"""Rasa's REST channel with its input checked first, at the same address (/webhooks/rest/webhook).

Rasa's own channel answers a JSON body that is not an object with a 500, files every client that
sends no `sender` under one shared conversation, and passes control characters to the tracker
store. Here those get a clear 400 or 413 instead, the text is cleaned before Rasa sees it, and
"/intent" payloads are accepted only when a button could have sent them. Metadata is cut to
`input_checks.METADATA_KEYS`, and a turn that fails or says nothing is answered with an apology.
A bot message with text and custom JSON (the directory's cards with their plain-text copy) is sent
as one message, where Rasa's channel would send the text cut at blank lines and then the JSON.

A client may name each message (`"message_id"`) and send it again with `"resend": true` after a
lost connection: it is then answered once, never twice (`channels.resend`).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge, SanicException
from sanic.request import Request

from bot import input_checks
from channels import resend
from channels.turns import never_silent


class CheckedRestInput(RestInput):
    """Validates the body, the sender and the message (`bot.input_checks`, shared with the socket.io
    channel); otherwise Rasa's REST channel unchanged."""

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
        try:
            return input_checks.checked_sender(self._body(req).get("sender"))
        except input_checks.Refused as refused:
            raise _http_error(refused) from None

    def _extract_message(self, req: Request) -> Text:
        try:
            return input_checks.checked_message(self._body(req).get("message"))
        except input_checks.Refused as refused:
            raise _http_error(refused) from None

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # never a name the client chose

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        body = self._body(request)
        metadata: Dict[Text, Any] = input_checks.checked_metadata(body.get("metadata"))
        try:
            message_id = resend.checked_message_id(body.get("message_id"))
        except ValueError as wrong:
            raise InvalidUsage(str(wrong)) from None
        if message_id:  # taken out again by channels.resend before the message is handled
            metadata[resend.ID_KEY] = message_id
            metadata[resend.RESEND_KEY] = body.get("resend") is True
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        running: Dict[str, Any] = {}
        blueprint = super().blueprint(
            one_message_each(never_silent(resend.answered_once(on_new_message, lambda: running["app"]))))

        @blueprint.listener("before_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            running["app"] = app

        return blueprint


OTHER_PARTS = ("buttons", "quick_replies", "image", "attachment", "elements")


class _OneMessageEach:
    """The REST channel's collector, sending a bot message that has text and custom JSON as one message;
    everything else is the collector's own (not an OutputChannel subclass, whose methods would hide them)."""

    def __init__(self, inner: CollectingOutputChannel) -> None:
        self.inner = inner

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        text, custom = message.get("text"), message.get("custom")
        if text and custom and not any(message.get(key) for key in OTHER_PARTS):
            await self.inner._persist_message(self.inner._message(recipient_id, text=text, custom=custom))
        else:
            await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def one_message_each(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """`on_new_message`, its bot messages collected by `_OneMessageEach`."""

    async def handle(message: UserMessage) -> Any:
        message.output_channel = _OneMessageEach(message.output_channel)
        return await on_new_message(message)

    return handle


def _http_error(refused: input_checks.Refused) -> SanicException:
    return PayloadTooLarge(refused.reason) if refused.status == 413 else InvalidUsage(refused.reason)
