"""A throwaway certificate authority and server certificate for https-only clients
(b24pysdk, pybitrix24 build ``https://{domain}/rest/``). Made with ``trustme`` (a dev
dependency): tests trust ``ca_file``; nothing here is fit for anything but loopback tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TlsFiles:
    certfile: str  # server key and certificate chain, PEM (uvicorn's --ssl-certfile)
    ca_file: str  # the authority clients must trust (REQUESTS_CA_BUNDLE, httpx verify=)


def self_signed(folder: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsFiles:
    try:
        import trustme
    except ImportError as exc:  # a usage error of the fixture, not an emulator failure
        raise RuntimeError(
            "tls=True needs the 'trustme' package (pip install trustme), or pass "
            "certfile=/keyfile= of your own"
        ) from exc
    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    cert = ca.issue_cert(*hosts)
    server = folder / "emulator-server.pem"
    authority = folder / "emulator-ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(server))
    ca.cert_pem.write_to_path(str(authority))
    return TlsFiles(str(server), str(authority))
