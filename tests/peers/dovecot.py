"""Dovecot started by a test on loopback, with users made on the fly.

Run as root: a system user ``vmail`` owns every Maildir and Dovecot serves
them as that user. The server listens for plain IMAP and, when given a
certificate, implicit TLS (IMAPS) and STARTTLS. Each test takes a user of its
own (with a fresh home), so tests sharing one server never see each other's
mail. Users are made ahead, before Dovecot starts: it rereads its passwd-file
at most once a second, so a user added just before logging in may be unknown.
"""

from __future__ import annotations

import itertools
import mailbox
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tests.peers.smtp import free_port
from tests.peers.tls import TlsFiles

__all__ = ["DovecotPeer", "MailUser", "dovecot_missing"]

_USER = "vmail"


def dovecot_missing() -> str | None:
    """Why Dovecot cannot run here, or None when it can."""
    if shutil.which("dovecot") is None:
        return "dovecot is not installed (apt-get install dovecot-imapd)"
    if os.geteuid() != 0:
        return "Dovecot tests run as root (they create the vmail user)"
    return None


@dataclass(frozen=True)
class MailUser:
    """A mailbox owner: login, password, and where the Maildir lives."""

    name: str
    password: str
    home: Path

    @property
    def maildir(self) -> Path:
        """The user's Maildir (INBOX at its top, folders as ``.Name``)."""
        return self.home / "Maildir"


def _vmail_ids() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", _USER],
            check=True,
        )
        entry = pwd.getpwnam(_USER)
    return entry.pw_uid, entry.pw_gid


class DovecotPeer:
    """Start with ``with DovecotPeer(directory, tls=…) as server:``; take users with `add_user`."""

    def __init__(self, directory: Path, *, tls: TlsFiles | None = None, password: str = "secret") -> None:
        self.host = "127.0.0.1"
        self.directory = directory
        self.tls = tls
        self.port = free_port()
        self.tls_port = free_port() if tls else None
        self.uid, self.gid = _vmail_ids()
        self._names = itertools.count(1)
        self._deliveries = itertools.count(1)
        self.password = password
        self._spare: list[MailUser] = []
        # A fresh base_dir each start: a stale anvil socket stalls logins for seconds.
        self.base_dir = directory / f"run-{os.getpid()}-{time.monotonic_ns()}"
        self.config = directory / "dovecot.conf"
        self.users_file = directory / "users"
        self.log = directory / "dovecot.log"

    def _write_config(self) -> None:
        for path in (self.base_dir, self.directory / "state", self.directory / "homes"):
            path.mkdir(parents=True, exist_ok=True)
        os.chown(self.directory / "homes", self.uid, self.gid)
        self.users_file.touch()
        self.users_file.chmod(0o644)
        ssl = (
            f"ssl = yes\nssl_cert = <{self.tls.cert}\nssl_key = <{self.tls.key}\n"
            if self.tls
            else "ssl = no\n"
        )
        imaps = f"port = {self.tls_port}" if self.tls_port else "port = 0"
        self.config.write_text(
            f"""\
listen = 127.0.0.1
base_dir = {self.base_dir}
state_dir = {self.directory / "state"}
log_path = {self.log}
info_log_path = {self.log}
protocols = imap
{ssl}disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login
first_valid_uid = {self.uid}
last_valid_uid = {self.uid}
passdb {{
  driver = passwd-file
  args = {self.users_file}
}}
userdb {{
  driver = passwd-file
  args = {self.users_file}
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    {imaps}
  }}
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
        )

    def start(self, timeout: float = 15.0) -> DovecotPeer:
        """Write the config, start the daemon and wait until it greets."""
        self._write_config()
        self._make_users(32)
        # The daemon keeps inherited descriptors open: never hand it a pipe to wait on.
        with (self.directory / "start.log").open("wb") as out:
            command = ["dovecot", "-c", str(self.config)]
            subprocess.run(command, check=True, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as conn:
                    if conn.recv(200).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                log = self.log.read_text() if self.log.exists() else ""
                raise RuntimeError(f"dovecot did not start within {timeout}s:\n{log}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the daemon by the pid it wrote, and wait for it to go."""
        pid_file = self.base_dir / "master.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().strip())
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def add_user(self) -> MailUser:
        """A user nobody has used yet, with an empty Maildir (INBOX only)."""
        if not self._spare:
            self._make_users(16)
            # Dovecot looks at the passwd-file at most once a second: wait until it has.
            time.sleep(1.1)
        return self._spare.pop(0)

    def _make_users(self, count: int) -> None:
        lines = []
        for _ in range(count):
            name = f"user{next(self._names)}"
            home = self.directory / "homes" / name
            home.mkdir(parents=True)
            mailbox.Maildir(home / "Maildir", create=True).close()
            self._own(home)
            lines.append(f"{name}:{{PLAIN}}{self.password}:{self.uid}:{self.gid}::{home}::\n")
            self._spare.append(MailUser(name=name, password=self.password, home=home))
        with self.users_file.open("a") as users:
            users.writelines(lines)

    def kick(self, user: MailUser) -> None:
        """Disconnect every session of `user`, as an administrator (or a restart) would."""
        command = ["doveadm", "-c", str(self.config), "kick", user.name]
        subprocess.run(command, check=True, capture_output=True)

    def logins(self, user: MailUser) -> int:
        """How many times `user` has logged in (from Dovecot's log)."""
        text = self.log.read_text() if self.log.exists() else ""
        return text.count(f"Login: user=<{user.name}>")

    def add_folder(self, user: MailUser, folder: str) -> None:
        """Create a folder in the user's Maildir (Maildir++ layout: ``.Name``)."""
        mailbox.Maildir(user.maildir, create=False).add_folder(folder)
        self._own(user.home)

    def deliver(self, user: MailUser, raw: bytes, *, folder: str | None = None) -> Path:
        """Drop a message into the user's Maildir as a local delivery agent would."""
        base = user.maildir if folder is None else user.maildir / f".{folder}"
        name = f"{time.time_ns()}.{os.getpid()}_{next(self._deliveries)}.automate-tests"
        tmp, new = base / "tmp" / name, base / "new" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.uid, self.gid)
        tmp.rename(new)
        return new

    def _own(self, root: Path) -> None:
        for path in [root, *root.rglob("*")]:
            os.chown(path, self.uid, self.gid)

    def __enter__(self) -> DovecotPeer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
