# One image for the web and the worker (docker-compose.yml runs it twice).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=learning_platform.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng sox ffmpeg curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
# The CPU wheel of torch keeps the web image small; the GPU worker installs the CUDA
# build on top (TORCH_INDEX_URL, see docker-compose.yml).
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --no-cache-dir --extra-index-url "$TORCH_INDEX_URL" -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
