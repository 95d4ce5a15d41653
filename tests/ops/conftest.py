"""Fixtures for the operations tests (health, metrics, shutdown, several processes)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack_api import FakeSlackAPI

NEEDS_POSTGRES = pytest.mark.skipif(
    not os.environ.get("REVANS_TEST_DATABASE_URL"),
    reason="needs PostgreSQL: set REVANS_TEST_DATABASE_URL (.ci/run does, in its PostgreSQL pass)")


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackAPI]:
    fake = await FakeSlackAPI().start()
    yield fake
    await fake.stop()
