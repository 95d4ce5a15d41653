"""The manifests declare what the adapter relies on (PLATFORMS.md's scopes and events)."""

from __future__ import annotations

from pathlib import Path

import pytest

MANIFESTS = Path(__file__).resolve().parents[3] / "manifests"
SCOPES = ("commands", "chat:write", "im:write", "channels:history", "groups:history",
          "channels:read", "app_mentions:read", "users:read", "files:write")
EVENTS = ("message.channels", "message.groups", "app_mention", "app_home_opened",
          "member_joined_channel")


@pytest.mark.parametrize("name,socket", [("slack-socket-mode.yaml", True),
                                         ("slack-http.yaml", False)])
def test_manifest_declares_command_scopes_events_and_home(name: str, socket: bool) -> None:
    text = (MANIFESTS / name).read_text()
    lines = {line.strip() for line in text.splitlines()}
    assert "- command: /set" in lines and "should_escape: true" in lines
    for scope in SCOPES:
        assert f"- {scope}" in lines, scope
    for event in EVENTS:
        assert f"- {event}" in lines, event
    assert "home_tab_enabled: true" in lines and "is_enabled: true" in lines
    assert f"socket_mode_enabled: {'true' if socket else 'false'}" in lines
    assert ("request_url: https://YOUR-HOST/slack/events" in lines) is not socket
