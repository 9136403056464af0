from django.urls import reverse
from playwright.sync_api import Page, expect


def log_in(page: Page, live_server, username: str, password: str = "pw") -> None:
    """Log in through the login page, starting from a clean session."""
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("current-user")).to_have_text(username)
