"""Teams activities to core events, and the reply context each one carries to the outbox.

Pure functions of the activity as Teams sends it (a JSON object), so each is tested with a
recorded body. ``None`` means the activity is not for the engine.

Keys (one function each, after python-telegram-bot's ``_get_key``):

- a **user** is ``UserRef("teams", <tenant id>, <Entra object id>)`` (the Teams id ``29:…``
  when Teams gives no object id): the object id is stable and is what a mention names;
- a **channel** is ``ChannelRef("teams", <tenant id>, <channel id>)``: a channel post starts
  its own thread, so the conversation id of an activity carries ``;messageid=…``; the set
  lives in the channel (``channelData.teamsChannelId``, or the id without that suffix). A
  group chat is its conversation id; a personal chat is ``direct``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.teams.render import ACTION_KEY, FORM_KEY
from bot.core.events import ButtonPressed, CommandIssued, FormSubmitted, TextPosted
from bot.core.refs import ChannelRef, UserRef
from bot.core.verbs import COMMAND_NAMES

PLATFORM = "teams"
_COMMAND_WORD = re.compile(r"^\s*/?set\b\s*", re.IGNORECASE)
_AT_SPAN = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,200}>")
_NAME_UNSAFE = str.maketrans("", "", "<>&[]")

Activity = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Reference:
    """What the bot needs to reach a member on its own (a check-in in their personal chat):
    captured when the bot first sees them, stored through the host's ``adapter_state``."""

    teams_id: str
    tenant_id: str
    service_url: str
    name: str = ""
    personal_conversation: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"id": self.teams_id, "tenant": self.tenant_id, "serviceUrl": self.service_url,
                "name": self.name, "personal": self.personal_conversation}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reference:
        return cls(teams_id=str(data.get("id") or ""), tenant_id=str(data.get("tenant") or ""),
                   service_url=str(data.get("serviceUrl") or ""),
                   name=str(data.get("name") or ""),
                   personal_conversation=str(data.get("personal") or ""))


@dataclass
class Turn:
    """The reply context of one activity: who acted where, and (for an invoke) the answer the
    outbox chose for the HTTP response — a replaced card, a short message, a dialog."""

    kind: str                      # message | card | dialog_open | dialog_submit | other
    user: UserRef
    where: ChannelRef
    service_url: str
    conversation_id: str           # as Teams gave it (with ``;messageid=`` in a channel)
    reply_to_id: str = ""          # the bot's card an invoke came from
    answer: Any = None             # the invoke response body, chosen by the outbox
    note: str = ""                 # a private answer to the presser, shown on their card

    @property
    def is_invoke(self) -> bool:
        return self.kind in ("card", "dialog_open", "dialog_submit")

    def may_answer(self, user: UserRef) -> bool:
        """The invoke's own answer is free and this effect is for the member who acted."""
        return self.is_invoke and self.answer is None and user.key == self.user.key


def tenant_of(activity: Activity) -> str:
    conversation = activity.get("conversation") or {}
    channel_data = activity.get("channelData") or {}
    return str(conversation.get("tenantId") or (channel_data.get("tenant") or {}).get("id")
               or "")


def user_ref(activity: Activity) -> UserRef:
    sender = activity.get("from") or {}
    user_id = str(sender.get("aadObjectId") or sender.get("id") or "")
    return UserRef(platform=PLATFORM, workspace=tenant_of(activity), id=user_id)


def member_ref(tenant: str, account: Mapping[str, Any]) -> UserRef:
    return UserRef(platform=PLATFORM, workspace=tenant,
                   id=str(account.get("aadObjectId") or account.get("id") or ""))


def channel_ref(activity: Activity) -> ChannelRef:
    """The set's key: a channel without ``;messageid=``, a group chat, or a personal chat."""
    conversation = activity.get("conversation") or {}
    channel_data = activity.get("channelData") or {}
    kind = str(conversation.get("conversationType") or "")
    raw = str(conversation.get("id") or "")
    if kind == "channel":
        channel = str(channel_data.get("teamsChannelId")
                      or (channel_data.get("channel") or {}).get("id") or raw.split(";", 1)[0])
    else:
        channel = raw.split(";", 1)[0]
    return ChannelRef(platform=PLATFORM, workspace=tenant_of(activity), channel=channel,
                      direct=kind == "personal")


def safe_name(name: object) -> str:
    """A display name the core may put into markup: nothing that could become a tag or link."""
    return str(name or "").translate(_NAME_UNSAFE).strip()[:200]


def reference(activity: Activity, account: Mapping[str, Any] | None = None) -> Reference | None:
    """The reference to the sender (or to ``account``, a member the activity names)."""
    who = account if account is not None else (activity.get("from") or {})
    teams_id = str(who.get("id") or "")
    service_url = str(activity.get("serviceUrl") or "")
    if not teams_id.startswith("29:") or not service_url:
        return None  # the bot itself, or a member Teams gave no id for
    personal = ""
    conversation = activity.get("conversation") or {}
    if account is None and conversation.get("conversationType") == "personal":
        personal = str(conversation.get("id") or "")
    return Reference(teams_id=teams_id, tenant_id=tenant_of(activity), service_url=service_url,
                     name=safe_name(who.get("name")), personal_conversation=personal)


def turn_for(activity: Activity, kind: str) -> Turn:
    conversation = activity.get("conversation") or {}
    return Turn(kind=kind, user=user_ref(activity), where=channel_ref(activity),
                service_url=str(activity.get("serviceUrl") or ""),
                conversation_id=str(conversation.get("id") or ""),
                reply_to_id=str(activity.get("replyToId") or ""))


