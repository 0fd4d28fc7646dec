"""Steps that browser tests share."""

from tests.factories import DEFAULT_PASSWORD


def log_in(page, base: str, email: str) -> None:
    """Log in through the login page, as a person does."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
