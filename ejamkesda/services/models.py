"""SJP (service guarantee letters), referrals, tariffs, claims and payment batches.

See docs/layanan-ppk-dan-verifikasi.md. Perbup PPU 29/2016 Pasal 10 ayat (1): each PPK supplies its
data through e-Jamkesda; the UPT Jamkesda decides (Pasal 7 ayat 3, aplikasi khusus).
Every row belongs to one provider; selectors scope by it. People are addressed by id,
never by NIK.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ejamkesda.rules.claims import (
    ATTACHMENT_KINDS,
    CLAIM_STATE_LABELS,
    REJECT_REASONS,
    SERVICE_KIND_LABELS,
    ClaimState,
    ServiceKind,
)

SERVICE_KIND_CHOICES = [(kind.value, _(SERVICE_KIND_LABELS[kind])) for kind in ServiceKind]
CLAIM_STATE_CHOICES = [(state.value, _(CLAIM_STATE_LABELS[state])) for state in ClaimState]
REJECT_REASON_CHOICES = [(code, _(label)) for code, label in REJECT_REASONS.items()]
ATTACHMENT_KIND_CHOICES = [(code, _(label)) for code, label in ATTACHMENT_KINDS.items()]


def _token() -> str:
    return secrets.token_urlsafe(24)


class SjpCounter(models.Model):
    """Last SJP sequence used in a year; locked with select_for_update to hand out numbers."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Sjp(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "diajukan", _("Diajukan")
        APPROVED = "disetujui", _("Disetujui")
        REJECTED = "ditolak", _("Ditolak")

    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="sjps")
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="sjps")
    service_kind = models.CharField(_("jenis pelayanan"), max_length=20, choices=SERVICE_KIND_CHOICES)
    diagnosis_code = models.CharField(_("diagnosis (ICD-10)"), max_length=10)
    referring_provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("PPK perujuk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_from = models.DateField(_("tanggal mulai pelayanan"))
    service_to = models.DateField(_("tanggal selesai pelayanan"), null=True, blank=True)
    emergency_at = models.DateTimeField(_("waktu mulai gawat darurat"), null=True, blank=True)
    after_the_fact = models.BooleanField(_("diajukan sesudah pelayanan"), default=False)
    membership = models.ForeignKey(
        "participants.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("catatan"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    number = models.CharField(_("nomor SJP"), max_length=30, unique=True, null=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)

    class Meta:
        verbose_name = _("SJP")
        verbose_name_plural = _("SJP")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status", "requested_at"], name="sjp_provider_status"),
            models.Index(fields=["status", "requested_at"], name="sjp_queue"),
            models.Index(fields=["person", "service_from"], name="sjp_person_date"),
            models.Index(fields=["-requested_at", "-id"], name="sjp_recent"),
            models.Index(fields=["provider", "-requested_at", "-id"], name="sjp_provider_recent"),
        ]

    def __str__(self) -> str:
        return self.number or f"SJP #{self.pk}"


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "dikirim", _("Dikirim")
        ACCEPTED = "diterima", _("Diterima")
        RETURNED = "dikembalikan", _("Dikembalikan")

    from_provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("PPK asal"), on_delete=models.PROTECT, related_name="referrals_out"
    )
    to_provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("PPK tujuan"), on_delete=models.PROTECT, related_name="referrals_in"
    )
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="referrals")
    diagnosis_code = models.CharField(_("diagnosis (ICD-10)"), max_length=10)
    reason = models.TextField(_("alasan rujukan"))
    sjp = models.ForeignKey(Sjp, verbose_name=_("SJP"), null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("catatan penerima"), blank=True)

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["from_provider", "created_at"], name="referral_from"),
            models.Index(fields=["to_provider", "status", "created_at"], name="referral_to"),
            models.Index(fields=["-created_at", "-id"], name="referral_recent"),
        ]

    def __str__(self) -> str:
        return f"Rujukan #{self.pk}"


