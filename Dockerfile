# lawgov production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    LAWGOV_STATIC_ROOT=/app/staticfiles LAWGOV_MEDIA_ROOT=/data/media

# Fonts for Chinese documents (report .docx → PDF); LibreOffice for the optional PDF output and for reading
# uploaded .doc/.wps/.xls plans; tesseract with its Chinese data for scanned plans (OCR).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming curl \
       libreoffice-writer-nogui libreoffice-calc-nogui tesseract-ocr tesseract-ocr-chi-sim \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN useradd --system --home /app lawgov && mkdir -p /data/media && chown -R lawgov /data /app
# collectstatic needs settings but no secrets worth keeping: a throwaway key for the build only.
RUN LAWGOV_SECRET_KEY=build-only LAWGOV_ALLOWED_HOSTS=localhost LAWGOV_ENV=production \
    python manage.py collectstatic --noinput
USER lawgov
EXPOSE 8000
CMD ["gunicorn", "lawgov.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
