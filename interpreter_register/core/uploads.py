"""The upload store every area shares: files people send (receipts, documents), and the
files the application makes for later download (a month's export, a zip).

- Kept **outside the web root**, in ``UPLOAD_FOLDER`` (default ``instance/uploads``), under
  a random name; the original name is kept only as a label for the download.
- Checked **by content**, not by name or the browser's word: the first bytes must be those
  of a JPEG, a PNG or a PDF, or the file is a ZIP holding a Word (DOCX) or OpenDocument
  text (ODT) (``kind_of``); each area says which kinds it takes; and by **size**, against
  the limit the calling area gives (from its settings).
- Served only through a view of the owning area that first checks who asks (``send``);
  never from ``static``.
- **Erased** with its row by the owning area's retention (``erase``); a file whose row never
  reached the database (its transaction was rolled back) is swept later
  (``sweep_orphans``).

An area keeps the ``Upload``'s id on its own row (a receipt on an expense line) and decides
access itself: this module knows nothing of who may see what.
"""

import hashlib
import io
import os
import re
import secrets
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .database import UTCDateTime
from .rules import RuleError
from .time import utcnow

# kind: (the bytes a file of that kind starts with, its media type, its file extension)
KINDS = {
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    "pdf": (b"%PDF-", "application/pdf", ".pdf"),
    # Office documents are ZIP files: what is inside tells them apart (``_office_kind``).
    "docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument"
             ".wordprocessingml.document", ".docx"),
    "odt": (b"PK\x03\x04", "application/vnd.oasis.opendocument.text", ".odt"),
    # Only what the application made itself (a month's export): never accepted from anyone.
    "zip": (b"PK\x03\x04", "application/zip", ".zip"),
}
IMAGES_AND_PDF = ("jpeg", "png", "pdf")
DOCUMENTS = ("pdf", "docx", "odt", "jpeg", "png")
# What a refusal tells the sender they may send instead.
_ACCEPTED = {IMAGES_AND_PDF: _l("Send a photo (JPEG or PNG) or a PDF."),
             DOCUMENTS: _l("Send a PDF, a Word (DOCX) or OpenDocument (ODT) text, or a "
                           "photo (JPEG or PNG).")}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Never a path, never a control character, never a quote in a Content-Disposition.
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


class Upload(db.Model):
    """A stored file: where it lies (a random name), what it is (checked) and its label."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The area that owns it ("sheets", ...): its retention erases it.
    area: Mapped[str] = mapped_column(String(30), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self) -> str:
        return f"<Upload {self.id} {self.area} {self.kind}>"

    @property
    def media_type(self) -> str:
        return KINDS[self.kind][1]

    @property
    def download_name(self) -> str:
        """The name the reader's browser saves it under (the original one, made safe)."""
        stem = Path(self.original_name or "").stem
        stem = _UNSAFE_NAME.sub("_", stem).strip("._ ")[:60] or f"file-{self.id}"
        return stem + KINDS[self.kind][2]


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def path_of(upload: Upload) -> Path:
    return folder() / upload.stored_name


def kind_of(data: bytes) -> str | None:
    """"jpeg", "png", "pdf", "docx" or "odt" by the file's content; None for anything else
    (an executable renamed .pdf, a spreadsheet, a ZIP of something else)."""
    if data.startswith(KINDS["docx"][0]):
        return _office_kind(data)
    return next((kind for kind in IMAGES_AND_PDF if data.startswith(KINDS[kind][0])), None)


def _office_kind(data: bytes) -> str | None:
    """An ODT names its type in a first entry called ``mimetype``; a DOCX has its content
    types and a ``word/`` part. Only the directory and that one small entry are read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100:
                return "odt" if archive.read("mimetype").strip() == ODT_MIMETYPE else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
    except (zipfile.BadZipFile, KeyError, ValueError, NotImplementedError):
        return None
    return None


def read_checked(file, max_bytes: int, field: str | None = None,
                 kinds: tuple[str, ...] = IMAGES_AND_PDF) -> tuple[bytes, str]:
    """The bytes of an uploaded file (a werkzeug FileStorage or any binary stream) and their
    kind; a RuleError for a file over ``max_bytes``, empty, or of a kind not in ``kinds``.

    Reads at most one byte more than the limit: a huge file is refused without being read.
    """
    stream = getattr(file, "stream", file)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise RuleError(_l("The file is larger than %(size)s MB.",
                           size=_megabytes(max_bytes)), field)
    if not data:
        raise RuleError(_l("The file is empty."), field)
    kind = kind_of(data)
    if kind not in kinds:
        raise RuleError(_ACCEPTED[kinds], field)
    return data, kind


def _megabytes(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}"
    return text.removesuffix(".0")


def store(acting, area: str, data: bytes, kind: str,
          original_name: str | None = None) -> Upload:
    """Write checked bytes (from ``read_checked``) under a random name and add their row.

    The file is written before the transaction commits: if it is rolled back, the file is
    an orphan that ``sweep_orphans`` removes later; never a row without its file."""
    if kind not in KINDS or (kind_of(data) != kind and not (
            kind == "zip" and zipfile.is_zipfile(io.BytesIO(data)))):
        raise ValueError("store only what read_checked accepted")
    target = folder()
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_urlsafe(24)}{KINDS[kind][2]}"
    temporary = target / f".{name}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target / name)
    upload = Upload(area=area, stored_name=name, kind=kind, size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    original_name=(original_name or "")[:120] or None,
                    created_by_id=getattr(acting, "id", None))
    db.session.add(upload)
    db.session.flush()
    return upload


def send(upload: Upload):
    """The file as a download, for a view that has checked the reader may have it; 404
    when the file is gone (erased, or lost)."""
    from flask import abort

    path = path_of(upload)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=upload.media_type, as_attachment=True,
                         download_name=upload.download_name, max_age=0)
    # Only the people allowed may see it: no shared cache keeps a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def erase(upload: Upload) -> None:
    """Remove the file and its row (the caller first lets go of its own references)."""
    path_of(upload).unlink(missing_ok=True)
    db.session.delete(upload)


def sweep_orphans(now: datetime, grace: timedelta = timedelta(days=1)) -> int:
    """Remove files that have no row (their transaction was rolled back) and are older than
    ``grace``; returns how many."""
    target = folder()
    if not target.is_dir():
        return 0
    known = set(db.session.scalars(select(Upload.stored_name)))
    removed = 0
    cutoff = (now - grace).timestamp()
    for path in target.iterdir():
        name = path.name.removeprefix(".").removesuffix(".part")
        if path.is_file() and name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
