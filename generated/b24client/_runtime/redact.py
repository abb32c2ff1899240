"""Keeping secrets out of messages, reprs and log records.

Every client registers its secrets (webhook secret, access and refresh tokens, client secret)
here; :func:`scrub` replaces them, raw or URL-encoded, in any text. The registry is process
wide because log filters and exception messages are: a secret must be hidden wherever it
would surface, whichever client it belongs to.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["MASK", "install_log_filters", "register_secret", "scrub"]

MASK = "***"
# Secrets of any length are masked. Those shorter than this are masked where they stand
# whole (not inside a longer word or number), so that a 3-letter secret does not blank out
# every word containing those letters; longer ones wherever they appear.
_WHOLE_ONLY_BELOW = 8

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
# Longest first so that a secret containing another is masked whole.
_ordered: tuple[str, ...] = ()
_short: re.Pattern[str] | None = None


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` (and its URL-encoded forms) as text never to show."""
    global _secrets, _ordered, _short
    if not secret:
        return
    forms = {secret, quote(secret, safe=""), quote_plus(secret, safe="")}
    with _lock:
        if forms <= _secrets:
            return
        _secrets = _secrets | forms
        ordered = sorted(_secrets, key=len, reverse=True)
        _ordered = tuple(s for s in ordered if len(s) >= _WHOLE_ONLY_BELOW)
        short = [re.escape(s) for s in ordered if len(s) < _WHOLE_ONLY_BELOW]
        _short = (
            re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(short) + r")(?![A-Za-z0-9])")
            if short
            else None
        )


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    short = _short
    if short is not None:
        text = short.sub(MASK, text)
    return text


class _ScrubFilter(logging.Filter):
    """Rewrites records of the HTTP libraries (they log URLs, which carry webhook secrets)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is the logger's business
            return True
        clean = scrub(message)
        if clean != message or record.args:
            record.msg = clean
            record.args = None
        return True


_FILTER = _ScrubFilter()
_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def install_log_filters(*extra: str) -> None:
    """Attach the scrubbing filter to the HTTP libraries' loggers (and ``extra`` ones).

    Logger filters apply to records created by that exact logger, so each is named.
    """
    for name in (*_LOGGERS, *extra):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
