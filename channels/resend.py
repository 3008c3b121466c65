"""Safe resending: a message sent again after a lost connection is answered once, never twice.

Behind a load balancer, a Rasa replica can die while it handles a message. The client then sees its
request fail (nginx answers 502) and cannot know whether the turn was stored: Rasa saves a turn's
events in one transaction at its end, so either the whole turn (the message and every reply) is in
the tracker store or none of it is. A client may therefore send the message again with the same
`message_id` and `"resend": true`: under the conversation's lock (the Redis lock store across
replicas), the stored conversation is read, and if that message is already there its stored replies
are sent again and nothing is handled a second time; otherwise the message is handled as new.

Without `"resend": true` nothing is read beforehand, so the ordinary path costs nothing extra. The
`message_id` (when given) is kept on the stored message, which is how a resend finds it.

Limits: a resend is safe only after the first attempt has ended (the replica died, or the connection
failed); a client that resends while its first attempt may still be running (a client timeout) can be
answered twice if the first attempt is still waiting for the lock. Replayed replies are the stored,
redacted text. Side effects the action server had already made for the lost attempt (a volunteer
request, say) are not undone: the resent turn runs its actions again when the first was not stored.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

logger = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
"""What a client's message id may look like (a UUID, or a conversation id and a turn number)."""

ID_KEY = "__message_id"
RESEND_KEY = "__resend"
"""Carried from the request body to the handler in the message's metadata, then taken out again."""

Handler = Callable[[UserMessage], Awaitable[Any]]


def checked_message_id(value: object) -> Optional[str]:
    """The client's message id, or None when it sent none; ValueError for one of the wrong form."""
    if value is None:
        return None
    if not isinstance(value, str) or not MESSAGE_ID.fullmatch(value):
        raise ValueError("'message_id' must be 1 to 80 letters, digits or _ . : -")
    return value


def stored_replies(events: List[Any], message_id: str) -> Optional[List[Dict[Text, Any]]]:
    """The bot messages that answered the stored user message `message_id`, in order, or None when no
    user message with that id is stored."""
    replies: Optional[List[Dict[Text, Any]]] = None
    for stored in events:
        if isinstance(stored, UserUttered):
            if replies is not None:
                break
            if stored.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(stored, BotUttered):
            replies.append({"text": stored.text, **{k: v for k, v in (stored.data or {}).items() if v}})
    return replies


def answered_once(on_new_message: Handler, app_of: Callable[[], Any]) -> Handler:
    """`on_new_message`, with the client's message id kept and resent messages answered once.

    `app_of()` gives the running Sanic app (whose `ctx.agent` holds the lock store, tracker store and
    processor)."""

    async def handle(message: UserMessage) -> Any:
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        message_id = metadata.pop(ID_KEY, None)
        resend = metadata.pop(RESEND_KEY, False)
        if message_id:
            message.message_id = message_id
        if not (message_id and resend):
            return await on_new_message(message)
        agent = app_of().ctx.agent
        async with agent.lock_store.lock(message.sender_id):
            tracker = await agent.tracker_store.retrieve(message.sender_id)
            replies = stored_replies(list(tracker.events) if tracker else [], message_id)
            if replies is None:
                logger.info("Resent message %s was not stored: handling it now.", message_id)
                return await agent.processor.handle_message(message)
            logger.info("Resent message %s was already answered: sending its %d stored replies again.",
                        message_id, len(replies))
            for reply in replies:
                await message.output_channel.send_response(message.sender_id, reply)
            return None

    return handle
