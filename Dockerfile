# Kaikukanta web, worker and beat image (docker-compose.yml). Python 3.11 + the Debian libraries WeasyPrint needs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 kaikukanta
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=kaikukanta:kaikukanta . .
# Static files are collected into the image (hashed names, compressed) and served by WhiteNoise.
RUN PRODUCTION=1 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media /app/private \
    && chown -R kaikukanta:kaikukanta /app/media /app/private /app/staticfiles

USER kaikukanta
ENV PRODUCTION=1 \
    MEDIA_ROOT=/app/media \
    PRIVATE_MEDIA_ROOT=/app/private
EXPOSE 8000
# granian (Rust HTTP in front of WSGI): one process per core with two threads each; measured best for the counter
# (make bench-counter: less CPU per request than gunicorn's gthread workers; README "The counter's speed").
# Set GRANIAN_WORKERS / GRANIAN_BLOCKING_THREADS to change the counts.
ENV GRANIAN_WORKERS=2 \
    GRANIAN_BLOCKING_THREADS=2
CMD ["granian", "--interface", "wsgi", "kaikukanta.wsgi:application", "--host", "0.0.0.0", "--port", "8000", \
     "--respawn-failed-workers", "--access-log"]
