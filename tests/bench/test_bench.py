"""The benchmark at a tiny scale, so that it cannot rot: the generator fills a migrated
database, and every measurement runs and reports what the issue asks for (the timings are
not judged here; `make bench` judges them at scale 10)."""

import io
from argparse import Namespace

import pytest
from sqlalchemy import func, select

from bench import generate as generator
from bench import invoicing, load, measure
from bench import run as runner
from bench.database import fresh_app
from interpreter_register.billing.invoicing.models import BilledSheet, Invoice
from interpreter_register.bookings.models import InterpretingRequest
from interpreter_register.extensions import db
from interpreter_register.organisations.models import InterpretingService
from interpreter_register.register.models import Person
from interpreter_register.sheets.models import CompletionSheet
from tests.fixtures.database import scratch_database

SCALE = 0.02
SEED = 7
ISSUE_KEYS = {"matching_p50_ms", "matching_p95_ms", "matching_floor_ratio", "queue_rps",
              "hello_rps", "queue_vs_hello_ratio", "queries_queue_100", "queries_queue_5000",
              "queries_matching_10", "queries_matching_200", "queries_feed_1000",
              "feed_1000_ms", "feed_vs_raw_ratio", "feed_304_ms", "search_p95_ms",
              "import_rows", "import_rows_per_s", "api_list_rps", "api_vs_hello_ratio",
              "invoicing_month_s", "invoicing_sheets", "invoicing_invoices",
              "invoicing_sheets_per_s", "queries_invoicing_small", "queries_invoicing_large",
              "statements_month_s", "queries_statements_small", "queries_statements_large"}


@pytest.fixture(scope="module")
def generated(database_kind, tmp_path_factory):
    with scratch_database(database_kind, tmp_path_factory.mktemp("bench")) as url:
        app = fresh_app(url)
        progress = io.StringIO()
        with app.app_context():
            made = generator.generate(SCALE, SEED, out=progress)
        yield url, app, made, progress.getvalue()
        with app.app_context():
            db.engine.dispose()


def _fingerprint(app) -> list:
    with app.app_context():
        return db.session.execute(
            select(InterpretingRequest.id, InterpretingRequest.language_code,
                   InterpretingRequest.working_language, InterpretingRequest.modality,
                   InterpretingRequest.status, InterpretingRequest.service_id)
            .order_by(InterpretingRequest.id)).all()


def test_the_generator_fills_the_counts_of_its_scale_and_shows_progress(generated):
    _url, app, made, progress = generated
    plan = generator.Plan(SCALE)
    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(Person))
        by_language = dict(db.session.execute(
            select(InterpretingRequest.language_code, func.count())
            .group_by(InterpretingRequest.language_code)).all())
    assert people == plan.people + 2                       # and the two feed people
    assert made.counts["people"] == people
    assert made.counts["bookings"] >= plan.past_bookings
    assert "done in" in progress and "past" in progress
    # The most requested languages lead; the long tail is rare.
    top = sorted(by_language, key=by_language.get, reverse=True)[:3]
    assert set(top) <= set(generator.MOST_REQUESTED)


def test_the_same_seed_gives_the_same_data(generated, tmp_path):
    _url, app, _made, _progress = generated
    again = fresh_app(f"sqlite:///{tmp_path / 'again.sqlite'}")
    with again.app_context():
        generator.generate(SCALE, SEED, out=io.StringIO())
    try:
        assert _fingerprint(again) == _fingerprint(app)
    finally:
        with again.app_context():
            db.engine.dispose()


def test_each_measurement_runs_and_counts_the_same_statements_at_both_sizes(generated):
    _url, app, made, _progress = generated
    with app.app_context():
        ids = measure.open_request_ids(generator.CENTRAL, 5, SEED)
        matching = measure.matching(ids, warm_up=1)
        statements = measure.matching_statements()
    queue = measure.queue_statements(app, made.small_dispatcher, made.central_dispatcher,
                                     {made.small_dispatcher: 100, made.central_dispatcher: 5000})
    feed = measure.feed(app, made.feed_tokens, repeat=2)

    assert matching["matching_requests"] == len(ids) == 5
    assert 0 < matching["matching_p50_ms"] <= matching["matching_p95_ms"]
    assert matching["matching_floor_ratio"] > 0
    assert statements["queries_matching_10"] == statements["queries_matching_200"] <= 12
    assert queue["queries_queue_100"] == queue["queries_queue_5000"] <= 12
    assert feed["queries_feed_10"] == feed["queries_feed_1000"] <= 12
    assert feed["feed_events_10"] == 10 and feed["feed_events_1000"] == 1000
    assert feed["feed_1000_ms"] > 0 and feed["feed_304_ms"] > 0

    with app.app_context():
        service_id, samples = measure.search_samples(generator.CENTRAL, 10, SEED, others=2)
        searched = measure.search(service_id, samples, warm_up=1)
    assert searched["search_count"] == 10
    for kind in measure.DISPATCHER_KINDS + measure.OTHER_KINDS:
        assert searched[f"search_{kind}_p95_ms"] > 0, kind
    assert searched["search_requester_list_found_median"] >= 1
    assert 0 < searched["search_p50_ms"] <= searched["search_p95_ms"]
    assert searched["search_found_median"] >= 1, "each search finds what it was made from"


