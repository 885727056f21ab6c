"""Where contact persons (their organisation's), dispatchers (their service's) and
administrators (any) manage webhook subscriptions and read their delivery log."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.models import Role
from ..core.edge import one_click
from ..core.forms import ConfirmForm
from ..core.i18n import format_day
from ..core.permissions import require, roles_required
from ..core.rules import RuleError, show_on_form
from ..core.time import today_in_brussels
from ..extensions import db
from ..organisations.access import dispatched_service, managed_organisation
from ..organisations.models import Organisation
from . import services
from .forms import ResendFailedForm, SubscriptionForm
from .models import WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__)


def _organisation(organisation_id: int) -> Organisation:
    return managed_organisation(organisation_id, "only contact persons manage webhooks")



def _subscription(subscription_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, subscription_id)
    if subscription is None or not subscription.can_be_seen_by(current_user):
        abort(404)
    require(subscription.can_be_managed_by(current_user), "not allowed to manage this")
    return subscription


def _no_store(response):
    # The page may show a secret once: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _index(owner, owner_kwargs: dict):
    form = SubscriptionForm()
    created = None
    if form.validate_on_submit():
        try:
            created = services.subscribe(current_user, form.url.data, form.events.data,
                                         form.description.data, **owner_kwargs)
        except RuleError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            form = SubscriptionForm(formdata=None)
    return _no_store(make_response(render_template(
        "webhooks/index.html", owner=owner, form=form, created=created,
        subscriptions=services.subscriptions_of(**owner_kwargs))))


@bp.route("/organisations/<int:organisation_id>/webhooks", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.REQUESTER)
def organisation_index(organisation_id):
    organisation = _organisation(organisation_id)
    return _index(organisation, {"organisation": organisation})


@bp.route("/services/<int:service_id>/webhooks", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.DISPATCHER)
def service_index(service_id):
    service = dispatched_service(service_id)
    return _index(service, {"service": service})


def _show(subscription, secret=None):
    resend_form = ResendFailedForm(formdata=None, since=today_in_brussels() - timedelta(days=7))
    return _no_store(make_response(render_template(
        "webhooks/show.html", subscription=subscription, secret=secret,
        deliveries=services.delivery_log(subscription), confirm=ConfirmForm(),
        resend_form=resend_form)))


def back_to_list(subscription) -> str:
    if subscription.organisation_id is not None:
        return url_for("webhooks.organisation_index",
                       organisation_id=subscription.organisation_id)
    return url_for("webhooks.service_index", service_id=subscription.service_id)


@bp.route("/webhooks/<int:subscription_id>")
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def show(subscription_id):
    return _show(_subscription(subscription_id))


@bp.route("/webhooks/<int:subscription_id>/test", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def send_test(subscription_id):
    subscription = _subscription(subscription_id)
    return one_click(lambda: services.send_test(current_user, subscription),
                     _("The test event is on its way; its delivery shows below in a moment."),
                     url_for("webhooks.show", subscription_id=subscription.id))


@bp.route("/webhooks/<int:subscription_id>/rotate", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def rotate(subscription_id):
    """The new secret is shown on the answer itself, once (never in a flash message,
    which travels in the session cookie)."""
    subscription = _subscription(subscription_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form was incomplete; nothing was done."), "warning")
        return redirect(url_for("webhooks.show", subscription_id=subscription.id))
    secret = services.rotate_secret(current_user, subscription)
    db.session.commit()
    return _show(subscription, secret)


@bp.route("/webhooks/<int:subscription_id>/disable", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def disable(subscription_id):
    subscription = _subscription(subscription_id)
    return one_click(lambda: services.disable(current_user, subscription),
                     _("The subscription is disabled: nothing more is sent to it."),
                     url_for("webhooks.show", subscription_id=subscription.id))


@bp.route("/webhooks/<int:subscription_id>/enable", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def enable(subscription_id):
    subscription = _subscription(subscription_id)
    return one_click(lambda: services.enable(current_user, subscription),
                     _("The subscription is active again."),
                     url_for("webhooks.show", subscription_id=subscription.id))


@bp.route("/webhooks/<int:subscription_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def delete(subscription_id):
    subscription = _subscription(subscription_id)
    return one_click(lambda: services.delete(current_user, subscription),
                     _("The subscription and its delivery log are deleted."),
                     back_to_list(subscription),
                     confirm=(_("Delete the subscription to %(url)s and its delivery log?",
                                url=subscription.url), _("Delete")))


@bp.route("/webhooks/<int:subscription_id>/deliveries/<int:delivery_id>/resend",
          methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def resend(subscription_id, delivery_id):
    """One delivery again: the same event, the same webhook-id, a new series of attempts."""
    subscription = _subscription(subscription_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != subscription.id:
        abort(404)
    return one_click(lambda: services.resend(current_user, delivery),
                     _("The message is queued to be sent again, with the same webhook-id; "
                       "its attempts show below."),
                     url_for("webhooks.show", subscription_id=subscription.id))


@bp.route("/webhooks/<int:subscription_id>/resend-failed", methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER, Role.DISPATCHER)
def resend_failed(subscription_id):
    """Every failed delivery since a day, again; a page says how many and asks first."""
    subscription = _subscription(subscription_id)
    back = url_for("webhooks.show", subscription_id=subscription.id)
    form = ResendFailedForm()
    if not form.validate_on_submit():
        problems = [str(message) for messages in form.errors.values() for message in messages]
        flash(" ".join(problems) or _("The form was incomplete; nothing was done."), "warning")
        return redirect(back)
    since = form.since.data
    if request.form.get("confirmed") != "yes":
        try:
            count = len(services.failed_to_resend(current_user, subscription, since))
        except RuleError as error:
            flash(str(error.message), "danger")
            return redirect(back)
        finally:
            db.session.rollback()
        return render_template(
            "webhooks/resend_confirm.html", subscription=subscription, form=form, back=back,
            question=ngettext("Send the %(num)d failed delivery since %(day)s again?",
                              "Send the %(num)d failed deliveries since %(day)s again?",
                              count, day=format_day(since)))
    return one_click(lambda: services.resend_failed(current_user, subscription, since),
                     lambda count: ngettext(
                         "%(num)d delivery is queued to be sent again.",
                         "%(num)d deliveries are queued to be sent again.", count),
                     back, form=form)
