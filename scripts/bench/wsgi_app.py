"""gunicorn's entry for scripts/bench_pages.py: the site with the bare view mounted."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scripts.bench.settings")
application = get_wsgi_application()
