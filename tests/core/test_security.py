"""Security headers, no inline scripts, CSRF, and the health check."""

import re

import pytest
from sqlalchemy.exc import OperationalError

from interpreter_register.extensions import db
from tests.fixtures.reading import load


def test_every_page_sends_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("role", ["admin", "register_staff", "dispatcher", "contact_person",
                                  "interpreter"])
def test_pages_have_no_inline_script_or_style(world, client_for, role):
    html = client_for(getattr(world, role)).get("/").get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the page loads Bootstrap's script"
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html), "a script tag with inline code"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
    assert " style=" not in html


def test_bootstrap_is_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/bootstrap/static/css/bootstrap.min.css"' in html
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    assert "cdn" not in html.lower()


def test_health_check_answers_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "reachable",
                             "mail": {"waiting": 0, "overdue": 0, "failed": 0}}


def test_health_check_says_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


@pytest.mark.usefixtures("csrf_enabled")
def test_a_form_without_a_valid_csrf_token_is_explained_and_saves_nothing(world, client_for):
    client = client_for(world.requester)
    response = client.post("/account", data={"name": "Changed", "locale": "fr",
                                             "csrf_token": "stale"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)
    user = load(world.requester)
    assert (user.name, user.locale) == ("Jan Colleague", None)


@pytest.mark.usefixtures("csrf_enabled")
def test_a_form_with_its_csrf_token_goes_through(world, client_for):
    client = client_for(world.requester)
    page = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account", data={"name": "Jan Changed", "locale": "fr",
                                             "csrf_token": token})
    assert response.status_code == 302
    assert load(world.requester).name == "Jan Changed"


def test_authenticated_pages_and_downloads_are_never_stored(world, client_for, client):
    staff = client_for(world.register_staff)
    for url in ("/", "/register/people", "/register/export.csv", "/register/export.xlsx",
                "/reports/organisations.csv", f"/bookings/{world.booking.id}.ics"):
        browser = client_for(world.contact_person) if url.endswith(".ics") else staff
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_subscribed_calendar_feed_keeps_its_own_caching(world, client):
    from interpreter_register.calendar.services import create_feed

    feed = create_feed(world.interpreter)
    db.session.commit()
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age" in response.headers["Cache-Control"]
