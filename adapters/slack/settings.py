"""Slack's own settings, read from the environment or ``.env`` (pydantic-settings)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlackSettings(BaseSettings):
    """``SLACK_BOT_TOKEN`` with ``SLACK_APP_TOKEN`` (Socket Mode) or ``SLACK_SIGNING_SECRET``
    (HTTP on ``PORT`` at ``/slack/events``); ``SLACK_API_BASE_URL`` for a fake in tests.
    Tokens are ``SecretStr`` so they never get logged."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"

    @property
    def configured(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None
