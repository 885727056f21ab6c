"""Settings: defaults here, overridden by the environment, then by create_app's argument."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(instance_path: str) -> str:
    """DATABASE_URL, normalised to the psycopg 3 driver; a SQLite file under instance/ otherwise."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'interpreter_register.sqlite'}"
    return _psycopg(url)


def _psycopg(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def defaults(instance_path: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # hide_parameters: SQL errors in the log never show the values (case references, notes).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # A replica the report pages read their figures from (reports/source.py); none:
        # the application's own database.
        "REPORTS_DATABASE_URL": _psycopg(os.environ.get("REPORTS_DATABASE_URL") or "") or None,
        # Links in mails and calendar events are built from this, never from the Host header.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # One request's uploads (a register import, a sheet's receipts) up to 16 MB; each
        # stored file has its own, smaller limit (core/uploads.py).
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Where uploaded files are kept: outside the web root, served only by views that
        # check who asks (core/uploads.py).
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        # Peppol (billing/invoicing/peppol.py): "http" with an endpoint and a token, or
        # "local" (a fake that keeps what it is sent); none: invoices are downloaded.
        "PEPPOL_ACCESS_POINT": os.environ.get("PEPPOL_ACCESS_POINT") or None,
        "PEPPOL_ENDPOINT": os.environ.get("PEPPOL_ENDPOINT") or None,
        "PEPPOL_TOKEN": os.environ.get("PEPPOL_TOKEN") or None,
        # A form may stay open for a working day before its CSRF token expires.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "BABEL_DEFAULT_LOCALE": "nl_BE",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Brussels",
        "BOOTSTRAP_SERVE_LOCAL": True,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _env_int("MAIL_PORT", 587),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", True),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "register@interpreter-register.invalid"),
        # Without a mail server, log whole mails (links included): for development only.
        "MAIL_LOG_BODY": _env_bool("MAIL_LOG_BODY", False),
        # The one scheduler's lease: renewed every third of this; a scheduler that died
        # without a word is replaced once it runs out (on PostgreSQL, at once).
        "SCHEDULER_LEASE_SECONDS": _env_int("SCHEDULER_LEASE_SECONDS", 60),
        # Register imports in the background: rows written per transaction; how long a
        # worker checking a file holds it; on SQLite, a pause between chunks that lets the
        # pages have the write lock.
        "IMPORT_CHUNK_ROWS": _env_int("IMPORT_CHUNK_ROWS", 200),
        "IMPORT_CLAIM_SECONDS": _env_int("IMPORT_CLAIM_SECONDS", 900),
        "IMPORT_PAUSE_SECONDS": 0.1,
        # Month exports (billing/exports): how long a worker building one holds it.
        "EXPORT_CLAIM_SECONDS": _env_int("EXPORT_CLAIM_SECONDS", 1800),
        # One exchange with the mail server may take this long before it counts as failed.
        "MAIL_TIMEOUT": _env_int("MAIL_TIMEOUT", 20),
        # The background worker: how often it looks for work when it found none.
        "WORKER_POLL_SECONDS": float(os.environ.get("WORKER_POLL_SECONDS") or 5),
        # Delivery: a failed attempt is tried again after 1, 2, 4, ... minutes (at most six
        # hours); after the last attempt the message is marked failed (the Jobs page).
        "OUTBOX_RETRY_SECONDS": _env_int("OUTBOX_RETRY_SECONDS", 60),
        "OUTBOX_MAX_ATTEMPTS": _env_int("OUTBOX_MAX_ATTEMPTS", 8),
        # A worker that died holding a message frees it after this long.
        "OUTBOX_CLAIM_SECONDS": _env_int("OUTBOX_CLAIM_SECONDS", 300),
        # A message still waiting this long after it was written is overdue (/healthz).
        "OUTBOX_OVERDUE_SECONDS": _env_int("OUTBOX_OVERDUE_SECONDS", 900),
        # Webhooks (docs/api.md): one delivery may take this long; a failed one is tried
        # again after 1, 2, 4, ... minutes and given up after the last attempt. Loopback
        # (and plain http to it) is for the tests' own receiver, never production.
        "WEBHOOKS_TIMEOUT": _env_int("WEBHOOKS_TIMEOUT", 5),
        "WEBHOOKS_RETRY_SECONDS": _env_int("WEBHOOKS_RETRY_SECONDS", 60),
        "WEBHOOKS_MAX_ATTEMPTS": _env_int("WEBHOOKS_MAX_ATTEMPTS", 8),
        # Delivered or given-up messages (and their attempts) are forgotten after this long.
        "WEBHOOKS_KEEP_DAYS": _env_int("WEBHOOKS_KEEP_DAYS", 30),
        "WEBHOOKS_ALLOW_LOOPBACK": _env_bool("WEBHOOKS_ALLOW_LOOPBACK", False),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        "INVITATION_MAX_AGE": timedelta(days=7),
        "PASSWORD_MIN_LENGTH": 10,
        # Login throttling (auth.services.throttle_wait): within the window, after so many
        # failures each try waits (first, doubling, at most) seconds after the last one.
        # Per account and address together; per address; per account.
        "LOGIN_THROTTLE_WINDOW": timedelta(minutes=15),
        "LOGIN_SLOWDOWN_PAIR": (5, 30, 15 * 60),
        "LOGIN_SLOWDOWN_ADDRESS": (50, 5, 60),
        "LOGIN_SLOWDOWN_ACCOUNT": (50, 5, 60),
        # Reset links: asked from one address within the window; sent to one account an hour.
        "RESET_REQUESTS_PER_ADDRESS": 10,
        "RESET_MAILS_PER_HOUR": 3,
        # How many proxies in front of the app set X-Forwarded-For and -Proto: only their
        # word about the client's address is trusted (0: none, the address is the peer's).
        "PROXY_COUNT": _env_int("PROXY_COUNT", 0),
    }


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else the key kept in instance/secret_key, created on
    first start.

    Written to a temporary file and linked into place, so that workers starting together
    all end up with the one key that won the race, never with a half-written file.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
