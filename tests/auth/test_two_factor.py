"""Two-step sign-in: required for staff by a setting, optional for others; enrolment with a
QR code drawn here and the key as text, a code step after the password, recovery codes
kept hashed, and an administrator's reset after a lost phone."""

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine

from interpreter_register.auth import two_factor
from interpreter_register.auth.models import RecoveryCode
from interpreter_register.core import settings
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.fixtures.reading import load


@pytest.fixture
def required(app):
    settings.change(None, two_factor.REQUIRED_FOR_STAFF.key, True)
    db.session.commit()


def log_in(client, user, password=PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def code(secret, later=0):
    """The app's code now (or ``later`` steps on: a code is never accepted twice)."""
    totp = pyotp.TOTP(secret)
    return totp.at(utcnow() + timedelta(seconds=30 * later))


def enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-step/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page).group(1)
    done = client.post("/account/two-step/setup", data={"code": code(secret)})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    return secret, codes


def test_staff_must_enrol_before_anything_else_when_the_setting_requires_it(
        required, client, world):
    assert log_in(client, world.dispatcher).headers["Location"] == "/"
    response = client.get("/dispatch")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/two-step/setup"
    page = client.get("/account/two-step/setup").get_data(as_text=True)
    assert "<svg" in page and "otpauth" not in page.split("<svg")[0][-200:]
    assert re.search(r'id="totp-secret"[^>]*>[A-Z2-7]{32}<', page), "the key as text"
    secret, codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/dispatch").status_code == 200
    stored = load(world.dispatcher)
    assert stored.totp_secret == secret and stored.has_two_factor
    hashes = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10 and not any(c.replace("-", "") in h for c in codes for h in hashes)


def test_a_requester_may_choose_it_and_is_not_forced(required, client, world, client_for):
    requester = client_for(world.requester)
    assert requester.get("/requests").status_code == 200
    secret, _codes = enrol(requester)
    assert load(world.requester).has_two_factor and secret


def test_the_code_step_after_the_password(required, client, world, client_for):
    staff = client_for(world.register_staff)
    secret, codes = enrol(staff)
    first = log_in(client, world.register_staff)
    assert first.headers["Location"] == "/login/code"
    assert client.get("/register/people").status_code == 302, "not in before the code"
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 200 and "niet juist" in wrong.get_data(as_text=True)
    right = client.post("/login/code", data={"code": code(secret, later=1)})
    assert right.headers["Location"] == "/"
    assert client.get("/register/people").status_code == 200


def test_a_code_is_accepted_once_only(required, app, world, client_for):
    staff = client_for(world.register_staff)
    secret, _codes = enrol(staff)
    used = code(secret, later=1)
    first, second = app.test_client(), app.test_client()
    log_in(first, world.register_staff)
    assert first.post("/login/code", data={"code": used}).headers["Location"] == "/"
    log_in(second, world.register_staff)
    assert second.post("/login/code", data={"code": used}).status_code == 200, "replayed"


def test_a_recovery_code_logs_in_once(required, app, world, client_for):
    staff = client_for(world.admin)
    _secret, codes = enrol(staff)
    browser = app.test_client()
    log_in(browser, world.admin)
    assert browser.post("/login/code", data={"code": codes[3].upper()}).status_code == 302
    again = app.test_client()
    log_in(again, world.admin)
    assert again.post("/login/code", data={"code": codes[3]}).status_code == 200


def test_the_code_step_is_throttled_and_expires(required, app, world, client_for):
    secret, _codes = enrol(client_for(world.admin))
    browser = app.test_client()
    with time_machine.travel(utcnow(), tick=False) as clock:
        log_in(browser, world.admin)
        for _ in range(5):
            browser.post("/login/code", data={"code": "123456"})
        slowed = browser.post("/login/code", data={"code": code(secret)})
        assert "Te veel mislukte pogingen" in slowed.get_data(as_text=True)
        clock.shift(timedelta(minutes=11))
        expired = browser.post("/login/code", data={"code": code(secret)})
        assert expired.headers["Location"] == "/login", "ask for the password again"


def test_an_administrator_resets_it_after_a_lost_phone(required, app, world, client_for):
    enrol(client_for(world.dispatcher))
    admin = client_for(world.admin)
    enrol(admin)
    admin.post(f"/admin/users/{world.dispatcher.id}/reset-two-step")
    assert not load(world.dispatcher).has_two_factor
    browser = app.test_client()
    assert log_in(browser, world.dispatcher).headers["Location"] == "/"
    assert browser.get("/dispatch").headers["Location"] == "/account/two-step/setup"


def test_turning_it_off_needs_a_code(required, world, client_for):
    requester = client_for(world.requester)
    secret, _codes = enrol(requester)
    requester.post("/account/two-step/off", data={"code": "000000"})
    assert load(world.requester).has_two_factor
    requester.post("/account/two-step/off", data={"code": code(secret, later=1)})
    assert not load(world.requester).has_two_factor


def test_without_the_setting_staff_are_not_forced(world, client_for):
    assert client_for(world.dispatcher).get("/dispatch").status_code == 200
