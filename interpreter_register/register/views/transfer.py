"""Importing the register from a CSV file (in the background, the page following its
progress) and exporting it to CSV and XLSX."""

from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from ...auth.models import REGISTER_KEEPERS
from ...core.i18n import current_language
from ...core.permissions import roles_required
from ...core.time import today_in_brussels
from ...extensions import db
from ..forms import ImportForm
from ..models import ImportRun
from ..services import imports
from ..services import transfer as service
from . import bp


@bp.route("/import", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        run = imports.queue_import(current_user, upload.read(), upload.filename or "",
                                   current_language())
        db.session.commit()
        return redirect(url_for("register.import_result", run_id=run.id), code=303)
    return render_template("register/import.html", form=form, columns=service.COLUMNS)


@bp.route("/imports/<int:run_id>")
@roles_required(REGISTER_KEEPERS)
def import_result(run_id):
    """The import's outcome; while it runs, its progress (the page follows it)."""
    run = db.session.get(ImportRun, run_id) or abort(404)
    return render_template("register/import_result.html", run=run)


@bp.route("/imports/<int:run_id>/progress")
@roles_required(REGISTER_KEEPERS)
def import_progress(run_id):
    """How far the import is, for the page's progress bar."""
    run = db.session.get(ImportRun, run_id) or abort(404)
    return {"stage": run.stage, "rows": run.rows, "rows_done": run.rows_done,
            "progress": run.progress, "done": run.is_done}


def _download(data: bytes, mimetype: str, extension: str) -> Response:
    name = f"register-{today_in_brussels().isoformat()}.{extension}"
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/export.csv")
@roles_required(REGISTER_KEEPERS)
def export_csv():
    return _download(service.export_csv(), "text/csv; charset=utf-8", "csv")


@bp.route("/export.xlsx")
@roles_required(REGISTER_KEEPERS)
def export_xlsx():
    return _download(service.export_xlsx(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

