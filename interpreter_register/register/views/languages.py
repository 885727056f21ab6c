"""The register's languages."""

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ...auth.models import REGISTER_KEEPERS
from ...core.edge import save_form
from ...core.i18n import current_language
from ...core.permissions import roles_required
from ...extensions import db
from ..forms import LanguageForm, LanguageNamesForm
from ..models import Language, Person, Qualification
from ..services import people as service
from . import bp


@bp.route("/languages")
@roles_required(REGISTER_KEEPERS)
def languages():
    counts = dict(db.session.execute(
        select(Qualification.language_code, func.count(func.distinct(Qualification.person_id)))
        .join(Person).where(Person.active.is_(True)).group_by(Qualification.language_code)
    ).all())
    ui = current_language()
    rows = sorted(((lang, counts.get(lang.code, 0)) for lang in
                   db.session.scalars(select(Language))),
                  key=lambda row: row[0].name(ui).casefold())
    return render_template("register/languages.html", rows=rows, ui=ui)


@bp.route("/languages/new", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def add_language():
    form = LanguageForm()
    saved = save_form(form, lambda: service.add_language(current_user, form.code.data,
                                                         form.names()),
                      _("The language is added."), url_for("register.languages"))
    return saved or render_template("register/language_form.html", form=form, language=None)


@bp.route("/languages/<code>", methods=["GET", "POST"])
@roles_required(REGISTER_KEEPERS)
def edit_language(code):
    language = db.session.get(Language, code) or abort(404)
    form = LanguageNamesForm(obj=language)
    saved = save_form(form, lambda: service.rename_language(current_user, language,
                                                            form.names()) or language,
                      _("The names are saved."), url_for("register.languages"))
    return saved or render_template("register/language_form.html", form=form, language=language)
