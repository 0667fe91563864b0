"""Each domain registers its own import kinds in its own AppConfig.ready()."""

from __future__ import annotations

import pathlib

from ejamkesda.jobs.registry import get_import_kind
from ejamkesda.participants.importing import ParticipantImporter

JOBS = pathlib.Path(__file__).resolve().parents[2] / "ejamkesda" / "jobs"


def test_participant_kind_is_registered_by_participants_with_its_class():
    assert get_import_kind("participants").factory is ParticipantImporter


def test_the_jobs_app_names_no_domain_importer():
    text = (JOBS / "apps.py").read_text(encoding="utf-8")
    assert "ejamkesda.participants" not in text
    assert "ejamkesda.coverage" not in text
