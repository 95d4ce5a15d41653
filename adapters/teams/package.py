"""The Teams app package an admin uploads: ``python -m adapters.teams.package``.

Reads ``manifests/teams/manifest.json`` (a template), fills in the bot's app id and name and
the command lists Teams suggests (from the verb table and the message catalogue, so they never
drift from ``/set help``), checks the limits Teams enforces on upload, and writes one zip with
the manifest and its two icons. No ``make``, no Node: the standard library only.

    python -m adapters.teams.package --app-id 11111111-2222-… [--out revans-teams.zip]

``--app-id`` defaults to ``TEAMS_APP_ID`` (environment or ``.env``).
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.core.messages import t
from bot.core.verbs import TABLE

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "manifests" / "teams"
ICON_SIZES = {"color.png": (192, 192), "outline.png": (32, 32)}
# The verbs Teams suggests (a list holds at most 10): the ones a member types most.
SUGGESTED = ("help", "start", "here", "next", "status", "join", "actions", "end", "schedule",
             "progress")
PERSONAL_SUGGESTED = ("help", "progress", "actions", "checkins", "quiet", "export",
                      "forget-me")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_MARKUP = re.compile(r"[`*_<>]")


class PackageError(ValueError):
    """The manifest would be refused by Teams; the message says why."""


def commands(names: Sequence[str]) -> list[dict[str, str]]:
    """``set <verb>`` with its help line (Teams: title ≤ 32, description ≤ 128 characters)."""
    known = {verb.name for verb in TABLE}
    found = []
    for name in names:
        if name not in known:
            raise PackageError(f"no verb {name!r} in the verb table")
        description = _MARKUP.sub("", t(f"help.{name}")).strip()
        if len(description) > 128:
            description = description[:127].rstrip() + "…"
        found.append({"title": f"set {name}"[:32], "description": description})
    return found


def manifest(app_id: str, *, bot_name: str = "Revans", developer: str = "Revans",
             website: str = "https://example.org/revans") -> dict[str, Any]:
    """The filled-in manifest (raises ``PackageError`` on what Teams would refuse)."""
    if not _GUID.match(app_id):
        raise PackageError(f"the app id must be the Entra application (client) id, a GUID; "
                           f"got {app_id!r}")
    if not website.startswith("https://"):
        raise PackageError("the website must be an https:// address")
    text = (TEMPLATE_DIR / "manifest.json").read_text(encoding="utf-8")
    for key, value in {"TEAMS_APP_ID": app_id, "BOT_NAME": bot_name,
                       "DEVELOPER_NAME": developer, "WEBSITE_URL": website}.items():
        text = text.replace("{{" + key + "}}", value)
    data = json.loads(text)
    for bot in data["bots"]:
        bot["commandLists"] = [
            {"scopes": ["team", "groupChat"], "commands": commands(SUGGESTED)},
            {"scopes": ["personal"], "commands": commands(PERSONAL_SUGGESTED)},
        ]
    _check(data)
    return data


def _check(data: dict[str, Any]) -> None:
    if len(data["name"]["short"]) > 30:
        raise PackageError("name.short is longer than 30 characters")
    if len(data["description"]["short"]) > 80 or len(data["description"]["full"]) > 4000:
        raise PackageError("a description is too long (short ≤ 80, full ≤ 4000)")
    for bot in data["bots"]:
        for command_list in bot["commandLists"]:
            if len(command_list["commands"]) > 10:
                raise PackageError("a command list holds at most 10 commands")
    if "{{" in json.dumps(data):
        raise PackageError("a placeholder was left in the manifest")


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise PackageError(f"{path.name} is not a PNG")
    return struct.unpack(">II", head[16:24])


def build(out: Path, app_id: str, **kwargs: str) -> Path:
    """Write the zip Teams takes ("Upload a custom app"): manifest.json and the two icons."""
    data = manifest(app_id, **kwargs)
    for name, size in ICON_SIZES.items():
        if png_size(TEMPLATE_DIR / name) != size:
            raise PackageError(f"{name} must be {size[0]}×{size[1]} pixels")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name in ICON_SIZES:
            archive.write(TEMPLATE_DIR / name, name)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from adapters.teams.settings import TeamsSettings

    parser = argparse.ArgumentParser(prog="python -m adapters.teams.package",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--app-id", default=None, help="the Entra app's client id "
                        "(default: TEAMS_APP_ID)")
    parser.add_argument("--name", default=None, help="the bot's name in Teams (default: "
                        "TEAMS_BOT_NAME or Revans)")
    parser.add_argument("--developer", default="Revans", help="who publishes the app")
    parser.add_argument("--website", default="https://example.org/revans",
                        help="an https:// page about the app (also its privacy and terms page)")
    parser.add_argument("--out", default="revans-teams.zip", help="the zip to write")
    args = parser.parse_args(argv)
    settings = TeamsSettings()
    app_id = args.app_id or settings.teams_app_id
    if not app_id:
        print("Give the app id: --app-id <Entra application (client) id> or TEAMS_APP_ID.",
              file=sys.stderr)
        return 2
    try:
        out = build(Path(args.out), app_id, bot_name=args.name or settings.teams_bot_name,
                    developer=args.developer, website=args.website)
    except PackageError as error:
        print(f"Not packaged: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {out}: upload it in Teams (Apps → Manage your apps → Upload an app), "
          "or give it to your Teams admin.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
