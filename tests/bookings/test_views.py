"""Requests, the dispatchers' queue and panel, and the interpreters' portal, over HTTP."""

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import event as sql_event
from sqlalchemy import select

from interpreter_register.bookings.links import offer_link
from interpreter_register.bookings.models import (
    InterpretingRequest,
    Offer,
    OfferStatus,
    RequestStatus,
)
from interpreter_register.extensions import db
from interpreter_register.organisations.models import CancellationRule
from tests.fixtures.factories import create_booking, create_interpreter, create_request, future_day
from tests.fixtures.reading import load, mails

FORM = {"language": "ar", "working_language": "nl", "modality": "on_site",
        "domain": "medical", "starts": "10:00", "ends": "11:30", "address": "Kouter 1",
        "postcode": "9000", "municipality": "Gent", "case_reference": "GNT-1",
        "preferred_gender": ""}


def asked(world):
    """The requests OCMW Gent made in the test (the world's own two left out)."""
    return db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.organisation_id == world.organisation.id,
        InterpretingRequest.id.not_in([world.request.id, world.booking.request_id]))).all()


def offers_of(item) -> dict[int, Offer]:
    """The offers of a request, by person, as they stand now."""
    return {o.person_id: o for o in load(item).offers}


def test_a_requester_asks_and_follows_the_request(world, client_for):
    client = client_for(world.contact_person)
    response = client.post("/requests/new", data={**FORM, "day": future_day().isoformat()})
    [item] = asked(world)
    assert response.headers["Location"] == f"/requests/{item.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert item.number in page and "GNT-1" in page
    assert item.number in client.get("/requests").get_data(as_text=True)


def test_the_form_says_in_french_what_is_wrong_and_keeps_what_was_typed(world, client_for):
    client = client_for(world.contact_person)
    client.post("/language", data={"language": "fr"})
    body = client.post("/requests/new", data={**FORM, "day": future_day().isoformat(),
                                              "ends": "09:00"}).get_data(as_text=True)
    assert 'id="ends-error"' in body and "La fin doit venir après le début." in body
    assert 'value="Kouter 1"' in body
    past = (future_day() - timedelta(weeks=4)).isoformat()
    body = client.post("/requests/new", data={**FORM, "day": past}).get_data(as_text=True)
    assert "Ce moment est passé." in body
    body = client.post("/requests/new", data={**FORM, "day": future_day().isoformat(),
                                              "postcode": "90"}).get_data(as_text=True)
    assert "Un code postal belge compte quatre chiffres" in body
    assert asked(world) == []


def test_the_hour_that_does_not_exist_is_refused(world, client_for):
    day = future_day()
    while not (day.month == 3 and day.weekday() == 6 and day.day > 24):
        day += timedelta(days=1)
    body = client_for(world.contact_person).post("/requests/new", data={
        **FORM, "day": day.isoformat(), "starts": "02:30", "ends": "03:30"}).get_data(
        as_text=True)
    assert "de klok gaat vooruit" in body


def test_requesters_see_only_their_organisations_requests(world, client_for):
    mine = create_request(world.contact_person)
    other = client_for(world.other_contact_person)
    assert other.get(f"/requests/{mine.id}").status_code == 404
    assert mine.number not in other.get("/requests").get_data(as_text=True)


def test_cancel_page_says_before_confirming_whether_it_is_late(world, client_for):
    item = create_request(world.contact_person)
    create_booking(item, world.fatima)
    client = client_for(world.contact_person)
    assert "Deze annulering is tijdig" in client.get(f"/requests/{item.id}/cancel").get_data(
        as_text=True)
    # Three weeks of working hours: the request (two weeks ahead) is now late.
    world.service.cancellation_rule = CancellationRule.WORKING_HOURS
    world.service.cancellation_hours = 504
    db.session.commit()
    page = client.get(f"/requests/{item.id}/cancel").get_data(as_text=True)
    assert "Deze annulering is laat." in page
    client.post(f"/requests/{item.id}/cancel", data={"reason": "Verplaatst"})
    cancelled = load(item)
    assert cancelled.status == RequestStatus.CANCELLED and cancelled.cancelled_late


