"""The bot's own settings, read from the environment or a ``.env`` file (pydantic-settings).

Each platform adapter reads its own settings (its tokens) with a class of its own in
``adapters/<name>/settings.py``; this one holds what every process needs.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///revans.db"


class Settings(BaseSettings):
    """The database, the HTTP port, time zones, logging and ping delivery."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    default_timezone: str = "UTC"
    default_language: str = "en"
    log_level: str = "INFO"
    log_format: str = "text"
    ping_grace_hours: float = Field(default=12.0, gt=0)
    # How often each process looks for due pings it has no timer for (added by another
    # process, or due while it was down), and how long a claim lasts before another process
    # may take the ping over from a claimer that died.
    ping_sweep_seconds: float = Field(default=60.0, gt=0)
    ping_lease_seconds: float = Field(default=30.0, gt=0, le=30)

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from bot.core.timeparse import TimeFormatError, zone

        try:
            zone(value)
        except TimeFormatError:
            raise ValueError(
                f"unknown time zone {value!r}; use Area/City, e.g. Europe/London"
            ) from None
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from bot.core.language import LANGUAGES

        code = value.strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}; available: {', '.join(LANGUAGES)}")
        return code

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return upper

    @field_validator("log_format")
    @classmethod
    def _format(cls, value: str) -> str:
        lower = value.lower()
        if lower not in ("text", "json"):
            raise ValueError("LOG_FORMAT must be text or json")
        return lower


def is_loopback_url(url: str) -> bool:
    """Test seams (fake platform servers) are honoured only on this machine's loopback."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
