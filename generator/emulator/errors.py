"""Errors a handler raises; the app turns them into the portal's error answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    code: str
    description: str
    status: int = 400
    validation: list[dict[str, Any]] = field(default_factory=list)
    # True when the request's parameters are what is wrong (missing, malformed, an unknown
    # filter field), as opposed to state (not found) or who calls (auth, rights).
    about_params: bool = False

    def __str__(self) -> str:
        return f"{self.code}: {self.description}"

    def body_v2(self) -> dict[str, Any]:
        return {"error": self.code, "error_description": self.description}

    def body_v3(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.description}
        if self.validation:
            err["validation"] = self.validation
        return {"error": err}


# Codes about who calls, not about what was sent.
NOT_ARGUMENT_CODES = ("ACCESS", "AUTH", "DENIED", "PERMISSION", "SCOPE", "LICENSE", "TARIFF")
# Pages write an empty ``error`` as these words; the portal sends "".
EMPTY_CODES = {"пустое значение", "пустая строка", "empty value", "empty string"}


def portal_message(description: str) -> str:
    """The message a portal sends for a documented error: error tables write it first and
    then what it means ("ID is not defined or invalid — В параметр id …")."""
    return description.split(" — ", 1)[0].strip()


def not_found(what: str = "Not found.") -> ApiError:
    return ApiError("NOT_FOUND", what, 400)


V3_VALIDATION = "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION"
V3_NOT_FOUND = "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"
V3_INVALID_JSON = "BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION"
V3_IDEMPOTENCY_REUSED = "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION"
V3_BAD_IDEMPOTENCY_KEY = "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION"
