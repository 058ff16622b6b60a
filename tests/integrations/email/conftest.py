"""Peers for the SMTP and IMAP adapters: aiosmtpd in a thread, Dovecot as a daemon.

Factories (`make_smtp`, `make_imap`) build adapters pointed at those servers
with settings a test may override; every adapter they make is closed after
the test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from automate.integrations.adapter import AdapterEnv
from automate.integrations.email.imap import ImapAdapter, ImapConfig
from automate.integrations.email.smtp import SmtpAdapter, SmtpConfig
from tests.peers.dovecot import DovecotPeer, MailUser, dovecot_missing
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import TlsFiles, make_certificate

SMTP_USER, SMTP_PASSWORD = "alice", "smtp-pass-4f1c"
IMAP_PASSWORD = "imap-pass-9b2e"


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """A self-signed certificate for 127.0.0.1, made for this run."""
    # Dovecot reads it while still root (`ssl_cert = <file`), so pytest's private folder will do.
    return make_certificate(tmp_path_factory.mktemp("mail-tls"))


@pytest.fixture
def smtp_server(tls_files: TlsFiles) -> Iterator[SmtpPeer]:
    """aiosmtpd requiring STARTTLS and AUTH (alice)."""
    with SmtpPeer(mode="starttls", tls=tls_files, users={SMTP_USER: SMTP_PASSWORD}) as peer:
        yield peer


def smtp_settings(peer: SmtpPeer, tls: TlsFiles | None, **overrides: Any) -> dict[str, Any]:
    """Settings that reach `peer` as it is configured, trusting only the test certificate."""
    security = {"starttls": "starttls", "tls": "tls", "plain": "none"}[peer.mode]
    settings: dict[str, Any] = {
        "host": peer.host,
        "port": peer.port,
        "security": security,
        "from_address": "Me <me@automate.test>",
        "pool_size": 2,
    }
    if peer.users:
        settings.update(username=SMTP_USER, password=SMTP_PASSWORD)
    if tls is not None and security != "none":
        settings["ca_file"] = str(tls.cert)
    settings.update(overrides)
    return {k: v for k, v in settings.items() if v is not None}


@pytest.fixture
async def make_smtp(tmp_path: Path, tls_files: TlsFiles) -> AsyncIterator[Callable[..., SmtpAdapter]]:
    """Build SMTP adapters for a peer; closed after the test."""
    made: list[SmtpAdapter] = []

    def make(peer: SmtpPeer, **overrides: Any) -> SmtpAdapter:
        config = SmtpConfig.model_validate(smtp_settings(peer, tls_files, **overrides))
        adapter = SmtpAdapter(config, AdapterEnv(service="outbox", data_dir=tmp_path))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()


@contextmanager
def running_dovecot(tls: TlsFiles | None) -> Iterator[DovecotPeer]:
    """A Dovecot of its own (``ssl = no`` without `tls`); skipped where it cannot run, failed in CI."""
    missing = dovecot_missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"Dovecot must run in CI: {missing}")
        pytest.skip(missing)
    # Not under pytest's private (0700) temporary root: Dovecot's own users must reach it.
    folder = Path(tempfile.mkdtemp(prefix="automate-dovecot-"))
    folder.chmod(0o755)
    try:
        with DovecotPeer(folder, tls=tls, password=IMAP_PASSWORD) as server:
            yield server
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot(tls_files: TlsFiles) -> Iterator[DovecotPeer]:
    """One Dovecot for the session (plain IMAP, IMAPS and STARTTLS); each test adds its own user."""
    with running_dovecot(tls_files) as server:
        yield server


@pytest.fixture
def mail_user(dovecot: DovecotPeer) -> MailUser:
    """A fresh Dovecot user with an empty INBOX."""
    return dovecot.add_user()


@pytest.fixture
async def make_imap(
    dovecot: DovecotPeer, tmp_path: Path, tls_files: TlsFiles
) -> AsyncIterator[Callable[..., ImapAdapter]]:
    """Build IMAP adapters logging in as a user of the session's Dovecot; closed after the test."""
    made: list[ImapAdapter] = []

    def make(user: MailUser, **overrides: Any) -> ImapAdapter:
        settings: dict[str, Any] = {
            "host": dovecot.host,
            "port": dovecot.port,
            "security": "none",
            "allow_plaintext_auth": True,  # the plain listener on loopback, said on purpose
            "username": user.name,
            "password": user.password,
            **overrides,
        }
        if settings["security"] == "tls":
            settings.setdefault("ca_file", str(tls_files.cert))
            settings["port"] = overrides.get("port", dovecot.tls_port)
        elif settings["security"] == "starttls":
            settings.setdefault("ca_file", str(tls_files.cert))
        config = ImapConfig.model_validate({k: v for k, v in settings.items() if v is not None})
        adapter = ImapAdapter(config, AdapterEnv(service="mailbox", data_dir=tmp_path))
        made.append(adapter)
        return adapter

    yield make
    for adapter in made:
        await adapter.aclose()
