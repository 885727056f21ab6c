"""The scheduler: one separate process, never inside the web app; it runs the jobs on
time and stops cleanly on SIGTERM without losing them."""

import os
import signal
import subprocess
import sys
import threading
import time as clock
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from interpreter_register import create_app
from interpreter_register.bookings.models import Booking
from interpreter_register.core.outbox import OutboxMessage
from interpreter_register.core.time import to_brussels, utcnow
from interpreter_register.extensions import db
from interpreter_register.jobs.models import JobRun, scheduler_jobs
from interpreter_register.jobs.runner import JOBS
from tests.conftest import app_config
from tests.fixtures.database import scratch_database
from tests.fixtures.factories import create_booking, create_request
from tests.fixtures.reading import load
from tests.fixtures.world import build_world

ROOT = Path(__file__).resolve().parents[2]


def test_create_app_starts_no_scheduler(database_url, monkeypatch):
    from apscheduler.schedulers.base import BaseScheduler

    def refuse(*args, **kwargs):
        raise AssertionError("a scheduler was started inside the web application")
    monkeypatch.setattr(BaseScheduler, "start", refuse)
    app = create_app(app_config(database_url))
    assert app.extensions.get("apscheduler") is None


def test_run_once_refuses_an_unknown_job(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once", "nothing"])
    assert result.exit_code != 0 and "unknown job" in result.output


def test_run_once_runs_a_job_and_records_it(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once", "completion"])
    assert result.exit_code == 0 and "completion: succeeded" in result.output
    assert load(JobRun, job_id="completion").outcome == "succeeded"


def test_the_scheduler_process_sends_a_due_reminder_and_stops_cleanly(database_kind,
                                                                        tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            db.session().expire_on_commit = False
            world = build_world()
            # Within the reminder's 24 hours, and ending the same day in Brussels.
            soon = to_brussels(utcnow() + timedelta(hours=23))
            if soon.hour >= 22:
                soon -= timedelta(hours=3)
            item = create_request(world.contact_person, day=soon.date(),
                                  start=soon.time().replace(second=0, microsecond=0),
                                  end=(soon + timedelta(hours=1)).time().replace(
                                      second=0, microsecond=0))
            create_booking(item, world.fatima)
            db.session.remove()
        environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "scheduler-test",
                       "SCHEDULER_INTERVAL_SECONDS": "1", "MAIL_SERVER": ""}
        process = subprocess.Popen(  # noqa: S603 - the project's own command
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            # Waits for what it checks (every job ran, the reminder left), however slowly
            # the machine gets there; the deadline is only against hanging for ever.
            reminded = every_job_ran = False
            deadline = clock.monotonic() + 300
            while clock.monotonic() < deadline and not (reminded and every_job_ran):
                with app.app_context():
                    reminded = db.session.scalar(select(func.count()).select_from(
                        OutboxMessage).where(OutboxMessage.kind == "reminder",
                                             OutboxMessage.sent_at.is_not(None))) >= 1
                    every_job_ran = db.session.scalar(select(func.count(
                        func.distinct(JobRun.job_id)))) == len(JOBS)
                    db.session.remove()
                clock.sleep(0.5)
            assert reminded, "no reminder went out"
            assert every_job_ran, "not every job ran"
            process.send_signal(signal.SIGTERM)
            output = process.communicate(timeout=30)[0].decode()
            assert process.returncode == 0, output
            assert "scheduler stopped" in output
            with app.app_context():
                stored = db.session.scalar(select(func.count()).select_from(scheduler_jobs))
                assert stored == len(JOBS), "the jobs stay in the job store"
                booking = db.session.scalar(select(Booking).where(
                    Booking.request_id == item.id))
                assert booking.reminded_for == booking.starts_at
                assert db.session.scalar(select(func.count()).select_from(JobRun)) >= len(JOBS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --- exactly one scheduler ------------------------------------------------------------------

class Process:
    """A `flask scheduler run` of its own, its output read line by line as it comes."""

    def __init__(self, url: str):
        environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "scheduler-test",
                       "SCHEDULER_INTERVAL_SECONDS": "3600", "SCHEDULER_LEASE_SECONDS": "3",
                       "MAIL_SERVER": "", "WORKER_POLL_SECONDS": "0.2"}
        self.popen = subprocess.Popen(  # noqa: S603 - the project's own command
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"], cwd=ROOT,
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str) -> None:
        """Until the process said ``text`` (the deadline only guards against hanging)."""
        deadline = clock.monotonic() + 180
        while text not in self.output:
            assert self.popen.poll() is None or text in self.output, self.output
            assert clock.monotonic() < deadline, f"never said {text!r}:\n{self.output}"
            clock.sleep(0.05)

    def stop(self, sig=signal.SIGTERM) -> int:
        self.popen.send_signal(sig)
        code = self.popen.wait(timeout=60)
        self._reader.join(10)
        return code

    def kill(self):
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()


def test_a_second_scheduler_waits_and_takes_over_when_the_first_stops_or_dies(
        database_kind, tmp_path):
    with scratch_database(database_kind, tmp_path) as url:
        app = create_app(app_config(url))
        with app.app_context():
            upgrade()
            db.session.remove()
        first = second = third = None
        try:
            first = Process(url)
            first.wait_for("scheduler started")
            second = Process(url)
            second.wait_for("another scheduler is running")
            assert "scheduler started" not in second.output, "two schedulers at once"

            # The first stops cleanly: the second takes over.
            assert first.stop() == 0
            assert "scheduler stopped" in first.output
            second.wait_for("scheduler started")

            # A third waits; the second dies without a word (kill -9): the third takes over.
            third = Process(url)
            third.wait_for("another scheduler is running")
            assert "scheduler started" not in third.output
            second.stop(signal.SIGKILL)
            third.wait_for("scheduler started")
            assert third.stop() == 0
            with app.app_context():
                from interpreter_register.jobs.lease import SchedulerLease
                assert db.session.scalar(select(func.count()).select_from(SchedulerLease)) == 0
                db.session.remove()
        finally:
            for process in (first, second, third):
                if process is not None:
                    process.kill()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
