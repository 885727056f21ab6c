"""Invoice numbers under concurrency on PostgreSQL: twenty runs at once (four months, five
runs each, every run in its own thread and session) leave an unbroken sequence, no number
twice, and every settled sheet billed exactly once."""

import threading
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from interpreter_register import create_app
from interpreter_register.billing.invoicing import run
from interpreter_register.billing.invoicing.models import BilledSheet, Invoice, InvoiceLine
from interpreter_register.core.database import writes_first
from interpreter_register.extensions import db
from interpreter_register.organisations.models import InterpretingService
from tests.billing.conftest import ready_to_bill, settled_sheet, tariff
from tests.conftest import app_config
from tests.fixtures.database import scratch_database
from tests.fixtures.reading import load
from tests.fixtures.world import build_world

RUNS = 20
MONTHS = [date(2026, month, 1) for month in (1, 2, 3, 4)]


def _world(app):
    with app.app_context():
        db.session().expire_on_commit = False
        world = build_world()
        ready_to_bill(world)
        tariff(world.service, date(2026, 1, 1))
        sheets = [settled_sheet(world, month.replace(day=3 + n), minutes=60 + 7 * n,
                                requester=(world.contact_person, world.other_contact_person)[n % 2])
                  for month in MONTHS for n in range(4)]
        db.session.commit()
        return world, [s.id for s in sheets]


def test_twenty_runs_at_once_number_without_gap_or_duplicate(database_kind, tmp_path):
    if database_kind != "postgresql":
        pytest.skip("the row locks are PostgreSQL's; SQLite serialises every writer")
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
        world, sheet_ids = _world(app)
        start = threading.Barrier(RUNS)
        outcomes: list[str] = []

        def bill(n: int):
            with app.app_context():
                start.wait()
                try:
                    with writes_first():
                        service = db.session.get(InterpretingService, world.service.id)
                        run.bill_month(load(world.dispatcher), service, MONTHS[n % 4],
                                       today=date(2026, 5, 4))
                        db.session.commit()
                    outcomes.append("ok")
                except Exception as error:  # noqa: BLE001 - reported by the assertion
                    db.session.rollback()
                    outcomes.append(repr(error))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=bill, args=(n,)) for n in range(RUNS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        with app.app_context():
            try:
                assert outcomes == ["ok"] * RUNS
                sequences = db.session.scalars(select(Invoice.sequence).order_by(
                    Invoice.sequence)).all()
                # Two organisations in each of four months: eight invoices, 1 to 8.
                assert sequences == list(range(1, 9))
                assert len(set(db.session.scalars(select(Invoice.number)))) == 8
                billed = db.session.scalars(select(BilledSheet.sheet_id)).all()
                assert sorted(billed) == sorted(sheet_ids)
                lines = db.session.execute(select(InvoiceLine.sheet_id,
                                                  func.count(InvoiceLine.invoice_id.distinct()))
                                           .group_by(InvoiceLine.sheet_id)).all()
                assert {sheet for sheet, _ in lines} == set(sheet_ids)
                assert {count for _, count in lines} == {1}
            finally:
                db.session.remove()
                db.engine.dispose()
