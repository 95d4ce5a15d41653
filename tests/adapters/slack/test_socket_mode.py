"""Socket Mode against a local websocket fake: apps.connections.open hands out
ws://127.0.0.1:P/link, the fake says hello, sends envelopes and reads the acks."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import func, select

from adapters.slack.app import start_slack
from bot.clock import ManualClock
from bot.runtime import Runtime, build
from storage.models import SetRow
from tests.adapters.slack.conftest import slack_settings
from tests.adapters.slack.helpers import CHANNEL
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_requests import command_body, message_body


def slash_envelope(envelope_id: str, text: str, user: str = "UALICE") -> dict[str, Any]:
    payload = dict(parse_qsl(command_body(user=user, channel=CHANNEL, text=text)))
    return {"envelope_id": envelope_id, "type": "slash_commands", "payload": payload,
            "accepts_response_payload": True}


async def command(fake: FakeSlackAPI, envelope_id: str, text: str, user: str = "UALICE") -> None:
    await fake.send_envelope(slash_envelope(envelope_id, text, user))
    ack = await asyncio.wait_for(fake.socket_acks.get(), timeout=5)
    assert ack["envelope_id"] == envelope_id


async def sets(runtime: Runtime) -> int:
    return int(await runtime.db.run(
        lambda session: session.execute(select(func.count()).select_from(SetRow)).scalar_one()))


async def test_socket_mode_envelopes_are_acked_and_handled(fake_slack: FakeSlackAPI,
                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path, slack_signing_secret=None,
                              slack_app_token="xapp-test")
    runtime = await build(settings, clock=ManualClock(datetime(2026, 11, 2, 10, tzinfo=UTC)),
                          database_url=f"sqlite:///{tmp_path}/t.db")
    service = await start_slack(settings, runtime)
    try:
        assert service.port is None  # no HTTP server in Socket Mode
        await fake_slack.wait_connected()
        assert fake_slack.calls_to("apps.connections.open")[0].token == "xapp-test"

        await command(fake_slack, "env-1", "create Practice")
        await service.idle()
        assert await sets(runtime) == 1
        assert any("Action learning set: Practice" in c.args["text"]
                   for c in fake_slack.calls_to("chat.postMessage"))

        await command(fake_slack, "env-2", "join", user="UBOB")
        await command(fake_slack, "env-3", "start")
        await service.idle()

        # An Events API envelope delivered twice (Bolt maps retry_attempt to
        # X-Slack-Retry-Num) is acknowledged twice and processed once.
        event = json.loads(message_body(user="UBOB", channel=CHANNEL, text="I'm here",
                                        event_id="EvSOCKET"))
        for attempt, envelope_id in ((0, "env-4"), (1, "env-5")):
            await fake_slack.send_envelope({
                "envelope_id": envelope_id, "type": "events_api", "payload": event,
                "accepts_response_payload": False, "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else ""})
            ack = await asyncio.wait_for(fake_slack.socket_acks.get(), timeout=5)
            assert ack["envelope_id"] == envelope_id
        await service.idle()
        to_bob = [c.args["text"] for c in fake_slack.calls_to("chat.postEphemeral")
                  if c.args["user"] == "UBOB" and "here" in c.args["text"]]
        assert to_bob == ["Noted: you're here."]
    finally:
        await service.stop()
        await runtime.close()
