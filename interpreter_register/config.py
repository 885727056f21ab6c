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
        # Uploads (register imports) up to 16 MB.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
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
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=1),
        "INVITATION_MAX_AGE": timedelta(days=7),
        "PASSWORD_MIN_LENGTH": 10,
        # Login throttling: failures within the window, per account and per address.
        "LOGIN_THROTTLE_WINDOW": timedelta(minutes=15),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
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
