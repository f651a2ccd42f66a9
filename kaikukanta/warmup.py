"""What a web process does once at start-up, before it takes its first request (kaikukanta/wsgi.py), so that the
first person to open a page after a deploy or a worker restart is not the one who waits for it (issue 17, point 5:
the cold first request of a dashboard): the URL patterns are resolved, every language's translations are loaded and
the project's templates compiled into the cached template loader. Nothing is read from the database."""

import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def template_names() -> list[str]:
    """The project's own templates (templates/…), by the names views and includes load them with."""
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.suffix in {".html", ".txt"})
    return names


def warm_up() -> dict:
    """Resolve the URLs, load the translations and compile the templates; returns what was done, for the log."""
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 - imports every view module and builds the resolver
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Kaikukanta")  # loads and merges the language's catalogues
    compiled = 0
    for name in template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a fragment meant only for {% include %} elsewhere
            logger.warning("warm-up: template %s not compiled", name)
        else:
            compiled += 1
    done = {"templates": compiled, "seconds": round(time.perf_counter() - started, 2)}
    logger.info("warm-up: %(templates)s templates compiled in %(seconds)s s", done)
    return done
