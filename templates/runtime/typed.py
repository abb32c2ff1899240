"""Typed methods as objects: the generated method, called as before, and the same call
prepared for ``batch``, sent for its whole answer, or iterated across every page.

A generated method is a plain annotated function (its body sends the call) wrapped by one
of the four decorators below; the signature reaches the type checker through a
``ParamSpec``, so ``client.crm.deal.list.iterate(fitler=...)`` is an error exactly like
``client.crm.deal.list(fitler=...)``. To learn what a call would send without sending it,
the function's body is run against :class:`_Capture`, which stops it at the wire.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator, Mapping
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

if sys.version_info >= (3, 11):
    from typing import Self
else:  # only Python 3.10 needs typing_extensions (declared for it alone)
    from typing_extensions import Self

from .batch import Prepared
from .paging import ProgressCallback, page_from
from .response import Page, Response

__all__ = [
    "AsyncMethod",
    "AsyncPagedMethod",
    "BoundAsync",
    "BoundAsyncPaged",
    "BoundSync",
    "BoundSyncPaged",
    "SyncMethod",
    "SyncPagedMethod",
    "async_method",
    "async_paged",
    "sync_method",
    "sync_paged",
]

P = ParamSpec("P")
R_co = TypeVar("R_co", covariant=True)  # an override may narrow what a method returns
T = TypeVar("T")


class _Captured(Exception):
    def __init__(self, request: Prepared[Any]) -> None:
        super().__init__(request.method)
        self.request = request


class _Capture:
    """Stands in for the client (and, as ``_b24``, for a namespace) while a generated body
    runs: the body's ``_invoke``/``_invoke_page`` raises with what it would have sent."""

    __slots__ = ()

    @property
    def _b24(self) -> _Capture:
        return self

    def _invoke(
        self, method: str, params: dict[str, Any], *, api_version: int = 2, write: bool
    ) -> Any:
        raise _Captured(Prepared(method, params, api_version=api_version, write=write))

    def _invoke_page(self, method: str, params: dict[str, Any], *, api_version: int = 2) -> Any:
        raise _Captured(Prepared(method, params, api_version=api_version, paged=True))


_CAPTURE = _Capture()


def _stand_in(owner: Any) -> Any:
    """An uninitialised ``owner`` of the same class whose client is :data:`_CAPTURE`: a
    body calling ``super().method(...)`` (a subclass's override) reaches the capture too."""
    stand = object.__new__(type(owner))
    stand._b24 = _CAPTURE
    if not hasattr(owner, "_b24"):  # the client itself: its own _invoke is what is called
        stand._invoke = _CAPTURE._invoke
        stand._invoke_page = _CAPTURE._invoke_page
    return stand


def _capture(func: Callable[..., Any], owner: Any, args: Any, kwargs: Any) -> Prepared[Any]:
    try:
        outcome = func(_stand_in(owner), *args, **kwargs)
        if isinstance(outcome, Coroutine):  # an async body: run it to its first await
            try:
                outcome.send(None)
            finally:
                outcome.close()
    except _Captured as captured:
        return captured.request
    raise TypeError(f"{getattr(func, '__qualname__', func)} sent no call")


def _paged_answer(answer: Response[Any]) -> Response[Any]:
    """A ``*.list`` method's answer with its records as a ``Page``, as the method returns."""
    return answer.replace(result=page_from(answer))


def _transport(owner: Any) -> Any:
    """The client behind a namespace (``owner._b24``), or the client itself."""
    return getattr(owner, "_b24", owner)


def _with_options(owner: Any, options: dict[str, Any]) -> Any:
    """``owner`` (a namespace, or the client) rebuilt on a client copy with ``options``."""
    client = _transport(owner).with_options(**options)
    return type(owner)(client) if hasattr(owner, "_b24") else client


@property  # type: ignore[misc]
def _method_doc(self: _Bound[Any, Any]) -> str | None:
    """The generated method's docstring, for help() and inspect.getdoc."""
    return self._func.__doc__


