"""A local fake of Microsoft Teams' side of a bot: the Bot Connector, on 127.0.0.1 only.

What the real service does for a bot, and what this fake does instead:

- **Signing keys.** Teams signs every activity it posts to the bot with a key published at
  ``/v1/.well-known/openidconfiguration`` → ``jwks_uri``. The fake generates its own RSA key
  and publishes it there (the SDK derives ``…/v1/.well-known/keys`` from the metadata URL).
- **Inbound activities.** ``post_activity`` signs a token as the Bot Connector does (RS256,
  ``kid``, ``iss=https://api.botframework.com``, ``aud=<app id>``, ``serviceurl``, ``exp``)
  and posts the activity to the bot's ``/api/messages``; ``token_for`` lets a test sign a
  wrong one (another key under the same ``kid``, an unknown ``kid``, a wrong audience…).
- **The bot's own token.** ``POST /{tenant}/oauth2/v2.0/token`` answers a client-credentials
  request (the app id and password must match) with a bearer token.
- **The service URL.** ``/teams/v3/conversations…``: send, update, create conversation.
  Every call is recorded (``calls``) with the bearer token it carried; ``conversation(id)``
  gives the messages a member would see, with updates applied. ``fail_next`` makes the next
  matching call answer 429 (with ``Retry-After``) or a 5xx; ``uninstalled`` users get 403 as
  when a member removed the app.

The server runs on its own event loop in a thread: the SDK fetches signing keys with a
synchronous HTTP call, which would deadlock a fake served by the bot's own loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://api.botframework.com"
KEY_ID = "fake-connector-key-1"
TENANT = "00000000-0000-4000-8000-00000000aaaa"
BOT_NAME = "Revans"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _hs256(payload: Mapping[str, Any], secret: bytes, headers: Mapping[str, Any]) -> str:
    """An HS256 token made by hand: PyJWT rightly refuses to use a public key as an HMAC
    secret, which is exactly the algorithm-confusion attack a validator must reject."""
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', **headers})}.{_segment(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_segment(signature)}"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "use": "sig", "kid": kid, "alg": "RS256", "n": _b64(numbers.n),
            "e": _b64(numbers.e), "endorsements": ["msteams"]}


@dataclass
class Call:
    """One request the bot made to the service URL."""

    method: str
    path: str
    body: Any
    token: str
    status: int = 200

    @property
    def conversation_id(self) -> str:
        parts = self.path.split("/")
        return parts[4] if len(parts) > 4 else ""

    @property
    def text(self) -> str:
        """The activity's text and every card's text, joined (for assertions)."""
        if not isinstance(self.body, Mapping):
            return ""
        return activity_text(self.body)


def activity_text(activity: Mapping[str, Any]) -> str:
    parts = [str(activity.get("text") or "")]
    for attachment in activity.get("attachments") or []:
        parts.append(card_text(attachment.get("content") or {}))
    return "\n".join(p for p in parts if p)


def card_text(card: Any) -> str:
    """Every ``text``/``title``/``value`` string of an Adaptive Card, in order (what a member
    reads: the mention entities under ``msteams`` are left out)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key in ("text", "title", "value", "label"):
                value = node.get(key)
                if isinstance(value, str):
                    found.append(value)
            for key, value in node.items():
                if key != "msteams" and isinstance(value, list | Mapping):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def card_actions(card: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every action (button) of a card, wherever it sits."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            if str(node.get("type", "")).startswith("Action."):
                found.append(dict(node))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


@dataclass
class Failure:
    status: int
    retry_after: float | None
    match: str
    times: int


@dataclass
class TeamsConnectorFake:
    """The fake; ``start()`` serves it on a free loopback port in a thread of its own."""

    app_id: str = "11111111-2222-4333-8444-555555555555"
    app_password: str = "fake-client-secret"
    tenant_id: str = TENANT
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    kid: str = KEY_ID
    calls: list[Call] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    key_fetches: int = 0
    requests: list[str] = field(default_factory=list)
    uninstalled: set[str] = field(default_factory=set)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._ids = itertools.count(1)
        self._conversations: dict[str, list[dict[str, Any]]] = {}
        self._personal: dict[str, str] = {}
        self._issued: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        return f"{self.base_url}/teams/"

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        return self.base_url

    def start(self) -> TeamsConnectorFake:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=run, name="teams-connector-fake", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake Bot Connector did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    async def _serve(self) -> None:
        @web.middleware
        async def record(request: web.Request, handler: Any) -> web.StreamResponse:
            with self._lock:
                self.requests.append(f"{request.method} {request.path}")
            return await handler(request)

        app = web.Application(middlewares=[record])
        app.router.add_get("/v1/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_post("/teams/v3/conversations", self._create_conversation)
        app.router.add_post("/teams/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/teams/v3/conversations/{cid}/activities/{aid}", self._send)
        app.router.add_put("/teams/v3/conversations/{cid}/activities/{aid}", self._update)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(site._server.sockets[0].getsockname()[1])  # noqa: SLF001

    # ------------------------------------------------------------------ switches

    def fail_next(self, status: int, *, retry_after: float | None = None, match: str = "",
                  times: int = 1) -> None:
        """The next ``times`` service calls whose ``METHOD path`` contains ``match`` answer
        ``status`` (with ``Retry-After`` when given)."""
        with self._lock:
            self._failures.append(Failure(status, retry_after, match, times))

    def conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        """The activities in a conversation as a member sees them (updates applied)."""
        with self._lock:
            return [dict(a) for a in self._conversations.get(conversation_id, [])]

    def delete(self, conversation_id: str, activity_id: str) -> None:
        """A member deletes a message of the bot's (later updates of it answer 404)."""
        with self._lock:
            messages = self._conversations.get(_channel(conversation_id), [])
            messages[:] = [m for m in messages if m.get("id") != activity_id]

    def personal_chat(self, user_id: str) -> list[dict[str, Any]]:
        """The bot's 1:1 chat with ``user_id``, as the member sees it."""
        return self.conversation(personal_conversation_id(user_id))

    def service_calls(self, method: str = "", contains: str = "") -> list[Call]:
        with self._lock:
            return [c for c in self.calls
                    if (not method or c.method == method) and contains in c.path]

    # ------------------------------------------------------------------ tokens

    def token_for(self, *, service_url: str | None = None, key: rsa.RSAPrivateKey | None = None,
                  kid: str | None = None, audience: str | None = None,
                  issuer: str = ISSUER, expires_in: float = 3600, algorithm: str = "RS256",
                  hs256_secret: bytes | None = None, claims: Mapping[str, Any] | None = None
                  ) -> str:
        """A Bot Connector token; every argument can be made wrong for a rejection test."""
        now = int(time.time())
        payload = {"iss": issuer, "aud": audience or self.app_id,
                   "serviceurl": service_url if service_url is not None else self.service_url,
                   "nbf": now - 5, "iat": now - 5, "exp": int(now + expires_in)}
        payload.update(claims or {})
        headers = {"kid": kid or self.kid}
        if algorithm == "HS256":
            return _hs256(payload, hs256_secret if hs256_secret is not None
                          else self.public_pem(), headers)
        return jwt.encode(payload, key or self.key, algorithm=algorithm, headers=headers)

    def public_pem(self) -> bytes:
        from cryptography.hazmat.primitives import serialization

        return self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    async def post_activity(self, bot_url: str, activity: Mapping[str, Any], *,
                            token: str | None = None, authorization: str | None = None
                            ) -> tuple[int, Any]:
        """Post ``activity`` to the bot as Teams would (signed), from the caller's loop;
        returns the bot's status and JSON body (``None`` when empty)."""
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            if authorization:
                headers["Authorization"] = authorization
        else:
            signed = token or self.token_for(service_url=str(activity.get("serviceUrl") or ""))
            headers["Authorization"] = f"Bearer {signed}"
        async with aiohttp.ClientSession() as session, session.post(
                bot_url, data=json.dumps(activity), headers=headers) as response:
            raw = await response.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode(errors="replace")
            return response.status, body

    # ------------------------------------------------------------------ handlers

    async def _openid(self, _request: web.Request) -> web.Response:
        return web.json_response({
            "issuer": ISSUER, "authorization_endpoint": f"{self.base_url}/authorize",
            "jwks_uri": f"{self.base_url}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"]})

    async def _keys(self, _request: web.Request) -> web.Response:
        with self._lock:
            self.key_fetches += 1
        return web.json_response({"keys": [public_jwk(self.key, self.kid)]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        with self._lock:
            self.token_requests.append({"tenant": request.match_info["tenant"],
                                        **{k: str(v) for k, v in form.items()}})
        if (form.get("grant_type") != "client_credentials"
                or form.get("client_id") != self.app_id
                or form.get("client_secret") != self.app_password):
            return web.json_response({"error": "invalid_client",
                                      "error_description": "AADSTS7000215: wrong secret"},
                                     status=401)
        token = jwt.encode({"aud": "https://api.botframework.com", "appid": self.app_id,
                            "tid": request.match_info["tenant"], "iat": int(time.time()),
                            "exp": int(time.time()) + 3600, "jti": uuid.uuid4().hex},
                           self.key, algorithm="RS256", headers={"kid": self.kid})
        with self._lock:
            self._issued.add(token)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599,
                                  "ext_expires_in": 3599, "access_token": token})

    def _authorised(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        with self._lock:
            return token if token in self._issued else None

    def _injected(self, request: web.Request) -> web.Response | None:
        signature = f"{request.method} {request.path}"
        with self._lock:
            for failure in self._failures:
                if failure.match in signature and failure.times > 0:
                    failure.times -= 1
                    if failure.times == 0:
                        self._failures.remove(failure)
                    headers = {}
                    if failure.retry_after is not None:
                        headers["Retry-After"] = f"{failure.retry_after:g}"
                    return web.json_response(
                        {"error": {"code": "Throttled" if failure.status == 429
                                   else "ServiceError", "message": "injected by the fake"}},
                        status=failure.status, headers=headers)
        return None

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        call = Call(method=request.method, path=request.path, body=body,
                    token=request.headers.get("Authorization", "").removeprefix("Bearer "))
        refusal: web.Response | None = None
        if self._authorised(request) is None:
            refusal = web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        else:
            refusal = self._injected(request)
        call.status = refusal.status if refusal is not None else 200
        with self._lock:
            self.calls.append(call)
        return call, refusal

    async def _create_conversation(self, request: web.Request) -> web.Response:
        call, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        body = call.body or {}
        members = body.get("members") or []
        if len(members) != 1 or body.get("isGroup"):
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        user = str(members[0].get("id") or "")
        if user in self.uninstalled:
            with self._lock:
                call.status = 403
            return web.json_response(
                {"error": {"code": "Forbidden",
                           "message": "The bot is not installed in the user's personal scope"}},
                status=403)
        with self._lock:
            conversation = self._personal.get(user)
            if conversation is None:
                conversation = self._personal[user] = personal_conversation_id(user)
                self._conversations[conversation] = []
        return web.json_response({"id": conversation})

    async def _send(self, request: web.Request) -> web.Response:
        call, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        conversation = request.match_info["cid"]
        personal_user = ("29:" + conversation.removeprefix("a:1")
                         if conversation.startswith("a:1") else None)
        if personal_user is not None and personal_user in self.uninstalled:
            with self._lock:
                call.status = 403
            return web.json_response(
                {"error": {"code": "BotNotInConversationRoster",
                           "message": "The bot is not part of the conversation roster."}},
                status=403)
        activity_id = f"{int(time.time() * 1000)}{next(self._ids):04d}"
        with self._lock:
            self._conversations.setdefault(_channel(conversation), []).append(
                {**(call.body or {}), "id": activity_id})
        return web.json_response({"id": activity_id}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        call, refusal = await self._record(request)
        if refusal is not None:
            return refusal
        conversation, activity_id = request.match_info["cid"], request.match_info["aid"]
        with self._lock:
            messages = self._conversations.get(_channel(conversation), [])
            for index, message in enumerate(messages):
                if message.get("id") == activity_id:
                    messages[index] = {**(call.body or {}), "id": activity_id}
                    break
            else:
                call.status = 404
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response({"id": activity_id})


def personal_conversation_id(user_id: str) -> str:
    """The id of a member's 1:1 chat with the bot (the same every time, as in Teams)."""
    return "a:1" + user_id.removeprefix("29:")


def _channel(conversation_id: str) -> str:
    """A channel thread (``19:…;messageid=…``) belongs to its channel."""
    return conversation_id.split(";", 1)[0]


# ---------------------------------------------------------------------- activity builders

@dataclass
class Member:
    """A person in the fake tenant."""

    id: str
    name: str
    aad: str = field(default_factory=lambda: str(uuid.uuid4()))

    def account(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad}


@dataclass
class Place:
    """Where an activity comes from: a team channel, a group chat or a member's personal chat."""

    conversation_id: str
    kind: str = "channel"  # channel | groupChat | personal
    team_id: str = "19:team-general@thread.tacv2"
    tenant_id: str = TENANT

    def conversation(self, thread_root: str | None = None) -> dict[str, Any]:
        conversation_id = self.conversation_id
        if self.kind == "channel" and thread_root:
            conversation_id = f"{conversation_id};messageid={thread_root}"
        data: dict[str, Any] = {"id": conversation_id, "conversationType": self.kind,
                                "tenantId": self.tenant_id}
        if self.kind != "personal":
            data["isGroup"] = True
        return data

    def channel_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"tenant": {"id": self.tenant_id}}
        if self.kind == "channel":
            data["teamsChannelId"] = self.conversation_id
            data["teamsTeamId"] = self.team_id
            data["channel"] = {"id": self.conversation_id}
            data["team"] = {"id": self.team_id}
        return data


class ActivityFactory:
    """Builds the activities Teams posts to a bot, in the shapes Teams uses."""

    def __init__(self, fake: TeamsConnectorFake, bot_name: str = BOT_NAME) -> None:
        self.fake = fake
        self.bot = {"id": f"28:{fake.app_id}", "name": bot_name}
        self._ids = itertools.count(1)

    def _base(self, kind: str, member: Member, place: Place, *, thread_root: str | None = None,
              activity_id: str | None = None) -> dict[str, Any]:
        return {
            "type": kind, "id": activity_id or f"f:{uuid.uuid4().hex[:12]}{next(self._ids)}",
            "timestamp": "2026-11-23T10:00:00.000Z", "localTimestamp": "2026-11-23T10:00:00.000Z",
            "channelId": "msteams", "serviceUrl": self.fake.service_url,
            "from": member.account(), "recipient": dict(self.bot),
            "conversation": place.conversation(thread_root),
            "channelData": place.channel_data(), "locale": "en-GB",
        }

    def message(self, member: Member, place: Place, text: str, *, mention_bot: bool = False,
                activity_id: str | None = None, thread_root: str | None = None
                ) -> dict[str, Any]:
        """A message; in a channel with ``mention_bot`` it starts with ``<at>Revans</at>``."""
        activity = self._base("message", member, place, thread_root=thread_root,
                              activity_id=activity_id)
        activity["textFormat"] = "plain"
        entities: list[dict[str, Any]] = [{"type": "clientInfo", "locale": "en-GB"}]
        if mention_bot:
            tag = f"<at>{self.bot['name']}</at>"
            text = f"{tag} {text}"
            entities.append({"type": "mention", "text": tag,
                             "mentioned": {"id": self.bot["id"], "name": self.bot["name"]}})
        activity["text"] = text
        activity["entities"] = entities
        return activity

    def card_action(self, member: Member, place: Place, action: Mapping[str, Any], *,
                    reply_to: str, activity_id: str | None = None) -> dict[str, Any]:
        """Pressing an ``Action.Execute`` button of the card posted as ``reply_to``."""
        activity = self._base("invoke", member, place, activity_id=activity_id)
        activity["name"] = "adaptiveCard/action"
        activity["replyToId"] = reply_to
        activity["value"] = {"action": {"type": "Action.Execute", "id": action.get("id"),
                                        "verb": action.get("verb"),
                                        "data": action.get("data") or {}},
                             "trigger": "manual"}
        return activity

    def task_fetch(self, member: Member, place: Place, action: Mapping[str, Any], *,
                   reply_to: str, activity_id: str | None = None) -> dict[str, Any]:
        """Pressing an ``Action.Submit`` button with ``msteams.type == task/fetch``."""
        activity = self._base("invoke", member, place, activity_id=activity_id)
        activity["name"] = "task/fetch"
        activity["replyToId"] = reply_to
        data = dict(action.get("data") or {})
        activity["value"] = {"data": data, "context": {"theme": "default"}}
        return activity

    def task_submit(self, member: Member, place: Place, dialog_card: Mapping[str, Any],
                    inputs: Mapping[str, str], *, reply_to: str | None = None,
                    activity_id: str | None = None) -> dict[str, Any]:
        """Submitting a dialog: the submit action's data plus the inputs typed into it."""
        activity = self._base("invoke", member, place, activity_id=activity_id)
        activity["name"] = "task/submit"
        if reply_to:
            activity["replyToId"] = reply_to
        submit = next(a for a in card_actions(dialog_card) if a.get("type") == "Action.Submit")
        data = {**dict(submit.get("data") or {}), **inputs}
        activity["value"] = {"data": data, "context": {"theme": "default"}}
        return activity

    def members_added(self, place: Place, added: list[Member], *, by: Member,
                      bot_added: bool = False) -> dict[str, Any]:
        activity = self._base("conversationUpdate", by, place)
        members = [m.account() for m in added]
        if bot_added:
            members.append(dict(self.bot))
        activity["membersAdded"] = members
        if place.kind == "channel":
            activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def installation(self, member: Member, place: Place, action: str) -> dict[str, Any]:
        """``installationUpdate`` with ``add`` or ``remove`` (a member removed the app)."""
        activity = self._base("installationUpdate", member, place)
        activity["action"] = action
        return activity


def press(factory: ActivityFactory, member: Member, place: Place, card_activity: Mapping[str, Any],
          label: str) -> dict[str, Any]:
    """The invoke Teams sends when ``member`` presses the button labelled ``label`` on the
    card in ``card_activity`` (a message the bot sent)."""
    card = (card_activity.get("attachments") or [{}])[0].get("content") or {}
    action = next((a for a in card_actions(card) if a.get("title") == label), None)
    if action is None:
        titles = [a.get("title") for a in card_actions(card)]
        raise AssertionError(f"no button {label!r} on the card; it has {titles}")
    if action.get("type") == "Action.Submit":
        return factory.task_fetch(member, place, action, reply_to=str(card_activity["id"]))
    return factory.card_action(member, place, action, reply_to=str(card_activity["id"]))


def find(messages: list[dict[str, Any]], predicate: Callable[[str], bool]) -> dict[str, Any]:
    """The last message whose text (cards included) satisfies ``predicate``."""
    for message in reversed(messages):
        if predicate(activity_text(message)):
            return message
    texts = [activity_text(m)[:80] for m in messages]
    raise AssertionError(f"no such message; the conversation has {texts}")
