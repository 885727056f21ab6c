"""Mail leaves only after the transaction that wrote it committed, and only from the
background worker: no web request waits for, or fails because of, a mail server. Each
message is tried on its own, again later when it fails, and given up after the last
attempt; several workers never send one twice."""

import os
import signal
import subprocess
import sys
import threading
import time as clock
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select

from interpreter_register import create_app
from interpreter_register.core import outbox, worker
from interpreter_register.core.outbox import OutboxMessage, deliver_pending, queue_mail
from interpreter_register.core.time import utcnow
from interpreter_register.extensions import db
from interpreter_register.register.models import Language
from tests.conftest import app_config, staff_sign_in_with_password_alone
from tests.fixtures.database import scratch_database
from tests.fixtures.mail import Mailbox, free_port
from tests.fixtures.reading import load, mails
from tests.fixtures.world import build_world

ROOT = Path(__file__).resolve().parents[2]


def test_a_rolled_back_mail_is_never_sent(app_ctx):
    queue_mail("a@example.org", "Subject", "Body", kind="test")
    db.session.rollback()
    assert deliver_pending() == 0
    assert mails() == []


def test_a_committed_mail_is_delivered_once(app_ctx):
    queue_mail("a@example.org", "Subject", "Body", kind="test")
    db.session.commit()
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    [mail] = mails()
    assert mail.sent_at is not None and mail.attempts == 1


