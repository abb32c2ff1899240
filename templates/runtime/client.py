"""The sync and async clients: thin drivers running the sans-IO flows with httpx.

All decisions (requests, retries, limits, refresh, batch and paging state) live in the flows;
this module only performs their effects: send with httpx, sleep, refresh under a lock, hand
records to the caller. The two drivers differ by ``await`` and nothing else.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping
from types import TracebackType
from typing import Any, TypeVar

import httpx

if sys.version_info >= (3, 11):
    from typing import Self
else:  # only Python 3.10 needs typing_extensions (declared for it alone)
    from typing_extensions import Self

from .auth import DEFAULT_TOKEN_URL, Auth, OAuthAuth, TokenCallback, WebhookAuth
from .batch import BatchResult, Commands, batch_flow
from .core import CallContext, call_flow
from .deadline import attempt_deadline, install_deadlines
from .effects import (
    Effect,
    Emit,
    Flow,
    HttpReply,
    HttpRequest,
    Refresh,
    Send,
    Sleep,
    TransportFailure,
)
from .options import PerCallOptions
from .paging import ProgressCallback, StreamFlow, page_flow, stream_flow
from .ratelimit import Limiter, RateLimitOption, resolve_rate_limit
from .redact import install_log_filters, scrub
from .response import Page, Response
from .retry import RetryPolicy

__all__ = ["DEFAULT_TIMEOUT", "AsyncTransportClient", "SyncTransportClient"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
_USER_AGENT = "b24gen-client"


def _failure(exc: Exception) -> TransportFailure:
    """What an httpx exception means for retrying (dropped: its request's URL has secrets)."""
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return TransportFailure("connect", False, detail)
    if isinstance(exc, httpx.TimeoutException):
        return TransportFailure("timeout", True, detail)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return TransportFailure("reset", True, detail)
    if isinstance(exc, httpx.RemoteProtocolError):
        return TransportFailure("protocol", True, detail)
    return TransportFailure("other", True, detail)


class _BaseClient(PerCallOptions):
    """Configuration and the parts of the API that do not depend on sync/async."""

    def __init__(
        self,
        auth: Auth,
        *,
        rate_limit: RateLimitOption = "standard",
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float | None = None,
        operating_budget: float = 480.0,
        seed: int | None = None,
    ) -> None:
        install_log_filters()
        if timeout <= 0 or (deadline is not None and deadline <= 0):
            raise ValueError("timeout and deadline are positive numbers of seconds")
        self._ctx = CallContext(
            auth=auth,
            limiter=Limiter(
                resolve_rate_limit(rate_limit),
                operating_budget=operating_budget,
            ),
            policy=RetryPolicy(
                max_retries=max_retries,
                backoff_base=backoff_base,
                backoff_max=backoff_max,
                rng=random.Random(seed),
            ),
            deadline=deadline,
        )
        # ``timeout`` bounds a whole attempt (connect to last byte), not each socket read.
        self._attempt_timeout = timeout
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
        # One lock for refreshes, taken by threads and (polling) by asyncio tasks alike.
        self._refresh_lock = threading.Lock()
        self._own_http = True

    @classmethod
    def from_webhook(cls, url: str, *, allow_insecure_http: bool = False, **opts: Any) -> Self:
        """A client for an inbound webhook: ``https://<portal>/rest/<user>/<secret>/``."""
        return cls(WebhookAuth(url, allow_insecure_http=allow_insecure_http), **opts)

    @classmethod
    def from_oauth(
        cls,
        domain: str,
        access_token: str,
        *,
        refresh_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        on_token_refresh: TokenCallback | None = None,
        token_url: str = DEFAULT_TOKEN_URL,
        allow_insecure_http: bool = False,
        **opts: Any,
    ) -> Self:
        """A client for an OAuth application; refreshes an expired token when it can.

        ``on_token_refresh(tokens)`` is called once per refresh, to persist the new pair.
        """
        auth = OAuthAuth(
            domain,
            access_token,
            refresh_token=refresh_token,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            on_token_refresh=on_token_refresh,
            allow_insecure_http=allow_insecure_http,
        )
        return cls(auth, **opts)

    @property
    def auth(self) -> Auth:
        return self._ctx.auth

    @property
    def limiter(self) -> Limiter:
        return self._ctx.limiter

    def __repr__(self) -> str:
        return scrub(f"{type(self).__name__}({self._ctx.auth!r})")

    def _limit(self, effect: Send) -> float:
        """Seconds this attempt may take in total: the per-attempt timeout, or less when the
        call's deadline is nearer."""
        if effect.timeout is None:
            return self._attempt_timeout
        return max(0.0, min(self._attempt_timeout, effect.timeout))

    def _iterate_flow(
        self,
        method: str,
        params: Mapping[str, Any] | None,
        fast: bool | None,
        id_field: str | None,
        progress: bool | ProgressCallback | None,
        api_version: int,
    ) -> StreamFlow:
        return stream_flow(
            self._ctx,
            method,
            self._params(params),
            fast=fast,
            id_field=id_field,
            progress=progress,
            api_version=api_version,
        )


class SyncTransportClient(_BaseClient):
    """The blocking client; safe to share between threads."""

    def __init__(
        self,
        auth: Auth,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **options: Any,
    ) -> None:
        super().__init__(auth, **options)
        self._own_http = http_client is None
        if http_client is None and transport is None:
            transport = httpx.HTTPTransport()
            install_deadlines(transport)
        self._http = http_client or httpx.Client(
            timeout=self._timeout, transport=transport, headers={"User-Agent": _USER_AGENT}
        )

    # -- the driver -----------------------------------------------------------------------

    def _send(self, request: HttpRequest, limit: float) -> HttpReply | TransportFailure:
        try:
            with attempt_deadline(limit):
                reply = self._http.request(
                    request.method,
                    request.url,
                    content=request.content,
                    **self._request_options(request.headers),
                )
        except httpx.HTTPError as exc:
            return _failure(exc)
        return HttpReply(reply.status_code, reply.headers, reply.content, reply)

    def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Send):
            return self._send(effect.request, self._limit(effect))
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
            return None
        if isinstance(effect, Refresh):
            self._refresh(effect.generation)
            return None
        raise TypeError(f"unexpected effect {effect!r} outside a stream")

    def _refresh(self, generation: int) -> None:
        auth = self._ctx.auth
        with self._refresh_lock:
            if auth.generation != generation:
                return  # another caller refreshed while we waited
            tokens = self._run(auth.refresh_flow())
            callback = getattr(auth, "on_token_refresh", None)
            if callback is not None:
                callback(tokens)

    def _run(self, flow: Flow[T]) -> T:
        value: Any = None
        while True:
            try:
                effect = flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            value = self._perform(effect)

    def _stream(self, flow: StreamFlow) -> Iterator[Any]:
        value: Any = None
        try:
            while True:
                try:
                    effect = flow.send(value)
                except StopIteration:
                    return
                if isinstance(effect, Emit):
                    yield from effect.items
                    value = None
                else:
                    value = self._perform(effect)
        finally:
            flow.close()

    # -- the API --------------------------------------------------------------------------

    def call_raw(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        api_version: int = 2,
        write: bool | None = None,
    ) -> Response[Any]:
        """Call ``method``; the whole answer (``result``, ``time``, ``total``, ``next``)."""
        return self._run(
            call_flow(self._ctx, method, self._params(params), api_version=api_version, write=write)
        )

    def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call ``method``; its ``result``."""
        return self.call_raw(method, params).result

    def _invoke(
        self, method: str, params: dict[str, Any], *, api_version: int = 2, write: bool
    ) -> Any:
        flow = call_flow(
            self._ctx, method, self._params(params), api_version=api_version, write=write
        )
        return self._run(flow).result

    def _invoke_page(
        self, method: str, params: dict[str, Any], *, api_version: int = 2
    ) -> Page[Any]:
        return self._run(
            page_flow(self._ctx, method, self._params(params), api_version=api_version)
        )

    def iterate(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        fast: bool | None = None,
        id_field: str | None = None,
        progress: bool | ProgressCallback | None = None,
        api_version: int = 2,
    ) -> Iterator[Any]:
        """Every record of a ``*.list`` method, once, across pages.

        ``fast=None`` uses the ID-cursor batch mode for CRM lists that allow it; ``progress``
        is a callback ``(done, total_or_None)`` or ``True`` for a tqdm bar.
        """
        flow = self._iterate_flow(method, params, fast, id_field, progress, api_version)
        return self._stream(flow)

    def batch(self, commands: Commands, *, halt: bool = False) -> BatchResult:
        """Run ``commands`` (key -> (method, params), or a list) 50 per request."""
        return self._run(batch_flow(self._ctx, commands, halt=halt))

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert isinstance(self, SyncTransportClient)
        self.close()


class AsyncTransportClient(_BaseClient):
    """The asyncio client; safe to share between tasks (and, for limits, with threads)."""

    def __init__(
        self,
        auth: Auth,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> None:
        super().__init__(auth, **options)
        self._own_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            timeout=self._timeout, transport=transport, headers={"User-Agent": _USER_AGENT}
        )

    # -- the driver -----------------------------------------------------------------------

    async def _send(self, request: HttpRequest, limit: float) -> HttpReply | TransportFailure:
        import asyncio  # here, not at the top: the sync client never needs it

        try:
            reply = await asyncio.wait_for(
                self._http.request(
                    request.method,
                    request.url,
                    content=request.content,
                    **self._request_options(request.headers),
                ),
                limit,
            )
        except httpx.HTTPError as exc:
            return _failure(exc)
        except asyncio.TimeoutError:
            # Cut mid-way: the request may have reached the portal.
            return TransportFailure("timeout", True, f"no complete answer within {limit:.3g}s")
        return HttpReply(reply.status_code, reply.headers, reply.content, reply)

    async def _perform(self, effect: Effect) -> Any:
        import asyncio  # here, not at the top: the sync client never needs it

        if isinstance(effect, Send):
            return await self._send(effect.request, self._limit(effect))
        if isinstance(effect, Sleep):
            await asyncio.sleep(effect.seconds)
            return None
        if isinstance(effect, Refresh):
            await self._refresh(effect.generation)
            return None
        raise TypeError(f"unexpected effect {effect!r} outside a stream")

    async def _refresh(self, generation: int) -> None:
        auth = self._ctx.auth
        # A threading lock, polled: it also excludes threads running other event loops.
        while not self._refresh_lock.acquire(blocking=False):
            await self._perform(Sleep(0.005))
        try:
            if auth.generation != generation:
                return
            tokens = await self._run(auth.refresh_flow())
            callback = getattr(auth, "on_token_refresh", None)
            if callback is not None:
                outcome = callback(tokens)
                if isinstance(outcome, Awaitable):
                    await outcome
        finally:
            self._refresh_lock.release()

    async def _run(self, flow: Flow[T]) -> T:
        value: Any = None
        while True:
            try:
                effect = flow.send(value)
            except StopIteration as stop:
                result: T = stop.value
                return result
            value = await self._perform(effect)

    async def _stream(self, flow: StreamFlow) -> AsyncIterator[Any]:
        value: Any = None
        try:
            while True:
                try:
                    effect = flow.send(value)
                except StopIteration:
                    return
                if isinstance(effect, Emit):
                    for item in effect.items:
                        yield item
                    value = None
                else:
                    value = await self._perform(effect)
        finally:
            flow.close()

    # -- the API --------------------------------------------------------------------------

    async def call_raw(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        api_version: int = 2,
        write: bool | None = None,
    ) -> Response[Any]:
        """Call ``method``; the whole answer (``result``, ``time``, ``total``, ``next``)."""
        return await self._run(
            call_flow(self._ctx, method, self._params(params), api_version=api_version, write=write)
        )

    async def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call ``method``; its ``result``."""
        return (await self.call_raw(method, params)).result

    async def _invoke(
        self, method: str, params: dict[str, Any], *, api_version: int = 2, write: bool
    ) -> Any:
        flow = call_flow(
            self._ctx, method, self._params(params), api_version=api_version, write=write
        )
        return (await self._run(flow)).result

    async def _invoke_page(
        self, method: str, params: dict[str, Any], *, api_version: int = 2
    ) -> Page[Any]:
        return await self._run(
            page_flow(self._ctx, method, self._params(params), api_version=api_version)
        )

    def iterate(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        fast: bool | None = None,
        id_field: str | None = None,
        progress: bool | ProgressCallback | None = None,
        api_version: int = 2,
    ) -> AsyncIterator[Any]:
        """Every record of a ``*.list`` method, once, across pages (``async for``)."""
        flow = self._iterate_flow(method, params, fast, id_field, progress, api_version)
        return self._stream(flow)

    async def batch(self, commands: Commands, *, halt: bool = False) -> BatchResult:
        """Run ``commands`` (key -> (method, params), or a list) 50 per request."""
        return await self._run(batch_flow(self._ctx, commands, halt=halt))

    async def aclose(self) -> None:
        if self._own_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert isinstance(self, AsyncTransportClient)
        await self.aclose()
