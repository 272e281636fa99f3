"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "village.config.settings")
application = get_wsgi_application()

# Before this process takes requests: built on first use instead, the lens was built by the
# first posts after a start, all at once in every thread, and held every request up.
from village.language.selectors import prepare  # noqa: E402  (needs Django set up)

prepare()
