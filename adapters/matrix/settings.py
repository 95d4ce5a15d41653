"""The Matrix adapter's own settings, read from the environment or ``.env``."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MatrixSettings(BaseSettings):
    """``MATRIX_HOMESERVER`` (e.g. ``https://matrix.example.org``), ``MATRIX_USER_ID``
    (``@revans:example.org``) and ``MATRIX_ACCESS_TOKEN``, or ``MATRIX_PASSWORD`` to log in."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    matrix_homeserver: str = ""
    matrix_user_id: str = ""
    matrix_access_token: SecretStr | None = None
    matrix_password: SecretStr | None = None
    # How long one /sync waits for news (ms); shorter only in tests that stop often.
    matrix_sync_timeout_ms: int = 30_000

    @property
    def configured(self) -> bool:
        return bool(self.matrix_homeserver and self.matrix_user_id
                    and (self.matrix_access_token or self.matrix_password))
