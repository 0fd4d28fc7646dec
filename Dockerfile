# syntax=docker/dockerfile:1
# One image for every production process: web (gunicorn), worker and beat (Celery), and migrate.
# The command picks the process; see docker-compose.yml.

# --- Front-end assets: the portal serves them itself (whitenoise), never from a CDN ------------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# The portal's stylesheet, from Bootstrap's Sass sources and static/css/portal.css, and the fonts of its PDFs,
# the files they use copied from the @fontsource packages into build/static/fonts/ (scripts/build-assets).
# The packages themselves (about 300 MB, every weight of every subset) stay out of the image.
COPY scripts/build-assets scripts/build-pdf-fonts.js scripts/
COPY assets/ assets/
COPY static/css/portal.css static/css/
RUN scripts/build-assets && rm -rf node_modules/@fontsource

# --- The portal -------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# What WeasyPrint loads at import (pango, harfbuzz with its subsetter, fontconfig). No font package: the
# PDFs use only the portal's own fonts (build/static/fonts/, for the names of all 21 member economies).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 10001 --user-group apo

WORKDIR /app
COPY requirements/ requirements/
RUN pip install -r requirements/base.txt

COPY --from=assets /build/node_modules/ node_modules/
COPY . .
COPY --from=assets /build/build/ build/

# collectstatic imports the production settings, which refuse to start without these; the values are
# placeholders that exist only in this build step and never reach the running containers.
RUN DJANGO_SETTINGS_MODULE=apo_portal.settings.production \
    SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    CREDENTIAL_SIGNING_KEY=collectstatic-only-not-a-key \
    DATABASE_URL=postgres://build@localhost:5432/build \
    python manage.py collectstatic --noinput

# Uploaded files and certificates: personal data, on a volume, never under a public URL.
RUN mkdir -p /data/private && chown apo:apo /data/private

ENV DJANGO_SETTINGS_MODULE=apo_portal.settings.production \
    PRIVATE_MEDIA_ROOT=/data/private

USER apo
EXPOSE 8000
# Workers, threads and timeouts: gunicorn.conf.py (WEB_CONCURRENCY sets the number of workers).
CMD ["gunicorn", "apo_portal.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
