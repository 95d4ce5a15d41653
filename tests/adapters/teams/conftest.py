"""The real Teams SDK against the local fake Bot Connector: a ``TeamsWorld`` is the bot (engine,
database, web server on a free loopback port, Teams mounted at ``/api/messages``) plus the fake
and a factory of the activities Teams posts."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.teams.app import TeamsService, start_teams
from adapters.teams.sdk import RetryAfter
from adapters.teams.settings import TeamsSettings
from bot.clock import ManualClock
from bot.runtime import Runtime
from tests.adapters.teams.host import open_host
from tests.fakes.teams_connector import (
    ActivityFactory,
    Member,
    Place,
    TeamsConnectorFake,
    find,
    personal_conversation_id,
    press,
)

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC
CHANNEL = Place("19:practice-north@thread.tacv2")
GROUP_CHAT = Place("19:group-chat-1@thread.v2", kind="groupChat")
ALICE = Member("29:1alice-teams-id", "Alice Archer", aad="aaaaaaaa-0000-4000-8000-000000000001")
BOB = Member("29:1bob-teams-id", "Bob Baker", aad="bbbbbbbb-0000-4000-8000-000000000002")
CAROL = Member("29:1carol-teams-id", "Carol Cole", aad="cccccccc-0000-4000-8000-000000000003")


def personal(member: Member) -> Place:
    """The member's personal chat with the bot."""
    return Place(personal_conversation_id(member.id), kind="personal")


@dataclass
class TeamsWorld:
    fake: TeamsConnectorFake
    host: Runtime
    service: TeamsService
    clock: ManualClock
    make: ActivityFactory
    waits: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        assert self.host.web is not None
        return f"http://127.0.0.1:{self.host.web.port}/api/messages"

    async def post(self, activity: dict[str, Any], **kwargs: Any) -> tuple[int, Any]:
        return await self.fake.post_activity(self.url, activity, **kwargs)

    async def say(self, member: Member, text: str, place: Place = CHANNEL, *,
                  mention: bool | None = None, activity_id: str | None = None
                  ) -> tuple[int, Any]:
        addressed = place.kind != "personal" if mention is None else mention
        activity = self.make.message(member, place, text, mention_bot=addressed,
                                     activity_id=activity_id)
        return await self.post(activity)

    def channel(self, place: Place = CHANNEL) -> list[dict[str, Any]]:
        return self.fake.conversation(place.conversation_id)

    def card(self, contains: str, place: Place = CHANNEL) -> dict[str, Any]:
        return find(self.channel(place), lambda text: contains in text)

    async def press(self, member: Member, card: dict[str, Any], label: str,
                    place: Place = CHANNEL) -> tuple[int, Any]:
        return await self.post(press(self.make, member, place, card, label))

    async def rows(self, model: Any) -> int:
        return await self.host.db.run(
            lambda session: session.execute(select(func.count()).select_from(model)).scalar_one())


def settings_for(fake: TeamsConnectorFake, **extra: Any) -> TeamsSettings:
    values: dict[str, Any] = dict(
        teams_app_id=fake.app_id, teams_app_password=fake.app_password,
        teams_tenant_id=fake.tenant_id, teams_openid_metadata_url=fake.openid_metadata_url,
        teams_login_url=fake.login_url, teams_service_url=fake.service_url)
    values.update(extra)
    return TeamsSettings(**values)


@pytest.fixture(autouse=True)
def _no_sdk_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("TEAMS_") or name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID",
                                                 "SERVICE_URL", "CLOUD"):
            monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def fake() -> Iterator[TeamsConnectorFake]:
    connector = TeamsConnectorFake().start()
    yield connector
    connector.stop()


async def open_world(fake: TeamsConnectorFake, database_url: str, *,
                     clock: ManualClock | None = None) -> TeamsWorld:
    clock = clock or ManualClock(START)
    host = await open_host(database_url, clock)
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    service = await start_teams(settings_for(fake), host, retry=RetryAfter(sleep=no_wait))
    assert host.web is not None
    await host.web.start()
    return TeamsWorld(fake=fake, host=host, service=service, clock=clock,
                      make=ActivityFactory(fake), waits=waits)


@pytest.fixture
async def world(fake: TeamsConnectorFake, database_url: str) -> AsyncIterator[TeamsWorld]:
    opened = await open_world(fake, database_url)
    yield opened
    await close(opened)


async def close(world: TeamsWorld) -> None:
    assert world.host.web is not None
    await world.host.web.stop()
    await world.host.close()
