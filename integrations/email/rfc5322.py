"""Build and read RFC 5322 messages: shared by every adapter that stores or sends mail.

`compose_message` turns an `OutgoingMessage` into a real `EmailMessage`
(policy ``SMTP``: CRLF line ends, ready for the wire);
`compose_bytes` writes the same message straight to bytes (what SMTP sends,
or with Bcc the stored copy), building no `EmailMessage` unless there are
attachments. Every header passes `compose.header_line`, the one encoder that
refuses header injection however the value is spelled. The reading
helpers turn a parsed message into the family's result models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses
from html.parser import HTMLParser
from typing import Any

from automate.integrations.email.compose import COMPOSE_POLICY, header_line, text_content
from automate.integrations.email.models import (
    Attachment,
    MailMessage,
    MessageQuery,
    MessageSummary,
    OutgoingMessage,
    SentMessage,
)
from automate.integrations.errors import InvalidRequest

__all__ = [
    "body_text",
    "compose_bytes",
    "compose_message",
    "html_to_text",
    "matches",
    "newest_first",
    "parse_message",
    "read_message",
    "sent_record",
    "summarize",
]

_PARSER = BytesParser(policy=policy.default)


def compose_message(params: OutgoingMessage, message_id: str, now: datetime) -> EmailMessage:
    """A complete message for `params`, with Bcc kept as a header (strip it before SMTP)."""
    msg = EmailMessage(policy=COMPOSE_POLICY)
    try:
        for name, value in _header_fields(params, message_id, now):
            header_line(COMPOSE_POLICY, name, value)  # the checks every written header passes
            msg[name] = value
        msg.set_content(params.body)
        _attach(msg, params.attachments)
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(f"cannot build the message: {exc}") from exc
    return msg


def compose_bytes(
    params: OutgoingMessage,
    message_id: str,
    now: datetime,
    *,
    policy: EmailPolicy = COMPOSE_POLICY,
    bcc: bool = False,
) -> bytes:
    """The message for `params` as `compose_message` writes it, without Bcc unless `bcc`.

    SMTP sends it without Bcc (those recipients are in the envelope only); a
    stored copy keeps it as the record of who was sent the message.
    """
    fields = _header_fields(params, message_id, now)
    try:
        head = b"".join(header_line(policy, name, value) for name, value in fields if bcc or name != "Bcc")
        if not params.attachments:
            return head + text_content(policy, params.body)
        content = EmailMessage(policy=policy)
        content.set_content(params.body)
        _attach(content, params.attachments)
        # The content headers come after ours, as they do when set on a whole message.
        return head + content.as_bytes(policy=policy)
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(f"cannot build the message: {exc}") from exc


def _header_fields(params: OutgoingMessage, message_id: str, now: datetime) -> list[tuple[str, str]]:
    """The headers of the message for `params`, in order (`header_line` checks each)."""
    if params.sender is None:
        raise InvalidRequest("a sender (From) is required")
    try:
        headers = [
            ("From", params.sender.formatted()),
            ("To", ", ".join(a.formatted() for a in params.to)),
            ("Cc", ", ".join(a.formatted() for a in params.cc)),
            ("Bcc", ", ".join(a.formatted() for a in params.bcc)),
            ("Subject", params.subject),
            ("Date", format_datetime(now.astimezone(UTC))),
            ("Message-ID", message_id),
            ("In-Reply-To", params.in_reply_to or ""),
            ("References", params.in_reply_to or ""),
        ]
    except (ValueError, TypeError) as exc:  # an address built without validation
        raise InvalidRequest(f"cannot build the message: {exc}") from exc
    return [(name, value) for name, value in headers if value or name == "Subject"]


def _attach(msg: EmailMessage, attachments: list[Attachment]) -> None:
    """Add `attachments` as MIME parts, each name checked as a header value is."""
    for attachment in attachments:
        header_line(COMPOSE_POLICY, "X-Attachment-Name", attachment.filename)
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)


def parse_message(data: bytes, *, headers_only: bool = False) -> EmailMessage:
    """Parse raw bytes into an `EmailMessage` (modern policy)."""
    parsed = _PARSER.parsebytes(data, headersonly=headers_only)
    assert isinstance(parsed, EmailMessage)  # guaranteed by policy.default
    return parsed


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header must not hide the message
        return ""
    return "" if value is None else str(value).strip()


def _addresses(msg: EmailMessage, name: str) -> list[str]:
    try:
        header: Any = msg.get(name)
        if header is None:
            return []
        return [str(address) for address in header.addresses]
    except (AttributeError, ValueError, IndexError, TypeError):
        text = _header(msg, name)
        return [part.strip() for part in text.split(",") if part.strip()]


def _date(msg: EmailMessage, fallback: datetime) -> datetime:
    try:
        header: Any = msg.get("Date")
        moment = header.datetime if header is not None else None
    except (AttributeError, ValueError, IndexError, TypeError):
        moment = None
    if not isinstance(moment, datetime):
        return fallback
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def summarize(
    msg: EmailMessage, *, id: str, folder: str, unread: bool, fallback_date: datetime
) -> MessageSummary:
    """What a listing shows of `msg`."""
    return MessageSummary(
        id=id,
        folder=folder,
        message_id=_header(msg, "Message-ID") or None,
        sender=_header(msg, "From"),
        to=_addresses(msg, "To"),
        subject=_header(msg, "Subject"),
        date=_date(msg, fallback_date),
        unread=unread,
    )


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML document."""

    _SKIP = frozenset({"script", "style", "head", "title"})
    _BREAK = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body, tags and scripts removed."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).splitlines())
    return "\n".join(line for line in lines if line)


def body_text(msg: EmailMessage) -> str:
    """The text body: the text/plain part, else the text/html part stripped of tags."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = str(content)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def read_message(summary: MessageSummary, msg: EmailMessage) -> MailMessage:
    """The whole message: the summary plus Cc, text body and attachment names."""
    names = [part.get_filename() or "unnamed" for part in msg.iter_attachments()]
    return MailMessage(
        **summary.model_dump(),
        cc=_addresses(msg, "Cc"),
        body=body_text(msg),
        attachments=names,
    )


def sent_record(msg: EmailMessage, *, sent_at: datetime, location: str | None) -> SentMessage:
    """What `send_message` returns for a message built by `compose_message`."""
    fields = [_header(msg, name) for name in ("To", "Cc", "Bcc")]
    recipients = [address for _, address in getaddresses([f for f in fields if f]) if address]
    return SentMessage(
        message_id=_header(msg, "Message-ID"),
        recipients=recipients,
        subject=_header(msg, "Subject"),
        sent_at=_date(msg, sent_at),
        location=location,
    )


def matches(query: MessageQuery, summary: MessageSummary, body: Callable[[], str]) -> bool:
    """Whether a message meets every criterion of `query` (`body` is read only if needed)."""
    if query.unread_only and not summary.unread:
        return False
    if query.sender and query.sender.lower() not in summary.sender.lower():
        return False
    if query.subject and query.subject.lower() not in summary.subject.lower():
        return False
    if summary.date is not None:
        if query.since and summary.date < query.since:
            return False
        if query.before and summary.date >= query.before:
            return False
    if query.text:
        needle = query.text.lower()
        return needle in summary.subject.lower() or needle in body().lower()
    return True


def newest_first(summaries: Iterable[MessageSummary], limit: int) -> list[MessageSummary]:
    """The `limit` most recent summaries, newest first."""
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(summaries, key=lambda s: s.date or oldest, reverse=True)[:limit]
