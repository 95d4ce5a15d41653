"""Steps shared by the Slack tests: find a button the bot showed, run a meeting to a stage."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.adapters.slack.conftest import SlackWorld

CHANNEL = "C1"


def find_button(world: SlackWorld, channel: str, prefix: str) -> str:
    """The action of the newest button in ``channel`` whose action starts with ``prefix``."""
    for message in reversed(world.fake.channel_messages(channel)):
        for block in message.blocks:
            for element in block.get("elements", []):
                if element.get("action_id", "").startswith(prefix):
                    return str(element["action_id"])
    raise AssertionError(f"no button {prefix!r} in {channel}")


def texts(world: SlackWorld, *methods: str) -> list[str]:
    """The ``text`` of every call to ``methods`` (default: everything the bot said)."""
    calls = world.fake.calls_to(*methods) if methods else world.fake.posted()
    return [str(c.args.get("text", "")) for c in calls]


async def count(world: SlackWorld, model: type, *where) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(model)
    if where:
        stmt = stmt.where(*where)
    return int(await world.runtime.db.run(lambda session: session.execute(stmt).scalar_one()))


async def set_up_set(world: SlackWorld) -> None:
    """Alice creates the set in C1; Bob and Carol join."""
    await world.send.command(user="UALICE", channel=CHANNEL, text="create Practice")
    await world.settle()
    await world.send.command(user="UBOB", channel=CHANNEL, text="join")
    await world.send.command(user="UCAROL", channel=CHANNEL, text="join")
    await world.settle()


async def to_presentation(world: SlackWorld) -> None:
    """A meeting started, Bob bid for time, Carol is here; Bob is presenting."""
    send = world.send
    await set_up_set(world)
    await send.command(user="UALICE", channel=CHANNEL, text="start")
    await world.settle()
    await send.press(user="UBOB", channel=CHANNEL, action=find_button(world, CHANNEL, "bid:"))
    await send.command(user="UCAROL", channel=CHANNEL, text="here")
    await world.settle()
    await send.press(user="UALICE", channel=CHANNEL, action=find_button(world, CHANNEL, "next:"))
    await world.settle()


async def to_questioning(world: SlackWorld, *, question: str = "How do I get my team to "
                         "reflect?") -> None:
    """Bob presented ``question`` by writing it in the channel; the set is questioning him."""
    send = world.send
    await to_presentation(world)
    await send.message(user="UBOB", channel=CHANNEL, text=question)
    await world.settle()
    await send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()


async def to_commitment(world: SlackWorld) -> None:
    await to_questioning(world)
    await world.send.message(user="UCAROL", channel=CHANNEL,
                             text="What does reflection look like when it works?")
    await world.settle()
    await world.send.command(user="UALICE", channel=CHANNEL, text="next")
    await world.settle()
