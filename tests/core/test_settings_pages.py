"""Every settings page a person keeps is reachable: one menu entry, the others as tabs."""

import re


def _tabs(page: str) -> set[str]:
    return set(re.findall(r'href="/settings/(\w+)"', page))


def test_register_staff_reach_the_feedback_settings_from_their_policy_page(world, client_for):
    page = client_for(world.register_staff).get("/settings/register").get_data(as_text=True)
    assert _tabs(page) == {"register", "quality"}
    assert "Feedback en hernieuwingen" in page


def test_administrators_find_every_setting_they_keep_behind_one_menu_entry(world, client_for):
    admin = client_for(world.admin)
    page = admin.get("/").get_data(as_text=True)
    menu = page[page.index('id="main-menu"'):]
    assert menu.count("/settings/") == 1 and ">Instellingen<" in menu
    tabs = _tabs(admin.get("/settings/matching").get_data(as_text=True))
    assert {"matching", "jobs", "documents"} <= tabs
    documents = admin.get("/settings/documents").get_data(as_text=True)
    assert "Grootste document, in MB" in documents


def test_a_dispatcher_sees_no_settings_tab(world, client_for):
    assert client_for(world.dispatcher).get("/settings/register").status_code == 403