def test_a_request_only_queues_its_mail(world, client, app, monkeypatch):
    """Even with a mail server that is down, the request answers as usual: it never talks
    to the server; the worker does, later."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    response = client.post("/password/forgot", data={"email": world.admin.email})
    assert response.status_code == 302
    [mail] = mails()
    assert (mail.sent_at, mail.attempts, mail.last_error) == (None, 0, None)


def test_a_failing_request_sends_nothing(world, client, monkeypatch):
    from interpreter_register.auth import services

    def fail_after_queueing(email, address):
        queue_mail(email, "Half done", "…", kind="test")
        raise RuntimeError("boom")
    monkeypatch.setattr(services, "request_password_reset", fail_after_queueing)
    with pytest.raises(RuntimeError):
        client.post("/password/forgot", data={"email": world.admin.email})
    assert mails() == []


# --- an SMTP server of our own -------------------------------------------------------------

@pytest.fixture
def smtp_server():
    """``smtp_server(**mailbox options)``: a server on a free port, stopped at teardown."""
    started = []

    def start(**options):
        mailbox = Mailbox(**options)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append((controller, mailbox))
        return controller, mailbox
    yield start
    for controller, mailbox in started:
        if mailbox.hold is not None:
            mailbox.hold.set()
        controller.stop()


def _use(app, monkeypatch, controller):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)


def test_real_smtp_when_configured(app, smtp_server, monkeypatch):
    controller, mailbox = smtp_server()
    _use(app, monkeypatch, controller)
    queue_mail("anna@example.org", "Uw boeking", "Tekst van de mail", kind="test")
    db.session.commit()
    assert deliver_pending() == 1
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["anna@example.org"]
    assert b"Subject: Uw boeking" in envelope.content


def test_an_unreachable_server_is_tried_again_later_then_given_up(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    queue_mail("anna@example.org", "Later", "…", kind="test")
    db.session.commit()
    with time_machine.travel(utcnow(), tick=False) as moment:
        assert deliver_pending() == 0
        [mail] = mails()
        assert (mail.sent_at, mail.attempts, mail.failed_at) == (None, 1, None)
        assert "ConnectionRefusedError" in mail.last_error
        assert mail.next_attempt_at == utcnow() + timedelta(minutes=1)
        assert deliver_pending() == 0, "not due again yet"
        moment.shift(timedelta(minutes=1))
        deliver_pending()
        assert load(mail).next_attempt_at == utcnow() + timedelta(minutes=2), "twice as long"
        moment.shift(timedelta(minutes=2))
        deliver_pending()
        mail = load(mail)
        assert mail.attempts == 3 and mail.failed_at == utcnow() and mail.sent_at is None
        moment.shift(timedelta(days=1))
        assert deliver_pending() == 0 and load(mail).attempts == 3, "failed is failed"


def test_a_refused_or_unbuildable_message_does_not_stop_the_others(app, smtp_server,
                                                                    monkeypatch):
    controller, mailbox = smtp_server(refuse={"refused@example.org"})
    _use(app, monkeypatch, controller)
    first = queue_mail("anna@example.org", "Een", "…", kind="test")
    refused = queue_mail("refused@example.org", "Twee", "…", kind="test")
    broken = queue_mail("bert@example.org", "Drie", "…", kind="test")
    last = queue_mail("carla@example.org", "Vier", "…", kind="test")
    db.session.commit()
    build = outbox.compose

    def compose_or_fail(message):
        if message.id == broken.id:
            raise ValueError("a value no mail can carry")
        return build(message)
    monkeypatch.setattr(outbox, "compose", compose_or_fail)
    assert deliver_pending() == 2
    assert sorted(m["To"] for m in mailbox.parsed()) == ["anna@example.org", "carla@example.org"]
    assert load(first).sent_at and load(last).sent_at
    assert "SMTPRecipientsRefused" in load(refused).last_error
    assert load(broken).last_error == "ValueError: a value no mail can carry"
    assert load(broken).sent_at is None and load(broken).attempts == 1


def test_a_line_break_stored_in_an_old_row_never_reaches_a_header(app, smtp_server,
                                                                  monkeypatch):
    """Rows written before header values were cleaned may hold CR/LF: delivery cleans them
    too, instead of failing on them (and every message behind them) for ever."""
    controller, mailbox = smtp_server()
    _use(app, monkeypatch, controller)
    db.session.add(OutboxMessage(recipient="anna@example.org", kind="test", body="…",
                                 subject="Geboekt: Arabisch\r\nBcc: evil@example.org",
                                 next_attempt_at=utcnow()))
    db.session.commit()
    assert deliver_pending() == 1
    [message] = mailbox.parsed()
    assert message["Bcc"] is None and "evil@example.org" not in mailbox.messages[0].rcpt_tos
    assert message["Subject"] == "Geboekt: Arabisch Bcc: evil@example.org"


def test_a_language_name_with_a_line_break_goes_through_a_booking_mail(
        app, world, client_for, smtp_server, monkeypatch):
    """The issue's case: a language whose name holds CR/LF, booked; its mails leave with
    one clean subject line and no forged header."""
    from interpreter_register.bookings.models import Booking
    from interpreter_register.register.services.people import rename_language

    # As a row written before forms refused control characters may hold it.
    rename_language(None, db.session.get(Language, "ar"),
                    {"nl": "Arabisch\r\nBcc: evil@example.org"})
    db.session.commit()
    item = world.request
    response = client_for(world.dispatcher).post(
        f"/dispatch/requests/{item.id}/book", data={"person": world.omar.id})
    assert response.status_code == 302
    assert load(Booking, request_id=item.id, person_id=world.omar.id) is not None
    controller, mailbox = smtp_server()
    _use(app, monkeypatch, controller)
    queued = mails(kind="booked")
    assert queued and all("\r" not in m.subject and "\n" not in m.subject for m in queued)
    while deliver_pending():
        pass
    delivered = mailbox.parsed()
    booked = [m for m in delivered if m["Subject"].startswith("Geboekt")]
    assert booked and all(m["Bcc"] is None for m in delivered)
    assert any("Arabisch Bcc: evil@example.org" in m["Subject"] for m in booked)
    assert all("evil@example.org" not in e.rcpt_tos for e in mailbox.messages)


def test_without_a_mail_server_the_log_says_who_got_what(app, caplog, monkeypatch):
    queue_mail("anna@example.org", "Uw boeking", "Link: http://x/secret", kind="test")
    db.session.commit()
    with caplog.at_level("INFO", logger="interpreter_register"):
        deliver_pending()
    assert "anna@example.org" in caplog.text and "Uw boeking" in caplog.text
    assert "secret" not in caplog.text, "bodies are logged only when MAIL_LOG_BODY is set"
    monkeypatch.setitem(app.config, "MAIL_LOG_BODY", True)
    queue_mail("anna@example.org", "Tweede", "Link: http://x/secret", kind="test")
    db.session.commit()
    with caplog.at_level("INFO", logger="interpreter_register"):
        deliver_pending()
    assert "http://x/secret" in caplog.text


def test_a_calendar_invitation_travels_as_a_part_and_an_attachment(app, smtp_server,
                                                                 monkeypatch):
    controller, mailbox = smtp_server()
    _use(app, monkeypatch, controller)
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    queue_mail("anna@example.org", "Geboekt", "Tekst", kind="booked", calendar=("REQUEST", ics))
    db.session.commit()
    assert deliver_pending() == 1
    [message] = mailbox.parsed()
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in parts["text/calendar"].get_payload(decode=True).decode()
    assert parts["application/ics"].get_filename() == "invite.ics"
    assert parts["text/plain"].get_payload(decode=True).decode().strip() == "Tekst"


# --- what operators see ---------------------------------------------------------------------

def test_failed_and_overdue_mail_show_on_the_jobs_page_and_in_the_health_check(
        app, world, client, client_for):
    with time_machine.travel(utcnow() - timedelta(hours=2), tick=False):
        queue_mail("late@example.org", "Te laat", "…", kind="test")
    failed = queue_mail("gone@example.org", "Mislukt", "…", kind="test")
    failed.attempts, failed.failed_at = 8, utcnow()
    failed.last_error = "SMTPRecipientsRefused: no such mailbox"
    db.session.commit()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["mail"] == {"waiting": 1, "overdue": 1, "failed": 1}
    staff = client_for(world.register_staff)
    page = staff.get("/admin/jobs", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "gone@example.org" in page and "SMTPRecipientsRefused" in page
    assert "1 mail mislukt" in page
    staff.post("/admin/jobs/mail/retry")
    again = load(failed)
    assert (again.failed_at, again.attempts) == (None, 0)
    assert client.get("/healthz").json["mail"]["failed"] == 0


def test_outbox_run_once_delivers_what_is_due(app):
    queue_mail("anna@example.org", "Een", "…", kind="test")
    queue_mail("bert@example.org", "Twee", "…", kind="test")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0 and "2 mail(s) delivered" in result.output
    assert all(m.sent_at for m in mails())


# --- workers: out of the request, side by side ------------------------------------------------

@pytest.fixture
def own_database(database_kind, tmp_path):
    """An app on a database of its own, so that worker threads (other connections) see
    what the test commits."""
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url, WORKER_POLL_SECONDS=0.05))
        with app.app_context():
            upgrade()
            staff_sign_in_with_password_alone()
            db.session().expire_on_commit = False
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _wait_for(check, what: str, app):
    """Poll the database until ``check()`` holds; the deadline only guards against hanging."""
    deadline = clock.monotonic() + 120
    while clock.monotonic() < deadline:
        with app.app_context():
            done = check()
            db.session.remove()
        if done:
            return
        clock.sleep(0.05)
    raise AssertionError(f"waited in vain for {what}")


def test_a_booking_answers_while_the_mail_server_is_stuck(own_database, smtp_server):
    """The worker is stuck in a conversation with a server that does not answer; a
    dispatcher books meanwhile, and the page answers before the server does."""
    app = own_database
    hold = threading.Event()
    controller, mailbox = smtp_server(hold=hold)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        db.session().expire_on_commit = False
        world = build_world()
        queue_mail("first@example.org", "Eerst", "…", kind="test")
        db.session.commit()
    stop = threading.Event()
    thread = worker.start_thread(app, stop, ["outbox"])
    try:
        assert mailbox.entered.wait(60), "the worker never reached the server"
        dispatcher = app.test_client()
        with app.app_context():
            from interpreter_register.auth.sessions import start_session
            token = start_session(world.dispatcher)
            db.session.commit()
        with dispatcher.session_transaction() as session:
            session["_user_id"] = token
        answered = []
        booking = threading.Thread(target=lambda: answered.append(dispatcher.post(
            f"/dispatch/requests/{world.request.id}/book", data={"person": world.omar.id})))
        booking.start()
        # Whichever comes first: the page's answer, or the request itself talking to the
        # stuck server (delivery inside the request), which would block it for as long.
        deadline = clock.monotonic() + 120
        while booking.is_alive() and mailbox.conversations < 2 and clock.monotonic() < deadline:
            clock.sleep(0.01)
        assert mailbox.conversations == 1, "the request itself waited for the mail server"
        booking.join(60)
        [response] = answered
        assert response.status_code == 302
        assert not hold.is_set() and mailbox.messages == [], "the server has not answered yet"
        with app.app_context():
            waiting = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.kind == "booked", OutboxMessage.sent_at.is_(None)))
        assert waiting >= 2, "the booking's mails wait in the outbox"
        hold.set()
        _wait_for(lambda: db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.sent_at.is_(None))) == 0,
                  "every mail to leave", app)
        assert len(mailbox.messages) == waiting + 1
    finally:
        hold.set()
        stop.set()
        thread.join(60)


def test_two_workers_never_send_a_message_twice(own_database, smtp_server):
    app = own_database
    controller, mailbox = smtp_server()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    with app.app_context():
        for n in range(40):
            queue_mail(f"person{n}@example.org", f"Bericht {n}", "…", kind="test")
        db.session.commit()
    stops = [threading.Event(), threading.Event()]
    threads = [worker.start_thread(app, stop, ["outbox"]) for stop in stops]
    try:
        _wait_for(lambda: db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                            .where(OutboxMessage.sent_at.is_(None))) == 0,
                  "every mail to leave", app)
    finally:
        for stop in stops:
            stop.set()
        for thread in threads:
            thread.join(60)
    subjects = sorted(m["Subject"] for m in mailbox.parsed())
    assert subjects == sorted(f"Bericht {n}" for n in range(40)), "each once, none twice"
    with app.app_context():
        assert set(db.session.scalars(select(OutboxMessage.attempts))) == {1}


def test_the_worker_process_delivers_and_stops_cleanly_on_sigterm(own_database, database_kind):
    app = own_database
    with app.app_context():
        queue_mail("anna@example.org", "Uit het proces", "…", kind="test")
        db.session.commit()
        url = db.engine.url.render_as_string(hide_password=False)
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "worker-test",
                   "MAIL_SERVER": "", "WORKER_POLL_SECONDS": "0.1"}
    process = subprocess.Popen(  # noqa: S603 - the project's own command
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "run"], cwd=ROOT,
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: db.session.scalar(select(OutboxMessage.sent_at)) is not None,
                  "the worker to deliver", app)
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0].decode()
        assert process.returncode == 0, output
        assert "worker stopped" in output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
