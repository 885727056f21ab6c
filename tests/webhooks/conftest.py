"""The webhook tests' receiver (tests/fixtures/webhooks.py), running, and subscriptions."""

import pytest
from sqlalchemy import select

from interpreter_register.extensions import db
from interpreter_register.webhooks import services
from interpreter_register.webhooks.models import EventType, WebhookDelivery
from tests.fixtures.webhooks import Receiver

ALL_EVENTS = [event.value for event in EventType]


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", True)
    server = Receiver().start()
    yield server
    server.stop()


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
