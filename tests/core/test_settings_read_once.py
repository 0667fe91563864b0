"""Settings are read once, in ejamkesda/settings.py: no other module reads the environment.

The ``conf.py`` modules are typed views over ``django.conf.settings`` read at call time, so
``override_settings`` reaches them. The modules still listed in ``NOT_YET_CONVERTED`` read
the environment themselves; the list may only shrink.
"""

from __future__ import annotations

import pathlib
import re

from django.test import override_settings

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "ejamkesda"
READS_ENVIRONMENT = re.compile(r"\bos\.(environ|getenv)\b|\bgetenv\(|from os import .*\b(environ|getenv)\b")
ALLOWED = {
    "settings.py",
    "wsgi.py",  # DJANGO_SETTINGS_MODULE before the settings exist
}
NOT_YET_CONVERTED: set[str] = set()


def test_no_module_reads_the_environment_outside_settings():
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if READS_ENVIRONMENT.search(path.read_text(encoding="utf-8"))
    )
    assert set(offenders) - ALLOWED - NOT_YET_CONVERTED == set()
    # A converted module leaves the list for good.
    assert set(offenders) >= NOT_YET_CONVERTED


def test_converted_views_follow_override_settings():
    from ejamkesda.jobs import conf as jobs_conf
    from ejamkesda.portal import conf as portal_conf
    from ejamkesda.services import conf as services_conf

    with override_settings(SJP_EMERGENCY_WINDOW_HOURS=5, PORTAL_DIRECTORY_PAGE_SIZE=3, IMPORT_MAX_ROWS=9):
        assert services_conf.SJP_EMERGENCY_WINDOW_HOURS == 5
        assert portal_conf.DIRECTORY_PAGE_SIZE == 3
        assert jobs_conf.max_rows() == 9
    assert services_conf.SJP_EMERGENCY_WINDOW_HOURS != 5
