"""Pages every area shares: an area's policy settings, the health check, and what lets a
browser or a phone show the product as an app (icon, manifest)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text

from ..extensions import db
from . import settings
from .edge import save_form
from .forms import settings_form
from .outbox import mail_health
from .permissions import require

bp = Blueprint("core", __name__)


@bp.route("/settings/<group>", methods=["GET", "POST"])
@login_required
def policy_settings(group):
    """The settings an area declared with ``settings.group``, for whom it says may keep them."""
    declared = settings.GROUPS.get(group) or abort(404)
    require(declared.may_change(current_user), f"settings of {group}")
    form = settings_form(settings.specs_of(group), settings.values(f"{group}."))
    saved = save_form(form, lambda: settings.change_many(current_user, form.values()),
                      _("The settings are saved."), url_for("core.policy_settings", group=group))
    # Every settings page this user keeps, as tabs: one menu entry leads to all of them.
    groups = [g for g in settings.GROUPS.values() if g.may_change(current_user)]
    return saved or render_template("core/settings.html", form=form, title=declared.title,
                                    intro=declared.intro, groups=groups, current=group)


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 when the database answers, 503 when not.

    The mail counts are for monitoring: failed or overdue mail is no reason to take a web
    process out of the load balancer, so they leave the status at 200."""
    try:
        db.session.execute(text("SELECT 1"))
        mail = mail_health()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "reachable", "mail": mail}


@bp.route("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=86400)


@bp.route("/manifest.webmanifest")
def manifest():
    """Lets interpreters add the product to a phone's home screen, named in their language."""
    icon = lambda name, size, purpose="any": {  # noqa: E731
        "src": url_for("static", filename=name), "sizes": size, "type": "image/png",
        "purpose": purpose}
    response = jsonify({
        "name": _("Interpreter register"), "short_name": _("Interpreters"),
        "start_url": url_for("home.index"), "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#003d7a",
        "icons": [icon("icon-192.png", "192x192"), icon("icon-512.png", "512x512"),
                  icon("icon-maskable-512.png", "512x512", "maskable")]})
    response.mimetype = "application/manifest+json"
    return response
