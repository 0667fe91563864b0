"""WSGI entry point: one Django application, two middleware stacks.

Browser pages run through ``settings.MIDDLEWARE``; token-authenticated API and FHIR calls
through the short ``settings.API_MIDDLEWARE`` (see ``ejamkesda.api.lean``).

Production server: granian (docs/operasional.md), e.g.
``granian --interface wsgi --workers 2 --host 127.0.0.1 --port 8000 ejamkesda.wsgi:application``.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ejamkesda.settings")
browser_application = get_wsgi_application()  # also runs django.setup()

from ejamkesda.api.lean import ApiWSGIHandler, dispatcher  # noqa: E402 - needs django.setup()

application = dispatcher(browser_application, ApiWSGIHandler())

# Everything loaded so far (Django, the apps, URLconf) lives as long as the process: keep
# it out of the garbage collector's full passes, which otherwise stall a request for tens of
# milliseconds now and then (the p99 of the API).
import ejamkesda.urls  # noqa: E402, F401 - load the URLconf (and the API) before freezing

gc.freeze()