def test_the_invoicing_run_bills_the_whole_month_in_a_fixed_number_of_statements(generated):
    _url, app, made, _progress = generated
    central = made.month_sheets[generator.CENTRAL]
    small = min(count for name, count in made.month_sheets.items()
                if count and name != generator.CENTRAL)
    assert central > small > 0
    with app.app_context():
        organisations = db.session.scalar(
            select(func.count(func.distinct(InterpretingRequest.organisation_id)))
            .select_from(CompletionSheet).join(InterpretingRequest)
            .join(InterpretingService, InterpretingService.id == CompletionSheet.service_id)
            .where(InterpretingService.name == generator.CENTRAL))
        found = invoicing.invoicing(generator.CENTRAL, made.month_sheets, made.billed_month)
        # Rolled back: the next run (--reuse) bills the same month again.
        assert db.session.scalar(select(func.count()).select_from(Invoice)) == 0
        assert db.session.scalar(select(func.count()).select_from(BilledSheet)) == 0

    # Every sheet the generator settled for the month is billed, one invoice an organisation.
    assert found["invoicing_sheets"] == found["invoicing_settled_sheets"] == central
    assert found["invoicing_not_billed"] == 0
    assert found["invoicing_invoices"] == organisations > 1
    assert found["invoicing_lines"] >= central
    assert found["invoicing_small_sheets"] == small
    assert found["invoicing_month_s"] > 0 and found["invoicing_sheets_per_s"] > 0
    # The statements of the month: every sheet, for each interpreter.
    assert found["statements_sheets"] == central and found["statements_people"] >= 1
    # No statement per sheet, organisation or interpreter.
    assert found["queries_invoicing_small"] == found["queries_invoicing_large"]
    assert found["queries_statements_small"] == found["queries_statements_large"]


def test_the_run_prints_a_table_and_writes_every_key_of_the_issue(
        generated, database_kind, tmp_path, monkeypatch, capsys):
    url, _app, made, _progress = generated
    monkeypatch.setattr(runner, "DATA", tmp_path)
    monkeypatch.setattr(load, "DATA", tmp_path)
    runner.remember(url, made, SEED)          # so that the run reuses the generated data
    args = Namespace(scale=SCALE, seed=SEED, reuse=True, requests=5, seconds=1, import_rows=40)
    results = runner.bench_database(url, args, io.StringIO())
    runner.print_table(database_kind, results)

    assert results.keys() >= ISSUE_KEYS
    assert results["hello_rps"] > results["queue_rps"] > 0
    assert results["queue_rps_1_worker"] > 0
    assert results["hello_rps"] > results["api_list_rps"] > 0
    assert results["api_vs_hello_ratio"] == round(results["api_list_rps"]
                                                  / results["hello_rps"], 3)
    assert results["generate_seconds"] == round(made.seconds, 1)
    assert results["import_rows"] == 40 and results["import_rows_per_s"] > 0
    table = capsys.readouterr().out
    assert "queries_queue_5000" in table and ("met" in table or "MISSED" in table)
    assert "≠" not in table


def test_wrk_refuses_a_run_with_failed_answers(generated, tmp_path, monkeypatch):
    """A queue page that answers 302 to the login (a lost session) must not count."""
    monkeypatch.setattr(load, "DATA", tmp_path)
    url, *_ = generated
    with load.gunicorn("bench.serve:app", 1, {"BENCH_DATABASE_URL": url}) as base:
        assert load._request(base, "GET", "/dispatch", cookie="session=forged").status == 302
        with pytest.raises(load.LoadError, match="not 200"):
            load.wrk(base + "/dispatch", 1, cookie="session=forged")
