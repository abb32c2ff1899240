"""What the generated code relies on in the hand-written runtime (templates/runtime), as
literal names: declared here, not discovered by importing the runtime, so a runtime that
fails to import cannot silently yield a package that disagrees with it.

``tests/render/test_runtime_contract.py`` checks every name against the runtime's actual
classes: a change on either side fails there until both agree.
"""

from __future__ import annotations

# Public attributes of ``_runtime.client.SyncTransportClient`` and ``AsyncTransportClient``
# (together), plus ``v3`` (the REST 3.0 tree): no method or namespace at the client's top
# level may take these names.
CLIENT_ATTRIBUTES: tuple[str, ...] = (
    "aclose",
    "auth",
    "batch",
    "call",
    "call_raw",
    "close",
    "from_oauth",
    "from_webhook",
    "iterate",
    "limiter",
    "with_options",
)
GENERATED_ROOT_ATTRIBUTES: tuple[str, ...] = ("v3",)

# ``_runtime.errors.Bitrix24Error``'s registry: code -> class the runtime already defines
# (the generated errors.py re-exports these instead of defining its own).
ERROR_CLASSES: tuple[tuple[str, str], ...] = (
    ("QUERY_LIMIT_EXCEEDED", "QueryLimitExceededError"),
    ("OPERATION_TIME_LIMIT", "OperationTimeLimitError"),
    ("expired_token", "ExpiredTokenError"),
    ("invalid_token", "InvalidTokenError"),
    ("ERROR_METHOD_NOT_FOUND", "MethodNotFoundError"),
    ("TRANSPORT_ERROR", "TransportError"),
    ("WRITE_OUTCOME_UNKNOWN", "WriteOutcomeUnknownError"),
    ("INVALID_ANSWER", "InvalidAnswerError"),
    ("TOKEN_REFRESH_FAILED", "TokenRefreshError"),
)

# ``_runtime.errors.__all__``: names the generated errors.py imports and re-exports.
ERRORS_ALL: tuple[str, ...] = (
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
)
