"""Mail leaves only after the transaction that wrote it committed; SMTP when configured."""

import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from interpreter_register.core.outbox import deliver_pending, queue_mail
from interpreter_register.extensions import db
from tests.fixtures.reading import mails


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


def test_mail_queued_by_a_request_is_delivered_after_its_commit(world, client):
    client.post("/password/forgot", data={"email": world.admin.email})
    [mail] = mails()
    assert mail.sent_at is not None


def test_a_failing_request_sends_nothing(world, client, monkeypatch):
    from interpreter_register.auth import services

    def fail_after_queueing(email):
        queue_mail(email, "Half done", "…", kind="test")
        raise RuntimeError("boom")
    monkeypatch.setattr(services, "request_password_reset", fail_after_queueing)
    with pytest.raises(RuntimeError):
        client.post("/password/forgot", data={"email": world.admin.email})
    assert mails() == []


class Mailbox:
    def __init__(self):
        self.messages = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        self.received.set()
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


def test_real_smtp_when_configured(app, smtp_server, monkeypatch):
    controller, mailbox = smtp_server
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    queue_mail("anna@example.org", "Uw boeking", "Tekst van de mail", kind="test")
    db.session.commit()
    assert deliver_pending() == 1
    assert mailbox.received.wait(5)
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["anna@example.org"]
    assert b"Subject: Uw boeking" in envelope.content


def test_an_unreachable_mail_server_keeps_the_mail_for_later(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)
    queue_mail("anna@example.org", "Later", "…", kind="test")
    db.session.commit()
    assert deliver_pending() == 0
    [mail] = mails()
    assert mail.sent_at is None and mail.attempts == 1 and mail.last_error


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
    import email
    controller, mailbox = smtp_server
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    queue_mail("anna@example.org", "Geboekt", "Tekst", kind="booked", calendar=("REQUEST", ics))
    db.session.commit()
    assert deliver_pending() == 1
    assert mailbox.received.wait(5)
    message = email.message_from_bytes(mailbox.messages[0].content)
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in parts["text/calendar"].get_payload(decode=True).decode()
    assert parts["application/ics"].get_filename() == "invite.ics"
    assert parts["text/plain"].get_payload(decode=True).decode().strip() == "Tekst"