class _Bound(Generic[P, R_co]):
    __slots__ = ("_func", "_owner")
    __doc__ = _method_doc

    def __init__(self, func: Callable[..., Any], owner: Any) -> None:
        self._func = func
        self._owner = owner

    @property
    def __wrapped__(self) -> Callable[..., Any]:
        return self._func

    @property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        # typing.get_type_hints(bound) reads them (the globals come from __wrapped__)
        annotations: dict[str, Any] = self._func.__annotations__
        return annotations

    @property
    def __signature__(self) -> Any:
        """The method's keyword-only parameters, as ``inspect.signature`` shows them."""
        import inspect  # only for introspection; kept off the import path

        sig = inspect.signature(self._func)
        return sig.replace(parameters=list(sig.parameters.values())[1:])

    def __repr__(self) -> str:
        return f"<typed method {self._func.__qualname__}>"

    def prepare(self, *args: P.args, **kwargs: P.kwargs) -> Prepared[R_co]:
        """This call, not sent: for ``client.batch([...])``; ``result[prepared]`` is typed."""
        return _capture(self._func, self._owner, args, kwargs)

    def with_options(
        self,
        *,
        timeout: float | None = None,
        headers: Mapping[str, str] | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> Self:
        """The same method on a client copy with these per-call options."""
        options = {"timeout": timeout, "headers": headers, "extra_params": extra_params}
        return type(self)(self._func, _with_options(self._owner, options))


class BoundSync(_Bound[P, R_co]):
    # A generated method reached from a client: call it, or ``.raw(...)``/``.prepare(...)``.
    # (``__doc__`` is the method's own docstring)
    __slots__ = ()
    __doc__ = _method_doc

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co:
        result: R_co = self._func(self._owner, *args, **kwargs)
        return result

    def raw(self, *args: P.args, **kwargs: P.kwargs) -> Response[R_co]:
        """The whole answer: ``result`` (typed), ``time``, ``total``, ``next``, ``http``."""
        req = _capture(self._func, self._owner, args, kwargs)
        answer: Response[Any] = _transport(self._owner).call_raw(
            req.method, req.params, api_version=req.api_version, write=req.write
        )
        return _paged_answer(answer) if req.paged else answer


class BoundSyncPaged(BoundSync[P, Page[T]]):
    # A ``*.list`` method: also ``.iterate(...)``, every record across pages.
    # (``__doc__`` is the method's own docstring)
    __slots__ = ()
    __doc__ = _method_doc

    def iterate(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        """Every record once, across pages (the fast ``start=-1`` mode where it is safe)."""
        return self.iterate_with()(*args, **kwargs)

    def iterate_with(
        self,
        *,
        fast: bool | None = None,
        progress: bool | ProgressCallback | None = None,
        id_field: str | None = None,
    ) -> Callable[P, Iterator[T]]:
        """``iterate`` with options: ``fast=True`` forces the ID-cursor mode (``ValueError``
        where the arguments make it unsafe), ``progress`` a callback ``(done, total)`` or
        ``True`` for a tqdm bar."""

        def run(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
            req = _capture(self._func, self._owner, args, kwargs)
            records: Iterator[T] = _transport(self._owner).iterate(
                req.method,
                req.params,
                fast=fast,
                id_field=id_field,
                progress=progress,
                api_version=req.api_version,
            )
            return records

        return run


class BoundAsync(_Bound[P, R_co]):
    # The async twin of :class:`BoundSync`: calling it and ``.raw(...)`` are awaited.
    # (``__doc__`` is the method's own docstring)
    __slots__ = ()
    __doc__ = _method_doc

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Coroutine[Any, Any, R_co]:
        result: Coroutine[Any, Any, R_co] = self._func(self._owner, *args, **kwargs)
        return result

    async def raw(self, *args: P.args, **kwargs: P.kwargs) -> Response[R_co]:
        """The whole answer: ``result`` (typed), ``time``, ``total``, ``next``, ``http``."""
        req = _capture(self._func, self._owner, args, kwargs)
        answer: Response[Any] = await _transport(self._owner).call_raw(
            req.method, req.params, api_version=req.api_version, write=req.write
        )
        return _paged_answer(answer) if req.paged else answer


class BoundAsyncPaged(BoundAsync[P, Page[T]]):
    # An async ``*.list`` method: also ``.iterate(...)`` (``async for``).
    # (``__doc__`` is the method's own docstring)
    __slots__ = ()
    __doc__ = _method_doc

    def iterate(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        """Every record once, across pages (``async for``)."""
        return self.iterate_with()(*args, **kwargs)

    def iterate_with(
        self,
        *,
        fast: bool | None = None,
        progress: bool | ProgressCallback | None = None,
        id_field: str | None = None,
    ) -> Callable[P, AsyncIterator[T]]:
        """``iterate`` with options (see ``BoundSyncPaged.iterate_with``)."""

        def run(*args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
            req = _capture(self._func, self._owner, args, kwargs)
            records: AsyncIterator[T] = _transport(self._owner).iterate(
                req.method,
                req.params,
                fast=fast,
                id_field=id_field,
                progress=progress,
                api_version=req.api_version,
            )
            return records

        return run


class _Method:
    """The descriptor in the class: ``Class.method`` is itself, ``instance.method`` binds."""

    __name__: str
    __qualname__: str

    def __init__(self, func: Callable[..., Any]) -> None:
        self._func = func
        self.__wrapped__ = func  # inspect.signature and typing.get_type_hints follow it
        self.__doc__ = func.__doc__
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__

    def __repr__(self) -> str:
        return f"<typed method {self.__qualname__}>"


class SyncMethod(_Method, Generic[P, R_co]):
    @overload
    def __get__(self, owner: None, cls: Any = None) -> Self: ...
    @overload
    def __get__(self, owner: object, cls: Any = None) -> BoundSync[P, R_co]: ...
    def __get__(self, owner: object, cls: Any = None) -> BoundSync[P, R_co] | Self:
        return self if owner is None else BoundSync(self._func, owner)


class SyncPagedMethod(_Method, Generic[P, T]):
    @overload
    def __get__(self, owner: None, cls: Any = None) -> Self: ...
    @overload
    def __get__(self, owner: object, cls: Any = None) -> BoundSyncPaged[P, T]: ...
    def __get__(self, owner: object, cls: Any = None) -> BoundSyncPaged[P, T] | Self:
        return self if owner is None else BoundSyncPaged(self._func, owner)


class AsyncMethod(_Method, Generic[P, R_co]):
    @overload
    def __get__(self, owner: None, cls: Any = None) -> Self: ...
    @overload
    def __get__(self, owner: object, cls: Any = None) -> BoundAsync[P, R_co]: ...
    def __get__(self, owner: object, cls: Any = None) -> BoundAsync[P, R_co] | Self:
        return self if owner is None else BoundAsync(self._func, owner)


class AsyncPagedMethod(_Method, Generic[P, T]):
    @overload
    def __get__(self, owner: None, cls: Any = None) -> Self: ...
    @overload
    def __get__(self, owner: object, cls: Any = None) -> BoundAsyncPaged[P, T]: ...
    def __get__(self, owner: object, cls: Any = None) -> BoundAsyncPaged[P, T] | Self:
        return self if owner is None else BoundAsyncPaged(self._func, owner)


def sync_method(func: Callable[Concatenate[Any, P], R_co]) -> SyncMethod[P, R_co]:
    return SyncMethod(func)


def sync_paged(func: Callable[Concatenate[Any, P], Page[T]]) -> SyncPagedMethod[P, T]:
    return SyncPagedMethod(func)


def async_method(func: Callable[Concatenate[Any, P], Awaitable[R_co]]) -> AsyncMethod[P, R_co]:
    return AsyncMethod(func)


def async_paged(func: Callable[Concatenate[Any, P], Awaitable[Page[T]]]) -> AsyncPagedMethod[P, T]:
    return AsyncPagedMethod(func)
