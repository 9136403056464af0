from pathlib import Path

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


# Content-Security-Policy: Chromium reports each violation on the console ("Refused to ...
# because it violates the following Content Security Policy directive"); the init script also
# reports `securitypolicyviolation` events there, for the ones that log nothing.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def watch_csp_violations(page: Page) -> list[str]:
    """Collect every CSP violation on any page `page` visits from now on."""
    violations: list[str] = []
    page.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation:"):
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return violations


_AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


def assert_accessible(page: Page) -> None:
    """axe-core finds no violation (WCAG 2.x A and AA rules) on the current page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(_AXE.read_text() + "\n;0")
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
              values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            .then(r => r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(
              n => n.target.join(" ")).join(", ")})`))"""
    )
    assert result == [], f"{page.url}: {result}"
