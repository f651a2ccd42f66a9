import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Generated files go to a per-test directory."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.SITE_URL = "https://kaikukanta.example.fi"
    settings.REPORTS_LIVE_SECONDS = 0  # tests change today's uses and look again at once
