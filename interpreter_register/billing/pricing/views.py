"""A service's tariffs and pay scales: the list, one price list, a new one from a date, a
future one changed or removed. For the service's dispatchers and administrators only."""

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.models import Role
from ...core.edge import one_click, save_form
from ...core.forms import ConfirmForm
from ...core.i18n import format_day
from ...core.permissions import roles_required
from ...core.time import today_in_brussels
from ...extensions import db
from ...organisations.models import InterpretingService
from ...register.models.enums import Modality
from ..models import PriceList, PriceListKind, keeps_prices_of
from . import services
from .forms import form_for

bp = Blueprint("prices", __name__)
KEEPERS = (Role.ADMIN, Role.DISPATCHER)


@bp.context_processor
def _modality_label():
    return {"modality_label": lambda value: Modality(value).label}


def _service(service_id: int) -> InterpretingService:
    service = db.session.get(InterpretingService, service_id)
    if service is None or not keeps_prices_of(current_user, service.id):
        abort(404)
    return service


def _price_list(price_list_id: int) -> PriceList:
    price_list = db.session.get(PriceList, price_list_id)
    if price_list is None or not price_list.can_be_kept_by(current_user):
        abort(404)
    return price_list


def _kind(value: str) -> PriceListKind:
    try:
        return PriceListKind(value)
    except ValueError:
        abort(404)


def _first_of_next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


@bp.route("/prices")
@roles_required(*KEEPERS)
def index():
    """A dispatcher goes to their service's prices; an administrator chooses a service."""
    if current_user.is_dispatcher:
        return redirect(url_for("prices.of_service", service_id=current_user.service_id))
    found = db.session.scalars(select(InterpretingService).order_by(
        InterpretingService.active.desc(), InterpretingService.name)).all()
    return render_template("prices/services.html", services=found)


@bp.route("/services/<int:service_id>/prices")
@roles_required(*KEEPERS)
def of_service(service_id):
    service = _service(service_id)
    today = today_in_brussels()
    return render_template("prices/index.html", service=service, today=today,
                           lists=services.in_force_and_others(service.id, today),
                           kinds=list(PriceListKind), confirm=ConfirmForm())


@bp.route("/prices/<int:price_list_id>")
@roles_required(*KEEPERS)
def show(price_list_id):
    price_list = _price_list(price_list_id)
    return render_template("prices/show.html", price_list=price_list,
                           service=price_list.service, today=today_in_brussels(),
                           confirm=ConfirmForm())


def _form_page(service, kind, form, action, price_list=None):
    return render_template("prices/form.html", service=service, kind=kind, form=form,
                           action=action, price_list=price_list,
                           modalities=services.TIMED_MODALITIES)


@bp.route("/services/<int:service_id>/prices/new/<kind>", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def create(service_id, kind):
    service, kind = _service(service_id), _kind(kind)
    form = form_for(kind)
    if request.method == "GET":
        today = today_in_brussels()
        in_force = services.prefill(service.id, kind, today)
        if in_force is not None:
            form.fill_from(in_force, with_date=False)
        form.valid_from.data = _first_of_next_month(today)
    saved = save_form(form, lambda: services.create(current_user, service, kind,
                                                    form.details()),
                      lambda p: _("The %(kind)s from %(day)s is saved.", kind=p.kind.label,
                                  day=format_day(p.valid_from)),
                      url_for("prices.of_service", service_id=service.id))
    return saved or _form_page(service, kind, form,
                               url_for("prices.create", service_id=service.id, kind=kind))


@bp.route("/prices/<int:price_list_id>/edit", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def edit(price_list_id):
    price_list = _price_list(price_list_id)
    if price_list.has_started(today_in_brussels()):
        return redirect(url_for("prices.show", price_list_id=price_list.id))
    form = form_for(price_list.kind)
    if request.method == "GET":
        form.fill_from(price_list)
    saved = save_form(form, lambda: services.change(current_user, price_list, form.details()),
                      _("The price list is changed."),
                      url_for("prices.of_service", service_id=price_list.service_id))
    return saved or _form_page(price_list.service, price_list.kind, form,
                               url_for("prices.edit", price_list_id=price_list.id),
                               price_list)


@bp.route("/prices/<int:price_list_id>/delete", methods=["POST"])
@roles_required(*KEEPERS)
def delete(price_list_id):
    price_list = _price_list(price_list_id)
    service_id = price_list.service_id
    return one_click(lambda: services.remove(current_user, price_list),
                     _("The price list is removed."),
                     url_for("prices.of_service", service_id=service_id))
