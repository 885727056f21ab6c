"""Throughput under wrk on loopback: the dispatcher's queue page against a bare Flask route,
each served by gunicorn, in the same run; servers started here are stopped here."""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time as clock
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from .database import DATA

FAILURES = Path(__file__).resolve().parent / "count_failures.lua"


class LoadError(RuntimeError):
    """wrk or gunicorn could not do what the measurement needs."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(application: str, workers: int, environment: dict | None = None):
    """``application`` (module:variable) served on a free loopback port; yields its URL."""
    port = free_port()
    DATA.mkdir(exist_ok=True)
    log = open(DATA / "gunicorn.log", "ab")  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", application],
        env={**os.environ, **(environment or {})}, stdout=log, stderr=log,
        cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = clock.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or clock.monotonic() > deadline:
                    raise LoadError(
                        f"gunicorn did not start; see {DATA / 'gunicorn.log'}") from None
                clock.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _request(base: str, method: str, path: str, body: str | None = None,
             cookie: str | None = None, headers: dict | None = None) -> http.client.HTTPResponse:
    host = base.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=30)
    headers = {**({"Cookie": cookie} if cookie else {}), **(headers or {})}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def _session_cookie(response) -> str | None:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return None


def log_in(base: str, email: str, password: str) -> str:
    """Log in through the login form (with its CSRF token); the session cookie."""
    page = _request(base, "GET", "/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page.body)
    if token is None:
        raise LoadError("no CSRF token on the login page")
    cookie = _session_cookie(page)
    answer = _request(base, "POST", "/login", urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1).decode()}),
        cookie)
    cookie = _session_cookie(answer)
    if answer.status not in (302, 303) or cookie is None:
        raise LoadError(f"logging in as {email} failed ({answer.status})")
    return cookie


def wrk(url: str, seconds: int, cookie: str | None = None, connections: int = 16,
        patience: int = 64, headers: dict | None = None) -> float:
    """Requests per second under wrk; any answer that is not 200 fails the measurement.

    A slow or loaded machine is measured, never failed: a run in which no request was
    answered yet is run again for twice as long (up to ``patience`` seconds), and wrk
    waits up to 30 s for an answer before it counts a timeout."""
    if shutil.which("wrk") is None:
        raise LoadError("wrk is not installed (apt-get install wrk)")
    while True:
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
                   "-s", str(FAILURES), url]
        if cookie:
            command[1:1] = ["-H", f"Cookie: {cookie}"]
        for name, value in (headers or {}).items():
            command[1:1] = ["-H", f"{name}: {value}"]
        output = subprocess.run(  # noqa: S603 - our own command line
            command, capture_output=True, text=True, check=True).stdout
        answered = re.search(r"(\d+) requests in", output)
        if answered is not None and int(answered.group(1)):
            break
        if seconds * 2 > patience:
            raise LoadError(f"no answers from {url} in {seconds} s:\n{output}")
        seconds *= 2
    failed = re.search(r"Answers not 200: (\d+)", output)
    if failed is None or int(failed.group(1)) or "Socket errors" in output:
        raise LoadError(f"wrk saw answers that are not 200 or socket errors on {url}:\n"
                        f"{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _warm_up(base: str, path: str, workers: int, cookie: str | None = None,
             headers: dict | None = None) -> None:
    """One answer per worker, one request at a time and however long each takes: every
    worker has loaded the app and warmed its caches before anything is timed."""
    for _ in range(workers * 2):
        _request(base, "GET", path, cookie=cookie, headers=headers)


# The list an organisation's system reads most: its newest requests, a page of 50.
API_LIST = "/api/v1/requests?limit=50"


def api_list_rps(base: str, api_key: str, seconds: int) -> float:
    """GET /api/v1/requests under wrk with an organisation's key (2 workers)."""
    headers = {"Authorization": f"Bearer {api_key}"}
    check = _request(base, "GET", API_LIST, headers=headers)
    if check.status != 200:
        raise LoadError(f"the API's list answered {check.status}")
    _warm_up(base, API_LIST, 2, headers=headers)
    wrk(base + API_LIST, 1, headers=headers)                          # warm up
    return round(wrk(base + API_LIST, seconds, headers=headers), 1)


def throughput(database_url: str, email: str, password: str, seconds: int,
               workers_to_try=(2, 1), api_key: str | None = None) -> dict:
    """hello_rps and queue_rps with 2 workers (and the queue with 1, for the scaling note);
    with ``api_key``, the API's list of an organisation's requests too (api_list_rps), by
    the same servers, against the same bare route."""
    found = {}
    with gunicorn("bench.hello:app", 2) as base:
        _warm_up(base, "/", 2)
        wrk(base + "/", 1)                                          # warm up
        found["hello_rps"] = round(wrk(base + "/", seconds), 1)
    environment = {"BENCH_DATABASE_URL": database_url}
    for workers in workers_to_try:
        with gunicorn("bench.serve:app", workers, environment) as base:
            cookie = log_in(base, email, password)
            check = _request(base, "GET", "/dispatch", cookie=cookie)
            if check.status != 200:
                raise LoadError(f"the queue page answered {check.status}")
            _warm_up(base, "/dispatch", workers, cookie)
            wrk(base + "/dispatch", 1, cookie)                        # warm up
            # One decimal: on a loaded machine one worker may answer under one page a second.
            rps = round(wrk(base + "/dispatch", seconds, cookie), 1)
            if workers == 2 and api_key:
                found["api_list_rps"] = api_list_rps(base, api_key, seconds)
        found["queue_rps" if workers == 2 else f"queue_rps_{workers}_worker"] = rps
    found["queue_vs_hello_ratio"] = round(found["queue_rps"] / found["hello_rps"], 3)
    if "api_list_rps" in found:
        found["api_vs_hello_ratio"] = round(found["api_list_rps"] / found["hello_rps"], 3)
    return found
