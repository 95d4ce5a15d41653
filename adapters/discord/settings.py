"""Discord's own settings, read from the environment or ``.env`` (pydantic-settings)."""

from __future__ import annotations

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DiscordSettings(BaseSettings):
    """``DISCORD_TOKEN``; ``DISCORD_GUILD_IDS`` to register ``/set`` in those servers at once
    (else globally); ``DISCORD_API_BASE`` and ``DISCORD_GATEWAY_URL`` point at a fake in
    tests (loopback only). The token is a ``SecretStr`` so it never gets logged."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    discord_token: SecretStr | None = None
    discord_guild_ids: str = ""
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None

    @field_validator("discord_guild_ids")
    @classmethod
    def _guild_ids(cls, value: str) -> str:
        for part in value.replace(" ", "").split(","):
            if part and not part.isdigit():
                raise ValueError("DISCORD_GUILD_IDS must be guild ids separated by commas, "
                                 "e.g. 123456789012345678,234567890123456789")
        return value

    @property
    def configured(self) -> bool:
        return self.discord_token is not None

    @property
    def guild_ids(self) -> list[int]:
        return [int(part) for part in self.discord_guild_ids.replace(" ", "").split(",") if part]
