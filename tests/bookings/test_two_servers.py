"""Two web servers, one database, one worker: the production layout on one machine.

Two gunicorn instances on two ports of 127.0.0.1 serve one PostgreSQL database, with one
background worker process (``flask worker run``) beside them. The fifty concurrent
confirmations of tests/bookings/test_concurrency.py go to both servers over HTTP at once:
the dispatcher books Fatima directly, Fatima accepts offers, each on both servers, with
the login made on one server and used on the other. Exactly one confirmation wins, the
database holds one booking, every other answer says why it was refused (never a server
error), every delivery the worker makes reaches its receiver exactly once, and every
process stops cleanly when told to.

What the worker delivers is checked per kind of delivery (``Delivery``): mail, to an SMTP
server of the test's own, and webhooks, to an HTTP receiver of the test's own that the
organisation subscribed to every event (each must arrive once by its ``webhook-id``,
signed with the subscription's secret). A new kind is one more ``Delivery`` in the
``deliveries`` fixture: its receiver, the environment that points the processes at it,
what to set up once the world exists, and how to count what the database says must go out
and what arrived.
"""

import copy
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as email_policy
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

import pytest
from aiosmtpd.controller import Controller
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from interpreter_register import create_app
from interpreter_register.auth.models import User
from interpreter_register.bookings.models import Booking, BookingStatus
from interpreter_register.core.outbox import OutboxMessage
from interpreter_register.extensions import db
from interpreter_register.organisations.models import Organisation
from interpreter_register.webhooks import services as webhooks
from interpreter_register.webhooks.models import EventType, WebhookDelivery
from tests.conftest import app_config, staff_sign_in_with_password_alone
from tests.fixtures.database import scratch_database
from tests.fixtures.factories import PASSWORD
from tests.fixtures.mail import Mailbox, free_port
from tests.fixtures.webhooks import Receiver

from .test_concurrency import overlapping_requests

ROOT = Path(__file__).resolve().parents[2]
# Generous bounds, only against hanging: a loaded machine is slow, never wrong.
PATIENCE = 180
# Over HTTP, fewer than the fifty of test_concurrency.py: four confirmations are in flight
# at once (two servers, two workers each), the rest wait their turn in the servers' queues.
ATTEMPTS = 24
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The messages a page shows after a button (base.html: first thing in <main>).
FLASHES = re.compile(r'<main[^>]*>\s*('
                     r'(?:<div class="alert alert-\w+" role="status">[^<]*</div>\s*)*)')
FLASH = re.compile(r'class="alert alert-(\w+)"')


# --- what the worker delivers, seen from both ends ----------------------------------------

@dataclass
class Delivery:
    """One kind of thing the worker delivers. ``waiting``, ``expected`` and ``failed`` run
    in an application context on the test's database; ``received`` reads the receiver."""

    name: str
    environment: dict[str, str]              # points the processes at the test's receiver
    waiting: Callable[[], int]               # how many are still to go out
    failed: Callable[[], int]                # how many the worker gave up on
    expected: Callable[[], Counter]          # one entry per item the database says goes out
    received: Callable[[], Counter]          # one entry per item the receiver got
    # Once the world is committed, before anything happens (in an application context).
    prepare: Callable[[object], None] = lambda world: None


def _mail_key(recipient: str, subject: str, body: str) -> tuple[str, str, str]:
    return recipient, subject, body.replace("\r\n", "\n").strip()


def mail_delivery(mailbox: Mailbox, port: int) -> Delivery:
    def expected() -> Counter:
        return Counter(_mail_key(m.recipient, m.subject, m.body)
                       for m in db.session.scalars(select(OutboxMessage)))

    def received() -> Counter:
        with mailbox.lock:
            contents = [envelope.content for envelope in mailbox.messages]
        keys = Counter()
        for content in contents:
            mail = message_from_bytes(content, policy=email_policy)
            keys[_mail_key(str(mail["To"]), str(mail["Subject"]),
                           mail.get_body(("plain",)).get_content())] += 1
        return keys

    def count(condition) -> int:
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(condition))

    return Delivery(
        name="mail",
        environment={"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
                     "MAIL_USE_TLS": "0"},
        waiting=lambda: count(OutboxMessage.sent_at.is_(None)
                              & OutboxMessage.failed_at.is_(None)),
        failed=lambda: count(OutboxMessage.failed_at.is_not(None)),
        expected=expected, received=received)


