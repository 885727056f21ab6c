"""Retention erases every piece of free text about a client, listed once; a text column of
the request side that is in neither list fails this test."""

from datetime import time, timedelta

import time_machine
from sqlalchemy import Enum, String, Text

from interpreter_register.bookings.models import Booking, InterpretingRequest, Offer
from interpreter_register.bookings.retention import (
    CLIENT_FIELDS,
    ERASED_BY_THEIR_AREA,
    NOT_CLIENT_DATA,
)
from interpreter_register.core.outbox import OutboxMessage, queue_mail
from interpreter_register.core.time import brussels_to_utc, utcnow
from interpreter_register.extensions import db
from interpreter_register.jobs.runner import run
from interpreter_register.register.models import Modality
from tests.fixtures.factories import create_booking, create_request, future_day
from tests.fixtures.reading import load

REQUEST_SIDE = {"requests", "offers", "bookings", "request_events"}


def request_side_tables() -> set:
    """The requests, and every table that refers to one of the request side (at any
    depth): a table added later that holds data about a request is found here."""
    tables = set(REQUEST_SIDE)
    grown = True
    while grown:
        grown = False
        for table in db.metadata.tables.values():
            if table.name not in tables and any(
                    fk.column.table.name in tables for fk in table.foreign_keys):
                tables.add(table.name)
                grown = True
    return tables


def text_columns(table_name: str) -> set[str]:
    table = db.metadata.tables[table_name]
    return {c.name for c in table.columns
            if isinstance(c.type, String | Text) and not isinstance(c.type, Enum)}


def test_every_text_column_of_the_request_side_is_either_client_data_or_said_not_to_be(app):
    client = {}
    for fields in CLIENT_FIELDS:
        client.setdefault(fields.model.__tablename__, set()).update(
            fields.model.__table__.columns[c].name for c in fields.columns)
    unlisted = {}
    for table in sorted(request_side_tables()):
        columns = text_columns(table)
        missing = (columns - client.get(table, set()) - set(NOT_CLIENT_DATA.get(table, {}))
                   - set(ERASED_BY_THEIR_AREA.get(table, {})))
        if missing:
            unlisted[table] = sorted(missing)
        both = client.get(table, set()) & set(NOT_CLIENT_DATA.get(table, {}))
        assert not both, f"{table}: both client data and not: {both}"
    assert unlisted == {}, ("text columns neither in CLIENT_FIELDS (erased by retention) nor "
                            "in NOT_CLIENT_DATA (with the reason they may stay)")
    listed = {t: set(NOT_CLIENT_DATA.get(t, {})) | set(ERASED_BY_THEIR_AREA.get(t, {}))
              for t in NOT_CLIENT_DATA.keys() | ERASED_BY_THEIR_AREA.keys()}
    for table, columns in {**listed, **client}.items():
        assert columns <= text_columns(table), f"{table}: listed columns that do not exist"


def test_the_request_side_includes_the_tables_that_refer_to_it(app):
    assert {"revisions"} <= request_side_tables(), "a table referring to bookings is found"


def test_retention_erases_every_client_field_and_old_mails(app_ctx, world):
    day = future_day()
    on_site = create_request(world.contact_person, day=day, case_reference="C-1", notes="n")
    by_video = create_request(world.contact_person, day=day, start=time(14), end=time(15),
                              modality=Modality.VIDEO, case_reference=None, notes=None)
    by_phone = create_request(world.contact_person, day=day, start=time(16), end=time(17),
                              modality=Modality.PHONE, case_reference=None, notes=None)
    booking = create_booking(on_site, world.fatima)
    booking.place, booking.withdrawal_note = "Onderstraat 12, 9000 Gent", "my client's son"
    on_site.cancel_reason = "the client, Mrs X, moved to Liège"
    offer = Offer(request=by_video, person=world.omar, wave=1, tier=1,
                  expires_at=utcnow() + timedelta(days=1),
                  decline_reason="I know the client's family")
    db.session.add(offer)
    sent = queue_mail("fatima@example.org", "Geboekt", "Adres: Onderstraat 12", kind="booked")
    sent.sent_at = utcnow()
    waiting = queue_mail("late@example.org", "Nog niet", "…", kind="booked")
    db.session.commit()
    with time_machine.travel(brussels_to_utc(day, time(10)) + timedelta(days=740), tick=False):
        finished = run("retention")
        assert finished.counts == {"erased": 3, "mails_erased": 1}
        assert run("retention").counts == {}, "once erased, nothing more to do"
    for item in (on_site, by_video, by_phone):
        item = load(item)
        assert (item.case_reference, item.notes, item.address, item.phone_number,
                item.video_link, item.cancel_reason) == (None,) * 6
        assert item.language_code == "ar" and item.starts_at is not None, "figures stay"
    assert load(on_site).municipality == "Gent", "where, as the reports count it, stays"
    assert (load(booking).place, load(booking).withdrawal_note) == (None, None)
    assert load(booking).starts_at is not None
    assert load(Offer, offer.id).decline_reason is None
    assert load(OutboxMessage, sent.id) is None, "a delivered mail of that age is gone"
    assert load(OutboxMessage, waiting.id) is not None, "one still to deliver stays"


def test_every_client_field_is_a_column_the_models_have(app):
    for fields in CLIENT_FIELDS:
        assert fields.model in (InterpretingRequest, Offer, Booking)
        for column in fields.columns:
            assert column in fields.model.__table__.columns
