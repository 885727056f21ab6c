"""DNS rebinding: a hostile name server answers a public address when the worker checks
the URL, and a private one when it connects. The worker resolves once, checks every
address, and connects to the address it checked (with the URL's name as the Host header
and TLS server name); an answer that is private at the check is refused, nothing sent."""

import socket

import pytest

from interpreter_register.extensions import db
from interpreter_register.webhooks import delivery as sending
from interpreter_register.webhooks import services
from interpreter_register.webhooks.delivery import deliver_pending

from .conftest import queued, subscribe

PUBLIC, PRIVATE = "93.184.215.14", "10.0.0.5"


class Resolver:
    """Answers ``name`` with each address in turn (the last one ever after); any other
    host (an address the connection is opened to) the real way."""

    def __init__(self, name, *answers):
        self.name, self.answers, self.asked = name, list(answers), 0
        self.real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        if host != self.name:
            return self.real(host, port, *args, **kwargs)
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port or 443))]


@pytest.fixture
def connections(monkeypatch):
    """Where the worker opens its connections; each is refused (no network here)."""
    opened = []

    def refuse(address, port, timeout):
        opened.append((address, port))
        raise ConnectionRefusedError(f"refused by the test at {address}")
    monkeypatch.setattr(sending, "_open_socket", refuse)
    return opened


def _test_event_to_a_public_name(world, monkeypatch) -> Resolver:
    """A subscription to https://hooks.example.org (public when it was saved) and a test
    event queued for it; the name server, to be told what to answer next."""
    resolver = Resolver("hooks.example.org", PUBLIC)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    subscription, _ = subscribe(world.contact_person, "https://hooks.example.org/in",
                                organisation=world.organisation)
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    return resolver


def test_the_connection_goes_to_the_public_address_that_was_checked(
        app_ctx, world, monkeypatch, connections):
    resolver = _test_event_to_a_public_name(world, monkeypatch)
    # From now on the name server answers public once (the check), then private.
    resolver.answers, resolver.asked = [PUBLIC, PRIVATE], 0
    assert deliver_pending() == 0
    assert connections == [(PUBLIC, 443)], "never to a second answer of the DNS"
    assert resolver.asked == 1, "the name is resolved once per delivery"
    [attempt] = queued()[0].attempt_log
    assert "refused by the test at 93.184.215.14" in attempt.error


def test_a_private_answer_at_the_check_is_refused_and_nothing_connects(
        app_ctx, world, monkeypatch, connections):
    resolver = _test_event_to_a_public_name(world, monkeypatch)
    resolver.answers = [PRIVATE]
    assert deliver_pending() == 0
    assert connections == []
    [attempt] = queued()[0].attempt_log
    assert attempt.status_code is None and "private network" in attempt.error


def test_the_receiver_gets_it_under_the_urls_name_at_the_checked_address(
        app_ctx, world, receiver, monkeypatch):
    """Loopback allowed (the tests' receiver): the name answers 127.0.0.1 at the save and
    the check, then a private address; the receiver still gets the message, with the
    URL's name in the Host header."""
    port = receiver.server.server_address[1]
    resolver = Resolver("hooks.test", "127.0.0.1", "127.0.0.1", PRIVATE)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    subscription, _ = subscribe(world.contact_person, f"http://hooks.test:{port}/hook?x=1",
                                organisation=world.organisation)
    services.send_test(world.contact_person, subscription)
    db.session.commit()
    assert deliver_pending() == 1
    [got] = receiver.received
    assert got.path == "/hook?x=1" and got.headers["host"] == f"hooks.test:{port}"
    assert resolver.asked == 2


def test_tls_speaks_to_the_urls_name_while_the_socket_goes_to_the_checked_address(
        app_ctx, world, monkeypatch):
    """https: the certificate is checked against the URL's name (the TLS server name),
    not against the address the socket was opened to."""
    import ssl

    opened, server_names = [], []

    def wrap_socket(sock, server_hostname=None, **_):
        server_names.append(server_hostname)
        raise ssl.SSLCertVerificationError("certificate checked by the test")

    def context():
        made = ssl.create_default_context()
        made.wrap_socket = wrap_socket
        return made

    _test_event_to_a_public_name(world, monkeypatch)
    monkeypatch.setattr(sending, "_open_socket",
                        lambda address, port, timeout: opened.append(address) or socket.socket())
    monkeypatch.setattr(sending, "_tls_context", context)
    assert deliver_pending() == 0
    assert opened == [PUBLIC] and server_names == ["hooks.example.org"]
    assert "certificate checked by the test" in queued()[0].attempt_log[0].error
