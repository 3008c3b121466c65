"""Rasa's socket.io channel (/socket.io) with the REST channel's input checks and its own conversations.

Rasa's own socket.io channel stores whatever arrives (any length, NUL bytes, any session id),
accepts every Origin, files a socket.io session under the id the client chose (so it could write
into a REST conversation), and crashes on a reply with custom JSON (an FAQ answer's "Was this
helpful?", the directory cards), losing the turn. Here:

- messages and session ids go through `bot.input_checks`, exactly as on the REST channel;
  refusals are answered with a bot message saying why;
- browsers may connect only from the allowed origins (`bot.web.allowed_origins`, as for REST);
- conversations are stored as `socketio~<session id>`: REST ids cannot contain "~", so neither
  channel can reach the other's conversations, and a socket only writes to the session it joined;
- custom JSON is sent as one message, `{"custom": {...}}`, as the REST channel delivers it;
- metadata is cut to `input_checks.METADATA_KEYS`, and a turn that fails or says nothing is answered
  with an apology (`channels.turns`).
"""
from __future__ import annotations

import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import rasa.core.channels.channel
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot import input_checks
from bot.web import allowed_origins
from channels.turns import never_silent

logger = logging.getLogger(__name__)

SENDER_PREFIX = "socketio~"


def conversation_id(session_id: str) -> str:
    """The tracker's id for a socket.io session: never one a REST client can send."""
    return SENDER_PREFIX + session_id


class CheckedSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, with custom JSON sent as one bot message."""

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """`{"custom": json_message}` to the conversation's room (Rasa's passed the keys to emit() as arguments)."""
        await self._send_message(recipient_id, {"custom": json_message})


class CheckedSocketIOInput(SocketIOInput):
    """socket.io at /socket.io with checked input, allowed origins only and conversations of its own."""

    def get_output_channel(self) -> Optional[OutputChannel]:
        return CheckedSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else super().get_output_channel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = never_silent(on_new_message)
        origins = set(allowed_origins())
        # CORS headers come from Rasa's --cors (sanic_cors): python-socketio's own would be sent twice.
        # The origin is checked on connecting instead, which covers the websocket transport too.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio
        sessions: Dict[Text, Text] = {}  # socket id -> the session it joined

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def say(sid: Text, text: Text) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=sid)

        def join(sid: Text, session_id: Text) -> None:
            """One session per socket: a second session_request leaves the first session's room."""
            if self.session_persistence:
                if sid in sessions:
                    sio.leave_room(sid, conversation_id(sessions[sid]))
                sio.enter_room(sid, conversation_id(session_id))
            sessions[sid] = session_id

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins and "*" not in origins:
                logger.info("socket.io connection refused: origin not allowed")
                return False
            if not self.jwt_key:
                return True
            token = auth.get("token") if isinstance(auth, dict) else None
            return bool(token and rasa.core.channels.channel.decode_bearer_token(
                token, self.jwt_key, self.jwt_algorithm))

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            sessions.pop(sid, None)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if input_checks.valid_sender(asked) else uuid.uuid4().hex
            join(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                return await say(sid, "Messages must be an object with a 'message'.")
            if not self.session_persistence:
                sessions.setdefault(sid, sid)
            elif sid not in sessions:
                try:
                    join(sid, input_checks.checked_sender(data.get("session_id")))
                except input_checks.Refused:
                    return await say(sid, "Please start a session first (the session_request event).")
            try:
                text = input_checks.checked_message(data.get("message"))
            except input_checks.Refused as refused:
                return await say(sid, refused.reason)
            sender = conversation_id(sessions[sid])
            recipient = sender if self.session_persistence else sid
            output = _RoomOutput(sio, self.bot_message_evt, recipient)
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name(),
                                             metadata=input_checks.checked_metadata(data.get(self.metadata_key))))

        return socketio_webhook


class _RoomOutput(CheckedSocketIOOutput):
    """Replies to one room whatever recipient id Rasa gives (the conversation id or, without
    session persistence, the socket)."""

    def __init__(self, sio: AsyncServer, bot_message_evt: Text, room: Text) -> None:
        super().__init__(sio, bot_message_evt)
        self.room = room

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await self.sio.emit(self.bot_message_evt, response, room=self.room)
