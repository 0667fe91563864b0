from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.audit.models import AuditLog
from ejamkesda.coverage.importers import RowInvalid, dotted_village, parse_date
from ejamkesda.coverage.importing import import_rows
from ejamkesda.coverage.models import MembershipRecord, PopulationRecord, Snapshot, SnapshotKind, WelfareRecord
from ejamkesda.coverage.readers import iter_file
from ejamkesda.jobs.models import Job
from ejamkesda.jobs.services import job_create, job_run
from tests.coverage.factories import VILLAGE_A, nik, regions

pytestmark = pytest.mark.django_db

POPULATION_CSV = """NIK;No KK;Nama;Jenis Kelamin;Tempat Lahir;Tgl Lahir;Alamat;RT;RW;Kode Desa
{a};6409010101000001;Ani;P;Penajam;1985-03-07;Jl. Mawar 1;001;002;6409012001
{b};;Budi;L;Penajam;07-03-1985;Jl. Mawar 2;001;002;64.09.01.2001
123;;Cacat;L;Penajam;1985-03-07;Jl. X;1;1;6409012001
{c};;Desa Asing;L;Penajam;1985-03-07;Jl. X;1;1;3201012001
{a};;Ani lagi;P;Penajam;1985-03-07;Jl. X;1;1;6409012001
{d};;Tanpa Kelamin;X;Penajam;1985-03-07;Jl. X;1;1;6409012001
"""


