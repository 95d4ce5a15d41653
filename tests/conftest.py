"""Shared fixtures, and a guard that fails any test reaching past this machine's loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlocked(RuntimeError):
    """A test tried to reach a non-loopback address (after python-telegram-bot's OfflineRequest)."""


def _check(address: object) -> None:
    if not isinstance(address, tuple) or not address:
        return  # Unix sockets and the like
    host = str(address[0])
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host.split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    raise NetworkBlocked(f"tests may only connect to loopback addresses, not {host}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check(address)
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield


@pytest.fixture(autouse=True)
def _clean_settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Tests never see a developer's tokens or .env: each runs in its own folder."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DISCORD_", "TEAMS_", "MATRIX_")) or name in (
                "DATABASE_URL", "PORT"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh database for one test: a SQLite file, or the PostgreSQL database named by
    ``REVANS_TEST_DATABASE_URL`` (emptied before the test), so one switch runs the suite on both.
    """
    url = os.environ.get("REVANS_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'revans.db'}"
        return
    _empty_postgres(url)
    yield url


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    from storage.database import normalise_url

    sync_url = normalise_url(url).replace("postgresql+psycopg", "postgresql+psycopg", 1)
    engine = create_engine(sync_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