def webhook_delivery(receiver: Receiver) -> Delivery:
    """The organisation's system subscribed to every event; each delivery the database
    holds arrives once (by its webhook-id), signed with the subscription's secret."""
    secrets: list[str] = []

    def prepare(world) -> None:
        current_app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True  # the processes: environment
        contact_person = db.session.get(User, world.contact_person.id)
        _subscription, secret = webhooks.subscribe(
            contact_person, receiver.url("/planning"), [event.value for event in EventType],
            "Planning", organisation=db.session.get(Organisation, world.organisation.id))
        db.session.commit()
        secrets.append(secret)

    def expected() -> Counter:
        return Counter((message_id, "signed") for message_id in db.session.scalars(
            select(WebhookDelivery.message_id)))

    def received() -> Counter:
        [secret] = secrets
        with receiver.lock:
            got = list(receiver.received)
        keys = Counter()
        for item in got:
            try:
                Webhook(secret).verify(item.body, item.headers)
                signed = "signed"
            except WebhookVerificationError:
                signed = "badly signed"
            keys[item.headers.get("webhook-id"), signed] += 1
        return keys

    def count(condition) -> int:
        return db.session.scalar(select(func.count()).select_from(WebhookDelivery)
                                 .where(condition))

    return Delivery(
        name="webhooks",
        environment={"WEBHOOKS_ALLOW_LOOPBACK": "1"},
        waiting=lambda: count(WebhookDelivery.delivered_at.is_(None)
                              & WebhookDelivery.failed_at.is_(None)),
        failed=lambda: count(WebhookDelivery.failed_at.is_not(None)),
        expected=expected, received=received, prepare=prepare)


@pytest.fixture
def deliveries():
    """Every kind of delivery, each with its receiver running (stopped at teardown)."""
    with ExitStack() as stack:
        mailbox, port = Mailbox(), free_port()
        smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
        smtp.start()
        stack.callback(smtp.stop)
        receiver = Receiver().start()
        stack.callback(receiver.stop)
        yield [mail_delivery(mailbox, port), webhook_delivery(receiver)]


# --- a browser over HTTP ------------------------------------------------------------------

