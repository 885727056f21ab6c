"""The jobs page: the last runs of every job and what went wrong."""

from flask import Blueprint, render_template
from sqlalchemy import select

from ..auth.models import Role
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
                           job_label=job_label, count_label=count_label)
