"""Read a mailbox over IMAP (aioimaplib): search, fetch, mark read, list folders.

One logged-in connection per adapter, used by one call at a time, kept open
between calls and replaced when the server dropped it (every operation here
is idempotent, so one transparent retry on a fresh connection is safe). A
message's id is its IMAP UID in its folder.

Searching asks the server to narrow the candidates (FROM, SUBJECT, TEXT,
UNSEEN, and a date window a day wider than asked, since IMAP compares dates
without times), then applies the very same filter as the local mailbox to the
fetched headers, so both adapters answer a query alike. Only the newest
`_MAX_CANDIDATES` (or five times the limit) candidates by arrival are read.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import Field

from automate.integrations.adapter import AdapterEnv, CallContext, CheckResult
from automate.integrations.email.base import MailReader, NoParams
from automate.integrations.email.models import (
    FolderList,
    MailMessage,
    MessageList,
    MessageQuery,
    MessageRef,
    MessageSummary,
)
from automate.integrations.email.rfc5322 import (
    body_text,
    matches,
    newest_first,
    parse_message,
    read_message,
    summarize,
)
from automate.integrations.email.server import MailServerConfig, Security, certificate_failure
from automate.integrations.errors import (
    AuthError,
    IntegrationError,
    InvalidRequest,
    NotFound,
    PermanentError,
    TransientError,
)

if TYPE_CHECKING:
    from aioimaplib import IMAP4, Response

__all__ = ["ImapAdapter", "ImapConfig", "decode_folder", "encode_folder"]

T = TypeVar("T")
_MAX_CANDIDATES = 500
_HEADERS = "BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID)]"
_FETCH_START = re.compile(rb"^\d+ FETCH \(")
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) (?P<name>.+)$')
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Tagged NO codes that mean "try again later" rather than "never".
_TRANSIENT_CODES = (b"[UNAVAILABLE]", b"[INUSE]", b"[LIMIT]", b"[SERVERBUG]")


class ImapConfig(MailServerConfig):
    """An IMAP server and the account to read."""

    default_ports: ClassVar[dict[str, int]] = {"tls": 993, "starttls": 143, "none": 143}

    security: Security = "tls"
    command_timeout: float = Field(30.0, gt=0, le=600, description="seconds for one IMAP command")


# -- folder names: IMAP's modified UTF-7 (RFC 3501 section 5.1.3) ------------


def encode_folder(name: str) -> str:
    """A folder name as IMAP spells it (non-ASCII runs in modified base64)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def decode_folder(name: str) -> str:
    """A folder name as people read it."""

    def decode(match: re.Match[str]) -> str:
        body = match.group(1)
        if not body:
            return "&"
        padded = body.replace(",", "/") + "=" * (-len(body) % 4)
        return base64.b64decode(padded).decode("utf-16-be")

    return re.sub(r"&([A-Za-z0-9+,]*)-", decode, name)


