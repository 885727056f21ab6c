"""The background worker: the work no web request may wait for (delivering mail, large
imports, month exports), done by a loop outside the request.

Areas declare their background tasks with ``task(name)``: a function that does one
bounded portion of work (a batch of mails, a chunk of an import) and returns how much it
did. ``serve`` calls them in turn until told to stop, and waits a poll interval when none
had anything to do. Every task claims its work in the database, so several workers may
run side by side (``flask --app wsgi worker run``, and a thread of the scheduler process).
"""

import logging
import signal
import threading
from collections.abc import Callable

from flask import Flask

from ..extensions import db

log = logging.getLogger(__name__)

TASKS: dict[str, Callable[[], int]] = {}


def task(name: str):
    """Declare a background task: a function doing one portion of work, returning how much."""
    def register(function: Callable[[], int]) -> Callable[[], int]:
        TASKS[name] = function
        return function
    return register


def run_round(names=None) -> int:
    """Every task once; how much work they did. One task's failure (the database gone for
    a moment, a bug) is logged and the others still run."""
    done = 0
    for name in names or TASKS:
        try:
            done += TASKS[name]() or 0
        except Exception:  # noqa: BLE001 - the loop outlives any one failure
            log.exception("background task %s failed", name)
            db.session.rollback()
    return done


def serve(app: Flask, stop: threading.Event, names=None, poll_seconds: float | None = None):
    """Run the tasks until ``stop`` is set; the portion under way is finished first."""
    poll = poll_seconds if poll_seconds is not None else app.config["WORKER_POLL_SECONDS"]
    with app.app_context():
        try:
            while not stop.is_set():
                if not run_round(names):
                    stop.wait(poll)
        finally:
            db.session.remove()


def start_thread(app: Flask, stop: threading.Event, names=None) -> threading.Thread:
    """The worker in a thread of this process (the scheduler process runs one)."""
    thread = threading.Thread(target=serve, args=(app, stop, names), name="worker",
                              daemon=True)
    thread.start()
    return thread


def stop_on_signals(what: str) -> threading.Event:
    """An event set by SIGTERM or SIGINT (Ctrl+C): a process's cue to stop cleanly."""
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("%s stopping (signal %s)", what, signum)
        stop.set()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return stop


def serve_until_signalled(app: Flask, names=None) -> None:
    """The worker as a process of its own: runs until SIGTERM or SIGINT (Ctrl+C)."""
    stop = stop_on_signals("worker")
    log.info("worker started: %s", ", ".join(names or TASKS))
    serve(app, stop, names)
    log.info("worker stopped")
