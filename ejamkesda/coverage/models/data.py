"""Dated snapshots of the lists the regency receives (Dukcapil, BPJS, DTKS/DTSEN, sectors).

Each import fills one ``Snapshot`` (kind + date [+ sector list]); re-importing the same
file into the same snapshot updates rows in place (unique keys below), so nothing is
duplicated and every month stays comparable with the previous one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotKind(models.TextChoices):
    POPULATION = "population", _("Data kependudukan (Dukcapil)")
    MEMBERSHIP = "membership", _("Data kepesertaan BPJS Kesehatan")
    WELFARE = "welfare", _("DTKS/DTSEN (data kesejahteraan sosial)")
    SECTOR = "sector", _("Daftar sektor dari OPD")


class Sector(models.TextChoices):
    """Sector lists named by Instruksi Bupati Tegal 379/2022 KEDUA (the number is the instruction's point)."""

    ASN = "asn", _("ASN dan non-ASN (angka 3)")
    EDUCATION = "education", _("Peserta didik, pendidik, tenaga kependidikan (angka 4)")
    HEALTH_WORKERS = "health_workers", _("Tenaga kesehatan (angka 5 huruf c)")
    INDUSTRY = "industry", _("Pekerja perusahaan industri (angka 7)")
    PERMITS = "permits", _("Pemohon perizinan berusaha dan layanan publik (angka 8)")
    CONSTRUCTION = "construction", _("Pekerja proyek infrastruktur APBD (angka 9)")
    TRANSPORT = "transport", _("Pekerja sektor perhubungan (angka 10)")
    FARMERS = "farmers", _("Petani, penyuluh, pendamping (angka 12)")
    FISHERIES = "fisheries", _("Nelayan dan pelaku perikanan (angka 13)")
    LAND = "land", _("Pemohon peralihan hak tanah (angka 14)")
    VILLAGE_OFFICIALS = "village_officials", _("Kepala desa dan perangkat desa (angka 15 huruf b)")
    CADRES = "cadres", _("Penyuluh dan kader (angka 16)")
    TOURISM = "tourism", _("Pelaku usaha dan pekerja pariwisata (angka 18)")
    COOPERATIVES = "cooperatives", _("Koperasi dan UMKM (angka 19)")
    BUMD = "bumd", _("Direksi, pengawas dan karyawan BUMD (angka 22)")
    OTHER = "other", _("Lainnya")


class SectorList(models.Model):
    """A named list an agency (OPD) keeps and uploads, e.g. "Guru SD negeri"."""

    agency = models.ForeignKey("accounts.Agency", verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(_("sektor"), max_length=30, choices=Sector.choices)
    name = models.CharField(_("nama daftar"), max_length=150)
    instruction_point = models.CharField(_("butir instruksi"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("daftar sektor")
        verbose_name_plural = _("daftar sektor")
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="sectorlist_agency_name")]

    def __str__(self) -> str:
        return f"{self.name} — {self.agency}"


class Snapshot(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis data"), max_length=20, choices=SnapshotKind.choices)
    as_of = models.DateField(_("tanggal data"))
    sector_list = models.ForeignKey(
        SectorList, verbose_name=_("daftar sektor"), null=True, blank=True, on_delete=models.CASCADE
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    source_name = models.CharField(_("berkas"), max_length=200, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_saved = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # first N: {"row", "column", "message"}
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot data")
        verbose_name_plural = _("snapshot data")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "as_of"], condition=models.Q(sector_list__isnull=True), name="snapshot_kind_date"
            ),
            models.UniqueConstraint(fields=["kind", "as_of", "sector_list"], name="snapshot_kind_date_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.as_of:%d-%m-%Y}"


class PopulationRecord(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="population")
    nik = models.CharField(_("NIK"), max_length=16)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    address = models.CharField(_("alamat"), max_length=300, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    village_code = models.CharField(_("kode desa"), max_length=13)
    district_code = models.CharField(_("kode kecamatan"), max_length=8)

    class Meta:
        ordering = ["village_code", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "nik"], name="population_snapshot_nik")]
        indexes = [models.Index(fields=["snapshot", "village_code", "name"], name="population_village")]

    def __str__(self) -> str:
        return f"{self.name} ({self.village_code})"


class MembershipRecord(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="memberships")
    card_number = models.CharField(_("nomor kartu"), max_length=20)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)  # valid NIKs only (exact join)
    reported_nik = models.CharField(_("NIK tertulis"), max_length=32, blank=True)  # as in the file, for matching
    name = models.CharField(_("nama"), max_length=150)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    segment = models.CharField(_("segmen"), max_length=20)
    care_class = models.PositiveSmallIntegerField(_("kelas"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=15)
    provider_code = models.CharField(_("faskes tingkat pertama"), max_length=20, blank=True)
    # Filled when the list is linked to the population register (exact NIK or matching).
    resident_nik = models.CharField(max_length=16, blank=True, db_index=True)
    village_code = models.CharField(max_length=13, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "card_number"], name="membership_snapshot_card")]
        indexes = [
            models.Index(fields=["snapshot", "nik"], name="membership_snapshot_nik"),
            models.Index(fields=["snapshot", "village_code", "segment"], name="membership_village"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.card_number})"


class WelfareRecord(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="welfare")
    nik = models.CharField(_("NIK"), max_length=16)
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=150, blank=True)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, blank=True)

    class Meta:
        ordering = ["decile", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "nik"], name="welfare_snapshot_nik")]

    def __str__(self) -> str:
        return f"DTKS #{self.pk} desil {self.decile}"


class SectorEntry(models.Model):
    """One person on an agency's list. ``entry_key`` identifies the row inside its snapshot
    (the NIK when it is valid, otherwise a digest of the written NIK, name and birth date),
    so re-importing the same file creates no duplicates even for rows without a valid NIK."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="entries")
    entry_key = models.CharField(max_length=40)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)  # valid NIKs only
    reported_nik = models.CharField(_("NIK tertulis"), max_length=32, blank=True)  # as in the file
    name = models.CharField(_("nama"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    unit = models.CharField(_("unit/tempat kerja"), max_length=200, blank=True)
    village_code = models.CharField(_("kode desa"), max_length=13, blank=True)
    # Filled by the coverage computation: the resident this row is (exact NIK or pemadanan).
    resident_nik = models.CharField(max_length=16, blank=True, db_index=True)
    link_method = models.CharField(_("cara padanan"), max_length=40, blank=True)
    link_score = models.DecimalField(_("skor padanan"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "entry_key"], name="sectorentry_snapshot_key")]
        indexes = [models.Index(fields=["snapshot", "nik"], name="sectorentry_snap_nik")]

    def __str__(self) -> str:
        return f"{self.name} ({self.snapshot_id})"

    @property
    def person_nik(self) -> str:
        """The NIK to follow this person by: their own valid NIK, else the linked resident's."""
        return self.nik or self.resident_nik