def _quoted(value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise InvalidRequest("search terms and folder names must not contain line breaks")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _imap_date(moment: datetime) -> str:
    return f"{moment.day:02d}-{_MONTHS[moment.month - 1]}-{moment.year}"


# -- responses ------------------------------------------------------------------


@dataclass
class _Fetched:
    """One message of a FETCH response: its UID, flags, arrival time and literal."""

    meta: bytes = b""
    literal: bytes | None = None
    uid: str = ""
    flags: set[str] = field(default_factory=set)
    arrived: datetime | None = None

    def finish(self) -> _Fetched:
        text = self.meta.decode("ascii", "replace")
        if found := re.search(r"\bUID (\d+)", text):
            self.uid = found.group(1)
        if found := re.search(r"\bFLAGS \(([^)]*)\)", text):
            self.flags = set(found.group(1).split())
        if found := re.search(r'\bINTERNALDATE "([^"]+)"', text):
            try:
                self.arrived = datetime.strptime(found.group(1), "%d-%b-%Y %H:%M:%S %z")
            except ValueError:
                self.arrived = None
        return self

    @property
    def unread(self) -> bool:
        return "\\Seen" not in self.flags


def _fetched(response: Response) -> list[_Fetched]:
    """Split a FETCH response into messages (unsolicited flag updates without a literal drop out)."""
    found: list[_Fetched] = []
    current: _Fetched | None = None
    for line in response.lines[:-1]:  # the last line is the tagged completion text
        if isinstance(line, bytearray):
            if current is not None:
                current.literal = bytes(line)
        elif _FETCH_START.match(line):
            current = _Fetched(meta=bytes(line))
            found.append(current)
        elif current is not None:
            current.meta += b" " + bytes(line)
    return [item.finish() for item in found if item.literal is not None]


def _search_uids(response: Response) -> list[int]:
    uids: list[int] = []
    for line in response.lines[:-1]:
        text = bytes(line).decode("ascii", "replace")
        uids.extend(int(token) for token in text.split() if token.isdigit())
    return uids


def _body(item: _Fetched) -> str:
    return body_text(parse_message(item.literal or b""))


def _text(response: Response) -> str:
    return " ".join(bytes(line).decode("utf-8", "replace") for line in response.lines)


class _Refused(Exception):
    """The server answered NO or BAD to a command."""

    def __init__(self, command: str, response: Response) -> None:
        self.command, self.result, self.detail = command, response.result, _text(response)
        self.transient = any(code in bytes(line) for line in response.lines for code in _TRANSIENT_CODES)
        super().__init__(f"{command}: {response.result} {self.detail}")


def _ok(command: str, response: Response) -> Response:
    if response.result != "OK":
        raise _Refused(command, response)
    return response


class ImapAdapter(MailReader[ImapConfig]):
    """A mailbox on an IMAP server; message ids are UIDs."""

    name = "imap"
    config_model = ImapConfig

    def __init__(self, config: ImapConfig, env: AdapterEnv) -> None:
        super().__init__(config, env)
        self._client: IMAP4 | None = None
        self._lost: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self._selected: str | None = None

    # -- operations ------------------------------------------------------

    async def search_messages(self, params: MessageQuery, ctx: CallContext) -> MessageList:
        """Messages in one folder matching every criterion, newest first."""

        async def search(client: IMAP4) -> MessageList:
            await self._select(client, params.folder, fresh=True)
            criteria, local = self._criteria(params)
            uids = _search_uids(_ok("SEARCH", await client.uid_search(*criteria, charset=None)))
            window = sorted(uids, reverse=True)[: max(_MAX_CANDIDATES, params.limit * 5)]
            if not window:
                return MessageList()
            # Words the server could not search for are looked for in the bodies here.
            part = "BODY.PEEK[]" if local.text else _HEADERS
            items = await self._fetch(client, ",".join(map(str, window)), part)
            found: list[MessageSummary] = []
            for item in items:
                summary = self._summary(params.folder, item)
                if matches(local, summary, partial(_body, item)):
                    found.append(summary)
            return MessageList(messages=newest_first(found, params.limit))

        return await self._run("search_messages", search)

    async def get_message(self, params: MessageRef, ctx: CallContext) -> MailMessage:
        """One whole message by UID; `NotFound` if the folder has no such UID."""

        async def get(client: IMAP4) -> MailMessage:
            item = await self._one(client, params, "BODY.PEEK[]")
            assert item.literal is not None
            msg = parse_message(item.literal)
            return read_message(self._summary(params.folder, item), msg)

        return await self._run("get_message", get)

    async def mark_read(self, params: MessageRef, ctx: CallContext) -> MessageSummary:
        """Set the \\Seen flag."""

        async def mark(client: IMAP4) -> MessageSummary:
            await self._one(client, params, "UID")  # NotFound before changing anything
            _ok("STORE", await client.uid("store", params.id, "+FLAGS.SILENT (\\Seen)"))
            return self._summary(params.folder, await self._one(client, params, _HEADERS))

        return await self._run("mark_read", mark)

    async def list_folders(self, params: NoParams, ctx: CallContext) -> FolderList:
        """Every selectable folder, by the names people read."""

        async def folders(client: IMAP4) -> FolderList:
            response = _ok("LIST", await client.list('""', '"*"'))
            names: list[str] = []
            for line in response.lines[:-1]:
                if isinstance(line, bytearray):  # a literal name follows its LIST line
                    names[-1:] = [bytes(line).decode("utf-8", "replace")] if names else []
                    continue
                parsed = _LIST_LINE.match(bytes(line))
                if parsed is None or b"\\noselect" in parsed.group("flags").lower():
                    continue
                raw = parsed.group("name").decode("utf-8", "replace")
                if raw.startswith('"') and raw.endswith('"'):
                    raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
                names.append(raw)
            return FolderList(folders=sorted(decode_folder(n) for n in names))

        return await self._run("list_folders", folders)

    # -- helpers -----------------------------------------------------------

    def _criteria(self, query: MessageQuery) -> tuple[list[str], MessageQuery]:
        """Server-side criteria, and the query still to apply to what comes back."""
        criteria: list[str] = []
        handled: dict[str, Any] = {}
        for name, key in (("sender", "FROM"), ("subject", "SUBJECT"), ("text", "TEXT")):
            value = getattr(query, name)
            if value and value.isascii():
                criteria += [key, _quoted(value)]
                if name == "text":
                    handled["text"] = None  # the server searched the body; trust it
        if query.since is not None:
            criteria += ["SENTSINCE", _imap_date(query.since.astimezone(UTC) - timedelta(days=1))]
        if query.before is not None:
            criteria += ["SENTBEFORE", _imap_date(query.before.astimezone(UTC) + timedelta(days=2))]
        if query.unread_only:
            criteria.append("UNSEEN")
        return criteria or ["ALL"], query.model_copy(update=handled)

    def _summary(self, folder: str, item: _Fetched) -> MessageSummary:
        assert item.literal is not None
        msg = parse_message(item.literal, headers_only=True)
        arrived = item.arrived or datetime.now(UTC)
        return summarize(msg, id=item.uid, folder=folder, unread=item.unread, fallback_date=arrived)

    async def _one(self, client: IMAP4, ref: MessageRef, part: str) -> _Fetched:
        await self._select(client, ref.folder)
        if not ref.id.isdigit() or not 0 < int(ref.id) < 2**32:  # UIDs are non-zero 32-bit numbers
            raise NotFound(f"no message {ref.id!r} in folder {ref.folder!r} (ids are IMAP UIDs)")
        items = [i for i in await self._fetch(client, ref.id, part) if i.uid == ref.id]
        if not items:  # perhaps it arrived after the folder was selected: look again
            await self._select(client, ref.folder, fresh=True)
            items = [i for i in await self._fetch(client, ref.id, part) if i.uid == ref.id]
        if not items:
            raise NotFound(f"no message {ref.id!r} in folder {ref.folder!r}")
        return items[0]

    async def _fetch(self, client: IMAP4, uids: str, part: str) -> list[_Fetched]:
        items = "(UID FLAGS INTERNALDATE)" if part == "UID" else f"(UID FLAGS INTERNALDATE {part})"
        response = _ok("FETCH", await client.uid("fetch", uids, items))
        if part == "UID":  # no literal asked for: keep the flag lines as they are
            lines = [bytes(line) for line in response.lines[:-1] if _FETCH_START.match(bytes(line))]
            return [_Fetched(meta=line, literal=b"").finish() for line in lines]
        return _fetched(response)

    async def _select(self, client: IMAP4, folder: str, *, fresh: bool = False) -> None:
        """Select `folder`; `fresh` selects again so that mail delivered since is seen."""
        if self._selected == folder and not fresh:
            return
        response = await client.select(_quoted(encode_folder(folder)))
        if response.result != "OK":
            self._selected = None
            raise NotFound(f"no mail folder {folder!r} ({_text(response)})")
        self._selected = folder

    # -- the connection -------------------------------------------------

    async def _run(self, operation: str, work: Callable[[IMAP4], Awaitable[T]]) -> T:
        """Run `work` on the logged-in connection, one call at a time; translate errors once."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            for attempt in (1, 2):
                reused = self._usable()
                try:
                    client = await self._connected()
                    return await self._unless_lost(work(client))
                except IntegrationError as exc:
                    exc.at(self.env.service, operation)
                    raise
                except Exception as exc:
                    self._drop()
                    translated = self._translate(exc)
                    if translated is None:
                        raise
                    if attempt == 1 and reused and isinstance(translated, TransientError):
                        continue  # the kept connection had died: try once on a fresh one
                    raise translated.at(self.env.service, operation) from exc
                except BaseException:  # cancelled mid-command: the connection's state is unknown
                    self._drop()
                    raise
        raise AssertionError("unreachable")

    def _usable(self) -> bool:
        return self._client is not None and self._lost is not None and not self._lost.is_set()

    async def _unless_lost(self, work: Awaitable[T]) -> T:
        """Await `work`, but give up as soon as the connection drops.

        aioimaplib leaves a command waiting for its timeout when the server hangs up
        (a kicked session, a restart); this notices the hang-up at once instead.
        """
        assert self._lost is not None
        task = asyncio.ensure_future(work)
        lost = asyncio.ensure_future(self._lost.wait())
        try:
            await asyncio.wait({task, lost}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if task.cancelled():
            raise ConnectionResetError("the IMAP server closed the connection")
        return task.result()

    async def _connected(self) -> IMAP4:
        if self._usable():
            assert self._client is not None
            return self._client
        self._drop()
        import aioimaplib

        config = self.config
        context = None if config.security == "none" else config.tls_context(self.env.data_dir)
        lost = asyncio.Event()  # this connection's own: a late notice about an old one is harmless
        client = aioimaplib.IMAP4(
            host=config.host,
            port=config.effective_port,
            timeout=config.command_timeout,
            conn_lost_cb=lambda _exc: lost.set(),
            ssl_context=context if config.security == "tls" else None,
        )
        self._client, self._lost, self._selected = client, lost, None
        try:
            await asyncio.wait_for(client.wait_hello_from_server(), config.connect_timeout)
            if config.security == "starttls":
                assert context is not None
                await self._starttls(client, context)
            if config.username is not None:
                config.refuse_plaintext_auth(client.protocol.transport)
                await self._login(client, config.username, config.secret(self.env) or "")
        except BaseException:
            self._drop()  # never keep a connection that is not logged in
            raise
        return client

    async def _login(self, client: IMAP4, username: str, password: str) -> None:
        response = await client.login(username, password)
        if response.result != "OK":
            detail = _text(response)
            if any(code in detail.encode() for code in _TRANSIENT_CODES):
                raise TransientError(f"the IMAP server cannot log in now ({detail})")
            raise AuthError(f"the IMAP server refused the login of {username!r} ({detail})")

    async def _starttls(self, client: IMAP4, context: Any) -> None:
        """Upgrade the connection (aioimaplib has no STARTTLS helper; its protocol does the talking)."""
        from aioimaplib import Command

        protocol = client.protocol
        if "STARTTLS" not in protocol.capabilities:
            raise PermanentError(f"{self.config.host} does not offer STARTTLS")
        command = Command("STARTTLS", protocol.new_tag(), loop=asyncio.get_running_loop())
        _ok("STARTTLS", await asyncio.wait_for(protocol.execute(command), self.config.command_timeout))
        loop = asyncio.get_running_loop()
        protocol.transport = await loop.start_tls(
            protocol.transport, protocol, context, server_hostname=self.config.host
        )
        await protocol.capability()  # capabilities said before TLS must not be trusted

    def _drop(self) -> None:
        client, self._client, self._lost, self._selected = self._client, None, None, None
        if client is not None and client.protocol is not None and client.protocol.transport is not None:
            client.protocol.transport.abort()  # at once, even under TLS

    def _translate(self, exc: BaseException) -> IntegrationError | None:
        import aioimaplib

        if isinstance(exc, _Refused):
            if exc.transient:
                return TransientError(f"the IMAP server is busy ({exc})")
            if exc.result == "BAD":
                return InvalidRequest(f"the IMAP server rejected the command ({exc})")
            return PermanentError(f"the IMAP server refused ({exc})")
        failure = certificate_failure(exc)
        if failure is not None:
            return PermanentError(f"the IMAP server's certificate is not trusted ({failure.verify_message})")
        if isinstance(exc, aioimaplib.AioImapException | OSError | TimeoutError):
            kind = type(exc).__name__
            return TransientError(f"cannot talk to the IMAP server ({kind}: {exc})")
        return None

    # -- lifecycle -------------------------------------------------------

    async def check(self) -> CheckResult:
        """Log in and select INBOX; say how many messages it holds."""

        async def probe(client: IMAP4) -> str:
            self._selected = None
            response = _ok("SELECT", await client.select("INBOX"))
            exists = next((bytes(line).split()[0] for line in response.lines if b"EXISTS" in line), b"?")
            self._selected = "INBOX"
            return exists.decode()

        where = f"{self.config.host}:{self.config.effective_port} ({self.config.security})"
        try:
            count = await self._run("check", probe)
        except IntegrationError as exc:
            return self.report(False, f"{where}: {exc}")
        return self.report(True, f"{where}, INBOX has {count} messages")

    async def aclose(self) -> None:
        """Log out and close the connection."""
        client = self._client
        if client is not None and self._usable():
            with contextlib.suppress(Exception):  # closing anyway
                await asyncio.wait_for(client.logout(), 2)
        self._drop()
