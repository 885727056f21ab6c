"""Finding requests: a requester among their organisation's (upcoming first, then the past,
paginated), a dispatcher among their service's in every status."""

from datetime import UTC, datetime, timedelta

import pytest

from interpreter_register.bookings.models import RequestStatus
from interpreter_register.bookings.services import booking, search
from interpreter_register.bookings.services.search import (
    PAGE_SIZE,
    RequestSearch,
    organisation_requests,
    request_number,
    service_requests,
)
from interpreter_register.core.time import utcnow
from tests.fixtures.factories import (
    complete_past_request,
    create_language,
    create_past_request,
    create_request,
    future_day,
)

PAST = datetime(2026, 3, 10, 9, tzinfo=UTC)


@pytest.fixture
def history(world):
    """Three past requests of OCMW Gent (completed with Omar, cancelled, unfilled), two
    coming ones (the world's), one of Liège."""
    create_language("prs")
    completed = create_past_request(world.contact_person, world.service, status=RequestStatus
                                    .COMPLETED, due=PAST, case_reference="GNT-OLD-1")
    complete_past_request(completed, world.omar)
    cancelled = create_past_request(world.contact_person, world.service,
                                    status=RequestStatus.CANCELLED, due=PAST + timedelta(days=7),
                                    language="prs")
    unfilled = create_past_request(world.requester, world.service,
                                   status=RequestStatus.UNFILLED, due=PAST + timedelta(days=14))
    elsewhere = create_past_request(world.other_contact_person, world.other_service,
                                    due=PAST + timedelta(days=1), case_reference="GNT-OLD-1")
    return completed, cancelled, unfilled, elsewhere


def ids(page) -> list[int]:
    return [item.id for item in page.items]


def test_a_requester_sees_upcoming_first_then_the_past_latest_first(app_ctx, world, history):
    completed, cancelled, unfilled, elsewhere = history
    later = create_request(world.contact_person, day=future_day(weeks=6))
    page = organisation_requests(world.organisation.id, RequestSearch(), utcnow())
    # The world's two requests four weeks ahead (10:00, then 14:00), this one six weeks
    # ahead; then the past, the latest first; never another organisation's.
    assert ids(page) == [world.request.id, world.booking.request.id, later.id,
                         unfilled.id, cancelled.id, completed.id]
    assert elsewhere.id not in ids(page)


def test_a_requester_filters_by_status_dates_language_and_reference(app_ctx, world, history):
    completed, cancelled, unfilled, _elsewhere = history
    mine = world.organisation.id

    def found(**wanted):
        return ids(organisation_requests(mine, RequestSearch(**wanted), utcnow()))
    assert found(status="cancelled") == [cancelled.id]
    assert found(language="prs") == [cancelled.id]
    assert found(first_day=PAST.date(), last_day=(PAST + timedelta(days=7)).date()) == [
        cancelled.id, completed.id]
    assert found(reference="gnt-old-1") == [completed.id]        # any case
    assert found(reference=completed.number) == [completed.id]   # "2026-00012"
    assert found(reference=str(unfilled.id)) == [unfilled.id]
    assert found(reference="nothing-like-it") == []


def test_a_requesters_list_is_paginated(app_ctx, world):
    for n in range(PAGE_SIZE + 2):
        create_past_request(world.contact_person, world.service,
                            due=PAST - timedelta(days=n))
    first = organisation_requests(world.organisation.id, RequestSearch(), utcnow())
    second = organisation_requests(world.organisation.id, RequestSearch(), utcnow(), page=2)
    assert len(first.items) == PAGE_SIZE and first.total == PAGE_SIZE + 4
    assert not set(ids(first)) & set(ids(second)) and len(second.items) == 4


def test_pages_run_from_the_upcoming_into_the_past_without_a_gap(app_ctx, world, monkeypatch):
    """The upcoming and the past are read apart (docs/scaling.md): a page that holds the
    last upcoming requests goes on with the latest past ones, and the next page carries
    on where it stopped; two requests at the same time keep one order."""
    monkeypatch.setattr(search, "PAGE_SIZE", 4)
    now = utcnow()
    who, service = world.other_contact_person, world.other_service

    def at(days, status=RequestStatus.SUBMITTED):
        return create_past_request(who, service, due=now + timedelta(days=days), status=status)
    cancelled = RequestStatus.CANCELLED
    in_9, in_2, in_5 = at(9), at(2), at(5, cancelled)
    first_at_3, second_at_3 = at(3), at(3)
    ago_1, ago_30, ago_8, ago_400, ago_2, ago_60 = (
        at(-1, cancelled), at(-30), at(-8), at(-400), at(-2), at(-60, cancelled))
    expected = [[in_2.id, second_at_3.id, first_at_3.id, in_5.id],
                [in_9.id, ago_1.id, ago_2.id, ago_8.id],
                [ago_30.id, ago_60.id, ago_400.id], []]
    pages = [organisation_requests(who.organisation_id, RequestSearch(), now, page=n)
             for n in (1, 2, 3, 4)]
    assert [ids(page) for page in pages] == expected
    assert [page.total for page in pages] == [11] * 4 and pages[0].pages == 3
    # The same across a dispatcher's search by dates, and narrowed by a filter.
    span = RequestSearch(first_day=(now - timedelta(days=500)).date(),
                         last_day=(now + timedelta(days=30)).date())
    assert [ids(service_requests(service.id, span, now, page=n)) for n in (1, 2, 3, 4)] == (
        expected)
    page = service_requests(service.id, RequestSearch(status="cancelled"), now)
    assert ids(page) == [in_5.id, ago_1.id, ago_60.id] and page.total == 3


