"""Teams' own settings, read from the environment or ``.env`` by us (pydantic-settings), never
by the SDK (which would load ``.env`` into the whole process at import)."""

from __future__ import annotations

import logging

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.settings import is_loopback_url

log = logging.getLogger("revans.teams")
DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/teams/"


class TeamsSettings(BaseSettings):
    """``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD`` (the Entra app's client secret) and
    ``TEAMS_TENANT_ID`` (single-tenant). ``TEAMS_OPENID_METADATA_URL``, ``TEAMS_LOGIN_URL`` and
    ``TEAMS_SERVICE_URL`` point the bot at a fake Bot Connector in tests and are honoured only
    for loopback addresses."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    teams_app_id: str = ""
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str = ""
    teams_bot_name: str = "Revans"
    teams_openid_metadata_url: str | None = None
    teams_login_url: str | None = None
    teams_service_url: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.teams_app_id and self.teams_app_password and self.teams_tenant_id)

    def test_seam(self, name: str) -> str | None:
        """A ``TEAMS_*_URL`` test setting, or ``None`` when unset or not on loopback."""
        value = getattr(self, name)
        if not value:
            return None
        if is_loopback_url(value):
            return str(value)
        log.warning("ignoring %s=%s: only loopback addresses are honoured", name.upper(), value)
        return None
