from __future__ import annotations

import importlib
import warnings

import pytest


@pytest.fixture(autouse=True)
def _urlconf_guard(settings):
    """Use the project URLconf; fall back to ``isolated_urls`` only if it does not import."""
    try:
        importlib.import_module(settings.ROOT_URLCONF)
    except ImportError as error:
        warnings.warn(f"project URLconf broken ({error}); using tests.enrolment.isolated_urls", stacklevel=1)
        settings.ROOT_URLCONF = "tests.enrolment.isolated_urls"
    yield
