"""Downloading a month's export (asked on the statements and invoices pages)."""

from flask import Blueprint, abort, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.models import Role
from ...core.i18n import format_moment
from ...core.permissions import roles_required
from ...extensions import db
from . import services
from .models import MonthExport

bp = Blueprint("exports", __name__)


@bp.route("/exports/<int:export_id>/download")
@roles_required(Role.DISPATCHER)
def download(export_id):
    export = db.session.get(MonthExport, export_id)
    if export is None or not export.can_be_downloaded_by(current_user):
        abort(404)
    if not export.is_ready or export.upload is None:
        # A link from an older page or a mail: say what became of it, on the month's page.
        if export.is_gone:
            flash(_("That export's file was erased on %(moment)s; ask for a new one.",
                    moment=format_moment(export.ended_at)), "warning")
        else:
            flash(_("That export is not ready."), "warning")
        return redirect(services.page_of(export))
    return services.download(current_user, export)
