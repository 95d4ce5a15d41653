"""Bad input and faults in a Matrix room on a real Synapse: stray pings, old cards, a room
that is no set, an encrypted room, a direct room the member left, a rate-limited bot."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
from aiohttp import web
from prometheus_client import REGISTRY

from tests.adapters.matrix.conftest import World, bot_messages
from tests.support.homeserver import free_port
from tests.support.matrix_member import Member


async def _set(w: World, name: str = "Leaders") -> None:
    await w.alice.command(w.room, f"create {name}")
    await w.card(text="Action learning set")
    await w.bob.command(w.room, "join")
    await w.carol.command(w.room, "join")
    await w.settle()


async def test_echoed_room_mention_notifies_nobody(world: World) -> None:
    w = world
    await _set(w, "Ops @room look here")
    card = await w.alice.wait_text(w.room, "Ops @room look here", sender=w.bot_id)
    assert card.content["m.mentions"] == {"user_ids": [w.alice.user_id]}
    assert "@room look here" in card.html, "shown, as text"
    await w.bob.command(w.room, "org @room <b>Acme</b> @" + w.carol.user_id[1:])
    await w.settle()

    # The control: the same words from a member without m.mentions do highlight everyone,
    # so the server's push rules would have fired for the bot's echo too.
    await w.alice.send(w.room, {"msgtype": "m.text", "body": "@room the control"})
    await w.settle()

    async def highlights(member: Member) -> list[dict]:
        return [n["event"] for n in await member.notifications(highlight_only=True)]

    for member in (w.bob, w.carol):
        for event in await highlights(member):
            if event["sender"] == w.bot_id:
                mentioned = event["content"].get("m.mentions", {}).get("user_ids", [])
                assert member.user_id in mentioned, ("a bot message highlighted someone it "
                                                     f"did not mean to: {event['content']}")
    carol = await highlights(w.carol)
    assert [e["content"]["body"] for e in carol if e["sender"] != w.bot_id] == [
        "@room the control"]
    bob = await highlights(w.bob)
    assert "@room the control" in [e["content"]["body"] for e in bob]
    assert not any("@room" in e["content"]["body"] for e in bob if e["sender"] == w.bot_id)
    for message in bot_messages(await w.alice.messages(w.room), w.bot_id):
        assert "<b>" not in message.html, "a member's HTML is escaped, never rendered"


async def test_a_reaction_on_an_old_card_is_told_the_meeting_moved_on(world: World) -> None:
    w = world
    await _set(w)
    await w.alice.command(w.room, "start")
    card = await w.card(text="opening")
    await w.press(w.bob, "🙋", card)
    await w.settle()
    # Alice and Bob both press "next" on the opening card before the bot has moved it on:
    # the second press was made on the opening stage, which is gone by the time it counts.
    w.clock.advance(timedelta(minutes=1))
    await w.alice.react(w.room, card.event_id, "⏭️")
    await w.bob.react(w.room, card.event_id, "⏭️")
    await w.card(text="presentation")
    await w.settle()
    dm = await w.dm_room(w.bob)
    await w.bob.wait_text(dm, "already moved on", sender=w.bot_id)
    assert "— presentation" in (await w.card(text="Meeting 1")).body, "moved once, not twice"

    # The card of an ended meeting has no keys left: a reaction there is just an emoji.
    await w.alice.command(w.room, "end")
    await w.alice.wait_text(w.room, "Meeting summary", sender=w.bot_id)
    before = len(await w.alice.messages(w.room))
    await w.carol.react(w.room, card.event_id, "✋")
    await w.settle()
    after = await w.alice.messages(w.room)
    assert [m.body for m in after[before:]] == ["…"], "nothing answered, nothing posted"


async def test_plain_reactions_and_the_bots_own_do_not_press(world: World) -> None:
    w = world
    await _set(w)
    await w.alice.command(w.room, "start")
    card = await w.card(text="opening")
    assert await w.seeded(card, 3) == {"⏭️", "✋", "🙋"}  # the bot's own: no presses
    dm = await w.dm_room(w.bob)
    answers = len(await w.bob.messages(dm))
    member_message = await w.carol.say(w.room, "Morning all")
    await w.bob.react(w.room, member_message, "✋")   # on a member's message: no button
    await w.bob.react(w.room, card.event_id, "🦄")    # no such key on the card
    await w.settle()
    assert (await w.card(text="Meeting 1")).content == card.content, "the card is unchanged"
    assert len(await w.bob.messages(dm)) == answers, "and Bob was not answered"
    await w.press(w.bob, "✋", card)                  # while the real key does press
    await w.bob.wait_text(dm, "Noted", sender=w.bot_id)


async def test_a_command_in_a_room_that_is_no_set_gets_the_usage(world: World) -> None:
    w = world
    await w.bob.command(w.room, "start")
    dm = await w.dm_room(w.bob)
    answer = await w.bob.wait_text(dm, "isn't a set's home yet", sender=w.bot_id)
    assert "!set create <name>" in answer.body, "the usage, as Matrix users type it"
    await w.bob.command(w.room, "frobnicate")
    await w.bob.wait_text(dm, "!set help", sender=w.bot_id)
    assert not bot_messages(await w.alice.messages(w.room), w.bot_id), "answered privately"


async def test_pills_in_a_command_name_the_member(world: World) -> None:
    w = world
    await _set(w)
    bob = w.bob.user_id
    await w.alice.send(w.room, {
        "msgtype": "m.text", "body": "!set facilitator Bob",
        "format": "org.matrix.custom.html",
        "formatted_body": f'!set facilitator <a href="https://matrix.to/#/{bob}">Bob</a>',
        "m.mentions": {"user_ids": [bob]}})
    answer = await w.alice.wait_text(w.room, "facilitator", sender=w.bot_id, after=6)
    assert bob in answer.body
    # A typed id works as well (without a pill): Bob hands it back to Alice.
    await w.bob.command(w.room, f"facilitator {w.alice.user_id}")
    await w.settle()
    texts = [m.body for m in bot_messages(await w.alice.messages(w.room), w.bot_id)]
    assert any(w.alice.user_id in t and "facilitator" in t for t in texts[-3:])


async def test_an_encrypted_room_is_told_once_that_the_bot_cannot_read_it(
        world: World) -> None:
    w = world
    room = await w.alice.create_room("Secret", invite=[w.bot_id], encrypted=True)
    notice = await w.alice.wait_text(room, "end-to-end encrypted", sender=w.bot_id)
    assert notice.content["msgtype"] == "m.notice"
    for _ in range(2):
        await w.alice.send(room, {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "x",
                                  "session_id": "s", "device_id": "D"}, "m.room.encrypted")
    await w.settle()
    await w.restart_bot()
    await w.alice.send(room, {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "y",
                              "session_id": "s", "device_id": "D"}, "m.room.encrypted")
    await w.settle()
    told = [m for m in await w.alice.messages(room) if m.sender == w.bot_id]
    assert len(told) == 1, "one notice, not one per message or restart"


async def test_a_member_who_left_the_direct_room_gets_a_fresh_one(world: World) -> None:
    w = world
    await w.bob.command(w.room, "status")
    first = await w.dm_room(w.bob)
    await w.bob.wait_text(first, "isn't a set's home yet", sender=w.bot_id)
    await w.bob.leave(first)
    w.bob._dm = None  # type: ignore[attr-defined]
    await w.bob.command(w.room, "status")
    second = await w.dm_room(w.bob)
    assert second != first
    await w.bob.wait_text(second, "not end-to-end encrypted", sender=w.bot_id)
    await w.bob.wait_text(second, "isn't a set's home yet", sender=w.bot_id)
    # And while he stays, the same room is used again.
    await w.bob.command(w.room, "status")
    await w.settle()
    assert len([m for m in await w.bob.messages(second)
                if "isn't a set's home yet" in m.body]) == 2


def _limited() -> float:
    return REGISTRY.get_sample_value("revans_platform_api_errors_total",
                                     {"platform": "matrix", "code": "M_LIMIT_EXCEEDED"}) or 0.0


async def test_rate_limited_sends_are_retried_after_the_servers_wait(world: World) -> None:
    w = world
    admin = w.server.register(f"admin{w.bot_id[7:].split(':')[0]}", admin=True)
    path = f"/_synapse/admin/v1/users/{w.bot_id}/override_ratelimit"
    w.server.admin("POST", path, admin.access_token,
                   {"messages_per_second": 1, "burst_count": 1})
    before = _limited()
    try:
        await w.alice.command(w.room, "create Leaders")
        await w.bob.command(w.room, "join")
        await w.carol.command(w.room, "join")
        card = await w.card(text="Action learning set")
        assert await w.seeded(card, 1) == {"👋"}
        await w.alice.wait_text(w.room, f"{w.carol.user_id} joined", sender=w.bot_id)
        await w.alice.wait_text(w.room, f"{w.bob.user_id} joined", sender=w.bot_id)
    finally:
        w.server.admin("DELETE", path, admin.access_token)
    assert _limited() > before, "Synapse did answer 429, and the bot waited and retried"
    texts = [m.body for m in bot_messages(await w.alice.messages(w.room), w.bot_id)]
    assert len([t for t in texts if "joined the set" in t]) == 2, "each sent once"


async def test_a_kicked_bot_marks_the_set_unreachable_holds_pings_and_tells_the_facilitator(
        world: World) -> None:
    w = world
    await _set(w)
    await w.alice.command(w.room, "start")
    await w.card(text="opening")
    await w.bob.command(w.room, "here bid")
    await w.settle()
    w.clock.advance(timedelta(minutes=1))
    await w.alice.command(w.room, "next")
    await w.card(text="presentation")
    w.clock.advance(timedelta(minutes=1))
    await w.alice.command(w.room, "next")
    w.clock.advance(timedelta(minutes=1))
    await w.alice.command(w.room, "next")
    await w.card(text="commitment")
    await w.bob.command(w.room, "commit Call the team by 2026-11-20")
    await w.alice.command(w.room, "end")
    await w.alice.wait_text(w.room, "Meeting summary", sender=w.bot_id)

    await w.alice.kick(w.room, w.bot_id)
    alice_dm = await w.dm_room(w.alice)
    told = await w.alice.wait_text(alice_dm, "I was removed from the home channel of Leaders",
                                   sender=w.bot_id)
    assert w.alice.user_id in told.body, "says who removed it"

    # A check-in falls due while the set is unreachable: held, not sent, not lost.
    assert w.runtime is not None
    w.clock.advance(timedelta(days=7))
    await w.runtime.delivery.run_due()
    await w.settle(w.alice, alice_dm)
    bob_dm = await w.dm_room(w.bob)  # opened when he joined
    assert not [m for m in await w.bob.messages(bob_dm) if "Check-in" in m.body]

    # Invited back: the set says so, and the held check-in goes out within the hour.
    await w.alice.invite(w.room, w.bot_id)
    await w.alice.wait_text(w.room, "I'm back in the home of Leaders", sender=w.bot_id)
    w.clock.advance(timedelta(hours=1))
    await w.runtime.delivery.run_due()
    await w.card(w.bob, bob_dm, text="Check-in from Leaders")


class FlakyProxy:
    """A loopback proxy in front of Synapse that answers the first ``failures`` message sends
    with a 502, as a homeserver behind a restarting load balancer does."""

    def __init__(self, upstream: str, failures: int) -> None:
        self.upstream = upstream
        self.failures = failures
        self.refused: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> FlakyProxy:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._session = aiohttp.ClientSession()
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        if (request.method == "PUT" and "/send/m.room.message/" in request.path
                and len(self.refused) < self.failures):
            self.refused.append(request.path)
            return web.json_response({"errcode": "M_UNKNOWN", "error": "bad gateway"},
                                     status=502)
        assert self._session is not None
        async with self._session.request(
                request.method, self.upstream + request.path_qs, data=await request.read(),
                headers={k: v for k, v in request.headers.items()
                         if k.lower() in ("authorization", "content-type")}) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                content_type=answer.content_type)


async def test_a_homeserver_that_fails_sends_for_a_while_loses_nothing(world: World) -> None:
    w = world
    proxy = await FlakyProxy(w.server.url, failures=3).start()
    try:
        w.bot_url = proxy.url
        await w.restart_bot()
        await w.alice.command(w.room, "create Leaders")
        await w.alice.wait_text(w.room, "Action learning set: Leaders", sender=w.bot_id)
        await w.bob.command(w.room, "join")
        await w.alice.wait_text(w.room, "joined the set", sender=w.bot_id)
        await w.settle()
    finally:
        await w.stop_bot()
        await proxy.stop()
    assert len(proxy.refused) == 3
    assert len(set(proxy.refused)) == 1, "the same send (one transaction id) was tried again"
    texts = [m.body for m in bot_messages(await w.alice.messages(w.room), w.bot_id)]
    assert len([t for t in texts if "Action learning set: Leaders" in t]) == 1
    assert len([t for t in texts if "joined the set" in t]) == 1
