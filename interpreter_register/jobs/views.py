"""The jobs page: the last runs of every job and what went wrong, and how the mail stands."""

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..auth.models import Role
from ..core.edge import one_click
from ..core.forms import ConfirmForm
from ..core.outbox import failed_messages, mail_health, retry_failed
from ..core.permissions import roles_required
from ..extensions import db
from .labels import count_label, job_label
from .models import JobRun
from .runner import JOBS

bp = Blueprint("jobs", __name__)


@bp.route("/admin/jobs")
@roles_required(Role.ADMIN, Role.REGISTER_STAFF)
def index():
    runs = db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc(),
                                                      JobRun.id.desc()).limit(100)).all()
    latest = {}
    for job_run in runs:
        latest.setdefault(job_run.job_id, job_run)
    failures = [r for r in runs if r.outcome in ("failed", "partial")][:20]
    return render_template("jobs/index.html", jobs=list(JOBS), latest=latest, runs=runs[:30],
                           failures=failures, schedule={k: v[1] for k, v in JOBS.items()},
                           job_label=job_label, count_label=count_label,
                           mail=mail_health(), failed_mail=failed_messages(),
                           confirm=ConfirmForm())


@bp.route("/admin/jobs/mail/retry", methods=["POST"])
@roles_required(Role.ADMIN, Role.REGISTER_STAFF)
def retry_mail():
    """Once the mail server works again: every failed mail gets a fresh set of attempts."""
    return one_click(retry_failed,
                     lambda n: ngettext("%(num)d mail will be sent again.",
                                        "%(num)d mails will be sent again.", n) if n
                     else _("No mail had failed."),
                     url_for("jobs.index"))
