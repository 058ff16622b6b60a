"""Read the files a message carries, under the person's rules.

A caller the person does not type to directly (an MCP client, a LangChain
agent, the HTTP API, a workflow step) may attach only files inside the
folders listed in ``mail.attachment_dirs`` (settings.yaml; none by default),
else a tool could mail out ``/etc/passwd`` or ``~/.ssh/id_ed25519``. A path
is resolved fully (``..`` and every symbolic link) before it is compared, so
a link inside an allowed folder that points out of it is refused; the file is
then opened without following a link in its last step, so a link swapped in
after the check fails too. Files the person named themselves (on the command
line) are read wherever they are.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import stat
from collections.abc import Collection, Sequence
from pathlib import Path

from pydantic import ValidationError

from automate.integrations.email.models import MAX_ATTACHMENT_BYTES, Attachment
from automate.integrations.errors import InvalidRequest

__all__ = ["read_attachments"]

_SETTING = "mail.attachment_dirs in settings.yaml"


def read_attachments(
    paths: Sequence[Path], *, allowed: Sequence[Path], named: Collection[Path] = ()
) -> list[Attachment]:
    """The files at `paths` as attachments: each named by the person or inside an `allowed` folder.

    Blocking (it reads files): run it in a worker thread. Raises `InvalidRequest`
    for a refused, missing or unreadable file, or one past the size budget.
    """
    chosen = {Path(os.path.abspath(p)) for p in named}
    budget = MAX_ATTACHMENT_BYTES
    found: list[Attachment] = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        if absolute in chosen:
            attachment = _read(path, absolute, budget, follow=True)
        else:
            attachment = _read(path, _inside(path, absolute, allowed), budget, follow=False)
        budget -= len(attachment.data)
        found.append(attachment)
    return found


def _inside(path: Path, absolute: Path, allowed: Sequence[Path]) -> Path:
    """The real path of `absolute` if it lies in an allowed folder (links resolved on both sides)."""
    if not allowed:
        raise InvalidRequest(f"cannot attach {path}: no folder is allowed for attachments ({_SETTING})")
    real = Path(os.path.realpath(absolute))
    for folder in allowed:
        if real.is_relative_to(os.path.realpath(folder.expanduser())):
            return real
    raise InvalidRequest(f"cannot attach {path}: it is not inside a folder listed in {_SETTING}")


def _read(path: Path, real: Path, budget: int, *, follow: bool) -> Attachment:
    """One regular file as an attachment; never waits on a FIFO or a device."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        with open(os.open(real, flags), "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
                raise InvalidRequest(f"cannot attach {path}: it is {kind}")
            data = handle.read(budget + 1)
    except FileNotFoundError as exc:
        raise InvalidRequest(f"attachment not found: {path}") from exc
    except IsADirectoryError as exc:
        raise InvalidRequest(f"cannot attach {path}: it is a directory") from exc
    except PermissionError as exc:
        raise InvalidRequest(f"attachment cannot be read: {path}") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidRequest(f"cannot attach {path}: it became a symbolic link") from exc
        raise InvalidRequest(f"attachment cannot be read: {path} ({exc.strerror})") from exc
    if len(data) > budget:
        raise InvalidRequest(f"attachments exceed {MAX_ATTACHMENT_BYTES} bytes at {path.name}")
    guessed, encoding = mimetypes.guess_type(path.name)
    # A compressed file (.tar.gz) travels as opaque bytes, not as its inner type.
    kind = guessed if guessed is not None and encoding is None else "application/octet-stream"
    try:
        return Attachment(filename=path.name, content_type=kind, data=data)
    except ValidationError as exc:
        raise InvalidRequest(f"cannot attach {path}: {exc.errors()[0]['msg']}") from None
