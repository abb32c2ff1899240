"""Reading a request body the way a portal's front end does: bounded in size, never read for
a caller who is already refused, JSON no deeper than PHP's ``json_decode`` accepts, PHP-style
forms and multipart uploads (files arrive as ``[name, base64]`` pairs, as the docs' upload
format has them)."""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request

from generator.emulator.errors import V3_INVALID_JSON, ApiError
from generator.emulator.params import nest_php_pairs, parse_php_query

MAX_BODY = 64 * 1024 * 1024  # bytes; a portal's nginx refuses larger requests with 413
JSON_MAX_DEPTH = 512  # PHP json_decode's default depth: deeper documents are refused


class BodyTooLarge(ApiError):
    pass


def too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        "REQUEST_ENTITY_TOO_LARGE", f"The request body is larger than {limit} bytes", 413
    )


def declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` (declared or sent):
    a huge body costs at most ``limit`` bytes of memory, not its size."""
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError("INVALID_REQUEST", "The client went away mid-body", 400) from None
    raw = b"".join(chunks)
    request._body = raw  # starlette's own cache: request.form() re-reads from it
    return raw


def depth_exceeds(value: Any, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether nesting passes ``limit``; iterative, so any depth is safe to ask about."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children: Any
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def parse_json(text: str, version: int) -> Any:
    code = V3_INVALID_JSON if version == 3 else "INVALID_REQUEST"
    try:
        body = json.loads(text)
        # Lone UTF-16 surrogates ("\udab7") are valid JSON escapes but no text;
        # PHP's json_decode refuses them, and so does the portal.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        raise ApiError(code, "The request body is not valid JSON", 400) from None
    if depth_exceeds(body):
        raise ApiError(code, f"JSON nested deeper than {JSON_MAX_DEPTH} levels", 400)
    return body


async def parse_multipart(request: Request, limit: int) -> dict[str, Any]:
    """Form fields by their PHP keys; an uploaded file becomes ``[filename, base64]``."""
    try:
        form = await request.form(max_files=1000, max_fields=10000, max_part_size=limit)
    except (MultiPartException, HTTPException) as exc:
        detail = getattr(exc, "message", None) or getattr(exc, "detail", "")
        raise ApiError("INVALID_REQUEST", f"Unreadable multipart body: {detail}", 400) from None
    pairs: list[tuple[str, Any]] = []
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                pairs.append((key, [value.filename or "file", base64.b64encode(content).decode()]))
            else:
                pairs.append((key, value))
    finally:
        await form.close()
    return nest_php_pairs(pairs)


async def body_params(
    request: Request, raw: bytes, version: int, limit: int
) -> tuple[dict[str, Any], Any]:
    """Parameters from the body and the parsed body itself (REST 3.0 batch needs it)."""
    ctype = request.headers.get("content-type", "").lower()
    if "multipart/form-data" in ctype:
        if version == 3:
            raise ApiError(V3_INVALID_JSON, "REST 3.0 accepts JSON bodies only", 400)
        return await parse_multipart(request, limit), None
    text = raw.decode("utf-8", "replace").strip()
    if not text:
        return {}, None
    if "json" in ctype or version == 3 or text[:1] in "{[":
        body = parse_json(text, version)
        return (body if isinstance(body, dict) else {}), body
    return parse_php_query(text), None
