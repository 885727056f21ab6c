"""Never a double booking: 50 confirmations at once for one person, from threads, some by
dispatchers booking directly and some by the person accepting offers. Exactly one wins."""

import threading
from datetime import time

from flask_migrate import upgrade
from sqlalchemy import func, select

from interpreter_register import create_app
from interpreter_register.bookings.models import Booking, BookingStatus, InterpretingRequest
from interpreter_register.bookings.services import booking
from interpreter_register.core.database import writes_first
from interpreter_register.core.rules import RuleError
from interpreter_register.extensions import db
from tests.conftest import app_config
from tests.fixtures.database import scratch_database
from tests.fixtures.factories import create_request, future_day
from tests.fixtures.reading import load
from tests.fixtures.world import build_world

ATTEMPTS = 50


def overlapping_requests(app, attempts: int = ATTEMPTS):
    """The world, and ``attempts`` requests of one day that all overlap 10:00–10:30: every
    other one offered to Fatima (the rest for the dispatcher to book her on directly).
    Returns (world, request ids, offer ids), committed."""
    with app.app_context():
        db.session().expire_on_commit = False  # the objects are read after this context
        world = build_world()
        day = future_day()
        starts = [time(9, 15 + (n % 40)) if n % 2 else time(10, n % 25) for n in range(attempts)]
        items = [create_request(world.contact_person, day=day, start=start, end=time(10, 30))
                 for start in starts]
        offers = []
        for item in items[::2]:
            [offer] = booking.send_offers(world.dispatcher, item, person_ids=[world.fatima.id])
            offers.append(offer.id)
        db.session.commit()
        return world, [i.id for i in items], offers


def test_fifty_concurrent_confirmations_give_exactly_one_booking(database_kind, tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
        world, request_ids, offer_ids = overlapping_requests(app)
        start = threading.Barrier(ATTEMPTS)
        outcomes: list[str] = []

        def confirm(n: int):
            with app.app_context():
                start.wait()
                try:
                    with writes_first():
                        if n % 2 == 0:
                            offer = db.session.get(booking.Offer, offer_ids[n // 2])
                            booking.accept_offer(None, offer)
                        else:
                            item = db.session.get(InterpretingRequest, request_ids[n])
                            booking.book(load(world.dispatcher), item, world.fatima.id)
                        db.session.commit()
                    outcomes.append("booked")
                except RuleError as error:
                    db.session.rollback()
                    outcomes.append(str(error.message))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=confirm, args=(n,)) for n in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        try:
            assert len(outcomes) == ATTEMPTS
            assert outcomes.count("booked") == 1, outcomes
            refusals = [o for o in outcomes if o != "booked"]
            assert all("booked" in o.lower() or "geboekt" in o.lower() for o in refusals), \
                set(refusals)
            with app.app_context():
                live = db.session.scalar(select(func.count()).select_from(Booking).where(
                    Booking.request_id.in_(request_ids),
                    Booking.status == BookingStatus.CONFIRMED))
                assert live == 1
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
