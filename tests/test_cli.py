"""flask seed-demo, flask create-user and flask translate."""

import pyotp
from sqlalchemy import func, select

from interpreter_register.auth.models import Role, User
from interpreter_register.core.time import utcnow
from interpreter_register.demo import world as demo
from interpreter_register.extensions import db
from interpreter_register.organisations.models import InterpretingService, Organisation
from interpreter_register.register.models import Language, Person
from tests.fixtures.reading import load, mails


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_builds_a_small_world_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    for role, email in [("admin", "admin@example.org"), ("dispatcher", "dispatcher@example.org"),
                        ("requester", "requester@example.org"),
                        ("interpreter", "interpreter@example.org"),
                        ("register_staff", "register@example.org")]:
        assert f"{role}" in result.output and email in result.output
    assert demo.DEMO_PASSWORD in result.output

    before = {m.__name__: count(m) for m in (InterpretingService, Organisation, Person, User,
                                              Language)}
    assert before["InterpretingService"] == 11
    assert 28 <= before["Organisation"] <= 35
    assert before["Person"] == 60
    # The sixteen languages of the people, and Wolof, asked for but held by no one.
    assert before["Language"] == 17
    roles = set(db.session.scalars(select(User.role)))
    assert roles == set(Role)
    areas = {o.working_language for o in db.session.scalars(select(Organisation))}
    assert areas == {"nl", "fr", "de"}

    again = runner.invoke(args=["seed-demo"])
    assert "not loaded" in again.output
    assert {m.__name__: count(m) for m in (InterpretingService, Organisation, Person, User,
                                            Language)} == before


def test_demo_logins_work(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    for email in ("dispatcher@example.org", "interpreter@example.org",
                  "requester@example.org", "register@example.org"):
        response = client.post("/login", data={"email": email, "password": demo.DEMO_PASSWORD})
        assert response.headers["Location"] == "/", email
        client.post("/logout")


def test_the_demo_administrator_signs_in_in_two_steps_with_the_printed_key(app, client):
    printed = app.test_cli_runner().invoke(args=["seed-demo"]).output
    assert demo.DEMO_TOTP_SECRET in printed and demo.DEMO_RECOVERY_CODES[0] in printed
    response = client.post("/login", data={"email": "admin@example.org",
                                           "password": demo.DEMO_PASSWORD})
    assert response.headers["Location"] == "/login/code"
    code = pyotp.TOTP(demo.DEMO_TOTP_SECRET).at(utcnow())
    assert client.post("/login/code", data={"code": code}).headers["Location"] == "/"
    client.post("/logout")
    client.post("/login", data={"email": "admin@example.org", "password": demo.DEMO_PASSWORD})
    recovery = client.post("/login/code", data={"code": demo.DEMO_RECOVERY_CODES[1]})
    assert recovery.headers["Location"] == "/"


def test_the_demo_jobs_page_shows_a_mail_the_server_refused(app, client_for):
    app.test_cli_runner().invoke(args=["seed-demo"])
    staff = client_for(load(User, email="register@example.org"))
    page = staff.get("/admin/jobs").get_data(as_text=True)
    assert "former.colleague@example.org" in page and "5.1.1 Mailbox unavailable" in page
    assert staff.get("/healthz").get_json()["mail"]["failed"] == 1


def test_demo_names_languages_cldr_does_not_know(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    dari, kurmanji = load(Language, "prs"), load(Language, "kmr")
    assert (dari.name("nl"), dari.name("fr")) == ("Dari", "Dari")
    assert kurmanji.name("de") == "Kurmandschi (Nordkurdisch)"


def test_create_user_makes_the_first_administrator(app):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Root@Example.org", "--name", "Eerste Beheerder"])
    assert result.exit_code == 0, result.output
    assert "http://register.test/invitation/" in result.output
    user = load(User, email="root@example.org")
    assert user.role == Role.ADMIN and user.password_hash is None
    assert [m.kind for m in mails()] == ["invitation"]


def test_create_user_refuses_a_taken_address(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A"])
    result = runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A"])
    assert result.exit_code != 0
    assert "already exists" in result.output or "bestaat al" in result.output
