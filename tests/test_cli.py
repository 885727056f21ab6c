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
    # Documents: a letter to translate, a delivered translation, a briefing; real files.
    from interpreter_register.collaboration.models import RequestDocument
    from interpreter_register.core import uploads
    kept = db.session.scalars(select(RequestDocument)).all()
    assert {d.purpose.value for d in kept} == {"source", "translation", "briefing"}
    assert {d.upload.kind for d in kept} == {"pdf", "docx"}
    assert all(uploads.kind_of(uploads.path_of(d.upload).read_bytes()) == d.upload.kind
               for d in kept)

    # Last month invoiced by the run the dispatchers use, and one credit note at TVGent.
    from interpreter_register.billing.invoicing.documents import invoice_xml
    from interpreter_register.billing.invoicing.models import Invoice, InvoiceKind
    invoices = db.session.scalars(select(Invoice)).all()
    assert any(i.kind == InvoiceKind.INVOICE for i in invoices)
    [note] = [i for i in invoices if i.kind == InvoiceKind.CREDIT_NOTE]
    assert note.service.name == "TVGent" and note.corrects.service == note.service
    assert b"<CreditNote" in invoice_xml(note)

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


def test_the_demo_dispatcher_finds_last_month_s_zip_ready(app, client_for):
    app.test_cli_runner().invoke(args=["seed-demo"])
    dispatcher = client_for(load(User, email="dispatcher@example.org"))
    page = dispatcher.get("/invoices").get_data(as_text=True)   # last month
    assert 'class="export export-ready' in page
    link = page.split('href="/exports/', 1)[1].split('"', 1)[0]
    download = dispatcher.get(f"/exports/{link}")
    assert download.status_code == 200 and download.data.startswith(b"PK")


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


def test_every_demo_service_has_a_dispatcher_and_every_login_is_printed(app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "http://127.0.0.1:8123")
    output = app.test_cli_runner().invoke(args=["seed-demo"]).output
    for service in db.session.scalars(select(InterpretingService)):
        assert any(u.active for u in service.dispatchers), f"{service.name} has no dispatcher"
    eupen = db.session.scalar(select(User).where(
        User.role == Role.DISPATCHER, User.service.has(InterpretingService.name ==
                                                      "Info-Integration")))
    assert eupen.locale == "de"
    # The French- and German-speaking logins too, under their language.
    assert "Français:" in output and "setis@example.org" in output
    assert "Deutsch:" in output and "info-integration@example.org" in output
    assert output.index("Deutsch:") < output.index("oeshz.eupen@example.org")
    # The feed address follows the port the app is served on.
    assert "http://127.0.0.1:8123/calendar/" in output


def test_the_demo_writes_dutch_on_dutch_requests(app):
    from interpreter_register.bookings.models import InterpretingRequest
    app.test_cli_runner().invoke(args=["seed-demo"])
    notes = db.session.scalars(select(InterpretingRequest.notes).where(
        InterpretingRequest.working_language == "nl", InterpretingRequest.notes.is_not(None)))
    for note in notes:
        assert not any(word in note.split() for word in ("the", "Bring", "Please")), note


def test_the_demo_holds_a_series_partly_booked_a_monthly_one_offered_and_search(app, client):
    from interpreter_register.bookings.models import (
        FlagReason,
        Offer,
        OfferStatus,
        RequestSeries,
    )
    from interpreter_register.bookings.services.search import (
        RequestSearch,
        organisation_requests,
        service_requests,
    )
    from interpreter_register.core.time import utcnow
    app.test_cli_runner().invoke(args=["seed-demo"])
    weekly, monthly = db.session.scalars(select(RequestSeries).order_by(RequestSeries.id))
    assert weekly.frequency == "weekly" and monthly.frequency == "monthly_by_weekday"
    booked = [r for r in weekly.requests if r.is_booked]
    flagged = [r for r in weekly.requests if r.flag == FlagReason.SERIES_REST]
    assert booked and flagged and len(booked) + len(flagged) == weekly.size
    offered = db.session.scalars(select(Offer).where(
        Offer.request_id.in_([r.id for r in monthly.requests]),
        Offer.status == OfferStatus.OPEN)).all()
    assert offered and len({o.person_id for o in offered}) == 1
    requester = load(User, email="requester@example.org")
    dispatcher = load(User, email="dispatcher@example.org")
    found = organisation_requests(requester.organisation_id,
                                  RequestSearch(reference="gnt-2026-0412"), utcnow())
    assert [r.case_reference for r in found.items] == ["GNT-2026-0412"]
    history = service_requests(dispatcher.service_id, RequestSearch(status="completed"),
                               utcnow())
    assert history.total > 100
    client.post("/login", data={"email": "interpreter@example.org",
                                "password": demo.DEMO_PASSWORD})
    # The demo interpreter sees them on her page, to accept all or some.
    assert offered[0].person.account.email == "interpreter@example.org"
    page = client.get("/portal")
    assert monthly.number.encode() in page.data and b'name="accept"' in page.data


def test_the_demo_prints_an_organisations_and_a_services_api_key_that_work(app, client,
                                                                          client_for):
    import re
    printed = app.test_cli_runner().invoke(args=["seed-demo"]).output
    organisation_key, service_key = re.findall(r"^\s+(irk_\S+)$", printed, re.MULTILINE)
    mine = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {organisation_key}"})
    assert mine.status_code == 200 and mine.get_json()["items"]
    queue = client.get("/api/v1/queue", headers={"Authorization": f"Bearer {service_key}"})
    assert queue.status_code == 200 and queue.get_json()["items"]
    assert client.get("/api/v1/queue", headers={
        "Authorization": f"Bearer {organisation_key}"}).status_code == 403
    # Pieter Claes sees his service's key and when it was last used (not "never").
    dispatcher = load(User, email="dispatcher@example.org")
    page = client_for(dispatcher).get(f"/services/{dispatcher.service_id}/api-keys")
    text = page.get_data(as_text=True)
    row = text.split("Roostersoftware TVGent", 1)[1].split("</tr>", 1)[0]
    assert "<td>nooit</td>" not in row and "Actief" in row
