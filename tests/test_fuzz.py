"""No server error on any input: every URL rule of the application, as every role that may
open it, with hostile values in every path argument, query argument and field of every
form that role can reach (found by reading the pages it is shown), never answers 5xx.

Hypothesis draws the values: huge, negative and malformed numbers, dates at the ends of
the calendar, NUL bytes, line breaks, 200 KB strings, wrong types and unknown choices,
mixed with the form's own valid options, so that a request often gets past the form and
into the services. `make test` runs a bounded number of examples per route;
``FUZZ_EXAMPLES=200 make test`` runs more (and draws them anew each run).
"""

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter_register.auth.sessions import start_session
from interpreter_register.extensions import db
from tests.conftest import Client

from .test_access_map import ACCESS, OK, UNGUARDED, _url, _values

LONG = bool(os.environ.get("FUZZ_EXAMPLES"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 1)

HUGE = "x" * 200_000           # in a form's body
LONG_ARGUMENT = "x" * 5_000    # in a URL (servers refuse longer request lines anyway)
TEXT = ["", " ", "\x00", "a\x00b", "line\r\nBcc: evil@example.org", "\u2028\u2029", HUGE,
        "é" * 3000, "' OR 1=1 --", "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
        "%00", "../../etc/passwd", "\t", "null", "[]", "{}"]
NUMBERS = ["-1", "0", "1", str(2 ** 31), str(2 ** 31 - 1), str(2 ** 63), str(10 ** 20),
           "-" + str(10 ** 20), "9" * 5000, "1e9", "NaN", "abc", " 7 ", "1.5", "0x10"]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "1899-12-31",
         "2199-12-31", "2200-01-01", "31/12/9999", "abc", ""]
TIMES = ["00:00", "23:59", "24:00", "25:61", "02:30", "abc", ""]
HOSTILE = TEXT + NUMBERS + DATES + TIMES
# Query arguments pages read besides their forms' fields.
QUERY = ("page", "next", "period", "month", "quarter", "year", "from", "to", "service",
         "scope", "booking", "step", "q", "role", "type", "language", "status", "day",
         "modality", "fmt")
PATH_INTS = ["0", "2147483648", "100000000000000000000"]
PATH_TEXT = ["%00", "a%0d%0ab", "x" * 3000]
# One role of each kind: the others of a kind (a second interpreter, a plain requester,
# another organisation's contact person) reach the same forms.
FUZZED_ROLES = ("anonymous", "admin", "register_staff", "dispatcher", "contact_person",
                "interpreter")


@dataclass
class Field:
    name: str
    kind: str                   # text, date, time, number, select, checkbox, hidden, file
    options: list = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    endpoint: str
    method: str
    role: str


def _forms(html: str, page_path: str) -> dict:
    """The forms of a page by the path they send to: {(method, path): [Field]}."""
    try:
        document = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - not a page (a download)
        return {}
    found = {}
    for form in document.iter("form"):
        method = (form.get("method") or "get").upper()
        action = urlsplit(form.get("action") or page_path).path or page_path
        fields: dict[str, Field] = {}
        for element in form.iter("input", "select", "textarea"):
            name = element.get("name")
            if not name or name == "csrf_token":
                continue
            if element.tag == "select":
                options = [o.get("value", o.text or "") for o in element.iter("option")]
                fields.setdefault(name, Field(name, "select", [])).options += options
            elif element.tag == "textarea":
                fields[name] = Field(name, "text")
            else:
                kind = element.get("type", "text")
                kind = {"email": "text", "search": "text", "password": "text", "url": "text",
                        "tel": "text", "radio": "select", "submit": "select"}.get(kind, kind)
                spec = fields.setdefault(name, Field(name, kind, []))
                if element.get("value") is not None:
                    spec.options.append(element.get("value"))
        found.setdefault((method, action), {}).update(fields)
    return found


def _hostile_path(rule, app, world) -> list[str]:
    """The rule's path with each argument hostile in turn (ints and text), the others as
    the access map fills them."""
    filled = {name: quote(str(value), safe="") for name, value in
              _values(app, rule, world).items()}
    paths = []
    for argument, converter in rule._converters.items():
        values = PATH_INTS if type(converter).__name__ == "BoundedInteger" else PATH_TEXT
        for value in values:
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>",
                              value if name == argument else filled[name], path)
            paths.append(path)
    return paths


def _crawl(app, world, client_for, client) -> dict:
    """Per role, the forms of every page the role may open: {role: {(method, path): fields}}."""
    forms = defaultdict(dict)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED or "GET" not in rule.methods:
            continue
        for role in FUZZED_ROLES:
            if ACCESS.get((rule.endpoint, "GET"), {}).get(role) != OK:
                continue
            browser = client if role == "anonymous" else client_for(getattr(world, role))
            url = _url(app, rule, world)
            response = browser.get(url)
            if response.mimetype == "text/html":
                for key, fields in _forms(response.get_data(as_text=True),
                                          urlsplit(url).path).items():
                    forms[role].setdefault(key, {}).update(fields)
    return forms


