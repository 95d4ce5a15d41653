"""Core effects as Bot Connector calls: posts, in-place card updates, private answers, personal
chats, dialogs.

- A **post** goes to ``{serviceUrl}v3/conversations/{channel}/activities`` (a new post in the
  channel). A card with a slot (the live meeting card) is remembered and later **updated in
  place** (``PUT …/activities/{id}``); a press on that card is also answered with the new card,
  which Teams shows to the presser at once.
- A **private answer** (``Whisper``) to the member whose invoke is being handled is the invoke's
  own answer (a message only they see); otherwise it goes to the member's **personal chat**,
  never to the channel. Teams' targeted messages are a preview (``ExperimentalTeamsTargeted``):
  a tenant without the preview would show them to the whole channel, so they are not used.
- A **direct message** (check-in, export) opens the member's personal chat from the reference
  stored when the bot first saw them (``POST {serviceUrl}v3/conversations``). A member who
  removed the app cannot be reached (403): the card is held (and delivered when they add the
  app again), and the engine is handed ``MemberUnreachable``, so the core tells the facilitator.
- 429 and 5xx are retried after their ``Retry-After`` by the SDK client's middleware
  (``sdk.RetryAfter``); what still fails is logged and counted.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from adapters.teams import render
from adapters.teams.inbound import PLATFORM, Reference, Turn
from bot.core.cards import Card
from bot.core.effects import DirectMessage, OpenForm, Post, Update, Whisper
from bot.core.events import MemberUnreachable
from bot.core.refs import ChannelRef, UserRef
from bot.observability import count_platform_error
from bot.outbox import Outbox, carries, split_text
from bot.platform import Host

log = logging.getLogger("revans.teams")
TEXT_LIMIT = 20_000
GONE = frozenset({404})  # the card was deleted: post it anew (a 403 is not retried by posting)
HELD_LIMIT = 50  # cards kept for a member who removed the app


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


class References:
    """Members' conversation references and the tenants' service URLs, in the host's
    ``adapter_state`` (so every process, and the next start, knows them), with a small cache
    so that an activity from a known member costs no write."""

    def __init__(self, host: Host, default_service_url: str) -> None:
        self.host = host
        self.default_service_url = default_service_url
        self._known: dict[str, str] = {}

    async def remember(self, user: UserRef, ref: Reference) -> None:
        key = f"user:{user.workspace}:{user.id}"
        old = await self.get(user)
        if old is not None and not ref.personal_conversation:
            ref = Reference(teams_id=ref.teams_id, tenant_id=ref.tenant_id,
                            service_url=ref.service_url, name=ref.name or old.name,
                            personal_conversation=old.personal_conversation)
        value = _json(ref.as_dict())
        if self._known.get(key) == value:
            return
        await self.host.set_adapter_state(PLATFORM, key, value)
        self._known[key] = value
        await self.remember_service_url(ref.tenant_id, ref.service_url)

    async def remember_service_url(self, tenant: str, service_url: str) -> None:
        key = f"service:{tenant}"
        if not service_url or self._known.get(key) == service_url:
            return
        await self.host.set_adapter_state(PLATFORM, key, service_url)
        self._known[key] = service_url

    async def get(self, user: UserRef) -> Reference | None:
        key = f"user:{user.workspace}:{user.id}"
        value = self._known.get(key)
        if value is None:
            value = await self.host.adapter_state(PLATFORM, key)
            if value is None:
                return None
            self._known[key] = value
        return Reference.from_dict(json.loads(value))

    async def service_url(self, tenant: str) -> str:
        key = f"service:{tenant}"
        value = self._known.get(key)
        if value is None:
            value = await self.host.adapter_state(PLATFORM, key)
            if value:
                self._known[key] = value
        return value or self.default_service_url

    async def names(self, tenant: str, user_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for user_id in user_ids:
            ref = await self.get(UserRef(platform=PLATFORM, workspace=tenant, id=user_id))
            if ref is not None and ref.name:
                found[user_id] = ref.name
        return found

    async def mark_unreachable(self, user: UserRef, reason: str) -> bool:
        """Remember that ``user`` cannot be reached; ``True`` when they could be until now."""
        key = f"unreachable:{user.workspace}:{user.id}"
        if await self.host.adapter_state(PLATFORM, key) is not None:
            return False
        await self.host.set_adapter_state(PLATFORM, key, reason)
        return True

    async def clear_unreachable(self, user: UserRef) -> None:
        await self.host.set_adapter_state(PLATFORM, f"unreachable:{user.workspace}:{user.id}",
                                          None)

    async def hold(self, user: UserRef, payload: dict[str, Any]) -> None:
        """Keep a card for a member who cannot be reached now (nothing is lost)."""
        key = f"held:{user.workspace}:{user.id}"
        held = json.loads(await self.host.adapter_state(PLATFORM, key) or "[]")
        held.append(payload)
        await self.host.set_adapter_state(PLATFORM, key, json.dumps(held[-HELD_LIMIT:]))

    async def take_held(self, user: UserRef) -> list[dict[str, Any]]:
        value = await self.host.take_adapter_state(PLATFORM, f"held:{user.workspace}:{user.id}")
        return json.loads(value) if value else []

    async def unreachable(self, user: UserRef) -> str | None:
        return await self.host.adapter_state(PLATFORM,
                                             f"unreachable:{user.workspace}:{user.id}")


class TeamsOutbox(Outbox):
    platform = PLATFORM

    def __init__(self, app: Any, host: Host, references: References, *,
                 open_form_label: str = "Open the form") -> None:
        self.app = app
        self.host = host
        self.references = references
        self.open_form_label = open_form_label
        self.sent = 0

    async def around(self, call: Any, effect: Any, reply: Any) -> None:
        try:
            await call
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            count_platform_error(PLATFORM, status)
            log.error("Teams refused %s (%s): %s", type(effect).__name__, status,
                      error.response.text[:300])
        except httpx.HTTPError as error:
            count_platform_error(PLATFORM, "request_failed")
            log.error("could not reach Teams for %s: %s", type(effect).__name__, error)

    # ------------------------------------------------------------------ effects

    @carries(Post)
    async def post(self, effect: Post, reply: Turn | None) -> None:
        if effect.card.slot:
            async with self.host.slots.lock(effect.where, effect.card.slot):
                sent = await self._post(effect.where, effect.card)
                await self.host.slots.put(effect.where, effect.card.slot, sent)
            return
        await self._post(effect.where, effect.card)

    @carries(Update)
    async def update(self, effect: Update, reply: Turn | None) -> None:
        """Edit the slot's card for everyone; when the press came from that card, the invoke
        answers with it too (Teams replaces it for the presser at once)."""
        where, card = effect.where, effect.card
        if not card.slot:
            await self._post(where, card)
            return
        async with self.host.slots.lock(where, card.slot):
            activity_id = await self.host.slots.get(where, card.slot)
            if not activity_id and effect.edit_only:
                return  # erasure edits what was posted; it posts nothing new
            if activity_id:
                first, *rest = await self._render(where.workspace, card)
                if (reply is not None and reply.kind == "card"
                        and (reply.answer is None or reply.note)
                        and reply.reply_to_id == activity_id):
                    reply.answer = _card_answer(first)
                    if reply.note:  # the presser's own answer, on their copy of the card
                        reply.answer = _with_note(reply.answer, reply.note)
                try:
                    await self._update(where, activity_id, first)
                    for extra in rest:  # a card too big for one message (rare)
                        await self._send(where, extra)
                    return
                except httpx.HTTPStatusError as error:
                    if error.response.status_code not in GONE:
                        raise
                    if effect.edit_only:
                        return
                    log.info("card %s in %s is gone (%s); posting it anew", card.slot,
                             where.channel, error.response.status_code)
            sent = await self._post(where, card)
            await self.host.slots.put(where, card.slot, sent)

    @carries(Whisper)
    async def whisper(self, effect: Whisper, reply: Turn | None) -> None:
        """Only the member sees it: the invoke's answer (a line on the card only the presser
        sees, or a message), or else their personal chat."""
        if (reply is not None and reply.is_invoke and effect.user.key == reply.user.key
                and not effect.card.buttons):  # an answer with buttons needs a card
            ids = render.mentioned_ids(effect.card.text)
            names = await self.references.names(effect.user.workspace, ids) if ids else {}
            text = render.plain_text(effect.card, names)
            if reply.kind == "card" and _is_card_answer(reply.answer):
                reply.answer = _with_note(reply.answer, text)
                return
            if reply.answer is None and reply.kind == "card":
                reply.answer = _message_answer(text)
                reply.note = text
                return
            if reply.answer is None and reply.kind in ("dialog_open", "dialog_submit"):
                reply.answer = {"task": {"type": "message", "value": text}}
                return
        if effect.where.direct:
            await self._post(effect.where, effect.card)
            return
        await self._direct(effect.user, effect.card)

    @carries(DirectMessage)
    async def direct(self, effect: DirectMessage, reply: Turn | None) -> None:
        await self._direct(effect.user, effect.card)
        if effect.attachment is not None:
            # Files in a personal chat need the member's consent card (FileConsentCard) per
            # file; the record is short, so it comes as messages the member can copy.
            title = Card(title=effect.attachment.filename)
            await self._direct(effect.user, title)
            for piece in split_text(effect.attachment.content, TEXT_LIMIT):
                await self._direct_text(effect.user, piece)

    @carries(OpenForm)
    async def open_form(self, effect: OpenForm, reply: Turn | None) -> None:
        """A dialog is the answer to a ``task/fetch`` press; after a typed command or another
        button, the member gets a private card whose button opens it."""
        if reply is not None and reply.kind == "dialog_open" and reply.may_answer(effect.user):
            reply.answer = {"task": {"type": "continue", "value": {
                "title": effect.form.title, "height": "medium", "width": "medium",
                "card": {"contentType": render.CARD_CONTENT_TYPE,
                         "content": render.render_form(effect.form).model_dump(
                             by_alias=True, exclude_none=True)}}}}
            return
        opener = render.form_opener(effect.form, effect.form.title, self.open_form_label)
        if reply is not None and reply.may_answer(effect.user) and reply.kind == "card":
            reply.answer = _message_answer(effect.form.title)
        if effect.where.direct:
            await self._send(effect.where, opener)
            return
        await self._direct_rendered(effect.user, opener)

    # ------------------------------------------------------------------ sending

    async def _render(self, tenant: str, card: Card) -> list[render.Rendered]:
        """The card as Teams messages (one, unless it is very long), mentioning members by
        their Teams id where the bot knows it (the object id works too)."""
        ids = render.mentioned_ids(card.text)
        names = await self.references.names(tenant, ids) if ids else {}
        messages = render.render_messages(card, names)
        teams_ids: dict[str, str] = {}
        for user_id in {u for rendered in messages for u in rendered.mentioned}:
            ref = await self.references.get(UserRef(platform=PLATFORM, workspace=tenant,
                                                    id=user_id))
            if ref is not None:
                teams_ids[user_id] = ref.teams_id
        for rendered in messages:
            for entity in (rendered.card.msteams.entities or []) if rendered.card.msteams else []:
                if entity.mentioned and entity.mentioned.id in teams_ids:
                    entity.mentioned.id = teams_ids[entity.mentioned.id]
        return messages

    async def _post(self, where: ChannelRef, card: Card) -> str:
        """Post the card (in several messages if it must be); the first one's id."""
        first = ""
        for rendered in await self._render(where.workspace, card):
            sent = await self._send(where, rendered)
            first = first or sent
        return first

    async def _send(self, where: ChannelRef, rendered: render.Rendered,
                    conversation_id: str | None = None) -> str:
        from microsoft_teams.api import Attachment, MessageActivityInput

        service_url = await self.references.service_url(where.workspace)
        activity = MessageActivityInput(attachments=[Attachment(
            content_type=render.CARD_CONTENT_TYPE, content=rendered.payload())])
        sent = await self.app.send(conversation_id or where.channel, activity,
                                   service_url=service_url)
        self.sent += 1
        return str(sent.id or "")

    async def _update(self, where: ChannelRef, activity_id: str,
                      rendered: render.Rendered) -> None:
        from microsoft_teams.api import Attachment, MessageActivityInput

        service_url = await self.references.service_url(where.workspace)
        activity = MessageActivityInput(id=activity_id, attachments=[Attachment(
            content_type=render.CARD_CONTENT_TYPE, content=rendered.payload())])
        await self.app.send(where.channel, activity, service_url=service_url)
        self.sent += 1

    async def _direct(self, user: UserRef, card: Card) -> None:
        for rendered in await self._render(user.workspace, card):
            await self._direct_rendered(user, rendered)

    async def _direct_text(self, user: UserRef, text: str) -> None:
        from microsoft_teams.cards import AdaptiveCard, TextBlock

        card = AdaptiveCard(version="1.5", body=[TextBlock(text=text, wrap=True,
                                                            font_type="Monospace")])
        await self._direct_rendered(user, render.Rendered(card=card))

    async def _direct_rendered(self, user: UserRef, rendered: render.Rendered) -> None:
        """Into the member's personal chat (opened from their stored reference)."""
        ref = await self.references.get(user)
        if ref is None:
            log.warning("no conversation reference for Teams member %s (the bot has never seen "
                        "them write or be added to a team); the message cannot be sent",
                        user.id)
            count_platform_error(PLATFORM, "no_reference")
            return
        where = ChannelRef(platform=PLATFORM, workspace=user.workspace,
                           channel=ref.personal_conversation or "", direct=True)
        try:
            if not ref.personal_conversation:
                where = await self._open_personal(user, ref)
            await self._send_to(where, ref.service_url, rendered)
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 403:
                raise
            count_platform_error(PLATFORM, 403)
            log.warning("Teams member %s cannot be reached (the app was removed or blocked): "
                        "%s; the message is held until they add the app again", user.id,
                        error.response.text[:200])
            await self.references.hold(user, rendered.payload())
            if await self.references.mark_unreachable(user, "app removed"):
                await self._report_unreachable(user, where)

    async def _report_unreachable(self, user: UserRef, where: ChannelRef) -> None:
        """Hand the engine the fact (it tells the member's facilitator), once a day at most."""
        day = self.host.clock.now().date().isoformat()
        event = MemberUnreachable(where=where, user=user,
                                  event_id=f"unreachable:{user.workspace}:{user.id}:{day}")
        try:
            await self.host.engine.handle(event)
        except Exception:  # noqa: BLE001 - telling the facilitator must not stop this send
            log.exception("could not report Teams member %s as unreachable", user.id)

    async def deliver_held(self, user: UserRef) -> int:
        """Send what was held for a member who could not be reached, oldest first."""
        held = await self.references.take_held(user)
        for payload in held:
            await self._direct_rendered(user, render.Rendered(card=_card(payload)))
        return len(held)

    async def _send_to(self, where: ChannelRef, service_url: str,
                       rendered: render.Rendered) -> None:
        from microsoft_teams.api import Attachment, MessageActivityInput

        activity = MessageActivityInput(attachments=[Attachment(
            content_type=render.CARD_CONTENT_TYPE, content=rendered.payload())])
        await self.app.send(where.channel, activity, service_url=service_url)
        self.sent += 1

    async def _open_personal(self, user: UserRef, ref: Reference) -> ChannelRef:
        from microsoft_teams.api import Account, CreateConversationParams

        api = self.app.api.clone(service_url=ref.service_url)
        created = await api.conversations.create(CreateConversationParams(
            members=[Account(id=ref.teams_id)], tenant_id=ref.tenant_id,
            channel_data={"tenant": {"id": ref.tenant_id}}))
        conversation = str(created.id)
        await self.references.remember(user, Reference(
            teams_id=ref.teams_id, tenant_id=ref.tenant_id, service_url=ref.service_url,
            name=ref.name, personal_conversation=conversation))
        return ChannelRef(platform=PLATFORM, workspace=user.workspace, channel=conversation,
                          direct=True)


def _card(payload: dict[str, Any]) -> Any:
    from microsoft_teams.cards import AdaptiveCard

    return AdaptiveCard.model_validate(payload)


def _message_answer(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
            "value": text}


def _is_card_answer(answer: Any) -> bool:
    return isinstance(answer, dict) and answer.get("type") == render.CARD_CONTENT_TYPE


def _with_note(answer: dict[str, Any], text: str) -> dict[str, Any]:
    """The answer card with a line at the bottom that only the presser sees (Teams shows an
    invoke's card to the member who pressed; everyone else sees the updated card)."""
    card = dict(answer["value"])
    card["body"] = [*card.get("body", []), {"type": "TextBlock", "text": text, "wrap": True,
                                            "isSubtle": True, "spacing": "Medium"}]
    return {**answer, "value": card}


def _card_answer(rendered: render.Rendered) -> dict[str, Any]:
    return {"statusCode": 200, "type": render.CARD_CONTENT_TYPE, "value": rendered.payload()}
