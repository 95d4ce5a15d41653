"""Starting the adapter: the Web API client it builds, and clear errors for wrong settings."""

from __future__ import annotations

import pytest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from adapters.slack.app import SlackStartError, build_client, start_slack
from bot.runtime import build
from tests.adapters.slack.conftest import slack_settings
from tests.fakes.slack_api import FakeSlackAPI


def test_the_client_honours_the_base_url_and_retries_429s(fake_slack: FakeSlackAPI,
                                                          tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path,
                              slack_api_base_url=fake_slack.base_url.rstrip("/"))
    client = build_client(settings)
    assert client.base_url == fake_slack.base_url  # the trailing slash is put back
    limits = [h for h in client.retry_handlers
              if isinstance(h, AsyncRateLimitErrorRetryHandler)]
    assert len(limits) == 1 and limits[0].max_retry_count >= 3


async def test_an_unreachable_web_api_fails_at_start(fake_slack: FakeSlackAPI,
                                                     tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path, slack_api_base_url="http://127.0.0.1:1/api/")
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/t.db")
    try:
        with pytest.raises(SlackStartError, match="cannot reach the Slack Web API"):
            await start_slack(settings, runtime, host="127.0.0.1", port=0)
    finally:
        await runtime.close()


async def test_a_bad_app_token_fails_at_start(fake_slack: FakeSlackAPI, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path, slack_signing_secret=None,
                              slack_app_token="xapp-wrong")
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/t.db")
    fake_slack.fail("apps.connections.open", "invalid_auth")
    try:
        with pytest.raises(SlackStartError, match="SLACK_APP_TOKEN"):
            await start_slack(settings, runtime)
    finally:
        await runtime.close()


async def test_a_bad_bot_token_fails_at_start(fake_slack: FakeSlackAPI, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path)
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/t.db")
    fake_slack.fail("auth.test", "invalid_auth")
    try:
        with pytest.raises(SlackStartError, match="SLACK_BOT_TOKEN"):
            await start_slack(settings, runtime, host="127.0.0.1", port=0)
    finally:
        await runtime.close()


async def test_a_port_in_use_is_a_clear_error(fake_slack: FakeSlackAPI, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = slack_settings(fake_slack, tmp_path)
    runtime = await build(settings, database_url=f"sqlite:///{tmp_path}/t.db")
    try:
        with pytest.raises(SlackStartError, match="cannot listen"):
            await start_slack(settings, runtime, host="127.0.0.1", port=fake_slack.port)
    finally:
        await runtime.close()
