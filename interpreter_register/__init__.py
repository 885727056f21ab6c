"""The interpreter register: a Flask application for Belgium's social interpreters."""

import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l

from . import config as settings
from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"), instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    if config:
        app.config.from_mapping(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key(app.instance_path)

    _configure_logging(app)
    _init_extensions(app)
    from .core.arguments import register_converters
    register_converters(app)
    _register_blueprints(app)
    _register_hooks(app)
    from .api.v1 import init_api
    init_api(app)

    from .cli import register_commands
    register_commands(app)
    # The receivers of the areas' signals: mails about requests and bookings, what a
    # change in the register means for bookings, and the sheet of a late cancellation.
    from .bookings.services import register_changes as _register_changes  # noqa: F401
    from .notifications import bookings as _notifications  # noqa: F401
    from .notifications import series as _series_notifications  # noqa: F401

    # The background work areas declare (core.worker): register imports; mail is core's own.
    from .register.services import imports as _imports  # noqa: F401
    from .sheets.services import filing as _late_cancellation_sheets  # noqa: F401

    # Webhooks: the events' receivers, and the worker's task that sends them.
    from .webhooks import delivery as _webhook_delivery  # noqa: F401
    from .webhooks import events as _webhook_events  # noqa: F401
    return app


def _configure_logging(app: Flask) -> None:
    """The package logs to stderr (outbox deliveries, errors) unless the host set up logging."""
    logger = logging.getLogger(__name__)
    logger.setLevel(app.config["LOG_LEVEL"])
    if not logging.getLogger().handlers and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)


def _load_models() -> None:
    """Import every model module, so that the metadata (and Alembic) sees all tables."""
    from .api import models as _api  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .billing import models as _billing  # noqa: F401
    from .billing.exports import models as _exports  # noqa: F401
    from .billing.invoicing import models as _invoicing  # noqa: F401
    from .bookings import models as _bookings  # noqa: F401
    from .bookings import workload as _workload  # noqa: F401 - kept in every flush
    from .bookings.matching import settings as _matching  # noqa: F401
    from .calendar import models as _calendar  # noqa: F401
    from .collaboration import models as _collaboration  # noqa: F401
    from .collaboration import settings as _collaboration_settings  # noqa: F401
    from .core import audit as _audit  # noqa: F401
    from .core import outbox as _outbox  # noqa: F401
    from .core import settings as _settings  # noqa: F401
    from .core import uploads as _uploads  # noqa: F401
    from .jobs import lease as _lease  # noqa: F401
    from .jobs import models as _jobs  # noqa: F401
    from .jobs import settings as _job_settings  # noqa: F401
    from .organisations import models as _organisations  # noqa: F401
    from .quality import models as _quality  # noqa: F401
    from .quality import settings as _quality_settings  # noqa: F401
    from .register import facts as _facts  # noqa: F401 - follow the revision policy
    from .register import models as _register  # noqa: F401
    from .register import policy as _policy  # noqa: F401
    from .sheets import models as _sheets  # noqa: F401
    from .sheets import settings as _sheet_settings  # noqa: F401
    from .webhooks import models as _webhooks  # noqa: F401


def _init_extensions(app: Flask) -> None:
    from .core.database import configure_engine
    from .core.i18n import select_locale

    _load_models()
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # The message is translated when it is flashed, in the language of that request.
    login_manager.localize_callback = str

    from .auth.sessions import user_of_session

    login_manager.user_loader(user_of_session)

    if app.config["PROXY_COUNT"]:
        # Behind that many proxies, their X-Forwarded-For/-Proto say who the client is; no
        # one else's word is trusted (throttling counts per client address).
        from werkzeug.middleware.proxy_fix import ProxyFix
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _register_blueprints(app: Flask) -> None:
    from .api.views import bp as api_keys_bp
    from .auth.views import bp as auth_bp
    from .billing.exports.views import bp as exports_bp
    from .billing.invoicing.views import bp as invoicing_bp
    from .billing.pricing.views import bp as prices_bp
    from .billing.statements.views import bp as statements_bp
    from .bookings.views import dispatch_bp, portal_bp, requests_bp, revisions_bp
    from .calendar.views import bp as calendar_bp
    from .collaboration.views import bp as collaboration_bp
    from .core.views import bp as core_bp
    from .home.views import bp as home_bp
    from .jobs.views import bp as jobs_bp
    from .organisations.views import bp as organisations_bp
    from .quality.views import bp as quality_bp
    from .register.views import bp as register_bp
    from .register.views import public_bp
    from .reports.views import bp as reports_bp
    from .sheets.views import bp as sheets_bp
    from .users.views import bp as users_bp
    from .webhooks.views import bp as webhooks_bp

    for blueprint in (core_bp, home_bp, auth_bp, users_bp, organisations_bp, register_bp,
                      public_bp, requests_bp, dispatch_bp, portal_bp, revisions_bp,
                      calendar_bp, collaboration_bp, quality_bp, jobs_bp, reports_bp,
                      sheets_bp, api_keys_bp, webhooks_bp, invoicing_bp, prices_bp,
                      statements_bp, exports_bp):
        app.register_blueprint(blueprint)


def _take_write_lock_for_changes(app: Flask) -> None:
    """A request that may change data runs inside ``writes_first``: on SQLite it holds the
    write lock from its first statement, so it waits its turn instead of failing halfway;
    reading requests run side by side. (PostgreSQL needs none of this.)"""
    from flask import g, request

    from .core.database import writes_first

    @app.before_request
    def _writes_first():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g.writes_first = writes_first()
            g.writes_first.__enter__()

    @app.teardown_request
    def _reset(_error):
        held = g.pop("writes_first", None)
        if held is not None:
            held.__exit__(None, None, None)


def _register_hooks(app: Flask) -> None:
    from flask_babel import format_decimal, get_locale

    from .core.errors import register_error_handlers
    from .core.forms import LanguageForm
    from .core.i18n import (
        format_clock,
        format_day,
        format_duration,
        format_moment,
        format_month,
        install_fast_gettext,
        language_label,
        language_name,
        offered_languages,
        timeslot,
    )
    from .core.phones import display_phone
    from .core.security import add_security_headers
    from .core.urls import external_url

    register_error_handlers(app)
    _take_write_lock_for_changes(app)
    app.after_request(add_security_headers)
    app.jinja_env.globals.update(get_locale=get_locale, language_name=language_name,
                                 language_label=language_label, timeslot=timeslot,
                                 external_url=external_url,
                                 offered_languages=offered_languages,
                                 language_form=LanguageForm)
    from flask_login import current_user

    from .bookings.views.rows import STATUS_BADGES
    from .bookings.wording import request_summary, request_what, request_when
    from .collaboration.documents import documents_for
    from .collaboration.services import thread_for

    app.jinja_env.globals["request_summary"] = request_summary
    app.jinja_env.globals.update(status_badges=STATUS_BADGES, request_what=request_what,
                                 request_when=request_when)
    # A request's thread, on each party's page of it (the pages live below this area).
    app.jinja_env.globals["thread_for"] = lambda item, person=None: thread_for(
        item, current_user, person)
    app.jinja_env.globals["documents_for"] = lambda item, person=None: documents_for(
        item, current_user, person)
    # One format per locale for each kind of moment (core/i18n.py), used everywhere.
    app.jinja_env.filters.update(datetime=format_moment, date=format_day, time=format_clock,
                                 month=format_month, duration=format_duration,
                                 phone=display_phone, decimal=format_decimal)
    install_fast_gettext(app.jinja_env)