def _iter_text(text: str):
    """Rows of CSV text through the guarded reader (written to a file first)."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    return list(iter_file(handle.name))


def population_rows():
    text = POPULATION_CSV.format(a=nik(1, sex="P"), b=nik(2), c=nik(3), d=nik(4))
    return list(_iter_text(text))


def test_population_import_validates_each_row_and_names_row_and_column():
    regions()
    result = import_rows(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1), rows=population_rows())
    snapshot = result.snapshot()
    assert result.rows_read == 6
    assert snapshot.rows_saved == 2 and snapshot.status == Snapshot.Status.DONE
    by_row = {(error["row"], error["column"]) for error in result.errors}
    assert by_row == {(4, "nik"), (5, "kode_desa"), (6, "nik"), (7, "jenis_kelamin")}
    assert all(nik(1, sex="P") not in error["message"] for error in result.errors)
    ani = PopulationRecord.objects.get(snapshot=snapshot, nik=nik(1, sex="P"))
    assert ani.village_code == VILLAGE_A and ani.district_code == "64.09.01" and ani.kk_number.endswith("0001")
    assert PopulationRecord.objects.get(nik=nik(2)).birth_date == dt.date(1985, 3, 7)


def test_reimport_into_same_snapshot_creates_no_duplicates_and_updates():
    regions()
    snapshot = import_rows(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1), rows=population_rows()).snapshot()
    rows = population_rows()
    rows[0][1]["alamat"] = "Jl. Baru"
    again = import_rows(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1), rows=rows).snapshot()
    assert again.pk == snapshot.pk
    assert PopulationRecord.objects.filter(snapshot=snapshot).count() == 2
    assert PopulationRecord.objects.get(nik=nik(1, sex="P")).address == "Jl. Baru"
    assert AuditLog.objects.filter(object_type="coverage.Snapshot").count() == 2


def test_snapshots_by_date_are_kept_apart():
    regions()
    first = import_rows(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 9, 1), rows=population_rows()).snapshot()
    second = import_rows(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1), rows=population_rows()[:1])
    second = second.snapshot()
    assert PopulationRecord.objects.filter(snapshot=first).count() == 2
    assert PopulationRecord.objects.filter(snapshot=second).count() == 1


def test_membership_import_maps_segments_and_statuses_and_tolerates_bad_nik():
    text = (
        "no_kartu,nik,nama,tgl_lahir,segmen,kelas,status,kode_faskes\n"
        f"0001,{nik(1)},Ani,1985-03-07,PBI APBN,3,AKTIF,P001\n"
        f"0002,{nik(2)},Budi,,PBPU PEMDA,KELAS III,TIDAK AKTIF,P001\n"
        "0003,12345,Cici,,PPU,1,MENUNGGAK,\n"
        "0004,,Dedi,,ALIEN,3,AKTIF,\n"
        "0005,,Euis,,BP,4,AKTIF,\n"
        "0001,,Ani dobel,,PBI,3,AKTIF,\n"
    )
    result = import_rows(kind=SnapshotKind.MEMBERSHIP, as_of=dt.date(2026, 10, 1), rows=_iter_text(text))
    snapshot = result.snapshot()
    assert {(e["row"], e["column"]) for e in result.errors} == {(5, "segmen"), (6, "kelas"), (7, "no_kartu")}
    records = {r.card_number: r for r in MembershipRecord.objects.filter(snapshot=snapshot)}
    assert records["0001"].segment == "pbi_apbn" and records["0001"].status == "aktif"
    assert records["0002"].segment == "pbpu_bp_pemda" and records["0002"].status == "nonaktif"
    assert records["0002"].care_class == 3
    assert records["0003"].nik == "" and records["0003"].status == "menunggak"


def test_welfare_import_checks_decile():
    text = f"nik,no_kk,desil,status\n{nik(1)},,3,aktif\n{nik(2)},,11,aktif\n"
    result = import_rows(kind=SnapshotKind.WELFARE, as_of=dt.date(2026, 10, 1), rows=_iter_text(text))
    snapshot = result.snapshot()
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "desil")]
    assert WelfareRecord.objects.get(snapshot=snapshot).decile == 3


def test_file_import_records_outcome_on_snapshot(tmp_path):
    regions()
    path = tmp_path / "penduduk.csv"
    path.write_text(POPULATION_CSV.format(a=nik(1, sex="P"), b=nik(2), c=nik(3), d=nik(4)), encoding="utf-8")
    job = job_create(kind="coverage_population", upload=path, original_name=path.name, options={"as_of": "2026-10-01"})
    job = job_run(job_id=job.pk)
    assert job.status == Job.Status.SUCCEEDED
    assert (job.rows_read, job.rows_rejected, job.rows_created, job.error_count) == (6, 4, 2, 4)
    snapshot = Snapshot.objects.get(kind=SnapshotKind.POPULATION, as_of=dt.date(2026, 10, 1))
    assert snapshot.status == Snapshot.Status.DONE
    assert (snapshot.rows_read, snapshot.rows_saved, snapshot.error_count) == (6, 2, 4)
    again = job_run(
        job_id=job_create(
            kind="coverage_population", upload=path, original_name=path.name, options={"as_of": "2026-10-01"}
        ).pk
    )
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert PopulationRecord.objects.filter(snapshot=snapshot).count() == 2


def test_xlsx_reader(tmp_path):
    import openpyxl

    from ejamkesda.coverage.readers import iter_file

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Nama", "Tgl Lahir"])
    sheet.append([nik(1), "Ani", dt.date(1985, 3, 7)])
    path = tmp_path / "daftar.xlsx"
    workbook.save(path)
    rows = list(iter_file(path))
    assert rows[0][0] == 2 and rows[0][1]["nik"] == nik(1) and rows[0][1]["nama"] == "Ani"


def test_unusable_file_fails_the_job_with_reason_and_writes_nothing(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    job = job_create(kind="coverage_welfare", upload=path, original_name=path.name, options={"as_of": "2026-10-01"})
    job = job_run(job_id=job.pk)
    assert job.status == Job.Status.FAILED and job.message
    assert not Snapshot.objects.filter(kind=SnapshotKind.WELFARE).exists()


@given(st.text(alphabet="0123456789.", max_size=14))
def test_village_code_is_dotted_or_refused(text):
    try:
        code = dotted_village(text)
    except RowInvalid as error:
        assert error.column == "kode_desa"
        return
    assert code.replace(".", "") == text.replace(".", "") and [len(p) for p in code.split(".")] == [2, 2, 2, 4]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
def test_dates_in_each_accepted_form(day):
    for text in (f"{day:%Y-%m-%d}", f"{day:%d-%m-%Y}", f"{day:%d/%m/%Y}"):
        assert parse_date(text, "tgl_lahir") == day


def test_a_job_that_fails_after_writing_marks_its_snapshot_failed(tmp_path, monkeypatch):
    """The job runner tells the importer (``abort``): the snapshot does not stay "Diproses",
    and the computation refuses it until a re-run of the file completes it."""
    from ejamkesda.coverage.importing import SnapshotImporter
    from ejamkesda.coverage.services.compute import _lock_snapshots

    regions()
    path = tmp_path / "penduduk.csv"
    path.write_text(POPULATION_CSV.format(a=nik(1, sex="P"), b=nik(2), c=nik(3), d=nik(4)), encoding="utf-8")

    def broken_finish(self):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(SnapshotImporter, "finish", broken_finish)
    job = job_run(
        job_id=job_create(
            kind="coverage_population", upload=path, original_name=path.name, options={"as_of": "2026-10-01"}
        ).pk
    )
    assert job.status == Job.Status.FAILED
    snapshot = Snapshot.objects.get(kind=SnapshotKind.POPULATION)
    assert snapshot.status == Snapshot.Status.FAILED
    assert snapshot.message == job.message
    with pytest.raises(ValueError, match="sedang diimpor"):
        _lock_snapshots([snapshot])

    monkeypatch.undo()
    again = job_run(
        job_id=job_create(
            kind="coverage_population", upload=path, original_name=path.name, options={"as_of": "2026-10-01"}
        ).pk
    )
    assert again.status == Job.Status.SUCCEEDED
    assert Snapshot.objects.get(pk=snapshot.pk).status == Snapshot.Status.DONE
