"""The options of ``b24gen serve`` (click only; the work is in ``serve.py``): what the
emulated portal is (model, limits, faults, events, tokens) and how it listens (TLS, read
timeouts, body limit, page cache)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

_PORTAL = [
    click.option(
        "--model",
        "model_json",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        help="Serve this model JSON (from `b24gen model --json`) instead of reading --docs.",
    ),
    click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
    click.option("--port", default=0, type=int, help="Port; 0 picks a free one (printed)."),
    click.option("--token", default=None, help="Webhook secret (default: a random one, printed)."),
    click.option(
        "--db", default=":memory:", show_default=True, help="SQLite file to keep records in."
    ),
    click.option(
        "--limits",
        type=click.Choice(["standard", "enterprise", "none"]),
        default="standard",
        show_default=True,
        help="Leaky bucket as on a portal: standard burst 50, drain 2/s; enterprise 250, 5/s.",
    ),
    click.option(
        "--faults",
        default=None,
        help="Injected faults by rate, e.g. '500=0.05,503=0.05,reset=0.05,slow=0.05,"
        "lost_write=0.05,slow_seconds=2,seed=1' ('all=0.02' for every kind).",
    ),
    click.option(
        "--event-handler", default=None, help="URL that receives ONCRM…ADD/UPDATE/DELETE."
    ),
    click.option(
        "--application-token",
        default="test-application-token",
        show_default=True,
        help="auth[application_token] sent with events.",
    ),
    click.option(
        "--token-lifetime",
        default=3600.0,
        show_default=True,
        type=float,
        help="Seconds an OAuth access token lives before calls answer 401 expired_token.",
    ),
]
_FRONT = [
    click.option(
        "--scopes",
        default=None,
        metavar="LIST",
        help="Scopes the webhook has, e.g. 'crm,user'; other methods answer insufficient_scope "
        "(default: every scope).",
    ),
    click.option(
        "--certfile",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Serve https with this PEM certificate (chain); clients that demand https connect.",
    ),
    click.option(
        "--keyfile",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="The PEM private key of --certfile (omit when the certfile holds it).",
    ),
    click.option(
        "--read-timeout",
        default=30.0,
        show_default=True,
        type=float,
        help="Seconds a request head may take to arrive, or its body may stall, before the "
        "connection is closed.",
    ),
    click.option(
        "--max-body",
        default=64 * 1024 * 1024,
        show_default=True,
        type=int,
        help="Largest request body in bytes; larger ones get 413 before being read.",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Reader's page cache (default: in the user's cache folder, as for generate; "
        "see docs/drift.md).",
    ),
    click.option("--no-cache", is_flag=True, help="Read every page afresh."),
]


def portal_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_PORTAL):
        f = option(f)
    return f


def front_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_FRONT):
        f = option(f)
    return f
