"""Where calls go and how they are authorised: webhook URLs and OAuth tokens.

Both kinds only build URLs; nothing here does IO. The OAuth refresh is a flow (see
``effects``) the drivers run under a lock, so concurrent callers share one refresh.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from .effects import Flow, HttpReply, HttpRequest, Send, Sleep, TransportFailure
from .errors import InsecureURLError, TokenRefreshError, TransportError
from .redact import register_secret

__all__ = [
    "DEFAULT_TOKEN_URL",
    "Auth",
    "OAuthAuth",
    "OAuthTokens",
    "WebhookAuth",
    "check_url",
]

DEFAULT_TOKEN_URL = "https://oauth.bitrix.info/oauth/token/"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, allow_insecure_http: bool, what: str = "portal URL") -> str:
    """``url`` if it may be used: HTTPS, or HTTP to a loopback host with the opt-in."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    host = parts.hostname or ""
    shown = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    if parts.scheme == "http" and host:
        if not _is_loopback(host):
            raise InsecureURLError(
                f"the {what} {shown} uses plain http; Bitrix24 needs https "
                "(http is allowed only to a loopback host such as 127.0.0.1, e.g. an emulator)"
            )
        if not allow_insecure_http:
            raise InsecureURLError(
                f"the {what} {shown} uses plain http; pass allow_insecure_http=True to allow it "
                "to this loopback host (for local emulators and tests)"
            )
        return url
    raise InsecureURLError(f"the {what} must be an https:// URL with a host, got {shown!r}")


class Auth:
    """Builds the URL of a call; subclasses know the credentials."""

    generation: int = 0
    can_refresh: bool = False
    host: str = ""

    def url_for(self, method: str, api_version: int) -> str:
        raise NotImplementedError

    def refresh_flow(self) -> Flow[OAuthTokens]:
        raise TokenRefreshError("TOKEN_REFRESH_FAILED", "these credentials cannot be refreshed")


class WebhookAuth(Auth):
    """``https://portal/rest/<user>/<secret>/``: the secret is part of every URL."""

    def __init__(self, url: str, *, allow_insecure_http: bool = False) -> None:
        try:
            self._setup(url, allow_insecure_http)
        except (ValueError, InsecureURLError):
            # The URL carries the secret: keep it out of the traceback's frame locals.
            del url
            raise

    def _setup(self, url: str, allow_insecure_http: bool) -> None:
        if not url.endswith("/"):
            url += "/"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if "api" in segments[:2]:
            segments.remove("api")
        if len(segments) != 3 or segments[0] != "rest":
            count = len(segments)
            del url, parts, segments
            raise ValueError(
                "a webhook URL looks like https://<portal>/rest/<user id>/<secret>/"
                f" (got a path of {count} parts)"
            )
        register_secret(segments[2])
        self._user = segments[1]
        self._secret = segments[2]
        self._root = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname or ""
        del url, segments, parts  # the secret is only an attribute from here on
        check_url(self._root + "/", allow_insecure_http=allow_insecure_http)
        quoted = quote(self._secret, safe="")
        self._v2 = f"{self._root}/rest/{self._user}/{quoted}/"
        self._v3 = f"{self._root}/rest/api/{self._user}/{quoted}/"

    def url_for(self, method: str, api_version: int) -> str:
        return (self._v3 if api_version == 3 else self._v2) + method

    def __repr__(self) -> str:
        user = getattr(self, "_user", None)  # safe on a half-built instance (tracebacks)
        return f"WebhookAuth(host={self.host!r}, user={user!r}, secret=***)"


@dataclass(frozen=True, repr=False)
class OAuthTokens:
    """A token pair; its repr hides both tokens."""

    access_token: str
    refresh_token: str | None = None
    expires_in: int | None = None
    raw: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        return f"OAuthTokens(access_token=***, refresh_token=***, expires_in={self.expires_in!r})"


TokenCallback = Callable[[OAuthTokens], object]


