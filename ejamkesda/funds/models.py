"""Programme funds and service fees (jasa pelayanan): docs/jasa-pelayanan.md.

Perbup Kapuas Hulu 9/2015 and Perbup Tanah Datar 29/2017: a provider
splits its programme revenue into pools by a regulation profile and pays each staff member a
share of the jasa pelayanan pool by points. The numbers live in ``ejamkesda/rules``; these
models keep the inputs, the runs and what was paid.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegulationProfile(models.Model):
    """A stored, versioned copy of a regulation profile (TOML text, validated before saving).

    Runs point at the exact version they used, so a later edit changes nothing already computed.
    """

    code = models.SlugField(_("kode profil"), max_length=80)
    version = models.PositiveIntegerField(_("versi"))
    title = models.CharField(_("judul"), max_length=200)
    text = models.TextField(_("isi profil (TOML)"))
    based_on = models.CharField(_("disalin dari"), max_length=80, blank=True)
    note = models.CharField(_("catatan perubahan"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("profil regulasi")
        verbose_name_plural = _("profil regulasi")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="funds_profile_code_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class JenisTenaga(models.TextChoices):
    DOKTER_SPESIALIS = "dokter_spesialis", _("Dokter spesialis")
    TENAGA_MEDIS = "tenaga_medis", _("Tenaga medis (dokter/dokter gigi)")
    APOTEKER_NERS = "apoteker_ners", _("Apoteker / Ners")
    NAKES_S1_D4 = "nakes_s1_d4", _("Tenaga kesehatan S1/D4")
    NAKES_D3 = "nakes_d3", _("Tenaga kesehatan D3")
    NON_NAKES_D3 = "non_nakes_d3", _("Tenaga non kesehatan minimal D3")
    NAKES_BAWAH_D3 = "nakes_bawah_d3", _("Tenaga kesehatan di bawah D3")
    NON_NAKES_BAWAH_D3 = "non_nakes_bawah_d3", _("Tenaga non kesehatan di bawah D3")


class EmploymentStatus(models.TextChoices):
    PNS = "pns", _("PNS")
    CPNS = "cpns", _("CPNS")
    PPPK = "pppk", _("PPPK")
    KONTRAK = "kontrak", _("Kontrak/honor/PTT/magang")


class StaffMember(models.Model):
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="jaspel_staff")
    employee_no = models.CharField(_("ID/NIP pegawai"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    jenis_tenaga = models.CharField(_("jenis tenaga"), max_length=30, choices=JenisTenaga.choices)
    education = models.CharField(_("pendidikan"), max_length=40, blank=True)
    started_on = models.DateField(_("mulai kerja"))
    roles = models.CharField(
        _("rangkap tugas"), max_length=60, blank=True, help_text=_("kepala; ktu; bendahara — pisahkan dengan ;")
    )
    status = models.CharField(_("status kepegawaian"), max_length=10, choices=EmploymentStatus.choices)
    golongan = models.CharField(
        _("golongan"), max_length=10, blank=True, help_text=_("Mis. III/a; kosong bila non-PNS.")
    )
    program_jkn = models.BooleanField(_("pemegang program JKN"), default=False)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account = models.CharField(_("nomor rekening"), max_length=40, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    # Last day employed (a leaver keeps the months worked in multi-month runs).
    ended_on = models.DateField(_("selesai kerja"), null=True, blank=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["provider", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "employee_no"], name="funds_staff_provider_employee_no")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"

    @property
    def role_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.roles.split(";") if part.strip())


class StaffHistory(models.Model):
    """Every change of a staff record, as the values before and after (kept forever)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="history")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.changed_at}"


