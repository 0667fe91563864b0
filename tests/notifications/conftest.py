from __future__ import annotations

import pytest

from tests.enrolment.urlconf_guard import _urlconf_guard  # noqa: F401


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