class OAuthAuth(Auth):
    """OAuth 2.0: ``https://<domain>/rest/<method>?auth=<access token>``; refreshable."""

    def __init__(
        self,
        domain: str,
        access_token: str,
        *,
        refresh_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str = DEFAULT_TOKEN_URL,
        on_token_refresh: TokenCallback | None = None,
        allow_insecure_http: bool = False,
    ) -> None:
        for secret in (access_token, refresh_token, client_secret):
            register_secret(secret)
        self._tokens = OAuthTokens(access_token, refresh_token)
        self._client_id = client_id
        self._client_secret = client_secret
        # From here on the secrets are only attributes (masked reprs), never frame locals
        # of a raised exception.
        del access_token, refresh_token, client_secret
        root = domain if "://" in domain else f"https://{domain}"
        root = root.rstrip("/")
        check_url(root + "/", allow_insecure_http=allow_insecure_http)
        if self._tokens.refresh_token:
            check_url(token_url, allow_insecure_http=allow_insecure_http, what="token URL")
        self._root = root
        self.host = urlsplit(root).hostname or ""
        self._token_url = token_url
        self.on_token_refresh = on_token_refresh
        self.can_refresh = bool(
            self._tokens.refresh_token and self._client_id and self._client_secret
        )
        self.generation = 0
        self._lock = threading.Lock()

    @property
    def tokens(self) -> OAuthTokens:
        return self._tokens

    def url_for(self, method: str, api_version: int) -> str:
        prefix = "/rest/api/" if api_version == 3 else "/rest/"
        token = quote(self._tokens.access_token, safe="")
        return f"{self._root}{prefix}{method}?auth={token}"

    def refresh_flow(self) -> Flow[OAuthTokens]:
        """Ask the token endpoint for a new pair; install it; return it.

        Refresh tokens are single-use, so only a request that surely never left (connection
        refused) is repeated; any other failure surfaces.
        """
        tokens = self._tokens
        if not self.can_refresh or tokens.refresh_token is None:
            raise TokenRefreshError(
                "TOKEN_REFRESH_FAILED",
                "the access token expired and cannot be refreshed: "
                "pass refresh_token, client_id and client_secret",
            )
        request = self._refresh_request()
        for attempt in range(4):
            outcome = yield Send(request)
            if isinstance(outcome, TransportFailure):
                if outcome.kind == "connect" and attempt < 3:
                    yield Sleep(0.2 * 2**attempt)
                    continue
                raise TransportError(
                    "TRANSPORT_ERROR",
                    f"token refresh failed ({outcome.kind}: {outcome.detail}); the refresh token "
                    "may have been used up",
                )
            assert isinstance(outcome, HttpReply)
            return self._install(outcome)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refresh_request(self) -> HttpRequest:
        # Built here so that the query holding client_secret and refresh_token is never a
        # local of refresh_flow's frame (tracebacks with locals show those); the request's
        # repr is masked.
        separator = "&" if "?" in self._token_url else "?"
        return HttpRequest(
            "GET",
            self._token_url
            + separator
            + urlencode(
                {
                    "grant_type": "refresh_token",
                    "client_id": self._client_id or "",
                    "client_secret": self._client_secret or "",
                    "refresh_token": self._tokens.refresh_token or "",
                }
            ),
            {"Accept": "application/json"},
        )

    def _install(self, reply: HttpReply) -> OAuthTokens:
        try:
            body = json.loads(reply.content)
        except ValueError:
            body = None
        if not isinstance(body, dict) or "access_token" not in body:
            code = str(body.get("error")) if isinstance(body, dict) and body.get("error") else ""
            text = str(body.get("error_description", "")) if isinstance(body, dict) else ""
            raise TokenRefreshError(
                "TOKEN_REFRESH_FAILED",
                f"the token endpoint answered HTTP {reply.status} {code} {text}".strip(),
                status=reply.status,
            )
        register_secret(str(body["access_token"]))
        register_secret(str(body.get("refresh_token") or ""))
        expires = body.get("expires_in")
        tokens = OAuthTokens(
            str(body["access_token"]),
            str(body.get("refresh_token") or self._tokens.refresh_token or "") or None,
            (
                int(expires)
                if isinstance(expires, (int, float, str)) and str(expires).isdigit()
                else None
            ),
            {k: v for k, v in body.items() if k not in ("access_token", "refresh_token")},
        )
        with self._lock:
            self._tokens = tokens
            self.generation += 1
        return tokens

    def __repr__(self) -> str:
        return f"OAuthAuth(host={self.host!r}, access_token=***, refresh_token=***)"
