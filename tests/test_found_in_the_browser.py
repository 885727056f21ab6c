"""The defects a careful look in the browser found (issue 21), each held by a test that
fails without its fix."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from interpreter_register.auth.models import User
from interpreter_register.bookings.models import OrganisationBar
from interpreter_register.core.i18n import format_day, format_moment, timeslot
from interpreter_register.core.time import BRUSSELS
from tests.bookings.test_views import FORM, asked
from tests.fixtures.factories import create_booking, create_request
from tests.fixtures.reading import load

ROOT = Path(__file__).resolve().parent.parent


def _page(client, url, ui="nl", **post) -> str:
    client.post("/language", data={"language": ui})
    if post:
        return client.post(url, data=post).get_data(as_text=True)
    return client.get(url).get_data(as_text=True)


def _chosen(body: str, name: str) -> set[str]:
    """The values a select shows as chosen, the placeholder's empty value left out."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    options = re.findall(r"<option[^>]*>", select)
    return {re.search(r'value="([^"]*)"', o).group(1) for o in options if "selected" in o} - {""}


# --- choices that are not preselected; empty and technical values ---------------------

def test_the_invite_form_preselects_no_role_and_asks_for_one(world, client_for):
    client = client_for(world.admin)
    body = _page(client, "/admin/users/new")
    assert "— kies een rol —" in body and _chosen(body, "role") == set()
    body = _page(client, "/admin/users/new", "fr", name="Nina", email="nina@example.org",
                 role="", locale="", organisation=0, service=0, person=0)
    assert "Choisissez le rôle de l’utilisateur." in body
    assert load(User, email="nina@example.org") is None


def test_a_technical_value_in_a_select_gets_a_clear_message(world, client_for):
    body = _page(client_for(world.admin), "/admin/users/new", "de", name="Nina",
                 email="nina@example.org", role="requester", locale="",
                 organisation="abc", service=0, person=0)
    assert "Wählen Sie eine der Möglichkeiten aus der Liste." in body
    assert "coerce" not in body and "konnte nicht" not in body
    assert load(User, email="nina@example.org") is None


def test_the_barring_form_preselects_no_person(world, client_for):
    create_booking(create_request(world.contact_person), world.omar)
    client = client_for(world.contact_person)
    body = _page(client, "/requests/barred")
    assert "— kies een persoon —" in body and _chosen(body, "person") == set()
    body = _page(client, "/requests/barred", "fr", person="", reason="")
    assert "Choisissez la personne." in body
    assert load(OrganisationBar, person_id=world.omar.id) is None


# --- one click that cannot be undone asks first ------------------------------------------

@pytest.mark.parametrize("who,url,question", [
    ("admin", "/admin/users/{dispatcher}/deactivate",
     "Pieter Claes deactiveren? Deze persoon kan dan niet meer inloggen."),
    ("admin", "/admin/organisations/{organisation}/deactivate",
     "OCMW Gent deactiveren? De leden ervan kunnen dan niet meer inloggen."),
    ("register_staff", "/register/people/{omar}/deactivate", "Omar Mansour deactiveren?"),
])
def test_deactivating_asks_first(world, client_for, who, url, question):
    url = url.format(dispatcher=world.dispatcher.id, organisation=world.organisation.id,
                     omar=world.omar.id)
    client = client_for(getattr(world, who))
    body = _page(client, url, "nl", csrf_token="")
    assert question in body and 'name="confirmed" value="yes"' in body
    assert load(world.dispatcher).active and load(world.organisation).active
    assert load(world.omar).active
    client.post(url, data={"confirmed": "yes"})
    assert not all((load(world.dispatcher).active, load(world.organisation).active,
                    load(world.omar).active))


def test_the_deactivate_buttons_carry_their_question_for_the_dialog(world, client_for):
    body = _page(client_for(world.admin), "/admin/users")
    question = "Pieter Claes deactiveren? Deze persoon kan dan niet meer inloggen."
    assert f'data-confirm="{question}"' in body


# --- the request form --------------------------------------------------------------------

def test_the_request_form_shows_every_problem_at_once(world, client_for):
    client = client_for(world.contact_person)
    body = _page(client, "/requests/new", "nl", **{**FORM, "language": "", "starts": "",
                                                   "address": ""})
    assert 'id="language-error"' in body
    assert 'id="starts-error"' in body
    assert 'id="address-error"' in body
    assert asked(world) == []


