"""The check report: a server's refusal never shows the credentials it echoed."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from automate.integrations.config import load_config
from automate.runtime.runtime import Runtime
from tests.integrations.http_peer import Arrival, HttpPeer, Reply
from tests.peers.tls import TlsFiles, make_certificate

TOKEN = "user:pa55word-echoed"

SERVICE = """\
services:
  api:
    adapter: http
    settings:
      base_url: {url}
      ca_file: {ca}
      token: ${{API_TOKEN}}
"""


def refuse_echoing(arrival: Arrival) -> Reply:
    """A server that refuses the login and quotes back the header it was sent."""
    if arrival.method == "HEAD":
        return Reply(405)
    sent = arrival.headers.get("authorization", "")
    return Reply(401, f"bad credentials: {sent}".encode(), {"Content-Type": "text/plain"})


def write_config(directory: Path, url: str, tls: TlsFiles) -> Path:
    """A config directory with one HTTP service pointed at `url`, trusting the test certificate."""
    directory.mkdir()
    (directory / "settings.yaml").write_text("timezone: Europe/Lisbon\n")
    (directory / "integrations_config.yaml").write_text(SERVICE.format(url=url, ca=tls.cert))
    return directory


@pytest.fixture
def tls(tmp_path: Path) -> TlsFiles:
    """A certificate for 127.0.0.1 (credentials are only ever sent over TLS)."""
    return make_certificate(tmp_path / "tls")


class TestCheckResult:
    async def test_a_refusal_that_echoes_the_secret_is_masked_in_the_report(
        self, tmp_path: Path, home: Path, tls: TlsFiles
    ) -> None:
        """The check of a service whose server quotes the token back reports *** in its place."""
        async with HttpPeer(refuse_echoing, tls=tls.server_context()) as peer:
            config = load_config(
                write_config(tmp_path / "cfg", peer.url, tls), env={"API_TOKEN": TOKEN}, home=home
            )
            async with Runtime(config) as runtime:
                results = {r.service: r for r in await runtime.check()}
        assert peer.arrivals[-1].headers["authorization"] == f"Bearer {TOKEN}"
        report = results["api"]
        assert not report.ok
        assert TOKEN not in report.detail and "bad credentials: Bearer ***" in report.detail

    async def test_the_plain_text_check_command_prints_the_refusal_masked(
        self, tmp_path: Path, home: Path, tls: TlsFiles
    ) -> None:
        """`automate integrations check` (plain text) prints the refusal with the token masked."""
        async with HttpPeer(refuse_echoing, tls=tls.server_context()) as peer:
            config_dir = write_config(tmp_path / "cfg", peer.url, tls)
            env = {**os.environ, "API_TOKEN": TOKEN, "AUTOMATE_HOME": str(home)}
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "automate.main", "integrations", "check", "--config", str(config_dir)),
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(process.communicate(), 60)
        text = out.decode() + err.decode()
        assert process.returncode == 1, text
        assert TOKEN not in text and "pa55word" not in text
        assert "bad credentials: Bearer ***" in text