def test_a_dispatcher_searches_every_status_of_their_service(app_ctx, world, history):
    completed, cancelled, unfilled, elsewhere = history
    service = world.service.id

    def found(**wanted):
        return ids(service_requests(service, RequestSearch(**wanted), utcnow()))
    assert service_requests(service, RequestSearch(), utcnow()) is None
    assert found(reference=completed.number) == [completed.id]
    assert found(reference=elsewhere.number) == []               # another service's
    assert found(reference="GNT-OLD-1") == [completed.id]
    assert found(organisation="ocmw gent") == [
        world.request.id, world.booking.request.id, unfilled.id, cancelled.id, completed.id]
    assert found(organisation="liège") == []
    assert found(interpreter="omar") == [completed.id]
    assert set(found(interpreter="fatima haddad")) == {world.booking.request.id}
    assert found(first_day=PAST.date(), last_day=(PAST + timedelta(days=14)).date()) == [
        unfilled.id, cancelled.id, completed.id]
    assert found(first_day=PAST.date(), status="unfilled") == [unfilled.id]


def test_a_search_by_interpreter_finds_who_no_longer_has_it(app_ctx, world):
    from interpreter_register.bookings.services import changes
    request = create_request(world.contact_person)
    booking.book(world.dispatcher, request, world.fatima.id)
    changes.reassign(world.dispatcher, request, world.omar.id)
    found = service_requests(world.service.id, RequestSearch(interpreter="Haddad"), utcnow())
    assert request.id in ids(found)


@pytest.mark.parametrize(("typed", "number"), [("2027-00012", 12), ("12", 12), (" 0042 ", 42),
                                               ("GNT-12", None), ("2027-", None)])
def test_a_request_number_is_read_as_the_pages_write_it(typed, number):
    assert request_number(typed) == number


def test_the_pages_search(app_ctx, world, history, client_for):
    completed, cancelled, *_ = history
    page = client_for(world.contact_person).get("/requests?status=cancelled")
    assert page.status_code == 200 and cancelled.number.encode() in page.data
    assert completed.number.encode() not in page.data
    page = client_for(world.dispatcher).get("/dispatch/search?interpreter=Omar")
    assert page.status_code == 200 and completed.number.encode() in page.data
    assert cancelled.number.encode() not in page.data
    empty = client_for(world.dispatcher).get("/dispatch/search")
    assert empty.status_code == 200 and completed.number.encode() not in empty.data


def test_a_count_stops_at_its_reach_and_says_more_than(app_ctx, world, monkeypatch, client_for):
    """Beyond COUNT_AT_MOST a search counts no further (docs/scaling.md): the page says
    "more than", the pages go on one at a time, and the last pages count exactly again."""
    monkeypatch.setattr(search, "PAGE_SIZE", 4)
    monkeypatch.setattr(search, "COUNT_AT_MOST", 5)
    who = world.other_contact_person
    made = [create_past_request(who, world.other_service, due=PAST - timedelta(days=n))
            for n in range(11)]

    def page(n):
        return organisation_requests(who.organisation_id, RequestSearch(), utcnow(), page=n)
    first = page(1)
    assert ids(first) == [r.id for r in made[:4]]
    assert first.more and first.total == 5 and first.pages == 2 and first.has_next
    second = page(2)
    assert ids(second) == [r.id for r in made[4:8]] and second.more and second.pages == 3
    last = page(3)
    assert ids(last) == [r.id for r in made[8:]]
    assert not last.more and last.total == 11 and not last.has_next
    client = client_for(who)
    assert "Meer dan 5 aanvragen" in client.get("/requests").get_data(as_text=True)
    client.post("/language", data={"language": "fr"})
    listed = client.get("/requests?page=3").get_data(as_text=True)
    assert "11 demandes" in listed and "Plus de" not in listed
    assert "Plus de 5 demandes" in client.get("/requests").get_data(as_text=True)


def test_a_search_sends_two_statements_and_one_more_for_a_name(app_ctx, world, history):
    """The count and both walks in one statement, the page with its joins in another
    (docs/scaling.md); a name is matched first. Only a page deep in the past needs more."""
    from sqlalchemy import event

    from interpreter_register.extensions import db

    def statements(search_for, **wanted) -> int:
        db.session.expunge_all()
        seen = []

        def keep(_connection, _cursor, statement, *_rest):
            if statement.startswith("SELECT"):      # not the tests' savepoints
                seen.append(statement)
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            page = search_for(RequestSearch(**wanted))
            assert page.items and page.total
            for item in page.items:     # what the lists show: no statement per row
                _ = item.organisation.name, [b.person.full_name for b in item.bookings]
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        return len(seen)
    service, organisation = world.service.id, world.organisation.id
    assert statements(lambda s: organisation_requests(organisation, s, utcnow())) == 2
    assert statements(lambda s: service_requests(service, s, utcnow()),
                      status="completed") == 2
    assert statements(lambda s: service_requests(service, s, utcnow()),
                      interpreter="omar") == 3
    assert statements(lambda s: service_requests(service, s, utcnow()),
                      organisation="ocmw gent") == 3
