"""Effects carried out through the Slack Web API, by type; a Slack error never stops the bot.

Each effect is one or a few Web API calls. A failure is logged with its context, and the member
whose action caused it is told what they can do about it (through the interaction's
``response_url``, which works even where the bot cannot post); the next effect goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from adapters.slack.inbound import Interaction
from bot.core.cards import Card
from bot.core.effects import DirectMessage, Effect, OpenForm, Post, Update, Whisper
from bot.core.messages import t
from bot.core.refs import ChannelRef, UserRef, escape
from bot.observability import count_platform_error
from bot.outbox import Outbox, carries
from bot.platform import Reply
from bot.slots import MessageSlots

log = logging.getLogger("revans.slack")

CHANNEL_GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
CANNOT_DM = frozenset({"user_not_found", "account_inactive", "cannot_dm_bot",
                       "user_disabled", "missing_scope"})
DM_CACHE_SIZE = 10_000
STALE_MESSAGE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})


__all__ = ["Interaction", "SlackOutbox"]


class SlackOutbox(Outbox):
    """Outbound effects as Web API calls; a Slack error is logged and told, never raised.

    ``reply`` is the ``Interaction`` the effect answers (``None`` for pings): a form opens
    with its trigger_id, and a failure is told through its response_url.
    """

    platform = "slack"

    def __init__(self, client: AsyncWebClient, slots: MessageSlots, *,
                 bot_name: str = "Revans") -> None:
        self.client = client
        self.slots = slots
        self.bot_name = bot_name
        self._dm_channels: dict[str, str] = {}

    async def around(self, call: Awaitable[None], effect: Effect, reply: Reply) -> None:
        try:
            await call
        except SlackApiError as error:
            count_platform_error("slack", _code(error))
            await self._failed(effect, _code(error), reply)
        except SlackRequestError as error:
            count_platform_error("slack", "request_failed")
            log.warning("slack request failed for %s: %s", type(effect).__name__, error)

    # ------------------------------------------------------------ effects

    @carries(Post)
    async def _post(self, effect: Post, reply: Reply) -> None:
        if effect.card.slot:
            async with self.slots.lock(effect.where, effect.card.slot):
                ts = await self._post_card(effect.where.channel, effect.card)
                await self.slots.put(effect.where, effect.card.slot, ts)
        else:
            await self._post_card(effect.where.channel, effect.card)

    @carries(Update)
    async def _update(self, effect: Update, reply: Reply) -> None:
        """Edit the slot's message in place; post it (and remember it) if it is unknown."""
        where, card = effect.where, effect.card
        if not card.slot:
            await self._post_card(where.channel, card)
            return
        async with self.slots.lock(where, card.slot):
            ts = await self.slots.get(where, card.slot)
            if ts is None and effect.edit_only:
                return  # erasure edits what was posted; it posts nothing new
            if ts is not None:
                messages = render.card_messages(card)
                try:
                    await self.client.chat_update(channel=where.channel, ts=ts,
                                                  text=messages[0].text,
                                                  blocks=messages[0].blocks, link_names=False)
                    for extra in messages[1:]:  # a card too big for one message (rare)
                        await self._say(where.channel, extra)
                    return
                except SlackApiError as error:
                    if _code(error) not in STALE_MESSAGE:
                        raise
                    if effect.edit_only:
                        return
                    count_platform_error("slack", _code(error))
                    log.info("slot %s in %s could not be edited (%s); posting it anew",
                             card.slot, where.channel, _code(error))
            ts = await self._post_card(where.channel, card)
            await self.slots.put(where, card.slot, ts)

    @carries(Whisper)
    async def _whisper(self, effect: Whisper, reply: Reply) -> None:
        """Ephemeral in a channel; in the member's DM with the bot, an ordinary message."""
        if effect.where.direct:
            await self._post_card(effect.where.channel, effect.card)
            return
        for message in render.card_messages(effect.card):
            await self.client.chat_postEphemeral(channel=effect.where.channel,
                                                 user=effect.user.id, text=message.text,
                                                 blocks=message.blocks, link_names=False)

    @carries(DirectMessage)
    async def _direct(self, effect: DirectMessage, reply: Reply) -> None:
        channel = await self._dm_channel(effect.user)
        try:
            await self._post_card(channel, effect.card)
        except SlackApiError:
            self._dm_channels.pop(effect.user.key, None)  # ask conversations.open next time
            raise
        if effect.attachment is not None:
            await self._attach(channel, effect.attachment.filename, effect.attachment.content)

    async def _dm_channel(self, user: UserRef) -> str:
        """The member's DM with the bot; remembered, since check-ins go out in batches and
        conversations.open has a tighter rate limit than chat.postMessage."""
        known = self._dm_channels.get(user.key)
        if known:
            return known
        opened = await self.client.conversations_open(users=user.id)
        channel = str((opened.get("channel") or {}).get("id") or "")
        if not channel:
            raise SlackApiError("conversations.open gave no channel",
                                {"ok": False, "error": "channel_not_found"})
        if len(self._dm_channels) >= DM_CACHE_SIZE:
            self._dm_channels.pop(next(iter(self._dm_channels)))
        self._dm_channels[user.key] = channel
        return channel

    async def _attach(self, channel: str, filename: str, content: str) -> None:
        """Upload the file; if the upload is refused (no ``files:write`` scope, say), send the
        same text as code-block messages instead, so the member still gets it."""
        try:
            await self.client.files_upload_v2(channel=channel, filename=filename,
                                              title=filename, content=content)
            return
        except (SlackApiError, SlackRequestError) as error:
            reason = _code(error) if isinstance(error, SlackApiError) else str(error)
            count_platform_error("slack", _code(error) if isinstance(error, SlackApiError)
                                 else "request_failed")
            log.warning("file upload of %s failed (%s); sending it as messages", filename,
                        reason)
        await self._say(channel, render.SlackMessage(text=escape(filename), blocks=[
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(filename)}*"}}]))
        for message in render.text_messages(content, code=True):
            await self._say(channel, message)

    @carries(OpenForm)
    async def _open_form(self, effect: OpenForm, reply: Reply) -> None:
        interaction = reply if isinstance(reply, Interaction) else None
        if interaction is None or not interaction.trigger_id:
            log.warning("cannot open form %s for %s: no interaction to open it from",
                        effect.form.id, effect.user.id)
            return
        view = render.modal(effect.form, channel=effect.where.channel,
                            direct=effect.where.direct)
        try:
            await self.client.views_open(trigger_id=interaction.trigger_id, view=view)
        except SlackApiError as error:
            if _code(error) not in ("expired_trigger_id", "invalid_trigger_id"):
                raise
            count_platform_error("slack", _code(error))
            log.warning("form %s for %s not opened: %s", effect.form.id, effect.user.id,
                        _code(error))
            await self._tell(effect.where, effect.user, t("platform.form_too_late"), interaction)

    # ------------------------------------------------------------ helpers

    async def _post_card(self, channel: str, card: Card) -> str:
        """Post ``card`` (split if it must be) and return the first message's ts."""
        first = ""
        for message in render.card_messages(card):
            ts = await self._say(channel, message)
            first = first or ts
        return first

    async def _say(self, channel: str, message: render.SlackMessage) -> str:
        """One chat.postMessage; ``link_names`` off, so a plain "@here" never becomes a ping."""
        response = await self.client.chat_postMessage(channel=channel, text=message.text,
                                                      blocks=message.blocks, link_names=False)
        return str(response.get("ts") or "")

    async def _failed(self, effect: Effect, code: str, reply: Reply) -> None:
        """Log the Slack error with its context, and tell the member who acted if we can."""
        where = getattr(effect, "where", None)
        user = getattr(effect, "user", None)
        log.warning("slack refused %s: %s (channel=%s user=%s)", type(effect).__name__, code,
                    where.channel if where is not None else "-",
                    user.id if user is not None else "-")
        if code == "not_in_channel" or (code == "channel_not_found" and where is not None):
            words = t("platform.slack.not_in_channel", bot=escape(self.bot_name))
        elif code == "is_archived":
            words = t("platform.slack.archived")
        elif code in CANNOT_DM and isinstance(effect, DirectMessage):
            words = t("platform.slack.cannot_dm")
        elif code in ("ratelimited", "rate_limited"):
            words = t("platform.slack.rate_limited")
        else:
            return
        if isinstance(effect, Whisper) and code in CHANNEL_GONE:
            words = f"{effect.card.text}\n\n{words}"  # the answer itself, then the way out
        await self._tell(where, user, words, reply)

    async def _tell(self, where: ChannelRef | None, user: UserRef | None, text: str,
                    reply: Reply) -> None:
        """A private word to the member whose action is being handled, by its response_url
        (which needs no channel membership); nothing when no member is acting."""
        interaction = reply if isinstance(reply, Interaction) else None
        if interaction is None:
            return
        if user is not None and user.id != interaction.user:
            return
        if where is not None and where.channel != interaction.channel:
            return
        if interaction.response_url:
            try:
                await AsyncWebhookClient(interaction.response_url).send(
                    text=render.defang(text), response_type="ephemeral")
                return
            except Exception:  # noqa: BLE001 - telling the member is best effort
                log.warning("could not answer through response_url", exc_info=True)
        if where is not None and not where.direct:
            try:
                await self.client.chat_postEphemeral(channel=where.channel,
                                                     user=interaction.user,
                                                     text=render.defang(text))
            except SlackApiError as error:
                log.warning("could not tell %s either: %s", interaction.user, _code(error))


def _code(error: SlackApiError) -> str:
    response = getattr(error, "response", None)
    try:
        return str(response.get("error") or "unknown") if response is not None else "unknown"
    except AttributeError:
        if isinstance(response, dict):
            return str(response.get("error") or "unknown")
        return "unknown"
