"""A request's thread: the organisation, the service and the booked interpreter talk; each
party is told by mail in their language, without the text; nobody else reads or writes."""

import pytest

from interpreter_register.bookings.services import booking, changes
from interpreter_register.collaboration import services
from interpreter_register.core.permissions import Forbidden
from interpreter_register.core.rules import RuleError
from tests.fixtures.factories import create_request
from tests.fixtures.reading import load, mails

SECRET = "The husband of the client will be there"


def test_the_three_parties_talk_and_each_other_party_is_told(app_ctx, world):
    request = create_request(world.contact_person)
    booking.book(world.dispatcher, request, world.fatima.id)
    services.post(world.requester, request, SECRET)
    told = {m.recipient for m in mails(kind="message")}
    assert told == {world.dispatcher.email, world.interpreter.email}
    for mail in mails(kind="message"):
        assert SECRET not in mail.subject + mail.body, "the text stays on the page"
        assert request.number in mail.subject and "Jan Colleague" in mail.body
    services.post(world.interpreter, request, "I will be there at 9:45.")
    services.post(world.dispatcher, request, "Thank you both.")
    thread = services.thread_of(request)
    assert [(m.party, m.author_name) for m in thread] == [
        ("organisation", "Jan Colleague"), ("interpreter", "Fatima Haddad"),
        ("service", "Pieter Claes")]
    assert request.requester.email in {m.recipient for m in mails(kind="message")}


def test_only_the_parties_read_and_write(app_ctx, world):
    request = create_request(world.contact_person)
    for outsider in (world.other_contact_person, world.other_dispatcher,
                     world.other_interpreter, world.register_staff):
        with pytest.raises(Forbidden):
            services.post(outsider, request, "hello")
        assert services.thread_for(request, outsider) is None
    # The interpreter only while booked.
    with pytest.raises(Forbidden):
        services.post(world.interpreter, request, "hello")
    booking.book(world.dispatcher, request, world.fatima.id)
    assert services.thread_for(request, world.interpreter) == {"messages": []}
    changes.reassign(world.dispatcher, request, world.omar.id)
    assert services.thread_for(request, world.interpreter) is None
    assert services.thread_for(request, world.other_interpreter) is not None


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_an_empty_or_overlong_message_is_refused(app_ctx, world, body):
    request = create_request(world.contact_person)
    with pytest.raises(RuleError):
        services.post(world.contact_person, request, body)
    assert services.thread_of(request) == []


def test_the_thread_on_each_partys_page(world, client_for):
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, world.fatima.id)
    requester = client_for(world.contact_person)
    answer = requester.post(f"/requests/{request.id}/messages", data={"body": SECRET},
                            follow_redirects=True)
    assert "Uw bericht is verstuurd." in answer.get_data(as_text=True)
    for client, url in ((requester, f"/requests/{request.id}"),
                        (client_for(world.dispatcher), f"/dispatch/requests/{request.id}"),
                        (client_for(world.interpreter), f"/portal/bookings/{made.id}")):
        assert SECRET in client.get(url).get_data(as_text=True)
    outsider = client_for(world.other_contact_person)
    assert outsider.post(f"/requests/{request.id}/messages",
                         data={"body": "x"}).status_code == 404
    assert len(load(request).events) >= 1


def test_someone_without_an_account_writes_from_their_link(app_ctx, world, client):
    from interpreter_register.bookings.links import booking_token
    from tests.fixtures.factories import create_interpreter

    nadia = create_interpreter("Nadia", "Bouzid")
    request = create_request(world.contact_person)
    made = booking.book(world.dispatcher, request, nadia.id)
    token = booking_token(made)
    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Berichten" in page
    client.post(f"/b/{token}/messages", data={"body": "Where do I report?"})
    [message] = services.thread_of(load(request))
    assert (message.party, message.author_name) == ("interpreter", "Nadia Bouzid")
    assert client.post("/b/forged-token/messages", data={"body": "x"}).status_code == 404
