"""The checks of a claim, each with its reason; run on submission and for the verifier.

See docs/layanan-ppk-dan-verifikasi.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ejamkesda.participants.models import Programme
from ejamkesda.participants.selectors import coverage_for
from ejamkesda.rules.claims import ATTACHMENT_KINDS, LIVE_STATES, missing_attachments
from ejamkesda.services.models import Claim, Sjp, TariffTable
from ejamkesda.services.sjp import sjp_is_valid_on
from ejamkesda.services.tariffs import tariff_prices


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    ok: bool
    message: str = ""


class ClaimError(ValueError):
    """A claim cannot be written; ``checks`` holds the failed checks when there are any."""

    def __init__(self, message: str, checks: Sequence[CheckResult] = ()):
        super().__init__(message)
        self.checks = list(checks)


class ClaimConflict(ClaimError):
    """Someone else changed the claim first."""


def claim_checks(
    *,
    sjp: Sjp,
    provider_id: int,
    admission_date: dt.date,
    discharge_date: dt.date,
    table: TariffTable | None,
    unknown_codes: Sequence[str],
    mismatched_prices: Sequence[str] = (),
    attachment_kinds: set[str],
    exclude_claim_id: int | None = None,
) -> list[CheckResult]:
    """The checks of a claim, each with its reason; used on submission and by the verifier."""
    person_id = sjp.person_id
    results: list[CheckResult] = []
    # 1. Membership active on the service dates (and no active JKN, which pays instead).
    problems = []
    days = (
        (
            admission_date,
            _("pasien peserta JKN aktif pada tanggal masuk %(date)s"),
            _("pasien bukan peserta Jamkesda aktif pada tanggal masuk %(date)s"),
        ),
        (
            discharge_date,
            _("pasien peserta JKN aktif pada tanggal keluar %(date)s"),
            _("pasien bukan peserta Jamkesda aktif pada tanggal keluar %(date)s"),
        ),
    )
    for day, jkn_message, not_member_message in days:
        decision = coverage_for(person_id, day)  # ejamkesda/rules/coverage.py
        if decision.by_programme(Programme.JKN) is not None:
            problems.append(jkn_message % {"date": f"{day:%d-%m-%Y}"})
        elif decision.by_programme(Programme.JAMKESDA) is None:
            problems.append(not_member_message % {"date": f"{day:%d-%m-%Y}"})
    results.append(CheckResult("membership", _("Kepesertaan aktif"), not problems, "; ".join(problems)))
    # 2. The SJP is valid and matches this claim.
    problems = []
    if sjp.provider_id != provider_id:
        problems.append(_("SJP milik PPK lain"))
    if sjp.status != Sjp.Status.APPROVED:
        problems.append(_("SJP berstatus %(status)s") % {"status": sjp.get_status_display()})
    elif not sjp_is_valid_on(sjp, admission_date):
        problems.append(
            _("tanggal masuk %(date)s di luar masa berlaku SJP (%(start)s s.d. %(end)s)")
            % {
                "date": f"{admission_date:%d-%m-%Y}",
                "start": f"{sjp.service_from:%d-%m-%Y}",
                "end": f"{sjp.valid_until:%d-%m-%Y}",
            }
        )
    if discharge_date < admission_date:
        problems.append(_("tanggal keluar sebelum tanggal masuk"))
    results.append(CheckResult("sjp", _("SJP sah dan sesuai"), not problems, "; ".join(problems)))
    # 3. No other live claim for the same patient and overlapping dates.
    duplicates = Claim.objects.filter(
        person_id=person_id,
        status__in=[state.value for state in LIVE_STATES],
        admission_date__lte=discharge_date,
        discharge_date__gte=admission_date,
    )
    if exclude_claim_id:
        duplicates = duplicates.exclude(pk=exclude_claim_id)
    duplicate = duplicates.order_by("id").first()
    message = ""
    if duplicate is not None:
        if duplicate.provider_id == provider_id:
            message = _("sudah ada klaim untuk pasien ini pada tanggal yang sama (klaim #%(id)s)") % {
                "id": duplicate.pk
            }
        else:
            message = _("sudah ada klaim untuk pasien ini pada tanggal yang sama")
    results.append(CheckResult("duplicate", _("Tidak ada klaim ganda"), duplicate is None, message))
    # 4. Prices per the tariff table in force on the admission date.
    problems = []
    if table is None:
        problems.append(_("tidak ada tabel tarif yang berlaku pada %(date)s") % {"date": f"{admission_date:%d-%m-%Y}"})
    if unknown_codes:
        problems.append(_("kode tarif tidak ada di tabel: %(codes)s") % {"codes": ", ".join(unknown_codes)})
    if mismatched_prices:
        problems.append(_("tarif tidak sesuai tabel: %(codes)s") % {"codes": ", ".join(mismatched_prices)})
    results.append(CheckResult("prices", _("Tarif sesuai tabel"), not problems, "; ".join(problems)))
    # 5. Required attachments.
    missing = missing_attachments(sjp.service_kind, attachment_kinds)
    results.append(
        CheckResult(
            "attachments",
            _("Lampiran wajib lengkap"),
            not missing,
            (_("belum ada: %(kinds)s") % {"kinds": ", ".join(_(ATTACHMENT_KINDS[kind]) for kind in missing)})
            if missing
            else "",
        )
    )
    return results


def claim_checks_for(claim: Claim) -> list[CheckResult]:
    """Re-run the checks on a stored claim (the verifier's view)."""
    lines = list(claim.lines.all())
    items = tariff_prices(claim.tariff_table, [line.code for line in lines])
    unknown = [line.code for line in lines if line.code not in items]
    mismatched = [
        f"{line.code} (Rp {line.unit_price} ≠ Rp {items[line.code].price})"
        for line in lines
        if line.code in items and items[line.code].price != line.unit_price
    ]
    return claim_checks(
        sjp=claim.sjp,
        provider_id=claim.provider_id,
        admission_date=claim.admission_date,
        discharge_date=claim.discharge_date,
        table=claim.tariff_table,
        unknown_codes=unknown,
        mismatched_prices=mismatched,
        attachment_kinds={attachment.kind for attachment in claim.attachments.all()},
        exclude_claim_id=claim.pk,
    )