def test_the_day_and_times_carry_the_required_mark_and_french_names_times(world, client_for):
    body = _page(client_for(world.contact_person), "/requests/new", "fr")
    for name in ("day", "starts", "ends"):
        label = re.search(rf'<label[^>]*for="{name}"[^>]*>.*?</label>\s*(<span[^>]*>\*</span>)?',
                          body, re.S)
        assert label.group(1), f"{name} has no required mark"
    assert "Heure de début" in body and "Heure de fin" in body
    assert "À partir du" not in body


# --- contact data --------------------------------------------------------------------------

def test_an_interpreter_keeps_at_least_one_way_to_be_reached(world, client_for):
    client = client_for(world.interpreter)
    body = _page(client, "/register/me", "de", email="", phone="", postcode="9000",
                 municipality="Gent")
    assert "Behalten Sie mindestens eine E-Mail-Adresse oder eine Telefonnummer" in body
    assert load(world.fatima).email == world.fatima.email


# --- one format per locale for dates, times and telephone numbers --------------------------

@pytest.mark.parametrize("language,day,moment", [
    ("nl", "12 mrt 2027", "vr 12 mrt 2027, 10:00"),
    ("fr", "12 mars 2027", "ven. 12 mars 2027, 10:00"),
    ("de", "12. März 2027", "Fr., 12. März 2027, 10:00"),
])
def test_one_date_format_per_locale(app, language, day, moment):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale(f"{language}_BE"):
        at = datetime(2027, 3, 12, 10, tzinfo=BRUSSELS)
        assert format_day(date(2027, 3, 12)) == day
        assert format_moment(at, weekday=True) == moment
        assert timeslot(at) == moment


def test_no_page_or_mail_picks_its_own_date_format():
    """Dates go through the filters and core.i18n, never a format of their own."""
    own = [f"{path.relative_to(ROOT)}: {m}" for path in (ROOT / "templates").rglob("*")
           if path.is_file()
           for m in re.findall(r'\|(?:date|datetime)\([^)]+\)', path.read_text())
           if "weekday" not in m]
    own += [str(path.relative_to(ROOT)) for path in (ROOT / "interpreter_register").rglob("*.py")
            if re.search(r"\bformat_(date|datetime)\b", path.read_text())
            and path.name not in ("i18n.py", "outbox.py")]
    assert own == []


def test_the_interpreter_s_telephone_is_written_the_one_way(world, client_for):
    client = client_for(world.interpreter)
    _page(client, "/register/me", email="fatima@example.org", phone="0470 55 44 33",
          postcode="9000", municipality="Gent")
    assert load(world.fatima).phone == "+32470554433"
    body = _page(client, "/")
    assert "+32470554433" not in body and "+32 470 55 44 33" in body


# --- the jobs page and the settings pages ------------------------------------------------

def _counted_keys() -> set[str]:
    """Every key a job task counts (``report.count(key)``, ``report.each(..., key)``)."""
    import ast
    keys = {"failed"}
    for path in (ROOT / "interpreter_register" / "jobs").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "report"):
                position = {"count": 0, "each": 3}.get(node.func.attr)
                if position is not None and isinstance(node.args[position], ast.Constant):
                    keys.add(node.args[position].value)
    return keys


def test_every_job_and_every_count_has_a_label():
    from interpreter_register.jobs.labels import COUNT_LABELS, JOB_LABELS
    from interpreter_register.jobs.runner import JOBS
    assert set(JOBS) <= set(JOB_LABELS)
    assert _counted_keys() <= set(COUNT_LABELS)


def test_the_jobs_page_speaks_the_reader_s_language(world, client_for, app):
    from interpreter_register.jobs.runner import run
    with app.app_context():
        run("retention")
    body = _page(client_for(world.admin), "/admin/jobs", "fr")
    assert "Effacement des anciennes données des clients" in body
    assert "<code>retention</code>" not in body and "messages_erased" not in body


def test_each_settings_page_says_what_its_settings_decide(world, client_for):
    body = _page(client_for(world.admin), "/settings/jobs")
    assert "rappels" in _page(client_for(world.admin), "/settings/jobs", "fr")
    assert "hoe kandidaten gerangschikt" not in body
