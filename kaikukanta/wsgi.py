import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaikukanta.settings")
application = get_wsgi_application()

# Start-up work once per process, before the first request (kaikukanta/warmup.py).
from kaikukanta.warmup import warm_up  # noqa: E402 - after Django is set up

warm_up()
