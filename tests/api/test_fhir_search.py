"""/api/v1/fhir/Appointment?date=...&status=...: the organisation's appointments as a FHIR
searchset Bundle, a page at a time."""

from datetime import time, timedelta

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from interpreter_register.bookings.services.requests import cancel_request
from interpreter_register.extensions import db
from interpreter_register.register.models import Modality
from tests.api.test_fhir import FHIR
from tests.fixtures.factories import create_request, future_day


def _search(call, key, query, language="nl"):
    return call(key, "GET", f"/api/v1/fhir/Appointment?{query}", language=language)


def _ids(response) -> list[int]:
    return [int(entry["resource"]["id"]) for entry in response.json.get("entry", ())]


def test_the_days_appointments_by_status_and_only_the_organisations(world, make_key, call):
    day = future_day(weeks=6)
    morning = create_request(world.contact_person, day=day, start=time(9), end=time(10))
    late = create_request(world.contact_person, day=day, start=time(23), end=time(23, 30))
    cancelled = create_request(world.contact_person, day=day, start=time(13), end=time(14))
    cancel_request(world.contact_person, cancelled, "Verplaatst")
    create_request(world.contact_person, day=day + timedelta(days=1))        # the next day
    translation = create_request(world.contact_person, day=day, modality=Modality.WRITTEN)
    create_request(world.other_contact_person, day=day)                  # another organisation
    db.session.commit()
    _, key = make_key()
    response = _search(call, key, f"date={day.isoformat()}")
    assert response.status_code == 200 and response.mimetype == FHIR
    bundle = Bundle.model_validate(response.json)
    assert bundle.type == "searchset" and bundle.total == 3
    # In the order of their start; 23:00 in Brussels is still that day.
    assert _ids(response) == [morning.id, cancelled.id, late.id]
    open_ones = _search(call, key, f"date={day.isoformat()}&status=proposed,pending,booked")
    assert _ids(open_ones) == [morning.id, late.id]
    assert _ids(_search(call, key, f"date={day.isoformat()}&status=cancelled")) == [
        cancelled.id]
    ranged = _search(call, key, f"date=gt{day.isoformat()}&date=lt"
                     f"{(day + timedelta(days=2)).isoformat()}")
    assert ranged.json["total"] == 1
    everything = _search(call, key, "_count=100")
    assert morning.id in _ids(everything) and translation.id not in _ids(everything)
    Bundle.model_validate(everything.json)


def test_pages_follow_the_next_link(world, make_key, call):
    day = future_day(weeks=7)
    made = [create_request(world.contact_person, day=day, start=time(8 + hour),
                           end=time(9 + hour)) for hour in range(5)]
    db.session.commit()
    _, key = make_key()
    seen, response = [], _search(call, key, f"date={day.isoformat()}&_count=2")
    pages = 0
    while True:
        pages += 1
        assert response.json["total"] == 5 and len(response.json["entry"]) <= 2
        seen += _ids(response)
        following = [link["url"] for link in response.json["link"]
                     if link["relation"] == "next"]
        if not following:
            break
        response = call(key, "GET", following[0].replace("http://localhost", ""))
    assert pages == 3 and seen == [item.id for item in made]


def test_bad_parameters_answer_a_translated_operation_outcome(world, make_key, call):
    _, key = make_key()
    for query, parameter in (("date=12-03-2027", "date"), ("date=ge9999-12-31", "date"),
                             ("date=lt0001-01-01", "date"), ("status=done", "status"),
                             ("_count=500", "_count")):
        response = _search(call, key, query, language="fr")
        assert response.status_code == 400, query
        outcome = OperationOutcome.model_validate(response.json)
        assert outcome.issue[0].expression == [parameter]
        assert response.headers["Content-Language"] == "fr"
    assert "AAAA-MM-JJ" in _search(call, key, "date=x", language="fr").json[
        "issue"][0]["diagnostics"]


def test_a_services_key_has_no_appointments_to_search(world, make_service_key, call):
    _, key = make_service_key()
    response = _search(call, key, "status=booked")
    assert response.status_code == 403
    assert OperationOutcome.model_validate(response.json).issue[0].code == "forbidden"


def test_a_page_of_booked_appointments_costs_the_same_statements_as_one(
        world, make_key, call):
    """Each entry names its interpreter: the page loads the bookings and their people
    with it, not a query or three per entry."""
    from sqlalchemy import event

    from interpreter_register.bookings.services import booking

    _, key = make_key()
    _search(call, key, "date=2000-01-01")           # the key's first call settles its caches

    def statements_for(day, hours) -> int:
        for hour in range(hours):
            made = create_request(world.contact_person, day=day, start=time(8 + hour),
                                  end=time(9 + hour))
            booking.book(world.dispatcher, made, world.fatima.id)
        db.session.commit()
        seen = []
        count = lambda *_args: seen.append(1)      # noqa: E731
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = _search(call, key, f"date={day.isoformat()}")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(_ids(response)) == hours
        assert all(entry["resource"]["participant"][0]["actor"]["display"] == "Fatima Haddad"
                   for entry in response.json["entry"])
        return len(seen)

    assert statements_for(future_day(weeks=8), 1) == statements_for(future_day(weeks=9), 6)
