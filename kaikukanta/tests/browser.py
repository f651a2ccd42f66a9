"""Debian's Chromium for the browser journeys (never a browser downloaded by Playwright)."""

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps knocking on the closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
