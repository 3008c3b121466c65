"""Every message gets an answer: when a turn fails or says nothing, the parent is told politely.

Rasa logs an action that fails (the action server stopped, a timeout) and carries on without its
reply, and the REST channel answers a turn that raised with an empty list: the parent sees
silence. Both checked channels wrap Rasa's message handler in `never_silent`.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import OutputChannel, UserMessage

logger = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on our side and I couldn't answer that. Please send your message "
         "again in a minute. If a child is in danger now, call 999.")

Handler = Callable[[UserMessage], Awaitable[Any]]


class _CountingOutput(OutputChannel):
    """Passes every bot message to the channel's own output and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)


def never_silent(on_new_message: Handler) -> Handler:
    """`on_new_message`, answering SORRY when the turn raised or sent no bot message."""

    async def handle(message: UserMessage) -> None:
        output = _CountingOutput(message.output_channel)
        message.output_channel = output
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("A turn failed; the parent is asked to send the message again.")
        if not output.sent:
            await output.inner.send_text_message(message.sender_id, SORRY)

    return handle
