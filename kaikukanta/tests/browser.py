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


def wait_for_the_offline_copy(page, cache: str = "kaikukortti-mobile-v1") -> None:
    """Wait until the page itself is in the service worker's cache: the copy is stored in the background after the
    page loads, so a journey that goes offline at once would otherwise race it (and reload into the browser's own
    offline error page). Polled here: wait_for_function would take the promise itself as a truthy answer."""
    for _ in range(150):
        if page.evaluate("([name, url]) => caches.open(name).then(c => c.match(url)).then(r => !!r)",
                         [cache, page.url]):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{page.url} never reached the cache {cache}")
