"""The main navigation in chromium, in Portuguese at 1280 px: two menus (Cadastro, Instrumentos) keep it on
one line; a click elsewhere or Escape closes an open menu; a link in a menu leads to
its page. Screenshot: /tmp/triplec-e2e/navigation-pt.png."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect
from tests.e2e.navigation import go_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_menus_keep_the_navigation_on_one_line_and_close_on_a_click_elsewhere_or_escape(world, page, login, shot, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(world.users["agency-admin"])

    nav = page.locator("ul.main-nav")
    boxes = nav.locator(":scope > li").evaluate_all(
        "items => items.map(li => [li.getBoundingClientRect().top, li.getBoundingClientRect().bottom])")
    # On one line every item overlaps every other vertically; a wrapped item starts below another's bottom.
    assert max(top for top, _ in boxes) < min(bottom for _, bottom in boxes), f"the navigation wraps: {boxes}"

    register = page.get_by_test_id("nav-menu-register")
    instruments = page.get_by_test_id("nav-menu-instruments")
    expect(register.locator("summary")).to_have_text("Cadastro")
    instruments.locator("summary").click()
    expect(page.get_by_test_id("nav-networks")).to_be_visible()
    expect(page.get_by_test_id("nav-procurement")).to_have_text("Compras públicas")
    shot(page, "navigation-pt")

    # A click anywhere else, even on the other menu, closes the open menu (as a person clicks: by position).
    box = register.locator("summary").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_test_id("nav-networks")).to_be_hidden()
    register.locator("summary").click()
    expect(page.get_by_test_id("nav-enterprises")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("nav-enterprises")).to_be_hidden()

    go_to(page, "nav-networks")
    page.wait_for_url("**/networks/")
