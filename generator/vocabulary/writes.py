"""Whether a method changes the portal's state (a write) and whether it may be sent twice.

The one decision the generated code (``_invoke(..., write=...)``), the emulator (which
faults a write may meet, what counts as one) and the docs agree on. The runtime keeps its
own name-only guess (``templates/runtime/retry.is_write``) for raw ``call()`` and
``batch``, where no model is at hand.

The rule, first match wins:

1. ``OVERRIDES``: methods whose name and title say the wrong thing.
2. The last name segment (the verb), lower-cased: a write verb or a verb ending in one
   (``add``, ``update``, ``delete``, ``set``: ``deletebyfilter``, ``setowner``) -> write;
   a read verb or one starting with a read prefix (``getlist``, ``findbycomm``) -> read.
   ``access`` reads (``user.access`` checks rights); ``read`` writes (``im.dialog.read``
   marks messages as read); ``export`` reads (it returns the data, nothing changes).
3. The page's title, for verbs neither list knows (``crm.status.entity.types``: "Получить
   типы справочников"): a title that starts with a read word and offers no alternative
   ("Получить или изменить права доступа" is a write) -> read.
4. Otherwise a write. Wrongly treating a read as a write costs a retry; wrongly treating a
   write as a read can duplicate it.

Idempotency: a read may always be repeated; a REST 3.0 write may be repeated because the
runtime sends it with an ``Idempotency-Key`` the portal deduplicates; a REST 2 write may not.
"""

from __future__ import annotations

import re
from typing import Protocol


class Documented(Protocol):
    """What the decision reads of a method (``generator.model.Method`` has it)."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def api_version(self) -> int: ...


# Names whose verb or title misleads, each with the reason.
OVERRIDES: dict[str, bool] = {
    "im.notify.read.list": True,  # marks the listed notifications as read
    "imopenlines.session.open": True,  # opens (starts) a session for the user's chat
}

WRITE_VERBS = frozenset(
    {
        # runtime (templates/runtime/retry.py) and emulator (generator/emulator/portal.py)
        "add", "update", "delete", "set", "bind", "unbind", "remove", "create", "send",
        "upload", "move", "register", "unregister", "import", "attach", "detach", "start",
        "stop", "complete", "renew", "approve", "disapprove", "pin", "unpin", "mute",
        "unmute", "clear", "save",
        # file operations the verb lists had missed
        "copyto", "moveto", "copy", "rename", "restore",
        # im's "read"/"unread" mark messages and chats, they return nothing to read
        "read", "unread",
    }
)  # fmt: skip
_WRITE_SUFFIXES = ("add", "update", "delete", "set")

READ_VERBS = frozenset(
    {
        "get", "list", "fields", "search", "find", "count", "current", "info", "scope",
        "methods", "method", "profile", "time", "access", "version", "filter", "items",
        "status", "tail", "history", "export", "fullexport",
    }
)  # fmt: skip
_READ_PREFIXES = (
    *("get", "list", "fields", "search", "find", "count", "is", "has", "check"),
    *("export", "status", "stat"),
)

# A title starting with one of these reads (ru, en); "или"/"or" offers a write beside it.
_READ_TITLE = re.compile(
    r"(получить|получение|скачать|найти|проверить|узнать|get|list|retrieve|download|find|check)\b",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(r"\b(или|or)\b", re.IGNORECASE)


def name_writes(name: str) -> bool | None:
    """The decision from the name alone; None when the name does not say."""
    if name in OVERRIDES:
        return OVERRIDES[name]
    verb = name.rsplit(".", 1)[-1].lower()
    if verb in WRITE_VERBS or verb.endswith(_WRITE_SUFFIXES):
        return True
    if verb in READ_VERBS or verb.startswith(_READ_PREFIXES):
        return False
    return None


def method_writes(name: str, title: str = "") -> bool:
    """Whether the method ``name`` (documented under ``title``) changes state."""
    by_name = name_writes(name)
    if by_name is not None:
        return by_name
    head = title.strip()
    reads_by_title = bool(_READ_TITLE.match(head)) and not _ALTERNATIVE.search(head)
    return not reads_by_title


def writes(method: Documented) -> bool:
    return method_writes(method.name, method.title)


def repeatable(method: Documented) -> bool:
    """Whether sending ``method`` twice is safe: reads, and REST 3.0 writes (Idempotency-Key)."""
    return not writes(method) or method.api_version == 3
