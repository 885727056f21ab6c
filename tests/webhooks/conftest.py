"""A receiver for the webhook tests: a small HTTP server on 127.0.0.1, started and stopped
by the test, that keeps what it was sent and answers with the status its path asks for."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from interpreter_register.extensions import db
from interpreter_register.webhooks import services
from interpreter_register.webhooks.models import EventType, WebhookDelivery

ALL_EVENTS = [event.value for event in EventType]


@dataclass
class Received:
    path: str
    headers: dict
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """``url(path)``: an address on it; ``/fail...`` answers 500, ``/moved`` 302, anything
    else 204. ``received``: every request, in order."""

    def __init__(self):
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                receiver.received.append(Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status = (500 if self.path.startswith("/fail")
                          else 302 if self.path == "/moved" else 204)
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", receiver.url("/elsewhere"))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", True)
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join()


@pytest.fixture
def loopback(app, monkeypatch):
    """Subscriptions to 127.0.0.1 allowed, without a receiver listening."""
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", True)


def subscribe(acting, url, events=None, **owner):
    """A committed subscription; returns it with its secret."""
    made = services.subscribe(acting, url, events or ALL_EVENTS, "Planning", **owner)
    db.session.commit()
    return made


def queued(**where) -> list[WebhookDelivery]:
    return db.session.scalars(select(WebhookDelivery).filter_by(**where)
                              .order_by(WebhookDelivery.id)
                              .execution_options(populate_existing=True)).all()