def _value(data, spec: Field | None, in_url: bool):
    """A hostile value, or one of the field's own options (often: deeper into the code)."""
    if spec and spec.options and data.draw(st.booleans(), label="valid"):
        return data.draw(st.sampled_from(spec.options), label="option")
    value = data.draw(st.sampled_from(HOSTILE), label="hostile")
    return LONG_ARGUMENT if in_url and value is HUGE else value


def test_no_input_answers_with_a_server_error(app, world, client_for, client, db_connection):
    forms = _crawl(app, world, client_for, client)
    rules = {r.endpoint: r for r in app.url_map.iter_rules() if r.endpoint not in UNGUARDED}
    targets = [Target(endpoint, method, role)
               for (endpoint, method), outcomes in sorted(ACCESS.items())
               for role, outcome in outcomes.items() if outcome == OK and role in FUZZED_ROLES]
    failures = []
    # One login a role, made once: every request gets a new client carrying it (what one
    # request does, a logout included, is rolled back before the next).
    tokens = {role: start_session(getattr(world, role)) for role in FUZZED_ROLES
              if role != "anonymous"}
    db.session.commit()
    app.test_client_class = Client

    def send(target: Target, path: str, query: dict, body: dict | None):
        browser = app.test_client()
        if target.role != "anonymous":
            with browser.session_transaction() as session:
                session["_user_id"] = tokens[target.role]
        attempt = db_connection.begin_nested()
        try:
            # TESTING lets an unhandled exception through instead of the 500 page.
            status = browser.open(path, method=target.method, query_string=query,
                                  data=body).status_code
        except Exception as error:  # noqa: BLE001 - what would have answered 500
            status = f"500 ({type(error).__name__}: {str(error)[:120]})"
        finally:
            attempt.rollback()
        if not isinstance(status, int) or status >= 500:
            shown = {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
                     for k, v in {**query, **(body or {})}.items()}
            failures.append((target, path[:120], shown, status))

    def fuzz(target, fields, filled, rule):
        """Hypothesis' test of one target: some of its fields, hostile or valid values,
        sometimes a hostile path."""
        @settings(max_examples=EXAMPLES, database=None, derandomize=not LONG, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def one(data):
            names = data.draw(st.lists(st.sampled_from(sorted(fields)), unique=True,
                                       max_size=len(fields)) if fields else st.just([]),
                              label="fields")
            values = {name: _value(data, fields[name], target.method == "GET")
                      for name in names}
            path = filled
            if rule.arguments and data.draw(st.booleans(), label="hostile path"):
                path = data.draw(st.sampled_from(_hostile_path(rule, app, world)),
                                 label="path")
            if target.method == "GET":
                send(target, path, values, None)
            else:
                send(target, path, {}, values)
        return one

    hostile_paths_sent = set()
    for target in targets:
        rule = rules[target.endpoint]
        filled = urlsplit(_url(app, rule, world)).path
        fields = forms[target.role].get((target.method, filled), {})
        if target.method == "GET":
            fields = {**{name: None for name in QUERY}, **fields}

        fuzz(target, fields, filled, rule)()
        # And everything hostile at once: each field its worst, every path argument too.
        longest = LONG_ARGUMENT if target.method == "GET" else HUGE
        worst = {name: longest if (spec is None or spec.kind in ("text", "hidden"))
                 else "100000000000000000000" for name, spec in fields.items()}
        if target.method == "GET":
            send(target, filled, worst, None)
        else:
            send(target, filled, {}, worst)
        if (target.endpoint, target.method) not in hostile_paths_sent:
            hostile_paths_sent.add((target.endpoint, target.method))
            for path in _hostile_path(rule, app, world):
                send(target, path, {}, None if target.method == "GET" else {})
    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(
        f"{t.method} {path} as {t.role}: {status} with {values}"
        for t, path, values, status in failures[:60])


def test_the_crawl_finds_the_forms_to_fuzz(app, world, client_for, client):
    """The fuzz test reaches the forms it claims to: the request form of a requester, the
    booking buttons of a dispatcher, the register's forms for its staff."""
    forms = _crawl(app, world, client_for, client)
    assert any(path == "/requests/new" and "notes" in fields
               for (method, path), fields in forms["contact_person"].items())
    assert any(path.endswith("/book") and "person" in fields
               for (method, path), fields in forms["dispatcher"].items())
    assert any(path == "/register/people/new" and "last_name" in fields
               for (method, path), fields in forms["register_staff"].items())
    assert ("GET", "/dispatch") in forms["dispatcher"]


def test_hostile_paths_replace_each_argument(app, world):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "register.person")
    paths = _hostile_path(rule, app, world)
    assert "/register/people/100000000000000000000" in paths
    assert all(p.startswith("/register/people/") for p in paths)
