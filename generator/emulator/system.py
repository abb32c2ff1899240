"""Methods that answer from the portal's own state rather than from their example:
``server.time`` is the clock, users exist (``user.get`` lists them, ``user.current`` is the
caller), and who may call what (auth types, users without rights)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from generator.emulator.entities import Outcome
from generator.emulator.errors import ApiError
from generator.model import Method

ADMIN_ID = 1


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).astimezone().isoformat(timespec="seconds")


def user_template(methods: dict[str, Method]) -> dict[str, Any]:
    """A user record shaped like the docs' ``user.current`` example (its ID aside)."""
    m = methods.get("user.current")
    try:
        value = m.returns.example_value() if m is not None else None
    except ValueError:
        value = None
    rec = dict(value) if isinstance(value, dict) else {"NAME": "Admin", "ACTIVE": True}
    rec.pop("ID", None)
    return rec


_APP_CONTEXT = ("application context required", "вне контекста приложения", "контексте приложения")


def auth_refusal(method: Method, caller: str) -> ApiError | None:
    """The page's own error for a webhook calling a method only OAuth applications may call:
    ``WRONG_AUTH_TYPE`` (placement.bind), or what the page writes for "Application context
    required" (app.option.get documents ``AccessException``)."""
    if not caller.startswith("webhook"):
        return None
    for err in method.errors:
        code = err.code.strip()
        desc = err.description.lower()
        if code == "WRONG_AUTH_TYPE" or any(w in desc for w in _APP_CONTEXT):
            message = err.description.split(" — ", 1)[0].strip() or "Current authorization type"
            status = err.status if err.status and 400 <= err.status < 500 else 401
            return ApiError(code, message, status)
    return None


def rights_refusal(method: Method, user_has_rights: bool) -> ApiError | None:
    """``ACCESS_DENIED`` (as the page spells it) for a user without rights, on methods whose
    page documents an access error."""
    if user_has_rights:
        return None
    for err in method.errors:
        code = err.code.strip()
        desc = err.description.lower()
        if code.upper() in ("ACCESS_DENIED", "ACCESS_ERROR") or desc.startswith(
            ("access denied", "доступ запрещ")
        ):
            spelt = "" if " " in code else code
            return ApiError(spelt, err.description.split(" — ", 1)[0].strip(), 403)
    return None


class SystemMethods:
    """``server.time`` and ``user.current``; ``portal`` gives the clock and the user store."""

    NAMES = ("server.time", "user.current", "profile", "scope")

    def __init__(self, portal: Any) -> None:
        self.portal = portal

    def handles(self, low: str) -> bool:
        return low in self.NAMES

    def call(self, low: str, user: int) -> Outcome:
        if low == "server.time":
            return Outcome(iso(self.portal.clock()))
        if low == "scope":
            # the webhook's scopes: every scope the served docs have methods in
            scopes = {m.scope for m in self.portal.model.methods if m.scope}
            return Outcome(sorted(scopes - {"basic", "базовый"}))
        if low == "profile":
            return Outcome(self._profile(user))
        record = self.portal.user_record(user)
        if record is None:  # a webhook of a user no call has created: still the caller
            record = {"ID": str(user), **user_template(self.portal.model_index)}
        return Outcome(record)

    def _profile(self, user: int) -> dict[str, Any]:
        """The page's profile shape, filled from the caller's user record."""
        m = self.portal.model_index.get("profile")
        try:
            shown = m.returns.example_value() if m is not None else None
        except ValueError:
            shown = None
        profile = dict(shown) if isinstance(shown, dict) else {}
        record = self.portal.user_record(user) or {}
        for key in list(profile) or ["NAME", "LAST_NAME"]:
            if key in record:
                profile[key] = record[key]
        profile["ID"] = str(user)
        profile["ADMIN"] = user not in self.portal.without_rights
        return profile
