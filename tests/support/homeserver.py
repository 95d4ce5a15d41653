"""A real Matrix homeserver (Synapse) on 127.0.0.1 for the Matrix tests.

Synapse pins ~58 packages of its own, so it lives in a virtual environment of its own under
``~/.cache/revans-synapse`` (``REVANS_SYNAPSE_HOME`` overrides it), installed from PyPI the first
time it is needed (~20 s) and reused after that, by developers and CI alike. Each server gets a
fresh data folder, SQLite, a random registration secret, raised rate limits, no federation and
no outbound traffic (see ``shared/PLATFORMS.md``, "Matrix").

Run ``python -m tests.support.homeserver`` to install it ahead of the tests (``.ci/run`` does).
Named anything but ``synapse.py``: on ``sys.path`` that would shadow the real package.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYNAPSE_VERSION = "1.163.2"
SERVER_NAME = "localhost"
START_TIMEOUT = 60.0
# Every rate limit Synapse has, raised: its defaults bite at once in a test (10 messages,
# then one every five seconds; 10 rooms, 5 invites, 5 logins).
_FAST = {"per_second": 10_000, "burst_count": 100_000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _FAST,
    "rc_registration": _FAST,
    "rc_registration_token_validity": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
    "rc_admin_redaction": _FAST,
    "rc_joins": {"local": _FAST, "remote": _FAST},
    "rc_joins_per_room": _FAST,
    "rc_3pid_validation": _FAST,
    "rc_invites": {"per_room": _FAST, "per_user": _FAST, "per_issuer": _FAST},
    "rc_third_party_invite": _FAST,
    "rc_room_creation": _FAST,
    "rc_media_create": _FAST,
    "rc_key_requests": _FAST,
    "rc_presence": {"per_user": _FAST},
    "rc_delayed_event_mgmt": _FAST,
    "rc_reports": _FAST,
}


def home() -> Path:
    return Path(os.environ.get("REVANS_SYNAPSE_HOME") or Path.home() / ".cache" / "revans-synapse")


def _installed(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run(
        [str(python), "-c", "import synapse; print(synapse.__version__)"],
        capture_output=True, text=True, check=False)
    return probe.returncode == 0 and probe.stdout.strip() == SYNAPSE_VERSION


def ensure_installed(*, log: Any = print) -> Path:
    """The Synapse virtual environment's python, installed first if it is missing.

    A file lock keeps two test runs (or CI and a developer) from installing at once; the
    environment is built beside the final one and renamed, so a killed install leaves nothing
    half-made behind.
    """
    root = home()
    python = root / "venv" / "bin" / "python"
    if _installed(python):
        return python
    root.mkdir(parents=True, exist_ok=True)
    with (root / "install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed(python):
            return python
        log(f"installing matrix-synapse=={SYNAPSE_VERSION} into {root / 'venv'} (once, ~20 s)")
        partial = root / "venv.partial"
        shutil.rmtree(partial, ignore_errors=True)
        base = shutil.which("python3.11") or getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(partial)], check=True)
        subprocess.run([str(partial / "bin" / "python"), "-m", "pip", "install", "-q",
                        f"matrix-synapse=={SYNAPSE_VERSION}"], check=True)
        shutil.rmtree(root / "venv", ignore_errors=True)
        partial.rename(root / "venv")  # only ``bin/python -m …`` is used: a rename is safe
    if not _installed(python):
        raise RuntimeError(f"matrix-synapse {SYNAPSE_VERSION} did not install in {root}")
    return python


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Account:
    """A registered user with a token: what a Matrix client needs to act as them."""

    user_id: str
    access_token: str
    password: str


@dataclass
class Homeserver:
    """One private Synapse: ``start()`` it, ``register`` users, ``stop()`` it."""

    folder: Path
    port: int = 0
    overrides: dict[str, Any] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    secret: str = field(default_factory=lambda: secrets.token_hex(16))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Homeserver:
        python = ensure_installed()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        config = self.folder / "homeserver.yaml"
        if not config.exists():
            subprocess.run(
                [str(python), "-m", "synapse.app.homeserver", "--server-name", SERVER_NAME,
                 "--config-path", str(config), "--data-directory", str(self.folder),
                 "--generate-config", "--report-stats=no"],
                cwd=self.folder, check=True, capture_output=True)
        overrides = self.folder / "overrides.yaml"
        overrides.write_text(json.dumps(self._overrides(), indent=1))  # JSON is YAML
        log = (self.folder / "synapse.out").open("ab")
        self.process = subprocess.Popen(
            [str(python), "-m", "synapse.app.homeserver", "-c", str(config), "-c", str(overrides)],
            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()
        return self

    def _overrides(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "listeners": [{"port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
                           "tls": False, "x_forwarded": False,
                           "resources": [{"names": ["client"], "compress": False}]}],
            "database": {"name": "sqlite3",
                         "args": {"database": str(self.folder / "homeserver.db")}},
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "report_stats": False,
            "presence": {"enabled": False},
            "enable_registration": False,
            "registration_shared_secret": self.secret,
            "bcrypt_rounds": 4,
            # Without this an identical /sync within two minutes gets a cached, stale answer.
            "caches": {"sync_response_cache_duration": 0},
            "url_preview_enabled": False,
            "enable_metrics": False,
            "log_config": None,
            **RATE_LIMITS,
        }
        values.update(self.overrides)
        return values

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.process.returncode}; see "
                                   f"{self.folder / 'synapse.out'}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=1):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        path = self.folder / "synapse.out"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server by its own pid: SIGTERM, then SIGKILL after 10 s."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    # ------------------------------------------------------------------ the admin API

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None,
              token: str | None = None) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {token}"} if token else {})})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def register(self, localpart: str, *, admin: bool = False,
                 displayname: str | None = None) -> Account:
        """Register through the shared-secret admin API, then log in with the password."""
        password = secrets.token_hex(8)
        nonce = self._call("GET", "/_synapse/admin/v1/register")["nonce"]
        mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        registered = self._call("POST", "/_synapse/admin/v1/register", {
            "nonce": nonce, "username": localpart, "password": password, "admin": admin,
            "displayname": displayname or localpart.capitalize(), "mac": mac.hexdigest()})
        return Account(user_id=registered["user_id"],
                       access_token=registered["access_token"], password=password)

    def admin(self, method: str, path: str, token: str,
              body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call(method, path, body, token)


@contextlib.contextmanager
def running(folder: Path, **overrides: Any):  # type: ignore[no-untyped-def]
    server = Homeserver(folder, overrides=overrides).start()
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":
    print(ensure_installed())
