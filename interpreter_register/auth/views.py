"""Logging in and out, the user's own account, password reset and invitations."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..core.forms import ConfirmForm, LanguageForm, safe_next
from ..core.i18n import offered_languages
from ..extensions import db
from . import services
from .forms import (
    AccountForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ui_language_choices,
)

bp = Blueprint("auth", __name__)


def _login_failure_message(result: services.LoginResult) -> str:
    if result.outcome == "throttled":
        return ngettext("Too many failed attempts. Wait %(num)d minute and try again, or "
                        "reset your password.",
                        "Too many failed attempts. Wait %(num)d minutes and try again, or "
                        "reset your password.", result.wait_minutes)
    if result.outcome == "inactive":
        return _("This account has been deactivated. Ask your administrator or your "
                 "organisation's contact person.")
    return _("The e-mail address or the password is wrong.")


def _log_in(user, remember: bool = False) -> None:
    login_user(user, remember=remember)
    # A language chosen before logging in becomes the user's own, if they had none.
    chosen = session.get("language")
    if not user.locale and chosen in offered_languages(user):
        services.set_language(user, chosen)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data,
                                       request.remote_addr or "unknown")
        if result.outcome == "ok":
            _log_in(result.user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        db.session.commit()  # the failed attempt counts towards throttling
        form.form_errors.append(_login_failure_message(result))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the address is known: no list of accounts to guess.
        flash(_("If this address belongs to an account, a mail with a link to choose a new "
                "password is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _choose_password(token, "reset")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _choose_password(token, "invitation")


def _choose_password(token: str, purpose: str):
    """The page behind a reset or invitation link: choose a password, then you are in."""
    try:
        user = services.user_for_token(token, purpose)
    except services.TokenError as error:
        return render_template("auth/token_problem.html", purpose=purpose,
                               reason=error.reason), 400
    # The link was meant for this user: greet them in their language.
    if user.locale and "language" not in session:
        session["language"] = user.locale
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = services.password_problem(user, form.password.data)
        if problem:
            form.password.errors.append(problem)
        else:
            services.change_password(user, form.password.data)
            _log_in(user)
            db.session.commit()
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/choose_password.html", form=form, purpose=purpose, user=user)


@bp.route("/language", methods=["POST"])
def switch_language():
    """The language switcher on every page: for this session, and the user's own setting."""
    form = LanguageForm()
    back = safe_next(form.next.data, url_for("home.index"))
    if form.validate_on_submit() and form.language.data in offered_languages(current_user):
        session["language"] = form.language.data
        if current_user.is_authenticated:
            services.set_language(current_user, form.language.data)
            db.session.commit()
    else:
        flash(_("This language is not available."), "warning")
    return redirect(back)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    form.locale.choices = ui_language_choices(languages=offered_languages(current_user))
    if form.validate_on_submit():
        services.update_own_account(current_user, form.name.data, form.locale.data, {
            "mail_offers": form.mail_offers.data, "mail_bookings": form.mail_bookings.data,
            "mail_reminders": form.mail_reminders.data})
        session["language"] = form.locale.data
        db.session.commit()
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    if request.method == "GET" and not current_user.locale:
        form.locale.data = session.get("language")
    return render_template("auth/account.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = services.password_problem(current_user, form.password.data)
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        elif problem:
            form.password.errors.append(problem)
        else:
            services.change_password(current_user, form.password.data)
            # Other sessions end with the new session token; this one stays logged in.
            login_user(current_user._get_current_object())
            db.session.commit()
            flash(_("Your password is changed. You are logged out on other devices."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)