def test_dispatcher_queue_filters_counts_and_highlights(world, client_for):
    create_request(world.contact_person, urgent=True)
    create_request(world.contact_person, language="prs")
    client = client_for(world.dispatcher)
    page = client.get("/dispatch").get_data(as_text=True)
    assert page.count("table-warning") == 1, "the urgent one stands out"
    assert "4 aanvragen" in page, "these two and the world's two"
    assert "1 aanvraag" in client.get("/dispatch?language=prs").get_data(as_text=True)
    assert "0 aanvragen" in client.get("/dispatch?modality=video").get_data(as_text=True)
    assert client_for(world.other_dispatcher).get("/dispatch").get_data(
        as_text=True).count("/dispatch/requests/") == 0


def test_the_queue_of_open_requests_reads_the_partial_index(world, client_for):
    """However long a service's history, the queue reads its fifty open requests from the
    partial index, on both databases (a bound parameter would keep the index unused)."""
    create_request(world.contact_person)
    engine = db.engine
    seen = []

    def keep(_connection, _cursor, statement, parameters, _context, _many):
        if "LIMIT" in statement and "FROM requests" in statement:
            seen.append((statement, parameters))

    sql_event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client_for(world.dispatcher).get("/dispatch").status_code == 200
    finally:
        sql_event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = seen
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        else:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                              parameters).all()
        connection.rollback()
    assert "ix_requests_open_queue" in str(plan)


def test_the_matching_panel_explains_ranks_and_exclusions(world, client_for):
    from interpreter_register.core.regions import Province
    create_interpreter("Karim", "Antwerpen", postcode="2000", regions={Province.ANTWERP})
    item = create_request(world.contact_person)
    page = client_for(world.dispatcher).get(f"/dispatch/requests/{item.id}").get_data(
        as_text=True)
    assert page.index("Fatima Haddad") < page.index("Omar Mansour")
    assert "Woont in dezelfde gemeente" in page
    assert "Karim Antwerpen" in page and "Bedient Oost-Vlaanderen niet" in page


