"""Teams wired to the engine: the SDK's routes call inbound, the engine decides, the outbox
answers (and fills in the invoke's answer, which the route returns to Teams).

``start_teams`` builds the SDK app with its side doors shut (``sdk.build_app``), mounts it at
``POST /api/messages`` on the host's aiohttp application, fetches Teams' signing keys once in a
worker thread, and registers the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from adapters.teams import inbound
from adapters.teams.inbound import Turn
from adapters.teams.outbox import References, TeamsOutbox
from adapters.teams.sdk import BuiltApp, RetryAfter, TeamsStartError, build_app
from adapters.teams.settings import DEFAULT_SERVICE_URL, TeamsSettings
from bot.core.events import Event
from bot.core.messages import t
from bot.platform import Host, PlatformStartError

log = logging.getLogger("revans.teams")
MESSAGE_ANSWER = "application/vnd.microsoft.activity.message"


@dataclass
class TeamsService:
    """The running Teams adapter (what ``start`` returns; ``stop`` on SIGTERM)."""

    built: BuiltApp
    outbox: TeamsOutbox
    references: References
    handled: int = 0

    @property
    def app(self) -> Any:
        return self.built.app

    async def stop(self) -> None:
        return None  # the routes go with the host's web server; nothing of ours is open


class TeamsInbound:
    """The SDK's typed routes: each converts its activity, hands the event and its ``Turn`` to
    the engine, and returns what the outbox chose as the invoke's answer."""

    def __init__(self, host: Host, references: References, outbox: TeamsOutbox) -> None:
        self.host = host
        self.references = references
        self.outbox = outbox

    async def see(self, activity: dict[str, Any]) -> None:
        """Capture the sender's conversation reference (and the tenant's service URL)."""
        ref = inbound.reference(activity)
        if ref is not None:
            await self.references.remember(inbound.user_ref(activity), ref)
        elif activity.get("serviceUrl"):
            await self.references.remember_service_url(inbound.tenant_of(activity),
                                                       str(activity["serviceUrl"]))

    async def run(self, event: Event | None, turn: Turn) -> None:
        """Hand the event to the engine. A failure (the database is down…) of a message is
        raised, so Teams gets a 500 and delivers it again (a repeat is dropped by its id); a
        press is answered with the failure, so the member sees it and can press again."""
        if event is None:
            return
        try:
            await self.host.engine.handle(event, turn)
        except Exception:
            log.exception("could not handle a Teams %s", type(event).__name__)
            if not turn.is_invoke:
                raise
            if turn.answer is None:
                turn.answer = _message(turn, t("platform.failed"))

    async def message(self, activity: dict[str, Any]) -> None:
        await self.see(activity)
        await self.run(inbound.message_event(activity), inbound.turn_for(activity, "message"))

    async def card_action(self, activity: dict[str, Any]) -> dict[str, Any]:
        await self.see(activity)
        turn = inbound.turn_for(activity, "card")
        event = inbound.card_action_event(activity)
        if event is None:
            return _message(turn, t("platform.failed"))
        await self.run(event, turn)
        return turn.answer or _message(turn, t("platform.done"))

    async def dialog_open(self, activity: dict[str, Any]) -> dict[str, Any]:
        await self.see(activity)
        turn = inbound.turn_for(activity, "dialog_open")
        await self.run(inbound.dialog_open_event(activity), turn)
        return turn.answer or _message(turn, t("platform.form_too_late"))

    async def dialog_submit(self, activity: dict[str, Any]) -> dict[str, Any] | None:
        await self.see(activity)
        turn = inbound.turn_for(activity, "dialog_submit")
        event = inbound.dialog_submit_event(activity)
        if event is None:
            return _message(turn, t("platform.failed"))
        await self.run(event, turn)
        return turn.answer  # None closes the dialog

    async def conversation_update(self, activity: dict[str, Any]) -> None:
        """Members added to a channel or chat: their references, for check-ins later."""
        tenant = inbound.tenant_of(activity)
        for account in activity.get("membersAdded") or []:
            ref = inbound.reference(activity, account)
            if ref is not None:
                await self.references.remember(inbound.member_ref(tenant, account), ref)
        await self.see(activity)

    async def installation(self, activity: dict[str, Any]) -> None:
        """The app added to or removed from a member's personal scope."""
        conversation = activity.get("conversation") or {}
        if conversation.get("conversationType") != "personal":
            await self.see(activity)
            return
        user = inbound.user_ref(activity)
        if str(activity.get("action") or "").startswith("remove"):
            log.info("Teams member %s removed the app from their personal scope", user.id)
            return  # whether they can still be reached shows on the next message to them
        await self.see(activity)
        if await self.references.unreachable(user):
            await self.references.clear_unreachable(user)
            await self.outbox.deliver_held(user)


