"""Following the main navigation as a person does: open the menu that holds the link, then click it."""

from __future__ import annotations


def go_to(page, testid: str) -> None:
    """Click the navigation link `testid`, first opening its menu (Register, Instruments) if it is closed."""
    link = page.get_by_test_id(testid)
    if not link.is_visible():
        page.locator("details.nav-menu", has=link).locator("summary").click()
    link.click()
