"""Exceptions raised by the generated client.

Every error the portal answers with becomes a :class:`Bitrix24Error` subclass looked up by its
code (:meth:`Bitrix24Error.for_code`); the generated ``errors.py`` registers one class per
documented code with :func:`register`. Unknown codes give the base class, text kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

from .redact import scrub

__all__ = [
    "Bitrix24Error",
    "ConfigurationError",
    "ExpiredTokenError",
    "InsecureURLError",
    "InvalidAnswerError",
    "InvalidTokenError",
    "MethodNotFoundError",
    "OperationTimeLimitError",
    "QueryLimitExceededError",
    "TokenRefreshError",
    "TransportError",
    "WriteOutcomeUnknownError",
    "register",
    "register_message",
]

_E = TypeVar("_E", bound="type[Bitrix24Error]")


class Bitrix24Error(Exception):
    """An error answered by the portal (or met on the way to it).

    ``code`` is the portal's code exactly as sent (``ACCESS_DENIED``, ``expired_token``, or
    ``""``: classic methods answer "Not found." with an empty code), ``description`` its text,
    ``status`` the HTTP status, ``method`` the REST method called, ``validation`` the REST 3.0
    per-field messages. ``result`` is the ``result`` an answer carried beside its error (the
    portal sometimes sends both; for a write it may hold what was written). Secrets never
    appear in the text (it is scrubbed).
    """

    _registry: ClassVar[dict[str, type[Bitrix24Error]]] = {}
    _registry_folded: ClassVar[dict[str, type[Bitrix24Error]]] = {}
    # Errors answered with an empty code are told apart by their text (and status, method).
    _messages: ClassVar[dict[str, list[tuple[int | None, frozenset[str], type[Bitrix24Error]]]]]
    _messages = {}
    result: Any = None

    def __init__(
        self,
        code: str,
        description: str = "",
        *,
        status: int | None = None,
        method: str | None = None,
        validation: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.code = code
        self.description = scrub(description)
        self.status = status
        self.method = method
        self.validation: tuple[Mapping[str, Any], ...] = tuple(validation)
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.code}: {self.description}" if self.description else self.code
        where = []
        if self.method:
            where.append(f"method {self.method}")
        if self.status is not None:
            where.append(f"HTTP {self.status}")
        if where:
            text += f" ({', '.join(where)})"
        for item in self.validation:
            field = item.get("field") or item.get("name")
            message = item.get("message") or item
            text += f"\n  - {field}: {message}" if field else f"\n  - {message}"
        return scrub(text)

    def __repr__(self) -> str:
        return scrub(
            f"{type(self).__name__}(code={self.code!r}, description={self.description!r}, "
            f"status={self.status!r}, method={self.method!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keeps the keyword-only fields across pickling (multiprocessing, pytest-xdist).
        return (_rebuild, (type(self), self.code, self.description, self.status, self.method))

    @classmethod
    def for_code(cls, code: str) -> type[Bitrix24Error]:
        """The class registered for ``code`` (exact, then case-insensitive), else the base."""
        _load_deferred()
        found = cls._registry.get(code) or cls._registry_folded.get(code.casefold())
        return found if found is not None else Bitrix24Error

    @classmethod
    def for_message(
        cls, description: str, *, status: int | None = None, method: str | None = None
    ) -> type[Bitrix24Error]:
        """The class documented for an empty-code answer with this text, else the base.

        Registrations naming ``method`` win over others, then those whose status matches.
        """
        _load_deferred()
        candidates = cls._messages.get(message_key(description), [])
        best: tuple[int, type[Bitrix24Error]] | None = None
        for documented_status, methods, error_cls in candidates:
            if methods and (method or "").lower() not in methods:
                continue
            if documented_status is not None and status is not None:
                if documented_status != status:
                    continue
            rank = (2 if methods else 0) + (1 if documented_status is not None else 0)
            if best is None or rank > best[0]:
                best = (rank, error_cls)
        return best[1] if best is not None else Bitrix24Error

    @classmethod
    def from_answer(
        cls,
        code: str,
        description: str = "",
        *,
        status: int | None = None,
        method: str | None = None,
        validation: Sequence[Mapping[str, Any]] = (),
    ) -> Bitrix24Error:
        """An instance of the class documented for ``code`` (for an empty code: for the text)."""
        if code.strip():
            error_cls = cls.for_code(code)
        else:
            error_cls = cls.for_message(description, status=status, method=method)
        if error_cls in (WriteOutcomeUnknownError, InvalidAnswerError):
            error_cls = Bitrix24Error  # only the client itself judges what an answer means
        return error_cls(code, description, status=status, method=method, validation=validation)


def message_key(text: str) -> str:
    """How an error text is matched: case, spacing and closing punctuation do not count."""
    return " ".join(text.casefold().split()).rstrip(".!。 ")


def _rebuild(
    cls: type[Bitrix24Error], code: str, description: str, status: int | None, method: str | None
) -> Bitrix24Error:
    return cls(code, description, status=status, method=method)


def register_message(
    message: str, *, status: int | None = None, methods: Sequence[str] = ()
) -> Callable[[_E], _E]:
    """Class decorator: answers with an empty code and this text give the decorated class.

    ``status`` and ``methods`` narrow it to where the docs document it; the same text may be
    registered for several classes (different methods or statuses).
    """

    def decorate(error_cls: _E) -> _E:
        if not (isinstance(error_cls, type) and issubclass(error_cls, Bitrix24Error)):
            raise TypeError(f"register_message({message!r}) decorates Bitrix24Error subclasses")
        entry = (status, frozenset(m.lower() for m in methods), error_cls)
        entries = Bitrix24Error._messages.setdefault(message_key(message), [])
        entries[:] = [e for e in entries if e[:2] != entry[:2]] + [entry]
        return error_cls

    return decorate


_deferred: list[Callable[[], object]] = []


def defer_registrations(load: Callable[[], object]) -> None:
    """Run ``load`` (importing a generated ``errors`` module, which registers its classes)
    the first time a class is looked up by code or text, not at import: the registry of
    some thousand classes costs more to build than the rest of the client to import."""
    _deferred.append(load)


def _load_deferred() -> None:
    while _deferred:
        _deferred.pop()()


def register(
    code: str | None = None,
    *,
    message: str | None = None,
    status: int | None = None,
    methods: Sequence[str] = (),
) -> Callable[[_E], _E]:
    """Class decorator: make ``Bitrix24Error.for_code(code)`` return the decorated class.

    A later registration of the same code replaces an earlier one (the generated ``errors.py``
    may re-register a code the runtime already knows, with the documented description).
    With ``message`` (and no code) it registers an empty-code text instead, as
    :func:`register_message` does.
    """
    if message is not None:
        if code is not None:
            raise TypeError("register() takes a code or a message, not both")
        return register_message(message, status=status, methods=methods)
    if code is None:
        raise TypeError("register() needs a code or a message")

    def decorate(error_cls: _E) -> _E:
        if not (isinstance(error_cls, type) and issubclass(error_cls, Bitrix24Error)):
            raise TypeError(f"register({code!r}) decorates Bitrix24Error subclasses only")
        Bitrix24Error._registry[code] = error_cls
        Bitrix24Error._registry_folded[code.casefold()] = error_cls
        return error_cls

    return decorate


@register("QUERY_LIMIT_EXCEEDED")
class QueryLimitExceededError(Bitrix24Error):
    """503: the portal's leaky bucket is full; the call was not executed."""


