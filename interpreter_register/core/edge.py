"""The request edge: one service call, one commit, a message for the user, a redirect."""

from flask import flash, redirect

from ..extensions import db
from .forms import ConfirmForm
from .rules import RuleError, show_on_form


def save_form(form, save, done: str, back):
    """Validate ``form``, call ``save()``, commit and go to ``back`` (a URL, or a function of
    the saved object giving one) with ``done`` (which may name the saved object as
    %(name)s). When the form is invalid or a rule refuses, return None: the caller shows
    the form again, with the refusal next to its field."""
    if not form.validate_on_submit():
        return None
    try:
        saved = save()
    except RuleError as error:
        db.session.rollback()
        show_on_form(form, error)
        return None
    db.session.commit()
    flash(done % {"name": getattr(saved, "name", "")}, "success")
    return redirect(back(saved) if callable(back) else back)


def one_click(action, done: str, back: str):
    """A button that does one thing (deactivate, resend, ...): run it, say how it went."""
    if ConfirmForm().validate_on_submit():
        try:
            action()
        except RuleError as error:
            db.session.rollback()
            flash(str(error.message), "danger")
        else:
            db.session.commit()
            flash(done, "success")
    return redirect(back)
