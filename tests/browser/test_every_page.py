"""Every main page of every role, in Dutch, French and German, on the demo world: no
serious or critical accessibility fault (axe-core), no English left on the page, nothing
that sticks out sideways (at 360 px on the interpreters' and requesters' pages, whose
users work from phones, and at 1280 px for everyone)."""

import re

import pyotp
import pytest
from playwright.sync_api import Page, expect

from interpreter_register.demo import world as demo
from tests.browser.test_foundation import LOGIN_BUTTON, log_in, serious_violations, switch_to

LOGINS = {"admin": "admin@example.org", "register_staff": "register@example.org",
          "dispatcher": "dispatcher@example.org", "requester": "requester@example.org",
          "interpreter": "interpreter@example.org"}
PHONE_FIRST = {"requester", "interpreter"}
# A page of each kind the menus do not list, found by following the first link to it.
DETAIL_PAGES = [r"/requests/\d+", r"/portal/bookings/\d+", r"/dispatch/requests/\d+",
                r"/register/people/\d+", r"/register/complaints/\d+",
                r"/register/renewals/\d+", r"/sheets/\d+", r"/sheets/bookings/\d+/file"]
# Words of English that no Dutch, French or German page has a reason to show.
ENGLISH = re.compile(r"\b(the|and|your|with|which|been|should|there|please|booked|request)\b")


@pytest.fixture(scope="module")
def demo_server(database_kind, tmp_path_factory):
    """The demo world (`make run`'s), served once for every test of this module."""
    from interpreter_register.demo.seed import seed
    from tests.fixtures.browser import served_app

    with served_app(database_kind, tmp_path_factory.mktemp("demo"), seed) as server:
        yield server


def _pages_of(page: Page, base: str) -> list[str]:
    """The home page, every entry of the role's menu, and one page of each detail kind
    reachable from them."""
    def links() -> list[str]:
        return page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))")
    page.goto(f"{base}/")
    menu = page.eval_on_selector_all("#main-menu a[href^='/']",
                                     "links => links.map(a => a.getAttribute('href'))")
    pages = ["/", *[m for m in menu if m != "/"]]
    found = {}
    for path in pages:
        page.goto(f"{base}{path}")
        for href in links():
            for pattern in DETAIL_PAGES:
                if pattern not in found and re.fullmatch(pattern, href.split("#")[0]):
                    found[pattern] = href.split("#")[0]
    return pages + list(found.values())


def _sideways(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")


# The innermost elements that reach past the right edge: what to fix when a page sticks out.
_CULPRITS = """() => {
  const edge = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('main *')].filter(
    e => e.getBoundingClientRect().right > edge + 0.5);
  return wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 3)
    .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' "' +
              (e.textContent || '').trim().slice(0, 30) + '"');
}"""


LANGUAGES = ("nl", "fr", "de")


@pytest.mark.parametrize("role", list(LOGINS))
def test_every_main_page_is_accessible_translated_and_fits(page, demo_server, role):
    """Each page in each language is read for English and measured for width; axe-core
    checks each page once, in the three languages in turn (what it finds does not depend
    on the language, and it is the slow part)."""
    log_in(page, demo_server, LOGINS[role], demo.DEMO_PASSWORD)
    if page.url.endswith("/login/code"):
        # The demo administrator signs in in two steps (README): the code of the moment.
        page.get_by_label("Code", exact=True).fill(pyotp.TOTP(demo.DEMO_TOTP_SECRET).now())
        page.locator("main form").get_by_role("button", name=LOGIN_BUTTON["nl"]).click()
    expect(page).to_have_url(f"{demo_server.url}/")
    paths = _pages_of(page, demo_server.url)
    assert len(paths) >= 4, paths
    problems = []
    widths = [360, 1280] if role in PHONE_FIRST else [1280]
    for number, language in enumerate(LANGUAGES):
        switch_to(page, language)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            for index, path in enumerate(paths):
                page.goto(f"{demo_server.url}{path}")
                if _sideways(page) > 0:
                    problems.append(f"{path} in {language} at {width} px sticks out by "
                                    f"{_sideways(page)} px: {page.evaluate(_CULPRITS)}")
                if width != 1280:
                    continue
                english = sorted(set(ENGLISH.findall(page.inner_text("main"))))
                if english:
                    problems.append(f"{path} in {language}: English words {english}")
                if index % len(LANGUAGES) == number:
                    problems += [f"{path} in {language}: {v}" for v in serious_violations(page)]
    assert not problems, "\n".join(problems)


def test_the_requester_s_list_keeps_each_reference_on_one_line(page, demo_server):
    log_in(page, demo_server, LOGINS["requester"], demo.DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo_server.url}/requests")
    lines = page.eval_on_selector_all(
        "table tbody tr td:first-child a",
        "links => links.map(a => a.getClientRects().length)")
    assert lines and set(lines) == {1}
