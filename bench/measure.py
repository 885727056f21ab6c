"""The measurements inside one process: matching against its floor, SQL statements per
page or operation at two sizes, and the calendar feed against icalendar alone.

Each function runs in an application context on a generated database and returns plain
numbers; bench/run.py prints them and writes them to results.json.
"""

import random
import statistics
import time as clock
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import Flask, before_render_template, template_rendered
from icalendar import Calendar
from sqlalchemy import event, func, select

from interpreter_register.auth.models import User
from interpreter_register.bookings.matching.engine import match
from interpreter_register.bookings.models import InterpretingRequest, RequestStatus
from interpreter_register.calendar.events import SERIALISED
from interpreter_register.extensions import db
from interpreter_register.register.models import Person, Qualification, QualificationKind


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 is the median, 0.95 the 95th)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


@contextmanager
def counting_statements(engine=None):
    """Counts the SQL statements sent while the block runs."""
    engine = engine or db.engine
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _ms(started: float) -> float:
    return (clock.perf_counter() - started) * 1000


# --- matching -----------------------------------------------------------------------------

def holders_statement(item: InterpretingRequest):
    """The floor: the single indexed query listing the people who hold the request's pair."""
    statement = (select(Person.id, Person.first_name, Person.last_name)
                 .join(Qualification, Qualification.person_id == Person.id)
                 .where(Qualification.language_code == item.language_code,
                        Qualification.working_language == item.working_language,
                        Qualification.kind == item.kind))
    if item.kind == QualificationKind.TRANSLATION:
        statement = statement.where(Qualification.direction == item.direction)
    return statement


def open_request_ids(service_name: str, count: int, seed: int) -> list[int]:
    from interpreter_register.organisations.models import InterpretingService
    ids = db.session.scalars(
        select(InterpretingRequest.id).join(InterpretingService)
        .where(InterpretingService.name == service_name,
               InterpretingRequest.status.in_((RequestStatus.SUBMITTED,
                                               RequestStatus.OFFERED)))
        .order_by(InterpretingRequest.id)).all()
    return random.Random(seed).sample(ids, min(count, len(ids)))


def matching(request_ids: list[int], warm_up: int = 10) -> dict:
    """Rank the candidates of each request (with the reasons), and list its pair's
    holders (the floor); the session starts empty each time, as a new page does."""
    timings, floors, sizes = [], [], []
    warm_up = min(warm_up, len(request_ids))
    for n, request_id in enumerate(request_ids[:warm_up] + request_ids):
        db.session.expunge_all()
        item = db.session.get(InterpretingRequest, request_id)
        started = clock.perf_counter()
        result = match(item)
        elapsed = _ms(started)
        statement = holders_statement(item)
        started = clock.perf_counter()
        holders = db.session.execute(statement).all()
        floor = _ms(started)
        if n >= warm_up:
            timings.append(elapsed)
            floors.append(floor)
            sizes.append((len(holders), len(result.ranked)))
    db.session.rollback()
    p50, p95, floor = percentile(timings, .5), percentile(timings, .95), percentile(floors, .5)
    return {"matching_p50_ms": round(p50, 2), "matching_p95_ms": round(p95, 2),
            "matching_floor_p50_ms": round(floor, 3),
            "matching_floor_ratio": round(p50 / floor, 2) if floor else None,
            "matching_requests": len(timings),
            "matching_holders_median": statistics.median(h for h, _r in sizes),
            "matching_holders_max": max(h for h, _r in sizes)}


def _pair_with_about(holders: int) -> tuple:
    """The interpreting pair whose number of holders is nearest to ``holders``."""
    counts = db.session.execute(
        select(Qualification.language_code, Qualification.working_language, func.count())
        .where(Qualification.kind == QualificationKind.INTERPRETING)
        .group_by(Qualification.language_code, Qualification.working_language)).all()
    return min(counts, key=lambda row: (abs(row[2] - holders), row[0], row[1]))


