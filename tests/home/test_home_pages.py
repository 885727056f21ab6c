"""Each role's home page says what to do: the work waiting for them, soonest first."""

from datetime import date, time, timedelta

import time_machine

from interpreter_register.bookings.services import booking
from interpreter_register.core.time import brussels_to_utc, today_in_brussels
from interpreter_register.extensions import db
from interpreter_register.quality import feedback
from tests.fixtures.factories import (
    create_certificate,
    create_offer,
    create_qualification,
    create_request,
    future_day,
)


def _home(client_for, user, language="nl") -> str:
    client = client_for(user)
    client.post("/language", data={"language": language})
    return client.get("/").get_data(as_text=True)


def test_the_interpreter_sees_offers_to_answer_with_the_time_left(world, client_for):
    body = _home(client_for, world.interpreter)
    assert "Aanbiedingen die op uw antwoord wachten" in body
    # The world's offer is open for a week.
    assert "7 dagen om te antwoorden" in body
    assert f'href="/portal#offer-{world.offer.id}"' in body
    # The next booking, with a link to it.
    assert f'/portal/bookings/{world.booking.id}"' in body
    assert "/portal/availability" in body


def test_an_offer_about_to_expire_shows_hours_in_german(world, client_for):
    create_offer(create_request(world.contact_person, day=future_day(weeks=5)), world.fatima,
                 hours=3)
    body = _home(client_for, world.interpreter, "de")
    assert "3 Stunden zum Antworten" in body


def test_an_interpreter_without_work_is_told_so(world, client_for):
    body = _home(client_for, world.other_interpreter, "fr")
    assert "Aucune offre ne vous attend." in body
    assert "Aucune réservation à venir." in body


def test_the_requester_sees_the_organisation_s_coming_requests_and_a_way_to_ask(
        world, client_for):
    body = _home(client_for, world.requester)
    assert 'href="/requests/new"' in body
    assert world.request.number in body and world.booking.request.number in body
    # Who is booked, and who asked.
    assert "Fatima Haddad" in body and "Gevraagd door Lotte De Smet" in body
    other = _home(client_for, world.other_contact_person, "fr")
    assert world.request.number not in other
    assert "Votre organisation n’a aucune demande à venir." in other


def test_the_dispatcher_sees_counts_attention_and_what_starts_soon_unfilled(
        world, client_for):
    tomorrow = today_in_brussels() + timedelta(days=1)
    soon = create_request(world.contact_person, day=tomorrow)
    booked_soon = create_request(world.contact_person, day=tomorrow, start=time(15),
                                 end=time(16))
    booking.book(world.dispatcher, booked_soon, world.omar.id)
    db.session.commit()
    body = _home(client_for, world.dispatcher)
    section = body.split('id="soon-heading"')[1].split("</section>")[0]
    assert soon.number in section and booked_soon.number not in section
    assert world.request.number not in section  # four weeks away
    assert "Vraagt uw aandacht" in body
    # No postcode ranges where the service covers whole provinces.
    assert "Postcodes:" not in body
    assert soon.number not in _home(client_for, world.other_dispatcher)


def test_register_staff_see_certificates_ending_and_open_complaints(world, client_for):
    ending_on = today_in_brussels() + timedelta(days=40)
    qualification = create_qualification(world.omar, language="tr")
    create_certificate(qualification, number="SI-TR-ENDING", issued_on=date(2022, 1, 1),
                       valid_until=ending_on)
    day = future_day()
    made = booking.book(world.dispatcher, create_request(world.contact_person, day=day),
                        world.fatima.id)
    with time_machine.travel(brussels_to_utc(day, time(13)), tick=False):
        feedback.file_complaint(world.contact_person, made, "Arrived an hour late.")
        db.session.commit()
    body = _home(client_for, world.register_staff, "fr")
    ending = body.split('id="ending-heading"')[1].split("</section>")[0]
    assert "Omar Mansour" in ending and "Turc" in ending
    complaints = body.split('id="complaints-heading"')[1].split("</section>")[0]
    assert "Fatima Haddad" in complaints and "/register/complaints/" in complaints
    # The complaint's text is for the case page, not the home page.
    assert "an hour late" not in body


def test_sheets_to_file_and_to_confirm_are_on_the_interpreters_and_requesters_homes(
        world, client_for):
    from decimal import Decimal

    from interpreter_register.sheets.services import filing
    from interpreter_register.sheets.services.content import SheetDetails
    from tests.sheets.conftest import ended

    to_file, after = ended(world)
    to_answer, later = ended(world, day=future_day(weeks=7))
    db.session.commit()
    assert later > after
    with time_machine.travel(later, tick=False):
        filing.file_sheet(world.interpreter, to_answer, SheetDetails(
            started=time(10), ended=time(11, 30), km=Decimal(12)))
        db.session.commit()
        interpreter = _home(client_for, world.interpreter, "fr")
        assert "Fiches de prestation à remplir" in interpreter
        assert f"/sheets/bookings/{to_file.id}/file" in interpreter
        assert f"/sheets/bookings/{to_answer.id}/file" not in interpreter, "already filed"
        requester = _home(client_for, world.contact_person)
        assert "Prestatiefiches te bevestigen" in requester
        sheet = filing.find_sheet(to_answer)
        assert f'href="/sheets/{sheet.id}"' in requester
        # The dispatcher's home counts what the service's sheet lists hold: the one waiting,
        # none disputed, and every booking over without a sheet (the world has one more).
        from interpreter_register.core.time import utcnow
        from interpreter_register.sheets.services import lists
        missing = len(lists.of_service(world.service.id, utcnow()).missing)
        assert missing >= 1
        dispatcher = _home(client_for, world.dispatcher)
        assert f"{missing} nog niet ingediend" in dispatcher
        assert "1 wacht op bevestiging" in dispatcher
        assert "0 betwist" in dispatcher
        assert "0 wachten op bevestiging" in _home(client_for, world.other_dispatcher)
    assert "Er wacht geen prestatiefiche op uw antwoord." in _home(
        client_for, world.other_contact_person)
