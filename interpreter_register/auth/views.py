"""Logging in and out, the user's own account, password reset and invitations."""

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..core.forms import ConfirmForm, LanguageForm, safe_next
from ..core.i18n import offered_languages
from ..core.time import utcnow
from ..extensions import db
from . import services, two_factor
from .forms import (
    AccountForm,
    ChangePasswordForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    ui_language_choices,
)
from .models import User
from .sessions import end_session, start_session

bp = Blueprint("auth", __name__)

# How long the second step may wait after the password was right.
SECOND_STEP_MINUTES = 10
# What a user who must set up two-step sign-in may still open before they did.
BEFORE_ENROLMENT = {"auth.two_factor_setup", "auth.logout", "auth.switch_language",
                    "static", "bootstrap.static", "core.health"}


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext("Too many failed attempts. Wait %(num)d second and try again, or "
                        "reset your password.",
                        "Too many failed attempts. Wait %(num)d seconds and try again, or "
                        "reset your password.", seconds)
    minutes = -(-seconds // 60)
    return ngettext("Too many failed attempts. Wait %(num)d minute and try again, or "
                    "reset your password.",
                    "Too many failed attempts. Wait %(num)d minutes and try again, or "
                    "reset your password.", minutes)


def _login_failure_message(result: services.LoginResult) -> str:
    if result.outcome == "throttled":
        return wait_message(result.wait_seconds)
    if result.outcome == "inactive":
        return _("This account has been deactivated. Ask your administrator or your "
                 "organisation's contact person.")
    return _("The e-mail address or the password is wrong.")


def client_address() -> str:
    """The client's address: the peer's, or what the configured proxies said (ProxyFix)."""
    return (request.remote_addr or "unknown")[:45]


def _log_in(user, remember: bool = False) -> None:
    login_user(user, remember=remember)
    # A language chosen before logging in becomes the user's own, if they had none.
    chosen = session.get("language")
    if not user.locale and chosen in offered_languages(user):
        services.set_language(user, chosen)


def begin_session(user, remember: bool = False) -> None:
    """A new login for ``user`` in this browser (a session row, then the cookies)."""
    session.pop("second_step", None)
    start_session(user, remember)
    _log_in(user, remember)


@bp.before_app_request
def _enrol_first():
    """Whoever must sign in in two steps and has not set it up yet does that first."""
    if (current_user.is_authenticated and request.endpoint not in BEFORE_ENROLMENT
            and two_factor.must_enrol(current_user)):
        flash(_("Set up two-step sign-in to go on: it is required for your role."), "info")
        return redirect(url_for("auth.two_factor_setup"))
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data, client_address())
        if result.outcome == "second_step":
            session["second_step"] = {"user": result.user.id,
                                      "remember": bool(form.remember.data),
                                      "next": request.args.get("next"),
                                      "since": utcnow().isoformat()}
            db.session.commit()
            return redirect(url_for("auth.login_code"))
        if result.outcome == "ok":
            begin_session(result.user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        db.session.commit()  # the failed attempt counts towards throttling
        form.form_errors.append(_login_failure_message(result))
    return render_template("auth/login.html", form=form)


def _pending_second_step():
    """The user whose password was right a moment ago in this browser, or None."""
    pending = session.get("second_step")
    if not isinstance(pending, dict):
        return None, None
    try:
        since = datetime.fromisoformat(pending["since"])
    except (KeyError, TypeError, ValueError):
        return None, None
    if utcnow() - since > timedelta(minutes=SECOND_STEP_MINUTES):
        session.pop("second_step", None)
        return None, None
    return db.session.get(User, pending.get("user")), pending


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user, pending = _pending_second_step()
    if user is None:
        flash(_("Log in with your password first."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        result = services.second_step(user, form.code.data, client_address())
        if result.outcome == "ok":
            begin_session(user, remember=pending.get("remember", False))
            db.session.commit()
            return redirect(safe_next(pending.get("next"), url_for("home.index")))
        db.session.commit()
        form.code.errors.append(wait_message(result.wait_seconds)
                                if result.outcome == "throttled"
                                else _("This code is not right. Type the code your app "
                                       "shows now, or one of your recovery codes."))
    return render_template("auth/login_code.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Server side: this login's row goes, so neither a copy of the session cookie
            # nor the remember-me cookie opens it again.
            end_session(current_user.get_id())
            db.session.commit()
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        wait = services.request_password_reset(form.email.data, client_address())
        db.session.commit()
        if wait:
            form.form_errors.append(ngettext(
                "Too many requests from here. Wait %(num)d minute and try again.",
                "Too many requests from here. Wait %(num)d minutes and try again.",
                -(-wait // 60)))
            return render_template("auth/forgot_password.html", form=form), 429
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
            begin_session(user)
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
            user = current_user._get_current_object()
            services.change_password(user, form.password.data)
            # Every login of the user ended with the change; this browser gets a new one.
            begin_session(user)
            db.session.commit()
            flash(_("Your password is changed. You are logged out on other devices."),
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


# --- two-step sign-in -------------------------------------------------------------------

@bp.route("/account/two-step")
@login_required
def two_factor_status():
    user = current_user._get_current_object()
    return render_template("auth/two_factor.html", form=CodeForm(),
                           required=two_factor.is_required_for(user),
                           remaining=two_factor.remaining_recovery_codes(user)
                           if user.has_two_factor else 0)


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """A new secret (kept in this session until a code proves the app holds it), shown as a
    QR code and as text; a right code turns it on and shows the recovery codes, once."""
    user = current_user._get_current_object()
    if user.has_two_factor:
        return redirect(url_for("auth.two_factor_status"))
    form = CodeForm()
    secret = session.get("totp_setup")
    if request.method == "GET" or not secret:
        secret = session["totp_setup"] = two_factor.new_secret()
    elif form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, secret, form.code.data)
        if codes is not None:
            session.pop("totp_setup", None)
            db.session.commit()
            flash(_("Two-step sign-in is on."), "success")
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append(_("This code is not right. Type the code your app shows now."))
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr=two_factor.qr_svg(uri), uri=uri,
                           required=two_factor.must_enrol(user))


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@login_required
def two_factor_new_codes():
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit() and user.has_two_factor and two_factor.verify(
            user, form.code.data):
        codes = two_factor.renew_recovery_codes(user)
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes)
    flash(_("This code is not right; nothing was changed."), "danger")
    return redirect(url_for("auth.two_factor_status"))


@bp.route("/account/two-step/off", methods=["POST"])
@login_required
def two_factor_off():
    """Turn it off with a code (to move to a new phone: off, then set up again; for whom it
    is required, setting it up again is the next page they see)."""
    user = current_user._get_current_object()
    form = CodeForm()
    if form.validate_on_submit() and user.has_two_factor and two_factor.verify(
            user, form.code.data):
        two_factor.turn_off(user)
        db.session.commit()
        flash(_("Two-step sign-in is off."), "success")
    else:
        flash(_("This code is not right; nothing was changed."), "danger")
    return redirect(url_for("auth.two_factor_status"))