class TariffTable(models.Model):
    """One version of the regency's tariff regulation, in force from ``effective_from``."""

    name = models.CharField(_("nama/dasar hukum"), max_length=200)
    effective_from = models.DateField(_("berlaku mulai"))
    version = models.PositiveIntegerField(_("versi"), default=1)
    source_name = models.CharField(_("berkas sumber"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tabel tarif")
        verbose_name_plural = _("tabel tarif")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["effective_from", "version"], name="tariff_table_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d-%m-%Y} v{self.version})"


class TariffItem(models.Model):
    table = models.ForeignKey(TariffTable, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("kode"), max_length=30)
    description = models.CharField(_("uraian"), max_length=300, blank=True)
    price = models.PositiveBigIntegerField(_("tarif (Rp)"))

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarif")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="tariff_item_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class PaymentBatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "proses", _("Dalam proses")
        APPROVED = "disetujui", _("Disetujui")
        PAID = "dibayar", _("Dibayar")

    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="payment_batches")
    year = models.PositiveIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    total = models.PositiveBigIntegerField(_("jumlah (Rp)"), default=0)
    claim_count = models.PositiveIntegerField(_("jumlah klaim"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    order_number = models.CharField(_("nomor surat perintah bayar"), max_length=100, blank=True)
    order_date = models.DateField(_("tanggal surat perintah bayar"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Created → approved → paid, each by a different person (ejamkesda/core/duties.py).
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
        verbose_name = _("batch pembayaran")
        verbose_name_plural = _("batch pembayaran")
        ordering = ["-year", "-month", "-id"]
        indexes = [models.Index(fields=["provider", "year", "month"], name="batch_provider_period")]

    def __str__(self) -> str:
        return f"{self.provider} {self.month:02d}/{self.year}"


class Claim(models.Model):
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT, related_name="claims")
    sjp = models.ForeignKey(Sjp, verbose_name=_("SJP"), on_delete=models.PROTECT, related_name="claims")
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="claims")
    service_kind = models.CharField(_("jenis pelayanan"), max_length=20, choices=SERVICE_KIND_CHOICES)
    admission_date = models.DateField(_("tanggal masuk"))
    discharge_date = models.DateField(_("tanggal keluar"))
    primary_diagnosis = models.CharField(_("diagnosis utama (ICD-10)"), max_length=10)
    secondary_diagnoses = models.JSONField(_("diagnosis sekunder"), default=list, blank=True)
    tariff_table = models.ForeignKey(TariffTable, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=25, choices=CLAIM_STATE_CHOICES, default=ClaimState.SUBMITTED.value
    )
    # Bumped on every state change; a verifier's form carries it so a stale decision is refused.
    version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=64)
    claimed_total = models.PositiveBigIntegerField(_("jumlah diajukan (Rp)"), default=0)
    approved_total = models.PositiveBigIntegerField(_("jumlah disetujui (Rp)"), null=True, blank=True)
    reject_reason = models.CharField(_("alasan penolakan"), max_length=30, choices=REJECT_REASON_CHOICES, blank=True)
    verifier_note = models.TextField(_("catatan verifikator"), blank=True)
    provider_note = models.TextField(_("catatan PPK"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("diajukan pada"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    payment_batch = models.ForeignKey(
        PaymentBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "idempotency_key"], name="claim_idempotency_unique")]
        indexes = [
            models.Index(fields=["provider", "status", "submitted_at"], name="claim_provider_status"),
            models.Index(fields=["status", "submitted_at"], name="claim_queue"),
            models.Index(fields=["person", "admission_date"], name="claim_person_date"),
            models.Index(fields=["provider", "discharge_date"], name="claim_provider_period"),
            models.Index(fields=["-submitted_at", "-id"], name="claim_recent"),
            models.Index(fields=["provider", "-submitted_at", "-id"], name="claim_provider_recent"),
            models.Index(fields=["discharge_date"], name="claim_discharge"),
        ]

    def __str__(self) -> str:
        return f"Klaim #{self.pk}"


class ClaimLine(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("kode tarif"), max_length=30)
    description = models.CharField(_("uraian"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("jumlah"))
    unit_price = models.PositiveBigIntegerField(_("tarif (Rp)"))
    amount = models.PositiveBigIntegerField(_("subtotal (Rp)"))
    approved_amount = models.PositiveBigIntegerField(_("disetujui (Rp)"), null=True, blank=True)
    adjustment_reason = models.CharField(_("alasan penyesuaian"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity}"


def _attachment_path(instance: ClaimAttachment, filename: str) -> str:
    return f"klaim/{instance.claim.provider_id}/{instance.claim_id}/{secrets.token_hex(8)}"


class ClaimAttachment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("jenis lampiran"), max_length=20, choices=ATTACHMENT_KIND_CHOICES)
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ClaimEvent(models.Model):
    """One step of a claim's life, shown to the provider as its timeline."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(max_length=25, blank=True)
    to_status = models.CharField(max_length=25)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return _state_label(self.from_status)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_status)

    @property
    def note_label(self) -> str:
        """The note in the reader's language when the system wrote it (a payment batch), else as typed."""
        number = self.note.removeprefix(PAYMENT_BATCH_NOTE)
        if number != self.note and number.isdigit():
            return str(_("Batch pembayaran #%(number)s") % {"number": number})
        return self.note


# The note written on each claim gathered into a payment batch (services/payments.py); stored
# in Bahasa Indonesia and shown in the reader's language through ``ClaimEvent.note_label``.
PAYMENT_BATCH_NOTE = "Batch pembayaran #"


def _state_label(value: str) -> str:
    try:
        return str(dict(CLAIM_STATE_CHOICES)[value])
    except KeyError:
        return value