def matching_statements(sizes=(10, 200)) -> dict:
    """Statements for one matching, for pairs held by about 10 and about 200 people."""
    found = {}
    template = db.session.scalars(select(InterpretingRequest).where(
        InterpretingRequest.status == RequestStatus.SUBMITTED,
        InterpretingRequest.modality == "on_site").limit(1)).one()
    for size in sizes:
        language, working, holders = _pair_with_about(size)
        item = InterpretingRequest(**{
            c.key: getattr(template, c.key) for c in InterpretingRequest.__mapper__.column_attrs
            if c.key not in ("id", "calendar_uid")})
        item.language_code, item.working_language = language, working
        db.session.add(item)
        db.session.flush()
        db.session.expunge_all()
        item = db.session.get(InterpretingRequest, item.id)
        with counting_statements() as seen:
            match(item)
        found[f"queries_matching_{size}"] = len(seen)
        found[f"matching_holders_for_{size}"] = holders
        db.session.rollback()
    return found


# --- search -------------------------------------------------------------------------------

# What dispatchers look for in a service's history, in turn (the target, search_p95_ms):
DISPATCHER_KINDS = ("number", "case", "organisation", "interpreter", "week")
# Measured beside it, fewer times each, reported by kind: the other filters of the
# dispatchers' search, and a requester's list of their organisation's requests.
OTHER_KINDS = ("status", "language", "requester_list", "requester_status",
               "requester_language")
OTHER_SAMPLES = 20


def search_samples(service_name: str, count: int, seed: int,
                   others: int = OTHER_SAMPLES) -> tuple[int, list]:
    """(kind, organisation id or None for the dispatcher's service, RequestSearch): each
    kind of search, made from past requests of the service chosen at random; ``count``
    of the dispatchers' kinds in turn, then ``others`` of each other kind."""
    from interpreter_register.bookings.models import Booking
    from interpreter_register.bookings.services.search import RequestSearch
    from interpreter_register.organisations.models import InterpretingService, Organisation
    rng = random.Random(seed)
    service_id = db.session.scalar(select(InterpretingService.id).where(
        InterpretingService.name == service_name))
    past = db.session.execute(
        select(InterpretingRequest.id, InterpretingRequest.case_reference,
               InterpretingRequest.organisation_id, InterpretingRequest.due_at,
               InterpretingRequest.language_code)
        .where(InterpretingRequest.service_id == service_id,
               InterpretingRequest.status.in_((RequestStatus.COMPLETED,
                                               RequestStatus.CANCELLED,
                                               RequestStatus.UNFILLED)))
        .order_by(InterpretingRequest.id)).all()
    kinds = [DISPATCHER_KINDS[n % len(DISPATCHER_KINDS)] for n in range(count)]
    kinds += [kind for kind in OTHER_KINDS for _n in range(others)]
    chosen = rng.sample(past, min(len(kinds), len(past)))
    samples = []
    for kind, (request_id, case_reference, organisation_id, due_at, language) in zip(
            kinds, chosen, strict=False):
        for_organisation = organisation_id if kind.startswith("requester") else None
        if kind == "number":
            wanted = RequestSearch(reference=db.session.get(InterpretingRequest,
                                                            request_id).number)
        elif kind == "case":
            wanted = RequestSearch(reference=(case_reference or "").lower())
        elif kind == "organisation":
            name = db.session.scalar(select(Organisation.name).where(
                Organisation.id == organisation_id))
            wanted = RequestSearch(organisation=name.lower())
        elif kind == "interpreter":
            person = db.session.scalar(select(Person).join(
                Booking, Booking.person_id == Person.id).where(
                Booking.request_id == request_id)) or db.session.get(Person, 1)
            wanted = RequestSearch(interpreter=person.last_name)
        elif kind == "week":
            monday = due_at.date() - timedelta(days=due_at.weekday())
            wanted = RequestSearch(first_day=monday, last_day=monday + timedelta(days=6))
        elif kind in ("status", "requester_status"):
            wanted = RequestSearch(status=RequestStatus.CANCELLED.value)
        elif kind in ("language", "requester_language"):
            wanted = RequestSearch(language=language)
        else:
            wanted = RequestSearch()
        samples.append((kind, for_organisation, wanted))
    db.session.rollback()
    return service_id, samples


def _server_pid() -> int | None:
    """The PostgreSQL backend serving the session, when it runs on this machine."""
    if db.session.connection().dialect.name != "postgresql":
        return None
    pid = db.session.scalar(select(func.pg_backend_pid()))
    return pid if Path(f"/proc/{pid}/schedstat").exists() else None