def _message(turn: Turn, text: str) -> dict[str, Any]:
    if turn.kind in ("dialog_open", "dialog_submit"):
        return {"task": {"type": "message", "value": text}}
    return {"statusCode": 200, "type": MESSAGE_ANSWER, "value": text}


def _wire(app: Any, routes: TeamsInbound) -> None:
    """Register the typed routes of the SDK (each gets a validated activity model)."""
    from microsoft_teams.api import (
        AdaptiveCardInvokeActivity,
        ConversationUpdateActivity,
        InstalledActivity,
        MessageActivity,
        TaskFetchInvokeActivity,
        TaskSubmitInvokeActivity,
        UninstalledActivity,
    )
    from microsoft_teams.apps import ActivityContext

    def raw(ctx: Any) -> dict[str, Any]:
        return ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")

    @app.on_message
    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        await routes.message(raw(ctx))

    @app.on_card_action
    async def on_card_action(ctx: ActivityContext[AdaptiveCardInvokeActivity]) -> Any:
        return await routes.card_action(raw(ctx))

    @app.on_dialog_open
    async def on_dialog_open(ctx: ActivityContext[TaskFetchInvokeActivity]) -> Any:
        return await routes.dialog_open(raw(ctx))

    @app.on_dialog_submit
    async def on_dialog_submit(ctx: ActivityContext[TaskSubmitInvokeActivity]) -> Any:
        return await routes.dialog_submit(raw(ctx))

    @app.on_conversation_update
    async def on_conversation_update(ctx: ActivityContext[ConversationUpdateActivity]) -> None:
        await routes.conversation_update(raw(ctx))

    @app.on_install_add
    async def on_install_add(ctx: ActivityContext[InstalledActivity]) -> None:
        await routes.installation(raw(ctx))

    @app.on_install_remove
    async def on_install_remove(ctx: ActivityContext[UninstalledActivity]) -> None:
        await routes.installation(raw(ctx))


async def start_teams(settings: TeamsSettings, host: Host, *,
                      retry: RetryAfter | None = None) -> TeamsService:
    """Mount Teams at ``/api/messages`` on the host's server and register its outbox."""
    if not settings.configured:
        raise PlatformStartError("Teams needs TEAMS_APP_ID, TEAMS_APP_PASSWORD and "
                                 "TEAMS_TENANT_ID")
    service_url = settings.test_seam("teams_service_url") or DEFAULT_SERVICE_URL
    try:
        built = await build_app(
            app_id=settings.teams_app_id,
            password=settings.teams_app_password.get_secret_value(),  # type: ignore[union-attr]
            tenant_id=settings.teams_tenant_id, web_app=host.web_app, service_url=service_url,
            openid_metadata_url=settings.test_seam("teams_openid_metadata_url"),
            login_url=settings.test_seam("teams_login_url"), retry=retry)
    except TeamsStartError as error:
        raise PlatformStartError(str(error)) from error
    try:
        await built.token()  # Microsoft refuses a wrong id or secret now, not at the first reply
    except TeamsStartError as error:
        raise PlatformStartError(str(error)) from error
    except aiohttp.ClientError as error:
        raise PlatformStartError(f"cannot reach Microsoft's login service for the bot's token "
                                 f"({error}); check the network and TEAMS_TENANT_ID") from error
    references = References(host, service_url)
    outbox = TeamsOutbox(built.app, host, references)
    _wire(built.app, TeamsInbound(host, references, outbox))
    host.engine.outboxes[inbound.PLATFORM] = outbox
    try:
        await built.warden.prewarm()
    except Exception as error:  # noqa: BLE001 - keys are fetched again on the first request
        log.warning("could not fetch Teams' signing keys at start (%s); will try again", error)
    log.info("Teams: /api/messages for app %s in tenant %s", settings.teams_app_id,
             settings.teams_tenant_id)
    return TeamsService(built=built, outbox=outbox, references=references)
