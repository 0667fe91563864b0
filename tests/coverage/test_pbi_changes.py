"""Monthly PBI JK changes both ways (Instruksi Bupati Tegal 379/2022 KEDUA 6a–c): every
reason, the quota pairing, the in-care flag, decisions kept for the next month, export."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import PbiChange, PbiChangeRun, SnapshotKind
from ejamkesda.coverage.services.pbi_change_runs import (
    pbi_change_decide,
    pbi_change_enqueue,
    pbi_change_run,
    pbi_change_start,
)
from ejamkesda.coverage.services.pbi_export import COLUMNS, export_rows
from tests.coverage.factories import (
    VILLAGE_A,
    MembershipRecordFactory,
    SnapshotFactory,
    WelfareRecordFactory,
    build_month,
    nik,
    regions,
)
from tests.factories import PersonFactory, user_with_role

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
NOV = dt.date(2026, 11, 1)


def _welfare(month, deciles: dict[str, int]):
    snapshot = SnapshotFactory(kind=SnapshotKind.WELFARE, as_of=month)
    for number, decile in deciles.items():
        WelfareRecordFactory(snapshot=snapshot, nik=number, decile=decile, kk_number="6409010101000001")
    return snapshot


def _run(month=OCT, actor=None, today=dt.date(2026, 10, 20)) -> PbiChangeRun:
    run = pbi_change_start(month=month, actor=actor)
    return pbi_change_run(run_id=run.pk, today=today)


def _changes(month=OCT) -> dict[str, PbiChange]:
    return {change.nik: change for change in PbiChange.objects.filter(month=month)}


@pytest.fixture
def month_data(settings):
    """Residents 1–8; PBI cards for 3–8; register for 1, 2, 3, 5, 6, 8."""
    settings.COVERAGE_PBI_QUOTA = None
    regions()
    residents = [(nik(i), VILLAGE_A) for i in range(1, 8)] + [(nik(8), VILLAGE_A)]
    members = [(nik(i), "pbi_apbn", "aktif") for i in (3, 5, 6, 8)]
    members += [(nik(4), "pbi_apbn", "aktif")]  # 4: not in the register any more
    members += [(nik(9), "pbi_apbn", "aktif")]  # 9: not on the population register (moved out)
    members += [(nik(2), "ppu", "aktif")]  # 2: covered by an employer, not proposed
    period = build_month(OCT, residents=residents, members=members)
    MembershipRecordFactory(snapshot=period.membership, nik=nik(8), segment="pbi_apbn", status="aktif")  # twice
    _welfare(OCT, {nik(1): 2, nik(2): 1, nik(3): 1, nik(5): 7, nik(6): 3, nik(8): 2, nik(7): 6})
    PersonFactory(nik=nik(6), deceased=True, deceased_on=dt.date(2026, 9, 30))
    return period


def test_each_reason_is_proposed_with_its_data(month_data):
    run = _run()
    assert run.status == PbiChangeRun.Status.DONE, run.message
    changes = _changes()
    assert changes[nik(1)].kind == "add" and changes[nik(1)].reason == "eligible"
    assert changes[nik(1)].decile == 2 and changes[nik(1)].village_code == VILLAGE_A
    assert changes[nik(4)].reason == "not_in_register"
    assert changes[nik(9)].reason == "moved_out"
    assert changes[nik(6)].reason == "died"
    assert changes[nik(5)].reason == "decile_rose" and changes[nik(5)].facts["decile"] == 7
    assert changes[nik(8)].reason == "duplicate" and len(changes[nik(8)].facts["cards"].split(",")) == 2
    # Covered (2), still eligible recipient (3), not at a proposal decile (7): nothing.
    assert {nik(2), nik(3), nik(7)}.isdisjoint(changes)
    assert run.summary["by_reason"]["eligible"] == 1
    assert run.summary["current"] == 6


def test_quota_pairs_removals_with_additions(month_data, settings):
    # Six recipients, five removals, quota 3: one left after removals, two places; one eligible.
    settings.COVERAGE_PBI_QUOTA = 3
    run = _run()
    assert run.summary["replaced"] == 1 and run.summary["added"] == 0 and run.summary["removed"] == 4
    changes = list(PbiChange.objects.filter(month=OCT))
    replaced = [c for c in changes if c.kind == "replace"]
    assert all(c.paired_with is not None and c.paired_with.kind == "add" for c in replaced)
    within = [c for c in changes if c.kind == "add" and c.within_quota]
    assert run.summary["current"] - 5 + len(within) <= 3


def test_quota_full_marks_additions_over_quota(month_data, settings):
    settings.COVERAGE_PBI_QUOTA = 1  # one recipient left after removals: no place at all
    _run()
    addition = _changes()[nik(1)]
    assert addition.kind == "add" and not addition.within_quota
    assert not PbiChange.objects.filter(kind="replace").exists()


def test_person_in_care_is_flagged_before_removal(month_data):
    from django.utils import timezone

    from tests.services.factories import approved_sjp, jamkesda_member

    person = jamkesda_member(nik=nik(4))
    today = timezone.localdate()
    approved_sjp(person=person, service_from=today)
    _run(today=today)
    removal = _changes()[nik(4)]
    assert removal.in_care and f"{today:%d-%m-%Y}" in removal.care_note
    assert not _changes()[nik(9)].in_care
    dinsos = user_with_role(Role.UPT_VERIFIER)
    with pytest.raises(ValidationError):
        pbi_change_decide(change=removal, accept=True, reason="", actor=dinsos)
    assert pbi_change_decide(change=removal, accept=True, reason="Sudah pulang, dicek", actor=dinsos).status == (
        "accepted"
    )


def test_rejection_is_kept_next_month_unless_the_data_changes(month_data):
    _run()
    dinsos = user_with_role(Role.UPT_ADMIN)
    with pytest.raises(ValidationError):
        pbi_change_decide(change=_changes()[nik(1)], accept=False, reason="  ", actor=dinsos)
    pbi_change_decide(change=_changes()[nik(1)], accept=False, reason="Sudah mampu, survei desa", actor=dinsos)
    pbi_change_decide(change=_changes()[nik(4)], accept=False, reason="Masih miskin, verifikasi ulang", actor=dinsos)
    # November: same data for 1, person 4 now in the register at decile 9 (data changed).
    build_month(NOV, residents=[(nik(i), VILLAGE_A) for i in range(1, 9)], members=[(nik(4), "pbi_apbn", "aktif")])
    _welfare(NOV, {nik(1): 2, nik(4): 9})
    run = _run(NOV, today=dt.date(2026, 11, 20))
    november = _changes(NOV)
    assert nik(1) not in november
    assert november[nik(4)].reason == "decile_rose"
    assert run.summary["kept_rejected"] == 1
    with pytest.raises(ValidationError):
        pbi_change_decide(change=PbiChange.objects.get(month=OCT, nik=nik(1)), accept=True, reason="", actor=dinsos)


def test_rerun_keeps_decisions_and_replaces_open_proposals(month_data):
    _run()
    dinsos = user_with_role(Role.UPT_ADMIN)
    pbi_change_decide(change=_changes()[nik(9)], accept=True, reason="", actor=dinsos)
    _run()
    assert PbiChange.objects.filter(month=OCT, nik=nik(9)).count() == 1
    assert _changes()[nik(9)].status == "accepted"
    assert PbiChange.objects.filter(month=OCT, nik=nik(1), status="proposed").count() == 1


def test_export_layout_replace_add_remove(month_data, settings):
    settings.COVERAGE_PBI_QUOTA = 2  # one place after the five removals → one replacement
    _run()
    dinsos = user_with_role(Role.UPT_ADMIN)
    for change in PbiChange.objects.filter(month=OCT):
        pbi_change_decide(change=change, accept=True, reason="dicek", actor=dinsos)
    rows = list(export_rows(OCT))
    assert all(len(row) == len(COLUMNS) for row in rows)
    kinds = [row[0] for row in rows]
    assert kinds.count("GANTI") == 1 and kinds.count("HAPUS") == 4 and "TAMBAH" not in kinds
    ganti = next(row for row in rows if row[0] == "GANTI")
    assert ganti[COLUMNS.index("NIK_PENGGANTI")] == nik(1)


def test_runs_in_the_background_and_one_at_a_time(month_data):
    from ejamkesda.coverage.services.pbi_change_runs import PbiChangeBusy

    run = pbi_change_start(month=OCT)
    with pytest.raises(PbiChangeBusy):
        pbi_change_start(month=OCT)
    pbi_change_enqueue(run=run)  # immediate backend in tests
    run.refresh_from_db()
    assert run.status == PbiChangeRun.Status.DONE
