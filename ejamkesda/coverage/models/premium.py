"""Premiums for residents registered by the regency (Instruksi Bupati Tegal 379/2022 KEDUA angka 1a, 2, 5a, 23i)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PremiumRate(models.Model):
    effective_from = models.DateField(_("berlaku mulai"), unique=True)
    monthly_rupiah = models.PositiveIntegerField(_("iuran per orang per bulan (Rp)"))
    source = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tarif iuran")
        verbose_name_plural = _("tarif iuran")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from:%d-%m-%Y}: Rp{self.monthly_rupiah}"


class PremiumSubsidyRate(models.Model):
    """Who pays the class-3 premium of PBPU/BP members (Instruksi Bupati Tegal 379/2022 KEDUA angka 1 huruf a, the
    "bantuan iuran" clause): member, central government, regency. The four amounts are
    checked to add up by ``rules.premium.Contribution``."""

    effective_from = models.DateField(_("berlaku mulai"), unique=True)
    premium_rupiah = models.PositiveIntegerField(_("iuran kelas 3 per orang per bulan (Rp)"))
    participant_rupiah = models.PositiveIntegerField(_("dibayar peserta (Rp)"))
    central_rupiah = models.PositiveIntegerField(_("bantuan iuran Pemerintah Pusat (Rp)"))
    regional_rupiah = models.PositiveIntegerField(_("bantuan iuran Pemda (Rp)"))
    source = models.CharField(_("dasar hukum"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bantuan iuran PBPU/BP kelas 3")
        verbose_name_plural = _("bantuan iuran PBPU/BP kelas 3")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from:%d-%m-%Y}: Pemda Rp{self.regional_rupiah}"


class PremiumBill(models.Model):
    """The BPJS bill for one month and one segment: PBPU/BP Pemda class-3 premiums, or the
    regency's contribution to PBI JK premiums (Instruksi Bupati Tegal 379/2022 KEDUA 2a)."""

    month = models.DateField(_("bulan tagihan"))
    segment = models.CharField(_("segmen"), max_length=20, default="pbpu_bp_pemda")
    billed_amount = models.PositiveBigIntegerField(_("jumlah tagihan (Rp)"))
    billed_count = models.PositiveIntegerField(_("jumlah jiwa ditagih"), default=0)
    system_count = models.PositiveIntegerField(_("jumlah jiwa menurut sistem"), default=0)
    expected_amount = models.PositiveBigIntegerField(_("tagihan seharusnya (Rp)"), default=0)
    only_on_bill = models.JSONField(default=list)  # card numbers
    only_in_system = models.JSONField(default=list)
    membership_snapshot = models.ForeignKey("coverage.Snapshot", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    handover = models.ForeignKey(
        "coverage.ReceivableHandover", null=True, blank=True, on_delete=models.SET_NULL, related_name="bills"
    )

    class Meta:
        verbose_name = _("tagihan iuran BPJS")
        verbose_name_plural = _("tagihan iuran BPJS")
        ordering = ["-month", "segment"]
        constraints = [models.UniqueConstraint(fields=["month", "segment"], name="premiumbill_month_segment")]

    def __str__(self) -> str:
        return f"{self.month:%m-%Y}"

    @property
    def paid(self) -> int:
        return sum(payment.amount for payment in self.payments.all())

    @property
    def segment_label(self) -> str:
        from ejamkesda.participants.models import Segment

        return str(dict(Segment.choices).get(self.segment, self.segment))

    @property
    def written_off(self) -> int:
        return sum(item.amount for item in self.write_offs.all())


class PremiumBillLine(models.Model):
    bill = models.ForeignKey(PremiumBill, on_delete=models.CASCADE, related_name="lines")
    card_number = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bill", "card_number"], name="billline_bill_card")]

    def __str__(self) -> str:
        return self.card_number


class PremiumPayment(models.Model):
    bill = models.ForeignKey(PremiumBill, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("tanggal bayar"))
    amount = models.PositiveBigIntegerField(_("jumlah (Rp)"))
    reference = models.CharField(_("nomor bukti/SP2D"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.paid_on:%d-%m-%Y} Rp{self.amount}"
