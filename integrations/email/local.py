"""The embedded mailbox: one Maildir per folder under the data directory.

``mail/sent/`` holds every message sent, ``mail/inbox/`` whatever is delivered
there; any other sub-directory with ``cur/ new/ tmp/`` is a folder too. Any
mail client that reads Maildir (mutt, Thunderbird, Dovecot) can open them.

A sent message is stored as ``sent/cur/<digest>:2,S`` where ``<digest>`` is a
hash of its Message-ID, itself derived from the idempotency key: a retried send
finds its own file by name (a few ``stat`` calls, whatever the folder's size)
and writes nothing twice. The stored copy keeps its Bcc header, as a record of
who was sent the message.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import mailbox
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import TypeVar

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.email.base import MailReader, MailSender, MessageIdConfig, NoParams
from automate.integrations.email.compose import COMPOSE_POLICY
from automate.integrations.email.models import (
    FolderList,
    MailMessage,
    MessageList,
    MessageQuery,
    MessageRef,
    MessageSummary,
    OutgoingMessage,
    SentMessage,
)
from automate.integrations.email.rfc5322 import (
    body_text,
    compose_bytes,
    matches,
    newest_first,
    parse_message,
    read_message,
    sent_record,
    summarize,
)
from automate.integrations.errors import InvalidRequest, NotFound, PermanentError, TransientError
from automate.integrations.files import FILE_MODE, private_dir, remove_stale
from automate.integrations.ids import message_id
from automate.integrations.sqlite_store import resolve_path

__all__ = ["INBOX", "SENT", "LocalMailAdapter", "LocalMailConfig", "folder_key"]

T = TypeVar("T")
SENT, INBOX = "sent", "inbox"
# Maildir flags, in the ASCII order the spec requires in file names.
_FLAGS = "DFPRST"
_FLAG_SETS = ["".join(c) for n in range(len(_FLAGS) + 1) for c in itertools.combinations(_FLAGS, n)]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.+-]{0,99}$")
STALE_TMP_SECONDS = 36 * 3600  # the Maildir convention: older tmp/ files are abandoned
_STORED = COMPOSE_POLICY.clone(linesep="\n")  # Maildir files use Unix line ends


class LocalMailConfig(MessageIdConfig):
    """Where the mailbox lives, and the domain of the Message-IDs it makes."""

    maildir: Path = Path("mail")


def folder_key(message_id_: str) -> str:
    """The Maildir unique name of a stored sent message: a digest of its Message-ID."""
    return hashlib.sha256(message_id_.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Entry:
    """One message file: its key, flags, and path."""

    key: str
    flags: str
    path: Path

    @classmethod
    def of(cls, path: Path) -> _Entry:
        key, _, info = path.name.partition(":")
        return cls(key, info[2:] if info.startswith("2,") else "", path)

    @property
    def unread(self) -> bool:
        return "S" not in self.flags

    def modified(self) -> datetime:
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)


def _valid_key(key: str) -> bool:
    return bool(key) and not key.startswith(".") and not any(ch in key for ch in "/\\:\x00")


def _locate(folder: Path, key: str, *, exhaustive: bool = True) -> _Entry | None:
    """The file of message `key`: probe the names it can have, then (if asked) scan."""
    if not _valid_key(key):
        return None
    candidates = [folder / "new" / key, folder / "cur" / key]
    candidates += [folder / "cur" / f"{key}:2,{flags}" for flags in _FLAG_SETS]
    for path in candidates:
        if path.is_file():
            return _Entry.of(path)
    if exhaustive:  # unusual flags (lowercase, experimental) set by another client
        for entry in _entries(folder):
            if entry.key == key:
                return entry
    return None


def _entries(folder: Path) -> Iterator[_Entry]:
    for sub in ("new", "cur"):
        with os.scandir(folder / sub) as listing:
            for item in listing:
                if not item.name.startswith(".") and item.is_file():
                    yield _Entry.of(Path(item.path))


def _body_of(data: bytes) -> str:
    return body_text(parse_message(data))


def _make_maildir(path: Path) -> None:
    # mkdir(exist_ok) rather than mailbox.Maildir(create=True): concurrent calls race there.
    for sub in ("tmp", "new", "cur"):
        private_dir(path / sub)


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


class LocalMailAdapter(MailSender[LocalMailConfig], MailReader[LocalMailConfig]):
    """Mail in local Maildir folders: sending files the message in ``sent/``."""

    name = "local_mail"
    config_model = LocalMailConfig

    def __init__(self, config: LocalMailConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self.root = resolve_path(config.maildir, env.data_dir)
        self._swept = False

    async def _io(self, work: Callable[..., T], *args: object) -> T:
        """Run blocking file work in a thread; translate OS errors once, here."""
        try:
            return await asyncio.to_thread(work, *args)
        except PermissionError as exc:
            raise PermanentError(f"{self.root}: {exc}") from exc
        except OSError as exc:
            # A file moved by another client mid-read, a full disk: may pass.
            raise TransientError(f"{self.root}: {exc}") from exc

    # -- folders ---------------------------------------------------------

    def _ensure(self) -> None:
        for name in (INBOX, SENT):
            if not _is_maildir(self.root / name):
                _make_maildir(self.root / name)
        if not self._swept:  # on first use: what a killed writer left in tmp/ is never linked
            for tmp in self.root.glob("*/tmp"):
                remove_stale(tmp, older_than=STALE_TMP_SECONDS, now=time.time())
            self._swept = True

    def _folder(self, name: str) -> tuple[str, Path]:
        """The on-disk name and path of folder `name` (any case)."""
        self._ensure()
        if not _NAME.match(name):
            raise InvalidRequest(f"not a folder name: {name!r}")
        wanted = name.lower()
        for path in self.root.iterdir():
            if path.name.lower() == wanted and _is_maildir(path):
                return path.name, path
        raise NotFound(f"no mail folder {name!r} in {self.root}")

    def _folders(self) -> list[str]:
        self._ensure()
        return sorted(p.name for p in self.root.iterdir() if _is_maildir(p))

    # -- sending ---------------------------------------------------------

    def _send(self, params: OutgoingMessage, key: str | None) -> SentMessage:
        mid = message_id(key, self.config.domain)
        _, sent = self._folder(SENT)
        unique = folder_key(mid)
        existing = _locate(sent, unique, exhaustive=False)
        if existing is not None:
            return self._record(existing)
        now = datetime.now(UTC)
        data = compose_bytes(params, mid, now, policy=_STORED, bcc=True)
        tmp = sent / "tmp" / f"{unique}.{os.getpid()}.{secrets.token_hex(4)}"
        final = sent / "cur" / f"{unique}:2,S"
        try:
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            # link() refuses to overwrite: two racing retries store one file.
            with contextlib.suppress(FileExistsError):
                os.link(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return self._record(_Entry.of(final))

    def _record(self, entry: _Entry) -> SentMessage:
        msg = parse_message(entry.path.read_bytes(), headers_only=True)
        return sent_record(msg, sent_at=entry.modified(), location=str(entry.path))

    async def send_message(self, params: OutgoingMessage, ctx: CallContext) -> SentMessage:
        """File the message in ``sent/`` under a Message-ID derived from the key."""
        return await self._io(self._send, params, ctx.idempotency_key)

    # -- reading ---------------------------------------------------------

    def _summary(self, folder: str, entry: _Entry, msg: EmailMessage) -> MessageSummary:
        return summarize(
            msg, id=entry.key, folder=folder, unread=entry.unread, fallback_date=entry.modified()
        )

    def _search(self, query: MessageQuery) -> list[MessageSummary]:
        name, folder = self._folder(query.folder)
        found: list[MessageSummary] = []
        for entry in _entries(folder):
            try:
                data = entry.path.read_bytes()
                summary = self._summary(name, entry, parse_message(data, headers_only=True))
            except FileNotFoundError:  # moved (flagged, deleted) by another client meanwhile
                continue
            if matches(query, summary, partial(_body_of, data)):
                found.append(summary)
        return newest_first(found, query.limit)

    def _find(self, ref: MessageRef) -> tuple[str, _Entry]:
        name, folder = self._folder(ref.folder)
        entry = _locate(folder, ref.id)
        if entry is None:
            raise NotFound(f"no message {ref.id!r} in folder {name!r}")
        return name, entry

    def _get(self, ref: MessageRef) -> MailMessage:
        name, entry = self._find(ref)
        msg = parse_message(entry.path.read_bytes())
        return read_message(self._summary(name, entry, msg), msg)

    def _mark_read(self, ref: MessageRef) -> MessageSummary:
        name, entry = self._find(ref)
        flags = "".join(sorted(set(entry.flags) | {"S"}))
        target = entry.path.parent.parent / "cur" / f"{entry.key}:2,{flags}"
        if target != entry.path:
            os.rename(entry.path, target)
        moved = _Entry.of(target)
        return self._summary(name, moved, parse_message(target.read_bytes(), headers_only=True))

    async def search_messages(self, params: MessageQuery, ctx: CallContext) -> MessageList:
        """Messages in one folder matching every criterion, newest first."""
        return MessageList(messages=await self._io(self._search, params))

    async def get_message(self, params: MessageRef, ctx: CallContext) -> MailMessage:
        """One whole message by its Maildir key; `NotFound` if it is not there."""
        return await self._io(self._get, params)

    async def mark_read(self, params: MessageRef, ctx: CallContext) -> MessageSummary:
        """Set the seen flag (``S``), moving the file from ``new/`` to ``cur/``."""
        return await self._io(self._mark_read, params)

    async def list_folders(self, params: NoParams, ctx: CallContext) -> FolderList:
        """The Maildir folders under the mailbox root."""
        return FolderList(folders=await self._io(self._folders))

    # -- for people and tests --------------------------------------------

    def _deliver(self, data: bytes, folder: str) -> str:
        if not _NAME.match(folder):
            raise InvalidRequest(f"not a folder name: {folder!r}")
        self._ensure()
        try:
            _, path = self._folder(folder)
        except NotFound:
            path = self.root / folder.lower()
            _make_maildir(path)
        key = mailbox.Maildir(path, create=False).add(data)
        os.chmod(path / "new" / key, FILE_MODE)  # mailbox creates files 0666 less the umask
        return str(key)

    async def deliver(self, message: EmailMessage | bytes, folder: str = INBOX) -> str:
        """Put an incoming message in `folder` (created if missing), unread; return its key."""
        data = message if isinstance(message, bytes) else message.as_bytes(policy=_STORED)
        return await self._io(self._deliver, data, folder)

    async def check(self) -> CheckResult:
        """Make sure the Maildir folders exist and say where they are."""
        try:
            folders = await self._io(self._folders)
        except (TransientError, PermanentError) as exc:
            return self.report(False, f"cannot use {self.root}: {exc}")
        return self.report(True, f"{self.root} ({', '.join(folders)})")
