"""How large a request's documents may be, and how long they are kept."""

from flask_babel import lazy_gettext as _l

from ..core import settings

settings.group("documents", _l("Documents"), lambda user: user.is_admin, _l(
    "These settings decide how large a document sent with a request may be and how long "
    "documents are kept before their files are erased. Documents often speak of the "
    "client: keep them no longer than the work needs."))

# A whole upload is at most MAX_CONTENT_LENGTH (16 MB, config.py): a document stays below.
DOCUMENT_MAX_MB = settings.define(
    "documents.max_mb", 10, _l("Largest document, in MB"), minimum=1, maximum=15)
DOCUMENT_RETENTION_DAYS = settings.define(
    "documents.retention_days", 90,
    _l("Days after it was added that a document's file is erased"), minimum=7, maximum=3650)
