"""The report pages on a real PostgreSQL streaming replica (tests/fixtures/replica.py):
what the primary commits reaches the reports once the replica has replayed it, not before;
each page says up to when its figures are complete; and the reports' connection cannot
write."""

import csv
import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from interpreter_register import create_app
from interpreter_register.bookings.models import InterpretingRequest, RequestStatus
from interpreter_register.core.i18n import format_moment
from interpreter_register.extensions import db
from interpreter_register.register.models import Language
from interpreter_register.reports import source
from tests.conftest import Client, app_config, staff_sign_in_with_password_alone
from tests.fixtures.database import scratch_database
from tests.fixtures.world import build_world

from .conftest import add_request, build_march

MARCH_ARGS = "?period=month&month=2026-03"
APRIL = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def on_the_replica(replica, tmp_path_factory):
    """An application on a database of its own on the primary (committed for real, so
    that it replicates), its report figures read from that database on the replica; the
    march data set committed, and replayed by the replica."""
    with scratch_database("postgresql", tmp_path_factory.mktemp("replica")) as url:
        name = make_url(url).database
        app = create_app(app_config(url, REPORTS_DATABASE_URL=replica.url(name)))
        app.test_client_class = Client
        primary = sa.create_engine(url)
        try:
            with app.app_context():
                upgrade()
                staff_sign_in_with_password_alone()
                db.session().expire_on_commit = False
                world = build_march(build_world())
            replica.catch_up(primary)
            yield app, world, primary
        finally:
            replica.resume()
            primary.dispose()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
                if "reports_engine" in app.extensions:
                    app.extensions.pop("reports_engine").dispose()


def _requests_in_march(staff) -> int:
    """The service figures' number of requests, from their CSV export."""
    response = staff.get("/reports/service.csv" + MARCH_ARGS)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    return int(rows[1][2])


def _as_of(staff) -> str:
    page = staff.get("/reports/service" + MARCH_ARGS).get_data(as_text=True)
    found = re.search(r'<p [^>]*id="figures-as-of"[^>]*>(.*?)</p>', page, re.S)
    assert found, "the page says how old its figures are"
    return unescape(found.group(1)).strip()


def _replayed_up_to(app, replica_url: str) -> str:
    """What the page should say: when the last transaction the replica replayed was
    committed, in Brussels time, in Dutch (the staff's language here)."""
    engine = sa.create_engine(replica_url)
    try:
        with engine.connect() as connection:
            moment = connection.exec_driver_sql("SELECT pg_last_xact_replay_timestamp()").scalar()
    finally:
        engine.dispose()
    assert moment is not None, "the replica has replayed the data set's transactions"
    with app.test_request_context(), force_locale("nl_BE"):
        return ("Cijfers uit de rapportagekopie van de databank, volledig tot "
                f"{format_moment(moment)}.")


def test_the_reports_show_what_the_replica_has_replayed_and_how_old_it_is(on_the_replica,
                                                                          replica):
    app, world, primary = on_the_replica
    with app.app_context():
        staff = app.test_client().login_as(world.register_staff)
    assert _requests_in_march(staff) == 5

    # Replay paused: a request committed on the primary now is not in the reports yet,
    # and the page says up to when its figures are complete.
    replica.pause()
    with app.app_context():
        add_request(world, status=RequestStatus.COMPLETED)
        db.session.commit()
        on_the_primary = db.session.scalar(sa.select(sa.func.count()).select_from(
            InterpretingRequest).where(InterpretingRequest.service_id == world.service.id,
                                       InterpretingRequest.due_at < APRIL))
    assert on_the_primary == 6
    assert _requests_in_march(staff) == 5, "read from the replica, which has not replayed it"
    assert _as_of(staff) == _replayed_up_to(app, app.config["REPORTS_DATABASE_URL"])

    # Replay resumed: once the replica has caught up, the reports count it.
    replica.resume()
    replica.catch_up(primary)
    assert _requests_in_march(staff) == 6
    assert _as_of(staff) == _replayed_up_to(app, app.config["REPORTS_DATABASE_URL"])


def test_the_reports_connection_cannot_write(on_the_replica):
    app, _world, _primary = on_the_replica
    with app.test_request_context():
        reports = source.session()
        assert reports.scalar(sa.select(sa.func.count()).select_from(Language)) >= 2
        with pytest.raises(sa.exc.DBAPIError) as refused:
            reports.execute(sa.delete(Language))
        assert refused.value.orig.sqlstate == "25006", "a read-only transaction"
        source.close()