class StaffState(models.Model):
    """The attributes that feed points, holding from ``valid_from`` until the next state.

    Effective-dated staff history (Perbup Kapuas Hulu 9/2015 Pasal 20 pays by each month of
    the previous year): the value on any past date is the state with the latest
    ``valid_from`` on or before it. Written only through ``funds.staff_history``.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="states")
    valid_from = models.DateField(_("berlaku mulai"))
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="+")
    jenis_tenaga = models.CharField(_("jenis tenaga"), max_length=30, choices=JenisTenaga.choices)
    education = models.CharField(_("pendidikan"), max_length=40, blank=True)
    status = models.CharField(_("status kepegawaian"), max_length=10, choices=EmploymentStatus.choices)
    golongan = models.CharField(_("golongan"), max_length=10, blank=True)
    roles = models.CharField(_("rangkap tugas"), max_length=60, blank=True)
    program_jkn = models.BooleanField(_("pemegang program JKN"), default=False)
    active = models.BooleanField(_("aktif"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["staff", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["staff", "valid_from"], name="funds_staff_state_once_a_day")]

    def __str__(self) -> str:
        return f"{self.staff_id} sejak {self.valid_from:%d-%m-%Y}"

    @property
    def role_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.roles.split(";") if part.strip())


class Attendance(models.Model):
    """Monthly attendance and SKP of one staff member (period = first day of the month)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="attendance")
    period = models.DateField(_("periode"))
    days_present = models.PositiveIntegerField(_("hari hadir"), default=0)
    days_excused = models.PositiveIntegerField(_("hari izin (sakit bersurat/tugas)"), default=0)
    minutes_late = models.PositiveIntegerField(_("menit terlambat/pulang awal"), default=0)
    skp = models.DecimalField(_("capaian SKP (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=20, default="isian")

    class Meta:
        ordering = ["period", "staff"]
        constraints = [models.UniqueConstraint(fields=["staff", "period"], name="funds_attendance_staff_period")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.period:%m/%Y}"


class FundSource(models.TextChoices):
    # Perbup Tanah Datar 29/2017 Pasal 2, 8-9; Perbup Kapuas Hulu 9/2015 Pasal 2 ayat (1).
    KAPITASI = "kapitasi", _("JKN kapitasi")
    NONKAP_PERSALINAN = "nonkap_persalinan", _("JKN non kapitasi — persalinan")
    NONKAP_NON_PERSALINAN = "nonkap_non_persalinan", _("JKN non kapitasi — non persalinan")
    NONKAP_RAWAT_INAP = "nonkap_rawat_inap", _("JKN non kapitasi — rawat inap")
    JKN_KLAIM = "jkn_klaim", _("JKN klaim (rumah sakit)")
    JAMKESDA = "jamkesda", _("Klaim Jamkesda")
    JAMPERSAL = "jampersal", _("Klaim Jampersal")
    UMUM = "umum", _("Pasien umum")
    KERJASAMA = "kerjasama", _("Kerja sama pelayanan")


class ServiceKind(models.TextChoices):
    # Perbup Tanah Datar 29/2017 Pasal 9 ayat (1)-(2).
    NONE = "", _("—")
    ANC = "anc", _("Pemeriksaan ANC")
    PERSALINAN_NORMAL = "persalinan_normal", _("Persalinan normal")
    PERSALINAN_EMERGENSI = "persalinan_emergensi", _("Persalinan pervaginam dengan tindakan emergensi dasar")
    PNC = "pnc", _("Pemeriksaan PNC/neonatus")
    PASCA_PERSALINAN = "pasca_persalinan", _("Tindakan pasca persalinan")
    PRA_RUJUKAN = "pra_rujukan", _("Pra rujukan komplikasi kebidanan/neonatal")
    KB = "kb", _("Pelayanan KB")
    PROTESA_GIGI = "protesa_gigi", _("Protesa gigi")
    IVA = "iva", _("Pemeriksaan IVA")
    GULA_DARAH = "gula_darah", _("Pemeriksaan gula darah")
    RAWAT_INAP = "rawat_inap", _("Rawat inap")


class FundReceipt(models.Model):
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="fund_receipts")
    period = models.DateField(_("periode"))
    source = models.CharField(_("sumber dana"), max_length=30, choices=FundSource.choices)
    service_kind = models.CharField(_("jenis layanan"), max_length=30, choices=ServiceKind.choices, blank=True)
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    profile = models.ForeignKey(RegulationProfile, on_delete=models.PROTECT, related_name="receipts")
    reference = models.CharField(_("nomor bukti"), max_length=100, blank=True)
    received_on = models.DateField(_("tanggal terima"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Perbup Kapuas Hulu 9/2015 Pasal 2 ayat (4): deposited to the Kas Daerah, used next year.
    deposited_on = models.DateField(_("tanggal setor ke Kas Daerah"), null=True, blank=True)
    deposit_reference = models.CharField(_("nomor bukti setor (STS)"), max_length=100, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.period:%m/%Y} Rp {self.amount}"


class FundPool(models.Model):
    """One pool of a receipt after the profile's split (e.g. jasa pelayanan 60%)."""

    receipt = models.ForeignKey(FundReceipt, on_delete=models.CASCADE, related_name="pools")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    percent = models.CharField(max_length=20)
    amount = models.BigIntegerField()

    class Meta:
        ordering = ["receipt", "id"]

    def __str__(self) -> str:
        return f"{self.name} Rp {self.amount}"


class ServiceCaseCount(models.Model):
    """Services of one kind done by one staff member in a month (non-capitation, Perbup Tanah Datar 29/2017 Pasal 9)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="service_cases")
    period = models.DateField(_("periode"))
    service_kind = models.CharField(_("jenis layanan"), max_length=30, choices=ServiceKind.choices)
    cases = models.PositiveIntegerField(_("jumlah kasus"), default=0)

    class Meta:
        ordering = ["period", "service_kind", "staff"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "period", "service_kind"], name="funds_cases_staff_period_kind")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.service_kind} {self.period:%m/%Y}: {self.cases}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    VERIFIED = "verified", _("Diverifikasi")
    APPROVED = "approved", _("Disetujui (terkunci)")
    PAID = "paid", _("Dibayar")


class DistributionRun(models.Model):
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="jaspel_runs")
    period_from = models.DateField(_("dari bulan"))
    period_to = models.DateField(_("sampai bulan"))
    profile = models.ForeignKey(RegulationProfile, on_delete=models.PROTECT, related_name="runs")
    formula = models.CharField(_("rumus"), max_length=500)
    source = models.CharField(_("sumber dana"), max_length=30, choices=FundSource.choices, blank=True)
    service_kind = models.CharField(
        _("jenis layanan (non kapitasi)"), max_length=30, choices=ServiceKind.choices, blank=True
    )
    method = models.CharField(_("metode non kapitasi"), max_length=10, blank=True)
    pool_amount = models.BigIntegerField(_("dana jasa pelayanan (Rp)"))
    total_points = models.CharField(max_length=40, default="0")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # Steps done under the provider's relaxed separation of duties: step → recorded reason.
    duty_relaxations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-period_to", "-id"]

    def __str__(self) -> str:
        return f"{self.provider.name} {self.period_label} v{self.version}"

    @property
    def period_label(self) -> str:
        if self.period_from == self.period_to:
            return f"{self.period_from:%m/%Y}"
        return f"{self.period_from:%m/%Y}–{self.period_to:%m/%Y}"

    @property
    def locked(self) -> bool:
        return self.status in (RunStatus.APPROVED, RunStatus.PAID)


class RunLine(models.Model):
    """One person's result in a run: a frozen snapshot, never recomputed once approved."""

    run = models.ForeignKey(DistributionRun, on_delete=models.CASCADE, related_name="lines")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="run_lines")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    employee_no = models.CharField(max_length=40)
    bank_name = models.CharField(max_length=60, blank=True)
    bank_account = models.CharField(max_length=40, blank=True)
    points = models.CharField(max_length=40)
    variables = models.JSONField(default=dict)
    explanations = models.JSONField(default=dict)
    share = models.BigIntegerField()
    tax_rate = models.CharField(max_length=10)
    tax = models.BigIntegerField()
    net = models.BigIntegerField()
    # Month by month (Perbup Kapuas Hulu 9/2015 Pasal 20): [{"bulan", "variables", "points", ...}].
    months = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["run", "position"]

    def __str__(self) -> str:
        return f"{self.name}: Rp {self.share}"


# --- spending of the other pools (Perbup Tanah Datar 29/2017 Pasal 5; Perbup Kapuas Hulu 9/2015 Pasal 6-18) ---


class BudgetCategory(models.TextChoices):
    # Perbup Tanah Datar 29/2017 Pasal 5 and Perbup Kapuas Hulu 9/2015 Pasal 5 ayat (5); the
    # values are ``ejamkesda.rules.spending.CATEGORIES``; which pool may pay for which comes
    # from the regulation profile.
    OBAT = "obat", _("Belanja obat")
    ALKES = "alkes", _("Alat kesehatan")
    BMHP = "bmhp", _("Bahan medis habis pakai")
    SARANA = "sarana", _("Sarana dan fasilitas")
    PERJALANAN = "perjalanan", _("Perjalanan dinas")
    OPERASIONAL = "operasional", _("Operasional")


class BudgetLine(models.Model):
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveIntegerField(_("tahun anggaran"))
    # A pool key of the provider's regulation profile (``[[pembagian.pos]] kode``).
    pool_code = models.CharField(_("pos dana"), max_length=40)
    # The free text a line carried before pools came from the profile (kept for the record).
    pool_legacy = models.CharField(_("pos dana lama"), max_length=40, blank=True)
    category = models.CharField(_("kategori"), max_length=20, choices=BudgetCategory.choices)
    name = models.CharField(_("uraian"), max_length=200)
    planned = models.BigIntegerField(_("pagu (Rp)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "pool_code", "category", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"


class CarryOver(models.Model):
    """Unspent pool carried to the next budget year (Perbup Kapuas Hulu 9/2015 Pasal 6 ayat 2)."""

    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="carry_overs")
    from_year = models.PositiveIntegerField()
    pool_code = models.CharField(max_length=40)
    amount = models.BigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "from_year", "pool_code"], name="funds_carry_over_once")
        ]

    def __str__(self) -> str:
        return f"{self.pool_code} {self.from_year}→{self.from_year + 1}: {self.amount}"


