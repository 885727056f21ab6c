"""The request edge: one service call, one commit, a message for the user, a redirect."""

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _

from ..extensions import db
from .forms import ConfirmForm
from .rules import RuleError, show_on_form


def save_form(form, save, done, back):
    """Validate ``form``, call ``save()``, commit, and go to ``back`` with the message ``done``.

    ``back`` is a URL or a function of the saved object giving one; ``done`` a message
    that may name the saved object as %(name)s, or a function of it giving the message.
    When the form is invalid or a rule refuses, return None: the caller shows the form
    again, with the refusal next to its field.
    """
    if not form.validate_on_submit():
        return None
    try:
        saved = save()
    except RuleError as error:
        db.session.rollback()
        show_on_form(form, error)
        return None
    db.session.commit()
    message = done(saved) if callable(done) else done % {"name": getattr(saved, "name", "")}
    flash(message, "success")
    return redirect(back(saved) if callable(back) else back)


def one_click(action, done, back: str, form=None, confirm=None):
    """A button that does one thing (deactivate, book, ...): run it, say how it went.

    ``done`` is the message, or a function of what the action returned. ``confirm``, for
    an action that is hard to undo, is a (question, button label) asked first: the
    button's script asks it in a dialog (``static/confirm.js``); without the script, the
    request comes without ``confirmed`` and a page asks it. (Like every request that
    changes data, it runs holding SQLite's write lock from its first statement: see
    ``core.database.writes_first``.)
    """
    if not (form or ConfirmForm()).validate_on_submit():
        flash(_("The form was incomplete; nothing was done."), "warning")
        return redirect(back)
    if confirm and request.form.get("confirmed") != "yes":
        question, button = confirm
        return render_template("core/confirm.html", question=question, button=button,
                               back=back)
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        flash(str(error.message), "danger")
    else:
        db.session.commit()
        flash(done(result) if callable(done) else done, "success")
    return redirect(back)
