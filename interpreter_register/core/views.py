"""Pages every area shares: an area's policy settings, and the health check."""

from flask import Blueprint, abort, render_template, url_for
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
    return saved or render_template("core/settings.html", form=form, title=declared.title,
                                    group=group)


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