def test_dispatcher_books_and_a_second_click_is_refused_kindly(world, client_for):
    item = create_request(world.contact_person)
    client = client_for(world.dispatcher)
    client.post(f"/dispatch/requests/{item.id}/book", data={"person": world.fatima.id})
    page = client.post(f"/dispatch/requests/{item.id}/book", data={"person": world.omar.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Deze aanvraag is al geboekt." in page
    assert len(load(item).bookings) == 1


def test_interpreter_accepts_in_the_portal_and_the_other_offer_is_withdrawn(world,
                                                                           client_for):
    item = create_request(world.contact_person)
    client_for(world.dispatcher).post(f"/dispatch/requests/{item.id}/offers", data={})
    fatima, omar = client_for(world.interpreter), client_for(world.other_interpreter)
    offers = offers_of(item)
    assert "Aanbiedingen die op uw antwoord wachten" in fatima.get("/portal").get_data(
        as_text=True)
    fatima.post(f"/portal/offers/{offers[world.fatima.id].id}/accept")
    page = omar.post(f"/portal/offers/{offers[world.omar.id].id}/accept",
                     follow_redirects=True).get_data(as_text=True)
    assert "aan iemand anders gegeven" in page
    assert load(item).status == RequestStatus.BOOKED
    assert offers_of(item)[world.omar.id].status == OfferStatus.WITHDRAWN
    requester_page = client_for(world.contact_person).get(f"/requests/{item.id}").get_data(
        as_text=True)
    assert "Geboekt: Fatima Haddad (Gecertificeerd)." in requester_page


def test_the_signed_link_answers_without_logging_in(world, client, client_for):
    item = create_request(world.contact_person)
    client_for(world.dispatcher).post(f"/dispatch/requests/{item.id}/offers",
                                      data={"people": [world.fatima.id]})
    [offer] = offers_of(item).values()
    token = offer_link(offer).rsplit("/", 1)[1]
    [mail] = mails(kind="offer")
    assert "/offers/" in mail.body
    link = re.search(r"http://register\.test(/offers/\S+)", mail.body).group(1)
    assert client.get(link).status_code == 200
    client.post(link, data={"answer": "decline", "reason": "Ziek"})
    assert load(offer).status == OfferStatus.DECLINED
    page = client.post(link, data={"answer": "accept"}, follow_redirects=True)
    assert "U hebt deze aanbieding al beantwoord." in page.get_data(as_text=True)
    assert client.get(f"/offers/{token[:-2]}xx").status_code == 404


def test_interpreter_keeps_weekly_availability_and_leave(world, client_for):
    client = client_for(world.interpreter)
    page = client.get("/portal/availability").get_data(as_text=True)
    assert "Maandag" in page
    response = client.post("/portal/availability", data={
        "rows-0-weekday": "0", "rows-0-starts": "09:00", "rows-0-ends": "12:00",
        "rows-1-weekday": "2", "rows-1-starts": "13:00", "rows-1-ends": "17:00",
        "rows-2-weekday": "4", "rows-2-starts": "", "rows-2-ends": ""})
    assert response.status_code == 302
    from interpreter_register.bookings.services.availability import weekly_of
    assert [(w.weekday, w.starts) for w in weekly_of(load(world.fatima).id)] == [
        (0, time(9)), (2, time(13))]
    body = client.post("/portal/leave", data={"first_day": "2027-08-10",
                                              "last_day": "2027-08-01"}).get_data(as_text=True)
    assert "De laatste dag komt voor de eerste." in body
    client.post("/portal/leave", data={"first_day": future_day().isoformat(),
                                       "last_day": future_day().isoformat(),
                                       "note": "Trouw"})
    assert "Trouw" in client.get("/portal/availability").get_data(as_text=True)


def test_the_language_must_be_chosen(world, client_for):
    body = client_for(world.contact_person).post("/requests/new", data={
        **FORM, "language": "", "day": future_day().isoformat()}).get_data(as_text=True)
    assert 'id="language-error"' in body and "Kies de taal." in body
    assert asked(world) == []


def _language_groups(body: str) -> dict[str, list[str]]:
    """The request form's language list: option labels per optgroup."""
    select = body.split('name="language"', 1)[1].split("</select>", 1)[0]
    return {label: re.findall(r"<option [^>]*>([^<]*)</option>", options)
            for label, options in re.findall(
                r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)}


def test_a_language_added_to_the_register_moves_up_in_the_request_form(world, client_for):
    from interpreter_register.register.services.people import add_language

    client = client_for(world.contact_person)
    groups = _language_groups(client.get("/requests/new").get_data(as_text=True))
    assert "Arabisch" in groups["Talen in het register"]
    assert "Swahili" in groups["Andere talen"] and "Swahili" not in groups[
        "Talen in het register"]
    assert groups["Andere talen"] == sorted(groups["Andere talen"], key=str.casefold)

    add_language(None, "sw")
    db.session.commit()
    groups = _language_groups(client.get("/requests/new").get_data(as_text=True))
    assert "Swahili" in groups["Talen in het register"]
    assert "Swahili" not in groups["Andere talen"]


# --- after booking: withdrawing, leave, the attention list -----------------------------

def test_an_interpreter_withdraws_from_the_portal_and_the_queue_says_so(world, client_for):
    from interpreter_register.bookings.services import booking as booking_service

    request = create_request(world.contact_person)
    made = booking_service.book(world.dispatcher, request, world.fatima.id)
    db.session.commit()
    interpreter = client_for(world.interpreter)
    page = interpreter.get(f"/portal/bookings/{made.id}").get_data(as_text=True)
    assert "Ik kan niet meer komen" in page
    refused = interpreter.post(f"/portal/bookings/{made.id}/withdraw", data={"note": "x"})
    assert "Zeg waarom." in refused.get_data(as_text=True), "the reason is asked for"
    assert load(made).status.value == "confirmed"
    done = interpreter.post(f"/portal/bookings/{made.id}/withdraw",
                            data={"reason": "illness", "note": "Flu"}, follow_redirects=True)
    assert "teruggetrokken" in done.get_data(as_text=True)
    queue = client_for(world.dispatcher).get("/dispatch").get_data(as_text=True)
    assert "Vraagt uw aandacht" in queue
    assert "De tolk heeft zich teruggetrokken: boek iemand anders" in queue
    panel = client_for(world.dispatcher).get(f"/dispatch/requests/{request.id}")
    assert "Fatima Haddad heeft zich teruggetrokken: Ziekte." in panel.get_data(as_text=True)


def test_the_panel_never_offers_to_book_the_booked_person_instead(world, client_for):
    from interpreter_register.bookings.services import booking as booking_service

    request = create_request(world.contact_person)
    booking_service.book(world.dispatcher, request, world.fatima.id)
    db.session.commit()
    page = client_for(world.dispatcher).get(f"/dispatch/requests/{request.id}")
    body = page.get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row
            for row in body.split("<tr>") if "register/people/" in row}
    assert "In de plaats boeken" not in rows["Fatima Haddad"] and "Geboekt" in rows["Fatima Haddad"]
    assert "In de plaats boeken" in rows["Omar Mansour"]


def test_leave_over_a_booking_lists_it_and_asks_to_confirm(world, client_for):
    from interpreter_register.bookings.services import booking as booking_service

    day = future_day()
    request = create_request(world.contact_person, day=day)
    made = booking_service.book(world.dispatcher, request, world.fatima.id)
    db.session.commit()
    interpreter = client_for(world.interpreter)
    form = {"first_day": day.isoformat(), "last_day": day.isoformat(), "note": "Ill"}
    asked = interpreter.post("/portal/leave", data=form).get_data(as_text=True)
    assert "Deze afwezigheid valt op deze boekingen van u" in asked
    assert load(made).status.value == "confirmed", "nothing changes before confirming"
    confirmed = interpreter.post("/portal/leave", data={**form, "withdraw": str(made.id)},
                                 follow_redirects=True)
    assert "Uw afwezigheid is opgeslagen" in confirmed.get_data(as_text=True)
    assert load(made).status.value == "cancelled"


@pytest.mark.parametrize("locale, withdrew, suspended, reassign", [
    ("nl", "De tolk heeft zich teruggetrokken: boek iemand anders",
     "Het certificaat van Omar Mansour voor deze talencombinatie is geschorst sinds",
     "Iemand anders boeken"),
    ("fr", "L’interprète s’est retiré : réservez quelqu’un d’autre",
     "Le certificat de Omar Mansour pour cette combinaison est suspendu depuis le",
     "Réattribuer")])
def test_the_attention_list_says_what_happened_on_the_queue_and_the_home_page(
        world, client_for, locale, withdrew, suspended, reassign):
    from interpreter_register.bookings.models import WithdrawalReason
    from interpreter_register.bookings.services import booking, withdrawals
    from interpreter_register.core.i18n import format_day
    from interpreter_register.register.models import CertificateStatus
    from interpreter_register.register.services import credentials

    left = create_request(world.contact_person)
    withdrawals.withdraw(world.interpreter, booking.book(world.dispatcher, left,
                                                         world.fatima.id),
                         WithdrawalReason.ILLNESS, "")
    at_risk = create_request(world.contact_person, day=future_day(weeks=3), start=time(14),
                             end=time(15))
    booking.book(world.dispatcher, at_risk, world.omar.id)
    [certificate] = world.omar.qualifications[0].certificates
    credentials.change_certificate_status(world.register_staff, certificate,
                                          CertificateStatus.SUSPENDED, future_day(),
                                          "Complaint under review")
    world.dispatcher.locale = locale
    db.session.commit()
    client = client_for(world.dispatcher)
    for url in ("/dispatch", "/"):
        page = client.get(url).get_data(as_text=True)
        items = page.split('class="list-group-item')[1:]
        assert any(withdrew in item and f"/dispatch/requests/{left.id}\"" in item
                   and left.number in item for item in items), url
        [risk] = [item for item in items if f"/dispatch/requests/{at_risk.id}\"" in item]
        with client.application.test_request_context(headers={"Accept-Language": locale}):
            from flask_babel import force_locale
            with force_locale(locale):
                since = format_day(future_day())
        assert f"{suspended} {since}" in risk and reassign in risk, url