def _on_cpu_ns(server_pid: int | None) -> int:
    """Nanoseconds this thread, and the database's backend process if any, have run on a
    CPU: unlike the clock, not stretched by other programs' turns on a loaded machine."""
    spent = clock.thread_time_ns()
    if server_pid is not None:
        spent += int(Path(f"/proc/{server_pid}/schedstat").read_text().split()[0])
    return spent


def search(service_id: int, samples: list, warm_up: int = 5) -> dict:
    """Each search as its page needs it: the first page of results and their number (the
    session empty each time). ``search_p50_ms`` and ``search_p95_ms`` are the
    dispatchers' kinds together; each kind has its own p95 as well. Beside the clock, the
    time on a CPU of this process and of PostgreSQL's backend (``_cpu_``): what a search
    costs whatever else the machine is doing; the clock is what a user waits."""
    from interpreter_register.bookings.services.search import (
        organisation_requests,
        service_requests,
    )
    from interpreter_register.core.time import utcnow
    timings, on_cpu, found = {}, {}, {}
    warm_up = min(warm_up, len(samples))
    server_pid = _server_pid()
    for n, (kind, organisation_id, wanted) in enumerate(samples[:warm_up] + samples):
        db.session.expunge_all()
        cpu = _on_cpu_ns(server_pid)
        started = clock.perf_counter()
        if organisation_id is None:
            page = service_requests(service_id, wanted, utcnow())
        else:
            page = organisation_requests(organisation_id, wanted, utcnow())
        items, total = page.items, page.total
        elapsed = _ms(started)
        cpu = (_on_cpu_ns(server_pid) - cpu) / 1e6
        if n >= warm_up:
            timings.setdefault(kind, []).append(elapsed)
            on_cpu.setdefault(kind, []).append(cpu)
            found.setdefault(kind, []).append(total)
            assert items or not total
    db.session.rollback()

    def dispatchers(values: dict) -> list:
        return [v for kind in DISPATCHER_KINDS for v in values.get(kind, [])]
    results = {"search_p50_ms": round(percentile(dispatchers(timings), .5), 2),
               "search_p95_ms": round(percentile(dispatchers(timings), .95), 2),
               "search_cpu_p50_ms": round(percentile(dispatchers(on_cpu), .5), 2),
               "search_cpu_p95_ms": round(percentile(dispatchers(on_cpu), .95), 2),
               "search_count": len(dispatchers(timings)),
               "search_found_median": statistics.median(dispatchers(found))}
    for kind in DISPATCHER_KINDS + OTHER_KINDS:
        if timings.get(kind):
            results[f"search_{kind}_p95_ms"] = round(percentile(timings[kind], .95), 2)
            results[f"search_{kind}_cpu_p95_ms"] = round(percentile(on_cpu[kind], .95), 2)
            results[f"search_{kind}_found_median"] = statistics.median(found[kind])
    return results


# --- pages --------------------------------------------------------------------------------
# Pages are asked for outside any application context, as a server would be: each request
# has its own context and its own database session, nothing carried over.

def logged_in_client(app: Flask, email: str):
    from interpreter_register.auth.sessions import start_session

    with app.app_context():
        token = start_session(db.session.scalars(select(User).where(User.email == email)).one())
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return client


def page_statements(app: Flask, client, url: str) -> int:
    client.get(url)                       # settings and caches warm
    with app.app_context():
        engine = db.engine
    with counting_statements(engine) as seen:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


def queue_statements(app: Flask, small: str, central: str, sizes: dict) -> dict:
    return {f"queries_queue_{sizes[email]}": page_statements(
        app, logged_in_client(app, email), "/dispatch") for email in (small, central)}


