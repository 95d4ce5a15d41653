"""Requests Slack did not sign are refused before anything happens; retries are processed once;
nothing a member types can make the bot ping the channel or anyone it did not mean to."""

from __future__ import annotations

import json
import time

import pytest

from storage.models import CommitmentRow, EntryRow, SetRow
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import CHANNEL, count, to_commitment, to_questioning
from tests.fakes.slack_requests import FORM, JSON, command_body, message_body


@pytest.mark.parametrize("how", ["forged", "missing", "stale", "future"])
async def test_unsigned_or_stale_requests_get_401_and_change_nothing(
        world: SlackWorld, how: str) -> None:
    body = command_body(user="UALICE", channel=CHANNEL, text="create Practice")
    if how == "forged":
        status, _, _ = await world.send.post(body, FORM, secret="not-the-secret")
    elif how == "missing":
        status, _, _ = await world.send.post(body, FORM, sign=False)
    elif how == "stale":  # correctly signed, but more than five minutes old
        status, _, _ = await world.send.post(body, FORM, timestamp=int(time.time()) - 301)
    else:
        status, _, _ = await world.send.post(body, FORM, timestamp=int(time.time()) + 301)
    assert status == 401
    event = message_body(user="UALICE", channel=CHANNEL, text="hello")
    status, _, _ = await world.send.post(event, JSON, secret="not-the-secret")
    assert status == 401
    await world.settle()
    assert await count(world, SetRow) == 0
    assert world.fake.posted() == []
    assert [c.method for c in world.fake.calls] == ["auth.test"]  # only the start-up check


async def test_a_signed_request_within_five_minutes_is_accepted(world: SlackWorld) -> None:
    body = command_body(user="UALICE", channel=CHANNEL, text="create Practice")
    status, _, _ = await world.send.post(body, FORM, timestamp=int(time.time()) - 240)
    assert status == 200
    await world.settle()
    assert await count(world, SetRow) == 1


async def test_a_retried_event_is_processed_once(world: SlackWorld) -> None:
    await to_questioning(world)
    updates = len(world.fake.calls_to("chat.update"))
    first = await world.send.message(user="UCAROL", channel=CHANNEL, event_id="EvQUESTION1",
                                     text="What would change if it worked?")
    retry = await world.send.message(user="UCAROL", channel=CHANNEL, event_id="EvQUESTION1",
                                     text="What would change if it worked?",
                                     headers={"X-Slack-Retry-Num": "1",
                                              "X-Slack-Retry-Reason": "http_timeout"})
    again = await world.send.message(user="UCAROL", channel=CHANNEL, event_id="EvQUESTION1",
                                     text="What would change if it worked?",
                                     headers={"X-Slack-Retry-Num": "2",
                                              "X-Slack-Retry-Reason": "http_timeout"})
    assert [r[0] for r in (first, retry, again)] == [200, 200, 200]
    await world.settle()
    assert await count(world, EntryRow, EntryRow.kind == "question") == 1
    assert len(world.fake.calls_to("chat.update")) == updates + 1


async def test_a_retried_commit_commits_once(world: SlackWorld) -> None:
    await to_commitment(world)
    body = command_body(user="UBOB", channel=CHANNEL, text="commit Ask the team",
                        trigger_id="trig.same")
    await world.send.post(body, FORM)
    await world.send.post(body, FORM, headers={"X-Slack-Retry-Num": "1"})
    await world.settle()
    assert await count(world, CommitmentRow) == 1
    assert sum("Committed:" in str(c.args.get("text")) for c in world.fake.posted()) == 1


LIVE = ("<!channel>", "<!here>", "<!everyone>", "<!subteam^", "<@U999", "<@UEVIL")


async def test_member_text_never_pings(world: SlackWorld) -> None:
    await to_questioning(world, question="Why does <!channel> ignore <@U999> & <!here>?")
    await world.send.message(user="UCAROL", channel=CHANNEL,
                             text="What if <!everyone> asked <!subteam^S123|team>?")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()
    await world.send.command(user="UBOB", channel=CHANNEL,
                             text="commit Tell <!channel> and <@U999|dave> <b>now</b>")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="end")
    await world.settle()
    said = [json.dumps(c.args, ensure_ascii=False) for c in world.fake.posted()]
    assert any("Tell &lt;!channel&gt; and &lt;@U999|dave&gt;" in s for s in said)
    assert any("Why does &lt;!channel&gt; ignore &lt;@U999&gt; &amp; &lt;!here&gt;?" in s
               for s in said)  # the summary shows the question, defused
    for text in said:
        for live in LIVE:
            assert live not in text, (live, text)


async def test_a_display_name_cannot_carry_a_mention(world: SlackWorld) -> None:
    await world.send.command(user="UALICE", channel=CHANNEL, text="create Practice",
                             user_name="<!channel>")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="export")
    await world.settle()
    said = [json.dumps(c.args, ensure_ascii=False) for c in world.fake.calls]
    assert all("<!channel>" not in s for s in said)


async def test_slack_can_verify_the_request_url(world: SlackWorld) -> None:
    """Saving the Request URL in Slack's settings sends a signed url_verification."""
    body = json.dumps({"token": "legacy", "challenge": "3eZbrw1aBm2rZgRNFdxV",
                       "type": "url_verification"})
    status, answer, _ = await world.send.post(body, JSON)
    assert status == 200 and "3eZbrw1aBm2rZgRNFdxV" in answer
