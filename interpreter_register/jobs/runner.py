"""Running a job: record the run, do the work, commit (the background worker delivers the
mails it queued). And the scheduler: one process, holding the database lease, running
APScheduler 3 with its job store in the database and a background worker beside it."""

import json
import logging
import os
import threading
from datetime import datetime

from flask import Flask, current_app

from ..core import worker
from ..core.database import writes_first
from ..core.time import utcnow
from ..extensions import db
from . import tasks
from .models import JobRun
from .report import Report

log = logging.getLogger(__name__)

# Every job by its id: what it does, and how often the scheduler runs it. Intervals keep
# a job close to its boundaries; daily ones run at night, in Brussels time.
JOBS = {
    "reminders": (tasks.send_reminders, {"trigger": "interval", "minutes": 5}),
    "offers": (tasks.advance_offers, {"trigger": "interval", "minutes": 5}),
    "escalation": (tasks.escalate, {"trigger": "interval", "minutes": 10}),
    "completion": (tasks.follow_sheets, {"trigger": "interval", "minutes": 15}),
    "certificates": (tasks.watch_certificates, {"trigger": "cron", "hour": 1, "minute": 30}),
    "retention": (tasks.erase_old_client_data, {"trigger": "cron", "hour": 3, "minute": 0}),
    "revisions": (tasks.chase_revisions, {"trigger": "cron", "hour": 7, "minute": 0}),
    "workload": (tasks.recount_workload, {"trigger": "interval", "minutes": 60}),
    # The first of the month, early: the month before is billed before anyone looks.
    "invoices": (tasks.bill_previous_month, {"trigger": "cron", "day": 1, "hour": 4,
                                             "minute": 0}),
}


def run(job_id: str, now: datetime | None = None) -> JobRun:
    """Run one job now (or as if it were ``now``): the work commits as one transaction,
    its mails wait in the outbox for the worker, and the run is recorded either way. Like
    a request that changes data, it holds SQLite's write lock from its first statement."""
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("a job must not start with changes not committed yet")
    # A transaction the caller began by reading would not hold the write lock: end it.
    db.session.rollback()
    with writes_first():
        return _run(job_id, now)


def _run(job_id: str, now: datetime | None) -> JobRun:
    task, _trigger = JOBS[job_id]
    started = JobRun(job_id=job_id, started_at=utcnow())
    db.session.add(started)
    db.session.commit()
    run_id = started.id
    report = Report(job_id)
    try:
        task(now or utcnow(), report)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - the run is recorded as failed, not lost
        db.session.rollback()
        log.exception("job %s failed", job_id)
        report.errors.append(type(error).__name__)
        outcome = "failed"
    else:
        outcome = "partial" if report.errors else "succeeded"
    finished = db.session.get(JobRun, run_id)
    finished.finished_at, finished.outcome = utcnow(), outcome
    finished.counts_json = json.dumps(dict(report.counts))
    finished.errors_json = json.dumps(report.errors[:100])
    db.session.commit()
    return finished


# --- the scheduler process ---------------------------------------------------------------

_app: Flask | None = None


def run_scheduled(job_id: str) -> None:
    """What the job store refers to (by name, so that it survives restarts)."""
    with _app.app_context():
        run(job_id)


def build_scheduler(app: Flask):
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    with app.app_context():
        engine = db.engine
    scheduler = BackgroundScheduler(
        timezone="Europe/Brussels",
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="scheduler_jobs")},
        # One job at a time: jobs are short, and two of them never touch a booking at once.
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        # Late or missed runs happen once, not as a burst; never two of one job at once.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    every = os.environ.get("SCHEDULER_INTERVAL_SECONDS")
    for job_id, (_task, trigger) in JOBS.items():
        options = ({"trigger": "interval", "seconds": int(every)} if every else dict(trigger))
        scheduler.add_job("interpreter_register.jobs.runner:run_scheduled", args=[job_id],
                          id=job_id, name=job_id, replace_existing=True, **options)
    return scheduler


def serve() -> None:
    """Wait for the lease (another scheduler may hold it), then run the jobs and a worker
    until SIGTERM or SIGINT, or until the lease is lost; then stop cleanly."""
    from .lease import Lease

    global _app
    _app = current_app._get_current_object()
    stop = worker.stop_on_signals("scheduler")

    lease = Lease(_app)
    waiting = False
    while not stop.is_set() and not lease.acquire():
        if not waiting:
            log.warning("another scheduler is running (%s): this one waits, and takes over "
                        "when that one stops", lease.current_holder() or "its lease is held")
            waiting = True
        stop.wait(lease.renew_every)
    if stop.is_set():
        lease.release()
        log.info("scheduler stopped")
        return
    try:
        _run_holding(lease, stop)
    finally:
        lease.release()
    log.info("scheduler stopped")


def _run_holding(lease, stop: threading.Event) -> None:
    """The jobs, the worker and the lease's heartbeat, until ``stop``."""
    scheduler = build_scheduler(_app)
    background = threading.Event()
    thread = worker.start_thread(_app, background)
    scheduler.start()
    log.info("scheduler started with %d jobs (holding the lease as %s)", len(JOBS),
             lease.holder)
    try:
        while not stop.wait(lease.renew_every):
            if not lease.renew():
                log.error("the scheduler lost its lease: it stops, another takes over")
                break
    finally:
        scheduler.shutdown(wait=True)
        background.set()
        thread.join()