def queue_page(app: Flask, email: str, repeat: int = 30) -> dict:
    """The dispatcher's queue in the test client, and what its time goes to: the SQL
    statements (time inside the database driver) and the rendering of the template (from
    Flask's signal before it to the one after); the rest is the view, the forms and the
    framework."""
    client = logged_in_client(app, email)
    with app.app_context():
        engine = db.engine
    client.get("/dispatch")                     # settings and caches warm
    pages, sql, render = [], [], []
    started_sql, started_render = [], []

    def before_sql(*_args):
        started_sql.append(clock.perf_counter())

    def after_sql(*_args):
        sql[-1] += _ms(started_sql.pop())

    def before_render(*_args, **_kwargs):
        started_render.append(clock.perf_counter())

    def after_render(*_args, **_kwargs):
        render[-1] += _ms(started_render.pop())

    event.listen(engine, "before_cursor_execute", before_sql)
    event.listen(engine, "after_cursor_execute", after_sql)
    before_render_template.connect(before_render, app)
    template_rendered.connect(after_render, app)
    try:
        for _ in range(repeat):
            sql.append(0.0)
            render.append(0.0)
            started = clock.perf_counter()
            response = client.get("/dispatch")
            pages.append(_ms(started))
            assert response.status_code == 200, response.status_code
    finally:
        event.remove(engine, "before_cursor_execute", before_sql)
        event.remove(engine, "after_cursor_execute", after_sql)
        before_render_template.disconnect(before_render, app)
        template_rendered.disconnect(after_render, app)
    page, in_sql, in_render = (statistics.median(v) for v in (pages, sql, render))
    return {"queue_page_ms": round(page, 2), "queue_sql_ms": round(in_sql, 2),
            "queue_render_ms": round(in_render, 2),
            "queue_other_ms": round(max(page - in_sql - in_render, 0), 2)}


def open_in_queue(email: str) -> int:
    user = db.session.scalars(select(User).where(User.email == email)).one()
    return db.session.scalar(select(func.count()).select_from(InterpretingRequest).where(
        InterpretingRequest.service_id == user.service_id,
        InterpretingRequest.status.in_((RequestStatus.SUBMITTED, RequestStatus.OFFERED,
                                        RequestStatus.BOOKED))))


# --- calendar feeds -----------------------------------------------------------------------

def feed(app: Flask, tokens: dict, repeat: int = 20) -> dict:
    """The feed of 1,000 bookings: built and served (cold: every event made anew; then as
    it is served again, with only changed events made anew), served 304, and the same
    events serialised by icalendar alone (parsed from the feed beforehand, so not timed)."""
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    found = {}
    for size, token in tokens.items():
        with counting_statements(engine) as seen:
            response = client.get(f"/calendar/{token}.ics")
        assert response.status_code == 200, response.status_code
        found[f"queries_feed_{size}"] = len(seen)
        found[f"feed_events_{size}"] = response.data.count(b"BEGIN:VEVENT")
    token = tokens[max(tokens)]
    url = f"/calendar/{token}.ics"
    built, not_modified, raw = [], [], []
    SERIALISED.clear()                    # the first build makes every event anew
    started = clock.perf_counter()
    calendar = Calendar.from_ical(client.get(url).data)
    found["feed_1000_cold_ms"] = round(_ms(started), 2)
    for _ in range(repeat):
        started = clock.perf_counter()
        response = client.get(url)
        built.append(_ms(started))
        etag = response.headers["ETag"]
        started = clock.perf_counter()
        again = client.get(url, headers={"If-None-Match": etag})
        not_modified.append(_ms(started))
        assert again.status_code == 304, again.status_code
        started = clock.perf_counter()
        calendar.to_ical()
        raw.append(_ms(started))
    feed_ms, raw_ms = statistics.median(built), statistics.median(raw)
    found.update({"feed_1000_ms": round(feed_ms, 2), "feed_raw_1000_ms": round(raw_ms, 2),
                  "feed_vs_raw_ratio": round(feed_ms / raw_ms, 2),
                  "feed_304_ms": round(statistics.median(not_modified), 2)})
    return found


def api_key_of_busiest_organisation() -> str:
    """A new read key of the organisation with the most requests (made by its contact
    person, as on its key page): what wrk lists its requests with."""
    from interpreter_register.api.keys import create_key
    from interpreter_register.api.models import Scope
    from interpreter_register.organisations.models import Organisation

    organisation_id = db.session.scalar(
        select(InterpretingRequest.organisation_id).group_by(InterpretingRequest.organisation_id)
        .order_by(func.count().desc()).limit(1))
    contact = db.session.scalar(select(User).where(
        User.organisation_id == organisation_id, User.is_contact_person.is_(True),
        User.active.is_(True)).order_by(User.id).limit(1))
    _api_key, key = create_key(contact, db.session.get(Organisation, organisation_id),
                               "Benchmark", Scope.READ, 30)
    db.session.commit()
    return key
