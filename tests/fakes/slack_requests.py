"""Requests the way Slack sends them to ``/slack/events``: bodies and v0 signatures.

Shared by the Slack adapter tests and ``benchmarks/slack_ack.py``. Bodies follow Slack's
documented payloads (slash command form posts, ``payload=`` form posts for interactivity, JSON
event callbacks).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

_counter = itertools.count(1)


def signature(secret: str, timestamp: str, body: str) -> str:
    """``v0=`` + HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, content_type: str, *,
                   timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret, stamp, body),
            "Content-Type": content_type}


def fresh_id(prefix: str) -> str:
    return f"{prefix}{next(_counter):06d}"


def command_body(*, user: str, channel: str, text: str, team: str = "T1",
                 user_name: str | None = None, channel_name: str = "set-home",
                 response_url: str = "", trigger_id: str | None = None) -> str:
    return urlencode({
        "token": "legacy", "team_id": team, "team_domain": "fake", "channel_id": channel,
        "channel_name": channel_name, "user_id": user, "user_name": user_name or user.lower(),
        "command": "/set", "text": text, "api_app_id": "A1", "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id or fresh_id("trig."),
    })


def message_body(*, user: str, channel: str, text: str, team: str = "T1",
                 event_id: str | None = None, channel_type: str = "channel",
                 subtype: str | None = None, bot_id: str | None = None) -> str:
    ts = f"{time.time():.6f}"
    event: dict[str, Any] = {"type": "message", "channel": channel, "user": user, "text": text,
                             "ts": ts, "event_ts": ts, "channel_type": channel_type,
                             "team": team}
    if subtype:
        event["subtype"] = subtype
    if bot_id:
        event["bot_id"] = bot_id
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A1", "event": event,
                       "type": "event_callback", "event_id": event_id or fresh_id("Ev"),
                       "event_time": int(time.time()),
                       "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}]})


def event_body(event: dict[str, Any], *, team: str = "T1", event_id: str | None = None) -> str:
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A1", "event": event,
                       "type": "event_callback", "event_id": event_id or fresh_id("Ev"),
                       "event_time": int(time.time())})


def action_payload(*, user: str, channel: str, action: str, team: str = "T1",
                   channel_name: str = "set-home", response_url: str = "",
                   trigger_id: str | None = None, message_ts: str = "1700000000.000001",
                   ) -> dict[str, Any]:
    return {
        "type": "block_actions", "team": {"id": team, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A1", "token": "legacy", "trigger_id": trigger_id or fresh_id("trig."),
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "channel": {"id": channel, "name": channel_name},
        "message": {"type": "message", "ts": message_ts, "text": ""},
        "response_url": response_url,
        "actions": [{"type": "button", "action_id": action, "block_id": "b1",
                     "value": action, "text": {"type": "plain_text", "text": "x"},
                     "action_ts": f"{time.time():.6f}"}],
    }


def view_payload(*, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]],
                 team: str = "T1", trigger_id: str | None = None) -> dict[str, Any]:
    """A view_submission of ``view`` (as the bot opened it) with ``values`` as
    ``{block_id: {action_id: element state}}``."""
    return {
        "type": "view_submission", "team": {"id": team, "domain": "fake"},
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A1", "token": "legacy", "trigger_id": trigger_id or fresh_id("trig."),
        "view": {**view, "id": fresh_id("V"), "team_id": team, "state": {"values": values},
                 "hash": "h", "app_id": "A1"},
        "response_urls": [],
    }


def payload_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class SlackSender:
    """Posts signed requests to our ``/slack/events`` and returns (status, body, seconds)."""

    def __init__(self, url: str, secret: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self.secret = secret
        self.session = session

    async def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
                   sign: bool = True, timestamp: int | None = None,
                   secret: str | None = None) -> tuple[int, str, float]:
        sent = (signed_headers(secret or self.secret, body, content_type, timestamp=timestamp)
                if sign else {"Content-Type": content_type})
        sent.update(headers or {})
        started = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            text = await response.text()
            return response.status, text, time.perf_counter() - started

    async def command(self, **kwargs: Any) -> tuple[int, str, float]:
        return await self.post(command_body(**kwargs), FORM)

    async def message(self, *, headers: dict[str, str] | None = None,
                      **kwargs: Any) -> tuple[int, str, float]:
        return await self.post(message_body(**kwargs), JSON, headers=headers)

    async def event(self, event: dict[str, Any], **kwargs: Any) -> tuple[int, str, float]:
        return await self.post(event_body(event, **kwargs), JSON)

    async def press(self, **kwargs: Any) -> tuple[int, str, float]:
        return await self.post(payload_body(action_payload(**kwargs)), FORM)

    async def submit(self, **kwargs: Any) -> tuple[int, str, float]:
        return await self.post(payload_body(view_payload(**kwargs)), FORM)
