"""Where contact persons (their organisation's) and administrators (any) manage API keys."""

from flask import Blueprint, abort, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.models import Role
from ..core.edge import one_click
from ..core.forms import ConfirmForm
from ..core.permissions import roles_required
from ..core.rules import RuleError, show_on_form
from ..extensions import db
from ..organisations.access import dispatched_service, managed_organisation
from ..organisations.models import Organisation
from . import keys
from .forms import ApiKeyForm
from .models import ApiKey, Scope

bp = Blueprint("api_keys", __name__)


def _organisation(organisation_id: int) -> Organisation:
    return managed_organisation(organisation_id, "only contact persons manage keys")



def _page(organisation, form, created=None, service=None):
    owner = organisation or service
    response = make_response(render_template(
        "api/keys.html", organisation=organisation, service=service, owner=owner, form=form,
        created=created, confirm=ConfirmForm(),
        api_keys=(keys.keys_of_organisation(organisation.id) if organisation
                  else keys.keys_of_service(service.id))))
    # The page may show a new key once: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _manage(create, page):
    """A key page: the form creates a key with ``create(name, scope, days)``; the new key
    is shown once, on ``page(form, created)``."""
    form = ApiKeyForm()
    created = None
    if form.validate_on_submit():
        try:
            created = create(form.name.data, Scope(form.scope.data), form.days.data)
        except RuleError as error:
            db.session.rollback()
            show_on_form(form, error)
        else:
            db.session.commit()
            form = ApiKeyForm(formdata=None)
    return page(form, created)


def _revoke(api_key, back: str):
    return one_click(lambda: keys.revoke_key(current_user, api_key),
                     _("The key “%(name)s” is revoked: it no longer works.",
                       name=api_key.name), back,
                     confirm=(_("Revoke the key “%(name)s”? The system that uses it stops "
                                "working at once.", name=api_key.name), _("Revoke")))


@bp.route("/organisations/<int:organisation_id>/api-keys", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.REQUESTER)
def index(organisation_id):
    organisation = _organisation(organisation_id)
    return _manage(lambda name, scope, days: keys.create_key(
        current_user, organisation, name, scope, days),
        lambda form, created: _page(organisation, form, created))


@bp.route("/organisations/<int:organisation_id>/api-keys/<int:key_id>/revoke",
          methods=["POST"])
@roles_required(Role.ADMIN, Role.REQUESTER)
def revoke(organisation_id, key_id):
    organisation = _organisation(organisation_id)
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None or api_key.organisation_id != organisation.id:
        abort(404)
    return _revoke(api_key, url_for("api_keys.index", organisation_id=organisation.id))


@bp.route("/services/<int:service_id>/api-keys", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.DISPATCHER)
def service_index(service_id):
    """A service's keys: its own system reads its queue and its bookings."""
    service = dispatched_service(service_id)
    return _manage(lambda name, scope, days: keys.create_service_key(
        current_user, service, name, scope, days),
        lambda form, created: _page(None, form, created, service=service))


@bp.route("/services/<int:service_id>/api-keys/<int:key_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN, Role.DISPATCHER)
def service_revoke(service_id, key_id):
    service = dispatched_service(service_id)
    api_key = db.session.get(ApiKey, key_id)
    if api_key is None or api_key.service_id != service.id:
        abort(404)
    return _revoke(api_key, url_for("api_keys.service_index", service_id=service.id))
