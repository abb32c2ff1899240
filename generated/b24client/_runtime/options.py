"""Per-call options: ``client.with_options(timeout=..., headers=..., extra_params=...)``."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import httpx

if sys.version_info >= (3, 11):
    from typing import Self
else:  # only Python 3.10 needs typing_extensions (declared for it alone)
    from typing_extensions import Self

__all__ = ["PerCallOptions"]


class PerCallOptions:
    """The part of a client ``with_options`` changes in its copy; mixed into the clients."""

    _attempt_timeout: float
    _timeout: httpx.Timeout
    _own_http: bool
    _extra_headers: Mapping[str, str] = {}  # never mutated: copies get new mappings
    _extra_params: Mapping[str, Any] = {}
    _timeout_set = False  # the copy's timeout overrides the one of a user's http_client

    def _params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """``params`` with the ``extra_params`` of ``with_options`` added."""
        return {**(params or {}), **self._extra_params}

    def _request_options(self, headers: Mapping[str, str]) -> dict[str, Any]:
        """The keyword arguments of ``httpx.Client.request`` beside method, URL and body."""
        options: dict[str, Any] = {"headers": {**headers, **self._extra_headers}}
        if self._timeout_set:
            options["timeout"] = self._timeout
        return options

    def with_options(
        self,
        *,
        timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> Self:
        """A copy of this client for some calls: ``timeout`` (seconds one attempt may take),
        ``headers`` added to each request, ``extra_params`` added to each call's parameters
        (not to batch commands). It shares the connection pool, limits and tokens, and
        closing it closes nothing: ``client.with_options(timeout=5).crm.deal.get(id=1)``."""
        if timeout is not None and timeout <= 0:
            raise ValueError("timeout is a positive number of seconds")
        copy = object.__new__(type(self))
        # Namespaces cached on this client are bound to it: the copy builds its own.
        copy.__dict__.update((k, v) for k, v in self.__dict__.items() if not hasattr(v, "_b24"))
        copy._own_http = False
        if timeout is not None:
            copy._attempt_timeout = timeout
            copy._timeout = httpx.Timeout(timeout, connect=min(timeout, 10.0))
            copy._timeout_set = True
        copy._extra_headers = {**self._extra_headers, **(headers or {})}
        copy._extra_params = {**self._extra_params, **(extra_params or {})}
        return copy
