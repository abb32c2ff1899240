"""The emulator's HTTP face: an ASGI app (starlette) with the portal's routes.

- ``/rest/{user}/{token}/{method}[.json]``  webhook calls, REST 2
- ``/rest/{method}`` with ``auth=<access token>``  OAuth calls, REST 2
- ``/rest/api/{user}/{token}/{method}``, ``/rest/api/{method}``  REST 3.0 (JSON only)
- ``/oauth/token/``  refreshes an access token (``grant_type=refresh_token``)
- ``/_emulator/health``  readiness probe for fixtures (not a portal route)
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
import struct
import time
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from generator.emulator import idempotency
from generator.emulator.batch import run_batch, run_batch_v3
from generator.emulator.body import MAX_BODY, body_params, read_body
from generator.emulator.entities import Outcome
from generator.emulator.errors import ApiError
from generator.emulator.faults import Faults
from generator.emulator.limits import Clock, Limits
from generator.emulator.params import parse_php_query
from generator.emulator.portal import Options, Portal
from generator.model import ApiModel

log = logging.getLogger("b24gen.emulator")
_WRONG_AUTH = ApiError("NO_AUTH_FOUND", "Wrong authorization data", 401)


def create_app(
    model: ApiModel,
    *,
    token: str = "test-token",
    db: str = ":memory:",
    limits: str | Limits | None = "standard",
    faults: str | Faults | None = None,
    event_handler: str | None = None,
    application_token: str = "test-application-token",
    token_lifetime: float = 3600.0,
    client_id: str = "local.emulator",
    client_secret: str = "emulator-secret",
    operating_limit: float | None = None,
    operating_cost: float | None = None,
    clock: Clock = time.time,
    max_body: int = MAX_BODY,
) -> EmulatorApp:
    """The emulator as an ASGI app; its state is ``app.portal`` (see ``Portal``).

    ``limits``: "standard" (burst 50, drain 2/s), "enterprise" (250, 5/s), "none", or a
    ``Limits``. ``faults``: a spec such as ``"500=0.05,reset=0.05"`` (see faults.py).
    ``clock`` drives the bucket, operating time and token lifetime, so tests can move time.
    """
    if isinstance(limits, str):
        lim = Limits.preset(limits, operating_limit=operating_limit, operating_cost=operating_cost)
    else:
        lim = limits
    options = Options(
        token=token,
        db=db,
        limits=lim,
        faults=faults if isinstance(faults, Faults) else Faults.parse(faults),
        event_handler=event_handler,
        application_token=application_token,
        token_lifetime=token_lifetime,
        client_id=client_id,
        client_secret=client_secret,
        clock=clock,
        max_body=max_body,
    )
    return EmulatorApp(Portal(model, options))


class EmulatorApp:
    """ASGI entry: remembers the connection of each request so that faults can drop it."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.state = portal  # ``app.state.portal``-style access for users of starlette habits
        self.inner = Starlette(
            routes=[
                Route("/rest/{path:path}", self._rest, methods=["GET", "POST"]),
                Route("/oauth/token/", self._oauth, methods=["GET", "POST"]),
                Route("/oauth/token", self._oauth, methods=["GET", "POST"]),
                Route("/_emulator/health", self._health, methods=["GET"]),
            ]
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope["b24.cycle"] = getattr(receive, "__self__", None)
        await self.inner(scope, receive, send)

    # -- endpoints ----------------------------------------------------------------

    async def _health(self, request: Request) -> Response:
        return _json({"ok": True, "methods": len(self.portal.model.methods)})

    async def _oauth(self, request: Request) -> Response:
        params = dict(parse_qsl(request.url.query, keep_blank_values=True))
        if request.method == "POST":
            params.update(parse_php_query((await request.body()).decode("utf-8", "replace")))
        tokens = self.portal.tokens
        if params.get("grant_type") != "refresh_token":
            return _json(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Only grant_type=refresh_token",
                },
                400,
            )
        if not (
            hmac.compare_digest(str(params.get("client_id", "")), tokens.client_id)
            and hmac.compare_digest(str(params.get("client_secret", "")), tokens.client_secret)
        ):
            return _json({"error": "invalid_client", "error_description": "Invalid client"}, 401)
        grant = tokens.refresh(str(params.get("refresh_token", "")))
        if grant is None:
            return _json(
                {"error": "invalid_grant", "error_description": "Invalid refresh token"}, 400
            )
        return _json(self.grant_body(grant, request.url.netloc, request.url.scheme))

    def grant_body(self, grant: Any, host: str = "", scheme: str = "http") -> dict[str, Any]:
        """The token endpoint's answer; ``domain`` and the endpoints name the address the
        request came to, so clients that follow them (b24pysdk) keep talking to us."""
        host = host or self.portal.options.domain
        return {
            "access_token": grant.access_token,
            "expires": int(grant.expires_at),
            "expires_in": int(self.portal.tokens.lifetime),
            "scope": "app",
            "domain": host,
            "server_endpoint": f"{scheme}://{host}/rest/",
            "status": "L",
            "client_endpoint": f"{scheme}://{host}/rest/",
            "member_id": "b24gen-emulator",
            "user_id": 1,
            "refresh_token": grant.refresh_token,
        }

    async def _rest(self, request: Request) -> Response:
        portal = self.portal
        start = portal.clock()
        portal.stats["requests"] += 1
        segments = request.path_params["path"].strip("/").split("/")
        version = 2
        if segments and segments[0] == "api":
            version, segments = 3, segments[1:]
        if len(segments) == 3:
            auth_kind, secret, method = "webhook", segments[1], segments[2]
        elif len(segments) == 1 and segments[0]:
            auth_kind, secret, method = "oauth", "", segments[0]
        else:
            return self._error(
                ApiError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404), version, start
            )
        for suffix in (".json", ".xml"):
            if method.lower().endswith(suffix):
                method = method[: -len(suffix)]
        # Authorisation first, and before the body: a portal does not reveal its methods to
        # strangers, nor read their uploads.
        query = parse_php_query(request.url.query) if version == 2 else {}
        if auth_kind == "webhook":
            if not hmac.compare_digest(secret.encode(), portal.options.token.encode()):
                return self._refuse(
                    request, ApiError("NO_AUTH_FOUND", "Wrong authorization data", 401), version
                )
            caller = "webhook"
            user = int(segments[0]) if segments[0].isdigit() and len(segments[0]) < 12 else 1
        access = ""
        if auth_kind == "oauth":
            access = str(
                dict(parse_qsl(request.url.query)).get("auth", "")
                or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            )
            if access:
                refused = self._check_token(access)
                if refused is not None:
                    return self._refuse(request, refused, version)
        try:
            raw_body = await read_body(request, portal.options.max_body)
            params, body = await body_params(request, raw_body, version, portal.options.max_body)
        except ApiError as err:
            return self._refuse(request, err, version)
        params = {**query, **params}
        if auth_kind == "oauth":
            if not access:
                access = str(params.get("auth", "") or "")
                refused = self._check_token(access) if access else _WRONG_AUTH
                if refused is not None:
                    return self._error(refused, version, start)
            caller, user = "oauth", 1
        params.pop("auth", None)

        if portal.bucket is not None and not portal.bucket.take():
            portal.stats["limited"] += 1
            return self._error(
                ApiError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503), version, start
            )

        is_batch = method.lower() == "batch"
        writes = _batch_writes(portal, params) if is_batch else portal.is_write(method)
        fault = portal.faults.draw(writes=writes)
        if fault == "500":
            return self._error(
                ApiError("INTERNAL_SERVER_ERROR", "Internal server error", 500), version, start
            )
        if fault == "503":
            return self._error(
                ApiError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503), version, start
            )
        if fault == "reset":
            return await self._drop(request)
        if fault == "slow":
            await asyncio.sleep(portal.options.faults.slow_seconds)

        admitted = idempotency.admit(
            portal, version=version, headers=request.headers, caller=caller, method=method,
            params=params,
        )  # fmt: skip
        if isinstance(admitted, ApiError):
            return self._error(admitted, version, start)
        if isinstance(admitted, idempotency.Replay):
            if fault == "lost_write":
                return await self._drop(request)
            return _json(admitted.body, headers=admitted.headers)

        try:
            if is_batch and version == 3:
                outcome = run_batch_v3(portal, body, caller, user)
            elif is_batch:
                outcome = run_batch(portal, params, caller, user)
            else:
                outcome = portal.call(method, params, version, caller, user)
        except ApiError as err:
            return self._error(err, version, start)
        except Exception as exc:  # an emulator bug: answer like a portal, keep the trace
            log.exception("emulator failure in %s", method)
            return self._error(
                ApiError("INTERNAL_SERVER_ERROR", f"emulator failure: {type(exc).__name__}", 500),
                version,
                start,
            )

        portal.events.fire(outcome.events)
        processing, operating, reset_at = outcome.time_info
        body: dict[str, Any] = {"result": outcome.result}
        if outcome.next is not None:
            body["next"] = outcome.next
        if outcome.total is not None:
            body["total"] = outcome.total
        body["time"] = portal.time_block(start, processing, operating, reset_at)
        if admitted is not None:
            # Saved before a lost answer too: the write happened, a retry must replay it.
            idempotency.remember(portal, admitted, body)
        if fault == "lost_write":
            return await self._drop(request)  # committed above; the answer never arrives
        return _json(body, headers=idempotency.answer_headers(admitted))

    def _check_token(self, access: str) -> ApiError | None:
        state = self.portal.tokens.check(access)
        if state == "expired":
            return ApiError("expired_token", "The access token provided has expired.", 401)
        if state != "ok":
            return _WRONG_AUTH
        return None

    def _refuse(self, request: Request, err: ApiError, version: int) -> Response:
        """An error answered before the body was read: the connection is closed after it,
        so the unread rest of the body is never taken in."""
        response = self._error(err, version, 0.0)
        response.headers["Connection"] = "close"
        return response

    def _error(self, err: ApiError, version: int, start: float) -> Response:
        # No ``time`` block: none of the docs' error examples has one, and clients that
        # tell errors from results by its presence break on a difference.
        body = err.body_v3() if version == 3 else err.body_v2()
        headers = {"Retry-After": "1"} if err.status in (503, 429) else None
        return _json(body, err.status, headers)

    async def _drop(self, request: Request) -> Response:
        """Reset the TCP connection (RST, not FIN) without an answer."""
        cycle = request.scope.get("b24.cycle")
        transport = getattr(cycle, "transport", None)
        if transport is None:  # not under uvicorn: the closest we can do is a bare 502
            return Response(status_code=502)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()
        # Let the server notice the disconnect, so it does not try to answer on a dead socket.
        for _ in range(100):
            if getattr(cycle, "disconnected", True):
                break
            await asyncio.sleep(0.001)
        return Response(status_code=204)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        media_type="application/json; charset=utf-8",
        headers=headers,
    )


def _batch_writes(portal: Portal, params: dict[str, Any]) -> bool:
    cmd = params.get("cmd") or params.get("CMD") or {}
    values = cmd.values() if isinstance(cmd, dict) else cmd if isinstance(cmd, list) else []
    for c in values:
        name = c.get("method", "") if isinstance(c, dict) else str(c).split("?", 1)[0]
        if portal.is_write(name):
            return True
    return False


__all__ = ["EmulatorApp", "Outcome", "create_app"]
