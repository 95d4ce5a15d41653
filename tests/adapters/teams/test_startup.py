"""Teams as ``revans run`` starts it: the plugin reads its own settings (``TEAMS_*``, from the
environment), mounts ``/api/messages`` on the host's server, and says what it needs."""

from __future__ import annotations

import pytest

from adapters import registry
from adapters.teams import PLUGIN
from bot.platform import PlatformStartError
from storage.models import SetRow
from tests.adapters.teams.conftest import ALICE, CHANNEL, START
from tests.adapters.teams.host import open_host
from tests.fakes.teams_connector import ActivityFactory, TeamsConnectorFake


async def test_the_plugin_starts_from_its_settings(fake: TeamsConnectorFake, database_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.clock import ManualClock

    assert PLUGIN in registry.platforms()
    assert not PLUGIN.configured()
    assert "TEAMS_APP_ID" in PLUGIN.needs()
    for name, value in {"TEAMS_APP_ID": fake.app_id, "TEAMS_APP_PASSWORD": fake.app_password,
                        "TEAMS_TENANT_ID": fake.tenant_id,
                        "TEAMS_OPENID_METADATA_URL": fake.openid_metadata_url,
                        "TEAMS_LOGIN_URL": fake.login_url,
                        "TEAMS_SERVICE_URL": fake.service_url}.items():
        monkeypatch.setenv(name, value)
    assert PLUGIN.configured()
    host = await open_host(database_url, ManualClock(START))
    try:
        service = await PLUGIN.start(host)
        assert host.web is not None
        await host.web.start()
        url = f"http://127.0.0.1:{host.web.port}/api/messages"
        activity = ActivityFactory(fake).message(ALICE, CHANNEL, "set create Practice North",
                                                 mention_bot=True)
        status, _ = await fake.post_activity(url, activity)
        assert status == 200
        count = await host.db.run(lambda session: session.query(SetRow).count())
        assert count == 1
        await service.stop()
    finally:
        if host.web is not None:
            await host.web.stop()
        await host.close()


async def test_a_wrong_password_or_missing_setting_stops_the_start_with_its_name(
        fake: TeamsConnectorFake, database_url: str) -> None:
    from adapters.teams.app import start_teams
    from bot.clock import ManualClock
    from tests.adapters.teams.conftest import settings_for

    host = await open_host(database_url, ManualClock(START))
    try:
        with pytest.raises(PlatformStartError, match="TEAMS_APP_ID"):
            await start_teams(settings_for(fake, teams_app_id=""), host)
        with pytest.raises(PlatformStartError, match="TEAMS_APP_PASSWORD"):
            await start_teams(settings_for(fake, teams_app_password="wrong"), host)
        assert [r["client_secret"] for r in fake.token_requests] == ["wrong"]
    finally:
        await host.close()