@register("OPERATION_TIME_LIMIT")
class OperationTimeLimitError(Bitrix24Error):
    """429: the method used up its operating time in the window; the call was not executed."""


@register("expired_token")
class ExpiredTokenError(Bitrix24Error):
    """401: the OAuth access token expired (refreshed automatically when possible)."""


@register("invalid_token")
class InvalidTokenError(Bitrix24Error):
    """401: the access token or webhook secret is not valid."""


@register("ERROR_METHOD_NOT_FOUND")
class MethodNotFoundError(Bitrix24Error):
    """404: the portal does not know this method (or the scope is missing)."""


@register("TRANSPORT_ERROR")
class TransportError(Bitrix24Error):
    """The portal could not be reached, or the connection broke; retries were exhausted."""


@register("WRITE_OUTCOME_UNKNOWN")
class WriteOutcomeUnknownError(Bitrix24Error):
    """A write failed in a way that leaves its outcome unknown.

    The request reached the portal (or may have), and then the answer was lost or was a server
    error, or an answer that cannot be read (truncated JSON, HTML, a PHP fatal error after the
    JSON, an empty body): the write MAY OR MAY NOT HAVE HAPPENED. It was not retried, to never
    duplicate it. Check the portal's state before trying again. ``received`` holds the bytes
    that did arrive (``b""`` when none), ``status`` the HTTP status when there was one.
    """

    received: bytes = b""

    def __init__(
        self,
        code: str = "WRITE_OUTCOME_UNKNOWN",
        description: str = "",
        *,
        status: int | None = None,
        method: str | None = None,
        validation: Sequence[Mapping[str, Any]] = (),
        received: bytes = b"",
    ) -> None:
        self.received = received
        super().__init__(code, description, status=status, method=method, validation=validation)


@register("INVALID_ANSWER")
class InvalidAnswerError(Bitrix24Error):
    """A success status with a body that is no portal answer (a read: retried, then raised)."""

    def __init__(
        self,
        code: str = "INVALID_ANSWER",
        description: str = "",
        *,
        status: int | None = None,
        method: str | None = None,
        validation: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        super().__init__(code, description, status=status, method=method, validation=validation)


@register("TOKEN_REFRESH_FAILED")
class TokenRefreshError(Bitrix24Error):
    """The OAuth token endpoint refused to refresh the tokens."""


class InsecureURLError(ValueError):
    """A portal or token URL is not HTTPS (plain HTTP is allowed to loopback only, on opt-in)."""


class ConfigurationError(ValueError):
    """The client was configured inconsistently (e.g. OAuth refresh without client_secret)."""
