"""Every inbound activity's token is checked by the SDK (issuer, audience, signing key, expiry,
``serviceurl``); a request that fails gets 401 and nothing is written. The SDK's side doors
(``.env`` at import, managed identity, a synchronous key fetch on the event loop) stay shut."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import jwt
import pytest

from adapters.teams.sdk import SDK_ENVIRONMENT, sdk_modules
from adapters.teams.settings import TeamsSettings
from storage.models import AdapterStateRow, MemberRow, SeenEventRow, SetRow
from tests.adapters.teams.conftest import ALICE, CHANNEL, TeamsWorld, settings_for
from tests.fakes.teams_connector import ISSUER, TeamsConnectorFake, new_key

WRONG_KEY = new_key()


def rejected_tokens(fake: TeamsConnectorFake) -> dict[str, str | None]:
    """Each way a token can be wrong; ``None`` means no ``Authorization`` header at all."""
    return {
        "no token": None,
        "another key under the same kid": fake.token_for(key=WRONG_KEY),
        "an unknown kid": fake.token_for(key=WRONG_KEY, kid="not-a-published-key"),
        "a wrong audience": fake.token_for(audience="22222222-0000-4000-8000-000000000000"),
        "a wrong issuer": fake.token_for(issuer="https://sts.example.org"),
        "expired": fake.token_for(expires_in=-3600),
        "a serviceurl mismatch": fake.token_for(service_url="http://127.0.0.1:9/other/"),
        "HS256 signed with the public key": fake.token_for(algorithm="HS256"),
        "an Entra token for another path": fake.token_for(
            issuer=f"{fake.login_url}/{fake.tenant_id}/v2.0",
            claims={"tid": "33333333-0000-4000-8000-000000000000",
                    "azp": "5a807f24-c9de-44ee-a3a7-329e88a00ffc"}),
        "not a JWT": "not-a-jwt",
    }


@pytest.mark.parametrize("case", list(rejected_tokens(TeamsConnectorFake(key=WRONG_KEY))))
async def test_a_bad_token_is_refused_and_nothing_is_written(world: TeamsWorld,
                                                             case: str) -> None:
    token = rejected_tokens(world.fake)[case]
    activity = world.make.message(ALICE, CHANNEL, "set create Practice North",
                                  mention_bot=True)
    if token is None:
        status, _ = await world.post(activity, authorization="")
    else:
        status, _ = await world.post(activity, authorization=f"Bearer {token}")
    assert status == 401
    assert await world.rows(SetRow) == 0
    assert await world.rows(MemberRow) == 0
    assert await world.rows(SeenEventRow) == 0
    assert world.fake.calls == []
    assert await world.rows(AdapterStateRow) == 0  # not even the sender's reference
    assert not [r for r in world.fake.requests if "discovery" in r]  # no key fetch it chose

    # The same activity, signed properly, is then handled (the refusal was the token's fault).
    status, _ = await world.post(activity)
    assert status == 200
    assert await world.rows(SetRow) == 1


async def test_the_token_is_checked_against_the_app_and_the_activity(world: TeamsWorld
                                                                     ) -> None:
    """The claims the SDK reads are the ones the fake signs like the Bot Connector."""
    token = world.fake.token_for()
    claims = jwt.decode(token, world.fake.key.public_key(), algorithms=["RS256"],
                        audience=world.fake.app_id, issuer=ISSUER)
    assert claims["serviceurl"] == world.fake.service_url
    assert jwt.get_unverified_header(token)["kid"] == world.fake.kid


async def test_signing_keys_are_never_fetched_on_the_event_loop(
        world: TeamsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.service.built.warden.client
    threads: list[str] = []
    fetch = type(client).fetch_data

    def recording_fetch(self):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return fetch(self)

    monkeypatch.setattr(type(client), "fetch_data", recording_fetch)
    loop_thread = threading.current_thread().name
    assert world.fake.key_fetches == 1  # fetched at start, in a worker thread

    await world.say(ALICE, "set help")
    assert threads == []  # answered from the cache

    client.jwk_set_cache.jwk_set_with_timestamp = None  # the 300-second cache runs out
    await world.say(ALICE, "set help")
    token = world.fake.token_for(key=WRONG_KEY, kid="rotated-key")
    await world.post(world.make.message(ALICE, CHANNEL, "set help", mention_bot=True),
                     authorization=f"Bearer {token}")
    assert threads and loop_thread not in threads


def test_importing_the_sdk_loads_no_dotenv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("CLIENT_SECRET=from-dotenv\nTEAMS_SECRET_PROBE=leaked\n")
    script = textwrap.dedent("""
        import os
        from adapters.teams.sdk import sdk_modules
        sdk_modules()
        import microsoft_teams.apps.app  # the module that calls load_dotenv
        print(os.environ.get("CLIENT_SECRET"), os.environ.get("TEAMS_SECRET_PROBE"),
              os.environ.get("PYTHON_DOTENV_DISABLED"))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("CLIENT_SECRET",)}
    env["PYTHONPATH"] = os.getcwd() if os.path.isdir("adapters") else _repo_root()
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "None", "None"]


def _repo_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))


async def test_the_environment_never_switches_the_sdk_to_managed_identity(
        fake: TeamsConnectorFake, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``CLIENT_ID`` without a secret, ``MANAGED_IDENTITY_CLIENT_ID``, ``CLOUD``… in the
    environment change nothing: the app uses the bot's own credentials and our token."""
    from microsoft_teams.api import TokenCredentials

    from tests.adapters.teams.conftest import close, open_world

    for name, value in {"CLIENT_ID": "someone-else", "MANAGED_IDENTITY_CLIENT_ID": "system",
                        "TENANT_ID": "other", "SERVICE_URL": "http://127.0.0.1:9/",
                        "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS": "true"}.items():
        monkeypatch.setenv(name, value)
    world = await open_world(fake, database_url)
    try:
        app = world.service.app
        assert isinstance(app.credentials, TokenCredentials)
        assert app.credentials.client_id == fake.app_id
        assert os.environ["CLIENT_ID"] == "someone-else"  # put back after building
        status, _ = await world.post(world.make.message(ALICE, CHANNEL, "set help",
                                                        mention_bot=True), authorization="")
        assert status == 401  # unauthenticated requests stay refused
        await world.say(ALICE, "set help")
        assert [r["tenant"] for r in fake.token_requests] == [fake.tenant_id]
        assert {r["client_id"] for r in fake.token_requests} == {fake.app_id}
    finally:
        await close(world)
    assert set(SDK_ENVIRONMENT) >= {"CLIENT_ID", "CLIENT_SECRET", "MANAGED_IDENTITY_CLIENT_ID"}


def test_test_seams_are_honoured_only_on_loopback(fake: TeamsConnectorFake) -> None:
    settings = settings_for(fake, teams_service_url="https://smba.example.org/teams/",
                            teams_login_url="http://10.0.0.8/")
    assert settings.test_seam("teams_service_url") is None
    assert settings.test_seam("teams_login_url") is None
    assert settings_for(fake).test_seam("teams_openid_metadata_url") == fake.openid_metadata_url
    assert not TeamsSettings(teams_app_id="x", teams_tenant_id="t").configured
    sdk_modules()  # importable twice
