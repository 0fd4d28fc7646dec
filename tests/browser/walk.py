"""Steps that browser tests share."""

from tests.factories import DEFAULT_PASSWORD


def log_in(page, base: str, email: str) -> None:
    """Log in through the login page, as a person does, and wait until the portal has answered: a page
    opened while the log-in is still on its way would cancel it, and be served to nobody signed in."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page, base: str) -> None:
    """Log out from the menu, and wait until the portal has answered: a page opened while the log-out is
    still on its way would be served to the signed-in session, and then swept away by the log-out's answer."""
    menu = page.get_by_role("button", name="Show menu")
    if menu.is_visible():  # a phone's collapsed menu
        menu.click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{base}/projects/")