# ---------------------------------------------------------------------- messages


def _mentions(activity: Activity) -> list[Mapping[str, Any]]:
    return [e for e in activity.get("entities") or []
            if isinstance(e, Mapping) and e.get("type") == "mention"]


def command_text(activity: Activity) -> tuple[str, bool]:
    """The message's text with the bot's mention removed and other members' mentions in the
    core's form (``<@id>``), and whether the bot was mentioned."""
    text = str(activity.get("text") or "")
    bot_id = str((activity.get("recipient") or {}).get("id") or "")
    tenant = tenant_of(activity)
    addressed = False
    for entity in _mentions(activity):
        mentioned = entity.get("mentioned") or {}
        tag = str(entity.get("text") or "")
        if not tag:
            continue
        if str(mentioned.get("id") or "") == bot_id:
            addressed = addressed or tag in text
            text = text.replace(tag, " ", 1)
        else:
            member = member_ref(tenant, mentioned)
            text = text.replace(tag, f"<@{member.id}>", 1)
    text = _AT_SPAN.sub(lambda m: m.group(1), text)          # stray tags: their words
    text = _TAGS.sub(lambda m: m.group(0) if m.group(0).startswith("<@") else " ", text)
    text = text.replace("&nbsp;", " ").replace("\u00a0", " ")
    return " ".join(text.split()), addressed


def message_event(activity: Activity) -> CommandIssued | TextPosted | None:
    """A message: a command when the bot is addressed (mentioned in a channel or group chat,
    or anything in a personal chat), else channel talk for the meeting record."""
    if activity.get("type") != "message":
        return None
    sender = activity.get("from") or {}
    if str(sender.get("id") or "").startswith("28:"):
        return None  # a bot
    where = channel_ref(activity)
    text, addressed = command_text(activity)
    user = user_ref(activity)
    event_id = str(activity.get("id") or "")
    name = safe_name(sender.get("name"))
    if where.direct or addressed or _typed_command(text):
        command = _COMMAND_WORD.sub("", text, count=1) if _COMMAND_WORD.match(text) else text
        return CommandIssued(where=where, user=user, text=command.strip(), user_name=name,
                             event_id=event_id)
    raw = str(activity.get("text") or "")
    if not raw.strip():
        return None
    return TextPosted(where=where, user=user, text=_teams_text(raw), user_name=name,
                      event_id=event_id)


def _typed_command(text: str) -> bool:
    """``set next`` or ``/set next`` typed in the channel without mentioning the bot (it reads
    the channel with its resource-specific permission): a command, not meeting talk."""
    match = _COMMAND_WORD.match(text)
    if match is None:
        return False
    rest = text[match.end():].lower().split()
    return text.startswith("/") or bool(rest) and any(
        rest[:len(name.split())] == name.split() for name in COMMAND_NAMES)


def _teams_text(text: str) -> str:
    """Channel talk as the core stores it: Teams' HTML reduced to its words (``<at>`` spans
    keep the name only), then escaped by the core's rules later where echoed."""
    text = _AT_SPAN.sub(lambda m: m.group(1), text)
    text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.IGNORECASE)
    text = _TAGS.sub("", text)
    text = (text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&quot;", '"').replace("&#39;", "'").replace("&amp;", "&"))
    return text.strip()


# ---------------------------------------------------------------------- invokes


def _value(activity: Activity) -> Mapping[str, Any]:
    value = activity.get("value")
    return value if isinstance(value, Mapping) else {}


def card_action_event(activity: Activity) -> ButtonPressed | None:
    """``adaptiveCard/action`` (an ``Action.Execute`` press): the button's core action id."""
    action = _value(activity).get("action") or {}
    data = action.get("data") if isinstance(action, Mapping) else None
    encoded = str((data or {}).get(ACTION_KEY) or "") if isinstance(data, Mapping) else ""
    if not encoded:
        return None
    return ButtonPressed(where=channel_ref(activity), user=user_ref(activity), action=encoded,
                         user_name=safe_name((activity.get("from") or {}).get("name")),
                         event_id=str(activity.get("id") or ""))


def dialog_open_event(activity: Activity) -> ButtonPressed | None:
    """``task/fetch`` (a dialog-opening button): the press that asks the core for its form."""
    data = _value(activity).get("data") or {}
    encoded = str(data.get(ACTION_KEY) or "") if isinstance(data, Mapping) else ""
    if not encoded:
        return None
    return ButtonPressed(where=channel_ref(activity), user=user_ref(activity), action=encoded,
                         user_name=safe_name((activity.get("from") or {}).get("name")),
                         event_id=str(activity.get("id") or ""))


def dialog_submit_event(activity: Activity) -> FormSubmitted | None:
    """``task/submit``: the form id from the submit action's data, and the typed inputs."""
    data = _value(activity).get("data") or {}
    if not isinstance(data, Mapping) or not data.get(FORM_KEY):
        return None
    values = {str(k): str(v) for k, v in data.items()
              if k not in (FORM_KEY, "msteams") and isinstance(v, str | int | float)}
    return FormSubmitted(where=channel_ref(activity), user=user_ref(activity),
                         form_id=str(data[FORM_KEY]), values=values,
                         user_name=safe_name((activity.get("from") or {}).get("name")),
                         event_id=str(activity.get("id") or ""))
