#!/usr/bin/env bash
# Serve the site on http://127.0.0.1:${PORT:-8000} with a Celery worker beside it.
# With no CELERY_BROKER_URL the worker and the site share the embedded broker (files
# under var/broker), so nothing else needs to run.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/celery -A learning_platform worker --queues cpu,gpu --pool solo --loglevel warning \
  -n demos@%h &
worker=$!
# Learners' trainings on a worker of their own, at a lower CPU priority: a training of
# minutes never holds up a sampling run, nor takes the CPU from it. It also runs beat (-B),
# which starts the daily fit of FSRS parameters (CELERY_BEAT_SCHEDULE).
nice -n 10 .venv/bin/celery -A learning_platform worker --queues "${TRAINING_QUEUE:-train}" --pool solo \
  --loglevel warning -n train@%h -B --schedule var/celerybeat-schedule &
trainer=$!
trap 'kill "$worker" "$trainer" 2>/dev/null; wait "$worker" "$trainer" 2>/dev/null' EXIT INT TERM
echo "Sample Space: http://127.0.0.1:${PORT:-8000}/ (Ctrl-C stops the site and the workers)"
.venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