class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Visitor:
    """A browser: its cookies go to both servers (one site behind a proxy, as in
    production); redirects are not followed, so that each answer is seen."""

    jar: CookieJar = field(default_factory=CookieJar)

    def copy(self) -> "Visitor":
        """A second tab with its own cookie jar, logged in as this one (its own flashes)."""
        jar = CookieJar()
        for cookie in self.jar:
            jar.set_cookie(copy.copy(cookie))
        return Visitor(jar)

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body)."""
        opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirects())
        body = urlencode(data).encode() if data is not None else None
        try:
            with opener.open(url, body, timeout=PATIENCE) as response:
                return response.status, "", response.read().decode()
        except HTTPError as answer:   # a redirect (not followed), or an error page
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()

    def token(self, url: str) -> str:
        status, _location, page = self.open(url)
        assert status == 200, (url, status)
        return CSRF.search(page).group(1)

    def log_in(self, server: str, email: str) -> "Visitor":
        token = self.token(server + "/login")
        status, location, _page = self.open(server + "/login", {
            "email": email, "password": PASSWORD, "csrf_token": token})
        assert status == 302 and "login" not in location, f"{email} could not log in"
        return self

    def post_and_read(self, url: str, data: dict) -> tuple[int, list[str]]:
        """Press a button: the answer's status, and the kinds of message the page it leads
        to shows ("success", "danger", ...)."""
        status, location, _page = self.open(url, data)
        if status != 302:
            return status, []
        status, _location, page = self.open(urljoin(url, location))
        return status, FLASH.findall(FLASHES.search(page).group(1))


# --- the processes ------------------------------------------------------------------------

def _start(stack: ExitStack, command: list[str], environment: dict, log: Path):
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=environment,  # noqa: S603
                                   stdout=output, stderr=subprocess.STDOUT)

    def stop():
        if process.poll() is None:
            process.kill()
            process.wait(PATIENCE)
    stack.callback(stop)
    return process


def _wait_until(check: Callable[[], bool], what: str, processes=()) -> None:
    """Poll until ``check()`` holds; the deadline only guards against hanging."""
    deadline = time.monotonic() + PATIENCE
    while not check():
        for process, log in processes:
            if process.poll() is not None:
                raise AssertionError(f"{what}: a process ended ({process.returncode}):\n"
                                     f"{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {PATIENCE} s in vain for {what}")
        time.sleep(0.1)


def _healthy(server: str) -> bool:
    try:
        return Visitor().open(server + "/healthz")[0] == 200
    except (URLError, ConnectionError):
        return False


def _stop(processes: list[tuple[subprocess.Popen, Path, str]]) -> None:
    """SIGTERM to each, and each ends by itself, cleanly, saying so (told all at once:
    a process takes a few seconds to wind down)."""
    for process, _log, _says in processes:
        process.send_signal(signal.SIGTERM)
    for process, log, says in processes:
        assert process.wait(PATIENCE) == 0, log.read_text()[-3000:]
        assert says in log.read_text(), log.read_text()[-3000:]


# --- the test -----------------------------------------------------------------------------

def test_two_servers_and_one_worker_book_once_and_deliver_once(database_kind, deliveries,
                                                               tmp_path):
    if database_kind != "postgresql":
        pytest.skip("two servers share one PostgreSQL: runs with --postgresql "
                    "(make test's second run)")
    with scratch_database(database_kind, tmp_path) as url, ExitStack() as stack:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            staff_sign_in_with_password_alone()
        stack.callback(lambda: _forget(app))

        environment = {key: value for key, value in os.environ.items()
                       if key != "REPORTS_DATABASE_URL"}
        environment.update({
            "DATABASE_URL": url, "SECRET_KEY": "two-servers-one-secret",
            "SESSION_COOKIE_SECURE": "0", "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "WORKER_POLL_SECONDS": "0.2",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))})
        for delivery in deliveries:
            environment.update(delivery.environment)
        servers, processes = [], []
        for n in (1, 2):
            port, log = free_port(), tmp_path / f"server{n}.log"
            process = _start(stack, [
                sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "300",
                # Two instances on one machine would share gunicorn's one default control
                # socket (~/.gunicorn/gunicorn.ctl); they need none here.
                "--no-control-socket",
                "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"],
                environment, log)
            servers.append(f"http://127.0.0.1:{port}")
            processes.append((process, log))
        worker_log = tmp_path / "worker.log"
        worker = _start(stack, [sys.executable, "-m", "flask", "--app", "wsgi", "worker",
                                "run"], environment, worker_log)
        # The data while the processes start (they need only the tables to answer /healthz).
        world, request_ids, offer_ids = overlapping_requests(app, ATTEMPTS)
        with app.app_context():
            for delivery in deliveries:
                delivery.prepare(world)
            db.session.remove()
        for server in servers:
            _wait_until(lambda s=server: _healthy(s), f"{server}/healthz",
                        [*processes, (worker, worker_log)])

        # Logged in on one server, working on the other: the login is in the database.
        first, second = servers
        dispatcher = Visitor().log_in(first, world.dispatcher.email)
        interpreter = Visitor().log_in(second, world.interpreter.email)
        dispatcher_token = dispatcher.token(f"{second}/dispatch/requests/{request_ids[1]}")
        interpreter_token = interpreter.token(f"{first}/portal")

        start = threading.Barrier(ATTEMPTS)
        answers: list[tuple[int, list[str]]] = []

        def confirm(n: int):
            server = servers[(n // 2) % 2]
            if n % 2:
                visitor, data = dispatcher.copy(), {"person": world.fatima.id,
                                                    "csrf_token": dispatcher_token}
                url = f"{server}/dispatch/requests/{request_ids[n]}/book"
            else:
                visitor, data = interpreter.copy(), {"csrf_token": interpreter_token}
                url = f"{server}/portal/offers/{offer_ids[n // 2]}/accept"
            start.wait()
            answers.append(visitor.post_and_read(url, data))

        threads = [threading.Thread(target=confirm, args=(n,)) for n in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PATIENCE)

        assert len(answers) == ATTEMPTS
        assert {status for status, _alerts in answers} == {200}, answers
        assert sorted(alerts for _status, alerts in answers) == (
            [["danger"]] * (ATTEMPTS - 1) + [["success"]]), "one booked, the others refused"
        with app.app_context():
            confirmed = db.session.scalar(select(func.count()).select_from(Booking).where(
                Booking.request_id.in_(request_ids), Booking.status == BookingStatus.CONFIRMED))
            db.session.remove()
        assert confirmed == 1

        def delivered() -> bool:
            with app.app_context():
                waiting = sum(delivery.waiting() for delivery in deliveries)
                db.session.remove()
            return waiting == 0
        _wait_until(delivered, "the worker to deliver everything",
                    [*processes, (worker, worker_log)])
        for delivery in deliveries:
            with app.app_context():
                failed, expected = delivery.failed(), delivery.expected()
                db.session.remove()
            assert failed == 0, f"{delivery.name}: given up on {failed}"
            assert sum(expected.values()) > 0, f"{delivery.name}: the booking made some"
            assert delivery.received() == expected, f"{delivery.name}: each exactly once"
        for server in servers:
            status, _location, health = Visitor().open(server + "/healthz")
            assert status == 200 and '"waiting":0' in health.replace(" ", ""), health

        _stop([*((process, log, "Shutting down: Master") for process, log in processes),
               (worker, worker_log, "worker stopped")])


def _forget(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
