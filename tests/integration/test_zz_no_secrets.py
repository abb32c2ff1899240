"""No secret in any log record, exception text or repr captured during the session (from the
first test of tests/integration on; conftest's terminal summary rescans after the last test),
nor in the locals of the frames of any exception the tests saw (``WATCH.exception``).

Runs last in tests/integration (file name): it adds its own failing calls whose errors and
httpx logs would carry secrets if anything leaked, then scans everything the session's
watch collected (see conftest.WATCH) for every secret the tests used.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from conftest import WATCH, all_known_secrets, leaks, remember_secrets


def test_no_secret_anywhere(
    emulator_factory: Any, client_pkg: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = client_pkg._runtime.errors
    emulator = emulator_factory(limits="none", token="hook-secret-under-watch")
    client = emulator.client(client_pkg.Client, rate_limit="none", max_retries=1)
    WATCH.repr_of(client)
    assert client.crm.deal.list().items == []

    # an OAuth client whose refresh is refused: the error must not show the tokens
    oauth = emulator.oauth_client(client_pkg.Client, rate_limit="none")
    tokens = oauth.auth.tokens
    WATCH.secrets.update((tokens.access_token, tokens.refresh_token))
    emulator.portal.tokens.reset()  # the portal forgets every token
    with pytest.raises(errors.Bitrix24Error) as info:
        oauth.crm.deal.list()
    WATCH.exception(info.value)

    # the portal is gone: httpx raises with the URL (and so the secret) in its message
    emulator.stop()
    with pytest.raises(errors.TransportError) as gone:
        client.crm.deal.list()
    WATCH.exception(gone.value)
    WATCH.repr_of(oauth)
    WATCH.repr_of(tokens)
    remember_secrets(emulator)

    # a 5-character webhook secret: short, and still masked (httpx logs every URL)
    short = emulator_factory(limits="none", token="k3y5x")
    WATCH.secrets.add("k3y5x")
    tiny = short.client(client_pkg.Client, rate_limit="none", max_retries=0)
    assert tiny.crm.deal.list().items == []
    with pytest.raises(errors.Bitrix24Error) as short_info:
        tiny.crm.deal.get(id=424242)
    WATCH.exception(short_info.value)
    remember_secrets(short)

    # an OAuth refresh that fails: the token endpoint refuses the client secret. The refresh
    # flow had the secret and the refresh token in its query; its frames must not show them.
    expiring = emulator_factory(limits="none", token_lifetime=0.05)
    grant = expiring.portal.tokens.issue()
    wrong_secret = "wrong-client-secret-for-the-scan"
    refusing = client_pkg.Client.from_oauth(
        expiring.base_url,
        grant.access_token,
        refresh_token=grant.refresh_token,
        client_id=expiring.portal.options.client_id,
        client_secret=wrong_secret,
        token_url=f"{expiring.base_url}/oauth/token/",
        allow_insecure_http=True,
        rate_limit="none",
    )
    WATCH.secrets.update((wrong_secret, grant.access_token, grant.refresh_token))
    time.sleep(0.1)  # the access token expires
    with pytest.raises(errors.TokenRefreshError) as refused:
        refusing.crm.deal.list()
    WATCH.exception(refused.value)
    assert WATCH.frames_seen > 10  # the frames of the raised exceptions were looked at
    remember_secrets(expiring)

    for record in caplog.records:
        WATCH.texts.append(record.getMessage())
    secrets = all_known_secrets()
    assert "hook-secret-under-watch" in secrets and len(secrets) >= 4
    assert WATCH.records > 20 and len(WATCH.texts) > 10  # the watch did see traffic
    # the URL of the failed calls was logged, with the secret masked
    assert any("/rest/1/***/crm.deal.list" in text for text in WATCH.texts)
    assert not any("/rest/1/k3y5x/" in text for text in WATCH.texts)
    assert not leaks()
