"""Hostile input is refused by construction: every form derives from the guarded base,
every text field is as long as its column allows, dates lie in one range, numbers fit a
column, URLs refuse ids no column holds and control characters, lists bound their page,
and a body too large is answered 413 without being read."""

import importlib
import io
import pkgutil
from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import interpreter_register
from interpreter_register.bookings.models import InterpretingRequest
from interpreter_register.core.forms import Form, SubForm, choices, fits
from interpreter_register.register.models import Person


def _all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(interpreter_register.__path__, "interpreter_register."):
        importlib.import_module(module.name)
    found, waiting = [], [FlaskForm, SubForm.__mro__[1]]
    while waiting:
        for subclass in waiting.pop().__subclasses__():
            found.append(subclass)
            waiting.append(subclass)
    return [cls for cls in found if cls.__module__.startswith("interpreter_register.")]


def test_every_form_derives_from_the_guarded_base(app):
    forms = _all_form_classes()
    assert len(forms) > 30
    unguarded = [f"{cls.__module__}.{cls.__name__}" for cls in forms
                 if not issubclass(cls, Form | SubForm) and cls not in (Form, SubForm)]
    assert unguarded == [], "forms that do not derive from core.forms.Form (or SubForm)"


def test_every_text_field_has_a_length_limit(app):
    missing = []
    for cls in _all_form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            if not isinstance(unbound, UnboundField) or not issubclass(
                    unbound.field_class, StringField):
                continue
            validators = unbound.kwargs.get("validators") or (
                unbound.args[1] if len(unbound.args) > 1 else [])
            if not any(isinstance(v, Length) and v.max > 0 for v in validators):
                missing.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert missing == [], "text fields without a Length (use core.forms.fits(Model.column))"


def test_a_length_comes_from_its_column(app):
    assert fits(Person.last_name).max == 80 and fits(Person.email).max == 254
    with pytest.raises(ValueError):
        fits(InterpretingRequest.notes)


class Sample(Form):
    class Meta:
        csrf = False

    name = StringField(validators=[Length(max=20)])
    secret = PasswordField(validators=[Length(max=20)])
    notes = TextAreaField(validators=[Length(max=50)])
    day = DateField()
    words = IntegerField()
    choice = SelectField(coerce=int, choices=choices([(1, "a")]), validate_choice=False)


@pytest.mark.parametrize("values,valid,errors", [
    ({"name": "Anna\r\nBcc: x"}, True, []),
    ({"notes": "two\r\nlines\tand a tab"}, True, []),
    ({"notes": "NUL \x00 byte"}, False, ["notes"]),
    ({"secret": "pass\x00word"}, False, ["secret"]),
    ({"day": "0001-01-01"}, False, ["day"]),
    ({"day": "9999-12-31"}, False, ["day"]),
    ({"day": "2199-12-31"}, True, []),
    ({"words": str(10 ** 20)}, False, ["words"]),
    ({"words": "-2147483648"}, True, []),
    ({"choice": str(2 ** 31)}, False, ["choice"]),
])
def test_every_field_is_guarded_by_its_type(app_ctx, values, valid, errors):
    from flask import current_app
    with current_app.test_request_context():
        form = Sample(formdata=MultiDict(values))
        assert form.validate() is valid
        assert sorted(form.errors) == errors
        if "name" in values:
            assert form.name.data == "Anna  Bcc: x", "a line break in one line: a space"


@pytest.mark.parametrize("path", [
    "/admin/users/99999999999999999999", "/admin/users/2147483648",
    "/register/people/9223372036854775808", "/requests/100000000000000000000",
    "/register/languages/a%00b", "/calendar/%00.ics", "/settings/reg%0d%0aister",
])
def test_urls_with_ids_no_column_holds_or_control_characters_are_not_found(
        world, client_for, path):
    assert client_for(world.admin).get(path).status_code == 404


@pytest.mark.parametrize("query", [
    "page=100000000000000000000", "page=-5", "page=abc", "page=0",
    "status=bogus", "modality=bogus", "day=0001-01-01", "day=9999-12-31",
    "language=%00", "status=bogus&page=99999",
])
def test_list_filters_and_pages_never_fail(world, client_for, query):
    assert client_for(world.dispatcher).get(f"/dispatch?{query}").status_code == 200
    assert client_for(world.admin).get(f"/admin/users?q=%00&role=x&{query}").status_code == 200
    assert client_for(world.admin).get(f"/register/people?{query}").status_code == 200
    assert client_for(world.admin).get(f"/public-register?language=ar&{query}"
                                       ).status_code == 200


@pytest.mark.parametrize("query", [
    "period=year&year=1", "period=year&year=9999", "period=month&month=0001-01",
    "period=month&month=9999-12", "period=custom&from=0001-01-01&to=0001-12-31",
    "period=custom&from=9999-01-01&to=9999-12-31", "period=quarter&quarter=9999-Q4",
    "service=100000000000000000000", "service=-1", "period=year&year=" + "9" * 5000,
])
def test_report_periods_outside_the_accepted_dates_give_this_month(world, client_for, query):
    for url in ("/reports/service", "/reports/organisations", "/reports/organisations.csv"):
        response = client_for(world.register_staff).get(f"{url}?{query}")
        assert response.status_code == 200, url
    page = client_for(world.register_staff).get(f"/reports/service?{query}")
    if "period" in query:
        assert "De periode kon niet gelezen worden" in page.get_data(as_text=True)


def test_choosing_a_person_that_is_not_a_number_is_a_message_not_an_error(world, client_for):
    for action in ("book", "reassign"):
        response = client_for(world.dispatcher).post(
            f"/dispatch/requests/{world.request.id}/{action}", data={"person": "abc"})
        assert response.status_code == 302


def test_a_body_too_large_is_answered_413_without_reading_it(world, client_for, app,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client_for(world.register_staff).post(
        "/register/import", data={"file": (io.BytesIO(b"x" * 4096), "big.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Het bestand dat u stuurde is te groot." in response.get_data(as_text=True)


def test_the_accepted_dates_are_one_range(app):
    from interpreter_register.core.time import FIRST_DAY, LAST_DAY, is_accepted_day
    assert (date(1900, 1, 1), date(2199, 12, 31)) == (FIRST_DAY, LAST_DAY)
    assert is_accepted_day(LAST_DAY) and not is_accepted_day(date(9999, 12, 31))
