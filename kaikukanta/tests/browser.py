"""Debian's Chromium for the browser journeys (never a browser downloaded by Playwright)."""

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps knocking on the closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def watch_csp(context_or_page) -> list[str]:
    """Collect every Content-Security-Policy violation Chromium reports on the console of a context or page (a
    blocked inline script, handler, style or eval); a journey asserts the list stays empty."""
    violations: list[str] = []
    context_or_page.on("console", lambda message: violations.append(message.text)
                       if "Content Security Policy" in message.text else None)
    return violations