class Expense(models.Model):
    """Direct spending on a budget line other than drugs/devices/consumables."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenses")
    spent_on = models.DateField(_("tanggal"))
    description = models.CharField(_("uraian"), max_length=300)
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    proof = models.FileField(_("bukti pembayaran"), upload_to="funds/bukti/%Y/")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Dipesan")
    ACCEPTED = "accepted", _("Diterima PPHP")
    REJECTED = "rejected", _("Ditolak PPHP")
    PAID = "paid", _("Dibayar")


class PurchaseOrder(models.Model):
    """Drugs, devices or consumables: order by the procurement official → PPHP inspection and
    handover → payment by the treasurer (Perbup Kapuas Hulu 9/2015 Pasal 7-18)."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("nomor pesanan"), max_length=60)
    supplier = models.CharField(_("penyedia/rekanan"), max_length=200)
    description = models.TextField(_("barang yang dipesan"))
    amount = models.BigIntegerField(_("nilai (Rp)"))
    ordered_on = models.DateField(_("tanggal pesan"))
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Inspection and handover by the committee (Pasal 12-14).
    committee_decree = models.CharField(_("nomor SK PPHP"), max_length=100, blank=True)
    committee_members = models.CharField(_("anggota PPHP"), max_length=300, blank=True)
    handover_number = models.CharField(_("nomor berita acara serah terima"), max_length=100, blank=True)
    inspection_note = models.TextField(_("hasil pemeriksaan"), blank=True)
    inspected_on = models.DateField(null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Payment by the treasurer, only after acceptance, with proof kept (Pasal 15-18).
    paid_on = models.DateField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payment_proof = models.FileField(_("bukti pembayaran"), upload_to="funds/bukti/%Y/", blank=True)

    class Meta:
        ordering = ["-ordered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.supplier}"
