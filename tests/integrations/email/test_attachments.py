"""Reading attachments: only from allowed folders (links resolved), or files the person named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from automate.integrations.email.attachments import read_attachments
from automate.integrations.email.models import MAX_ATTACHMENT_BYTES
from automate.integrations.errors import InvalidRequest


@pytest.fixture
def allowed(tmp_path: Path) -> Path:
    """An allowed folder holding a PDF, next to a private file outside it."""
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "agenda.pdf").write_bytes(b"%PDF-1.4 agenda")
    (tmp_path / "id_ed25519").write_bytes(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    return folder


class TestReadAttachments:
    """`read_attachments` holds tool and API callers to the allowed folders."""

    def test_nothing_is_allowed_by_default(self, allowed: Path) -> None:
        """With no folder allowed, even a harmless file is refused, naming the setting."""
        with pytest.raises(InvalidRequest, match=r"no folder is allowed.*mail\.attachment_dirs"):
            read_attachments([allowed / "agenda.pdf"], allowed=())

    def test_a_file_in_an_allowed_folder_is_read_with_its_type(self, allowed: Path) -> None:
        """A file inside an allowed folder becomes an attachment of the type its name says."""
        (allowed / "notes.unknownext").write_bytes(b"\x00\x01")
        (allowed / "logs.tar.gz").write_bytes(b"\x1f\x8b")
        paths = [allowed / "agenda.pdf", allowed / "notes.unknownext", allowed / "logs.tar.gz"]
        found = read_attachments(paths, allowed=[allowed])
        assert [(a.filename, a.content_type, a.data) for a in found] == [
            ("agenda.pdf", "application/pdf", b"%PDF-1.4 agenda"),
            ("notes.unknownext", "application/octet-stream", b"\x00\x01"),
            ("logs.tar.gz", "application/octet-stream", b"\x1f\x8b"),
        ]

    def test_system_files_are_refused(self, allowed: Path) -> None:
        """/etc/passwd is outside every allowed folder, so it is refused."""
        with pytest.raises(InvalidRequest, match=r"/etc/passwd: it is not inside a folder listed in mail"):
            read_attachments([Path("/etc/passwd")], allowed=[allowed])

    def test_dot_dot_does_not_climb_out(self, allowed: Path) -> None:
        """A path that leaves the folder through ``..`` is refused."""
        with pytest.raises(InvalidRequest, match="not inside"):
            read_attachments([allowed / ".." / "id_ed25519"], allowed=[allowed])

    def test_a_link_out_of_the_folder_is_refused(self, allowed: Path, tmp_path: Path) -> None:
        """A symbolic link inside the folder that points out of it is refused, not followed."""
        (allowed / "innocent.pdf").symlink_to(tmp_path / "id_ed25519")
        (allowed / "etc").symlink_to("/etc")
        for path in (allowed / "innocent.pdf", allowed / "etc" / "passwd"):
            with pytest.raises(InvalidRequest, match="not inside"):
                read_attachments([path], allowed=[allowed])

    def test_a_link_within_the_folder_is_read(self, allowed: Path) -> None:
        """A link from one file of the folder to another stays inside, so it is read."""
        (allowed / "latest.pdf").symlink_to(allowed / "agenda.pdf")
        (found,) = read_attachments([allowed / "latest.pdf"], allowed=[allowed])
        assert found.filename == "latest.pdf" and found.data == b"%PDF-1.4 agenda"

    def test_an_allowed_folder_reached_through_a_link(self, allowed: Path, tmp_path: Path) -> None:
        """An allowed folder named through a link (~/Documents -> /data/docs) admits its files."""
        (tmp_path / "docs").symlink_to(allowed)
        (found,) = read_attachments([allowed / "agenda.pdf"], allowed=[tmp_path / "docs"])
        assert found.data == b"%PDF-1.4 agenda"

    def test_a_named_file_is_read_wherever_it_is(self, allowed: Path, tmp_path: Path) -> None:
        """A file the person named on the command line is read even outside every folder."""
        key = tmp_path / "id_ed25519"
        (found,) = read_attachments([key], allowed=(), named={key})
        assert found.data.startswith(b"-----BEGIN")

    def test_naming_one_file_admits_no_other(self, allowed: Path, tmp_path: Path) -> None:
        """Files named on the command line admit only themselves."""
        with pytest.raises(InvalidRequest, match="no folder is allowed"):
            read_attachments([tmp_path / "id_ed25519"], allowed=(), named={allowed / "agenda.pdf"})

    def test_missing_directory_and_fifo(self, allowed: Path) -> None:
        """A missing file, a directory and a FIFO (never waited on) are each a clear error."""
        (allowed / "sub").mkdir()
        os.mkfifo(allowed / "pipe")
        cases = {"nope.pdf": "attachment not found", "sub": "a directory", "pipe": "not a regular file"}
        for name, problem in cases.items():
            with pytest.raises(InvalidRequest, match=problem):
                read_attachments([allowed / name], allowed=[allowed])

    def test_the_size_budget_covers_all_files(self, allowed: Path) -> None:
        """Files together larger than the mail size limit are refused at the one that exceeds it."""
        half = MAX_ATTACHMENT_BYTES // 2 + 1
        for name in ("a.bin", "b.bin"):
            with open(allowed / name, "wb") as handle:
                handle.truncate(half)  # sparse: no disk written
        with pytest.raises(InvalidRequest, match=r"exceed \d+ bytes at b\.bin"):
            read_attachments([allowed / "a.bin", allowed / "b.bin"], allowed=[allowed])
