"""Programmes through the engine on a real database, and confidentiality tested the hard way:
meetings full of marker words, then every programme output searched for them."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.effects import DirectMessage, Effect, Post, Whisper
from bot.core.events import CommandIssued
from bot.core.refs import ChannelRef, UserRef
from tests.support.core import HOME, dm, texts
from tests.support.engine import EngineHarness, RecordingOutbox

# The programme's shared channel lives on another platform than the set (say Slack and
# Discord): the digest must cover sets wherever they are.
SHARED = ChannelRef(platform="other", workspace="hub", channel="shared")
CORA = UserRef(platform="other", workspace="hub", id="cora")
CORA_DM = ChannelRef(platform="other", workspace="hub", channel="dm-cora", direct=True)
MARKERS = ["ZEBRAPRESENT", "ZEBRAQUESTION", "ZEBRACOMMIT", "ZEBRAREPORT", "ZEBRANOTE",
           "ZEBRALEARN", "ZEBRAORG", "ZEBRABOB", "ZEBRACAROL"]


async def coordinator(h: EngineHarness, text: str, where: ChannelRef = SHARED) -> tuple:
    return await h.send(CommandIssued(where=where, user=CORA, text=text, user_name="cora"))


def all_text(effect: Effect) -> str:
    parts = []
    card = getattr(effect, "card", None)
    if card is not None:
        parts += [card.title, card.body, *(f"{f.name} {f.value}" for f in card.fields),
                  *(b.label + b.action for b in card.buttons)]
    attachment = getattr(effect, "attachment", None)
    if attachment is not None:
        parts.append(attachment.content)
    return "\n".join(parts)


async def test_programme_outputs_never_carry_what_was_said_in_a_set(database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    elsewhere = RecordingOutbox()
    h.runtime.engine.outboxes["other"] = elsewhere
    try:
        await coordinator(h, "programme create Cross-org programme")
        code_whisper = [e for e in elsewhere.sent if isinstance(e, Whisper)][0]
        code = h_code(code_whisper.card.body)

        await h.cmd("alice", "create Set One")
        await h.cmd("bob", "join")
        await h.cmd("carol", "join")
        await h.cmd("bob", "org ZEBRAORG Council")
        (stranger,) = texts(await h.cmd("alice", "programme join WRONG-CODE"))
        assert "isn't valid or has expired" in stranger
        await h.cmd("alice", f"programme join {code}")
        assert any("The set Set One has joined the programme." in all_text(e)
                   for e in elsewhere.sent)

        await h.cmd("alice", "start")
        await h.cmd("bob", "here bid")
        await h.cmd("carol", "here")
        await h.cmd("alice", "next")
        await h.say("bob", "ZEBRAPRESENT how do I handle ZEBRABOB's caseload?")
        await h.cmd("alice", "next")
        await h.say("carol", "What would ZEBRAQUESTION look like, ZEBRACAROL?")
        await h.cmd("alice", "next")
        await h.cmd("bob", "commit ZEBRACOMMIT call the team")
        await h.cmd("alice", "next")
        await h.say("carol", "ZEBRALEARN questions help")
        await h.cmd("alice", "next")
        await h.advance(days=7)
        await h.cmd("bob", "progress stuck ZEBRANOTE no reply", where=dm("bob"))
        await h.advance(days=20)
        await h.cmd("alice", "start")
        await h.cmd("bob", "here")
        await h.cmd("alice", "next")
        await h.cmd("bob", "report partly ZEBRAREPORT half done")
        await h.cmd("bob", "share Asking opens more than telling")
        preview = [e for e in h.take() if isinstance(e, Whisper)][-1]
        await h.press("bob", preview.card.buttons[0].action)
        await h.cmd("alice", "end")

        # Every programme output, by every route.
        await coordinator(h, "digest")
        await coordinator(h, "digest csv")
        await coordinator(h, "digest", where=CORA_DM)
        await coordinator(h, "announce --all Away day on the 3rd")
        await coordinator(h, "programme code", where=CORA_DM)
        await coordinator(h, "programme coordinator <@dan>")
        await h.advance(days=8)  # the weekly digest falls due

        outputs = elsewhere.sent + [e for e in h.take() if isinstance(e, Post)
                                    and e.where == SHARED]
        assert outputs
        for effect in outputs:
            text = all_text(effect)
            for marker in MARKERS:
                assert marker not in text, (marker, type(effect).__name__, text)
            assert "<@bob>" not in text and "<@carol>" not in text

        digests = [e for e in elsewhere.sent if isinstance(e, Post)
                   and e.card.title.startswith("Digest of Cross-org programme")]
        # Two asked for, and the weekly one on each Monday 09:00 from 30 Nov to 28 Dec.
        assert len(digests) == 2 + 5
        (set_field,) = digests[4].card.fields  # the first one asked for, after four weeklies
        assert set_field.name == "Set One"
        assert "meetings 2" in set_field.value and "organisations 1" in set_field.value
        (csv_message,) = [e for e in elsewhere.sent if isinstance(e, DirectMessage)]
        assert csv_message.user == CORA
        assert csv_message.attachment.content.splitlines()[1].startswith("Set One,2,")
        shared = [e for e in elsewhere.sent if isinstance(e, Post)
                  and e.card.title == "A learning shared from one of the sets"]
        assert len(shared) == 1 and "Asking opens more than telling" in shared[0].card.body
        assert "Set One" not in all_text(shared[0])
    finally:
        await h.close()


def h_code(body: str) -> str:
    return body.split("`")[1]


async def test_a_coordinator_outside_a_set_cannot_read_it(database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    try:
        await h.cmd("alice", "create Private set")
        await h.cmd("bob", "join")
        for verb in ("actions", "export", "status", "forget-me"):
            (refusal,) = texts(await h.cmd("cora", verb))
            assert ("not a member of Private set" in refusal
                    or "never been a member of Private set" in refusal)
            (in_dm,) = texts(await h.cmd("cora", verb, where=dm("cora")))
            assert in_dm in (
                "You're not in any set yet. Type `/set join` in your set's channel.",
                "I hold no record of yours: you have never been a member of a set. "
                "(`/set export` and `/set forget-me` are for members and former members.)")
    finally:
        await h.close()


async def test_a_set_leaves_and_drops_out_of_the_digest(database_url: str) -> None:
    h = await EngineHarness.open(database_url)
    elsewhere = RecordingOutbox()
    h.runtime.engine.outboxes["other"] = elsewhere
    try:
        await coordinator(h, "programme create P")
        code = h_code([e for e in elsewhere.sent if isinstance(e, Whisper)][0].card.body)
        await h.cmd("alice", "create Leaver")
        await h.cmd("alice", f"programme join {code}")
        await h.cmd("alice", "programme leave")
        elsewhere.sent.clear()
        await coordinator(h, "digest")
        (digest,) = [e for e in elsewhere.sent if isinstance(e, Post)]
        assert digest.card.body == "No sets have joined yet."
        h.clock.advance(timedelta(days=31))
        (expired,) = texts(await h.cmd("alice", f"programme join {code}"))
        assert "isn't valid or has expired" in expired
        assert HOME.channel == "home"
    finally:
        await h.close()


async def _world(database_url: str, sharer_set: str) -> list[str]:
    """Two sets in one programme, built the same way; only ``sharer_set`` shares a learning.
    Returns everything coordinators saw, ids and join codes blanked."""
    h = await EngineHarness.open(database_url)
    elsewhere = RecordingOutbox()
    h.runtime.engine.outboxes["other"] = elsewhere
    try:
        await coordinator(h, "programme create Twins")
        code = h_code([e for e in elsewhere.sent if isinstance(e, Whisper)][0].card.body)
        homes = {"One": HOME, "Two": ChannelRef(platform="test", workspace="w", channel="two")}
        for name, home in homes.items():
            await h.cmd(f"fac{name}", f"create Set {name}", where=home)
            await h.cmd(f"mem{name}", "join", where=home)
            await h.cmd(f"fac{name}", f"programme join {code}", where=home)
        for name, home in homes.items():  # the sets meet on different days
            await h.cmd(f"fac{name}", "start", where=home)
            await h.cmd(f"mem{name}", "here", where=home)
            await h.cmd(f"fac{name}", "end", where=home)
            if name == sharer_set:  # the member shares straight after their own meeting
                preview = [e for e in await h.cmd(f"mem{name}", "share Silence is an answer",
                                                  where=home) if isinstance(e, Whisper)][-1]
                await h.press(f"mem{name}", preview.card.buttons[0].action, where=home)
            await coordinator(h, "digest")
            await coordinator(h, "digest csv", where=CORA_DM)
            await h.advance(days=1)
        await h.advance(days=8)  # the weekly digest falls due and releases the learning
        await coordinator(h, "digest")
        await coordinator(h, "digest csv", where=CORA_DM)
        seen = [all_text(e) for e in elsewhere.sent if not isinstance(e, Whisper)]
        return [re.sub(r"[0-9a-f]{16}|[A-Z0-9]{4}-[A-Z0-9]{4}", "ID", text) for text in seen]
    finally:
        await h.close()


async def test_which_set_shared_cannot_be_told_from_anything_coordinators_see(
        database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if database_url.startswith("sqlite"):
        first, second = (f"sqlite:///{tmp_path / name}.db" for name in ("one", "two"))
    else:  # one PostgreSQL database: the second world starts after the first is emptied
        first = second = database_url
    from_one = await _world(first, "One")
    if first == second:
        from tests.conftest import _empty_postgres

        _empty_postgres(second)
    from_two = await _world(second, "Two")
    assert any("Silence is an answer" in text for text in from_one)
    assert any("learnings shared 1" in text for text in from_one)
    assert from_one == from_two
