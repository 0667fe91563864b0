"""Writes for funds: regulation profiles, staff roster, attendance, fund receipts.

Distribution runs are in ``run_services.py``. Every function is keyword-only, atomic, and
writes the audit log.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.funds import staff_history
from ejamkesda.funds.models import (
    Attendance,
    FundPool,
    FundReceipt,
    RegulationProfile,
    ServiceCaseCount,
    ServiceKind,
    StaffHistory,
    StaffMember,
)
from ejamkesda.providers.models import Provider
from ejamkesda.rules.jaspel import StaffInput, split_revenue
from ejamkesda.rules.profile import Profile, ProfileError, parse_profile, profile_text, shipped_profile_ids

STAFF_FIELDS = (
    "employee_no",
    "name",
    "jenis_tenaga",
    "education",
    "started_on",
    "roles",
    "status",
    "golongan",
    "program_jkn",
    "bank_name",
    "bank_account",
    "active",
    "ended_on",
)


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def month_end(value: dt.date) -> dt.date:
    following = dt.date(value.year + (value.month == 12), value.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


# --- regulation profiles ---------------------------------------------------------------------


def profile_parsed(profile: RegulationProfile) -> Profile:
    return parse_profile(profile.text, source=f"{profile.code} v{profile.version}")


def profiles_ensure_shipped() -> None:
    """Store each shipped profile file as version 1 the first time it is needed."""
    for code in shipped_profile_ids():
        if not RegulationProfile.objects.filter(code=code).exists():
            text = profile_text(code)
            parsed = parse_profile(text, source=f"{code}.toml")
            RegulationProfile.objects.get_or_create(
                code=code, version=1, defaults={"title": parsed.title, "text": text, "based_on": code}
            )


@transaction.atomic
def profile_save(*, text: str, actor: Any, note: str = "", based_on: str = "") -> RegulationProfile:
    """Validate a profile's TOML and store it as the next version of its ``id``."""
    try:
        parsed = parse_profile(text)
    except ProfileError as exc:
        raise ValidationError(exc.errors) from exc
    if not parsed.id.replace("-", "").replace("_", "").isalnum():
        raise ValidationError(_("ID profil hanya boleh huruf, angka, - dan _."))
    # Lock the code's rows so two editors cannot create the same version number.
    list(RegulationProfile.objects.select_for_update().filter(code=parsed.id).values_list("id", flat=True))
    latest = RegulationProfile.objects.filter(code=parsed.id).aggregate(v=Max("version"))["v"] or 0
    profile = RegulationProfile.objects.create(
        code=parsed.id,
        version=latest + 1,
        title=parsed.title,
        text=text,
        based_on=based_on,
        note=note,
        created_by=actor,
    )
    audit_record(action=AuditLog.Action.CREATE, obj=profile, actor=actor, summary=f"Profil {profile}")
    return profile


# --- staff roster -----------------------------------------------------------------------------


def _staff_snapshot(staff: StaffMember) -> dict[str, Any]:
    return {field: str(getattr(staff, field)) for field in STAFF_FIELDS}


@transaction.atomic
def staff_save(
    *, provider: Provider, data: dict[str, Any], actor: Any, staff: StaffMember | None = None
) -> StaffMember:
    """Create or change a staff record; the before/after values go to its history.

    The attributes that feed points are effective-dated (``staff_history``): they hold from
    ``data["effective_from"]`` ("berlaku mulai"; default today, or the start date of a new
    record).
    """
    before = _staff_snapshot(staff) if staff is not None else {}
    history_before: dict[str, Any] | None = None
    if staff is None:
        staff = StaffMember(provider=provider)
    else:
        staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
        history_before = {name: getattr(staff, name) for name in staff_history.HISTORY_FIELDS}
    for field in STAFF_FIELDS:
        if field in data:
            setattr(staff, field, data[field])
    roles = [part.strip().lower() for part in staff.roles.split(";") if part.strip()]
    unknown = [role for role in roles if role not in ("kepala", "ktu", "bendahara")]
    if unknown:
        raise ValidationError(
            {
                "roles": _("Rangkap tidak dikenal: %(roles)s (pilih kepala, ktu, bendahara).")
                % {"roles": ", ".join(unknown)}
            }
        )
    staff.roles = ";".join(roles)
    staff.full_clean()
    if staff.ended_on is not None and staff.ended_on < staff.started_on:
        raise ValidationError({"ended_on": _("Tanggal selesai kerja tidak boleh sebelum mulai kerja.")})
    staff.save()
    effective = staff.started_on if history_before is None else (data.get("effective_from") or dt.date.today())
    if effective < staff.started_on:
        raise ValidationError({"effective_from": _("Tanggal berlaku tidak boleh sebelum mulai kerja.")})
    staff_history.history_record(
        staff=staff, before=history_before, valid_from=effective, actor=actor, dated=bool(data.get("effective_from"))
    )
    after = _staff_snapshot(staff)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    if changes:
        StaffHistory.objects.create(staff=staff, changed_by=actor, changes=changes)
        audit_record(
            action=AuditLog.Action.CREATE if not before else AuditLog.Action.UPDATE,
            obj=staff,
            actor=actor,
            summary=f"Pegawai {staff.employee_no}",
            changes=changes,
        )
    return staff


@transaction.atomic
def staff_import(
    *, provider: Provider, staff: list[StaffInput], actor: Any, period: dt.date | None = None
) -> tuple[int, int]:
    """Upsert the roster from the roster CSV format (``rules.roster``), keyed by ``id``.

    With ``period`` the attendance columns of the file are saved for that month too.
    Returns (created, changed). All or nothing: any bad row raises before writing.
    """
    created = changed = 0
    existing = {member.employee_no: member for member in StaffMember.objects.filter(provider=provider)}
    for person in staff:
        data = {
            "employee_no": person.id,
            "name": person.nama,
            "jenis_tenaga": person.jenis_tenaga,
            "education": person.pendidikan,
            "started_on": person.mulai_kerja,
            "roles": ";".join(person.rangkap),
            "status": person.status,
            "golongan": person.golongan,
            "program_jkn": person.program_jkn,
            "active": True,
            "ended_on": person.selesai_kerja,
            # The file's "berlaku mulai" column: from when the row's values hold.
            "effective_from": person.berlaku_mulai,
        }
        member = existing.get(person.id)
        history_before = member.history.count() if member else 0
        saved = staff_save(provider=provider, data=data, actor=actor, staff=member)
        if member is None:
            created += 1
        elif saved.history.count() > history_before:
            changed += 1
        if period is not None:
            Attendance.objects.update_or_create(
                staff=saved,
                period=month_start(period),
                defaults={
                    "days_present": person.hari_hadir,
                    "days_excused": person.hari_izin,
                    "minutes_late": person.menit_terlambat,
                    "skp": person.skp,
                    "source": "roster",
                },
            )
    return created, changed


# --- attendance -------------------------------------------------------------------------------


@transaction.atomic
def attendance_save(
    *, provider: Provider, period: dt.date, rows: list[dict[str, Any]], actor: Any, source: str = "isian"
) -> int:
    """Upsert a month's attendance rows (``employee_no`` + values). Re-running creates no duplicates.

    Every row is validated before anything is written; a bad row raises ``ValidationError``
    naming the row and column, and nothing is saved.
    """
    period = month_start(period)
    staff_by_no = {s.employee_no: s for s in StaffMember.objects.filter(provider=provider)}
    prepared: list[tuple[StaffMember, dict[str, Any]]] = []
    errors: list[str] = []
    for row in rows:
        number = row.get("row", "?")
        staff = staff_by_no.get(str(row.get("employee_no", "")).strip())
        if staff is None:
            errors.append(
                _("Baris %(row)s, kolom 'id': pegawai '%(id)s' tidak ada di roster PPK ini.")
                % {"row": number, "id": row.get("employee_no", "")}
            )
            continue
        values: dict[str, Any] = {}
        for column, field in (
            ("hari_hadir", "days_present"),
            ("hari_izin", "days_excused"),
            ("menit_terlambat", "minutes_late"),
        ):
            raw = str(row.get(column) if row.get(column) is not None else "").strip()
            if raw.endswith(".0"):
                raw = raw[:-2]
            if raw == "":
                raw = "0"
            if not raw.isdigit() or (field != "minutes_late" and int(raw) > 31):
                errors.append(
                    _(
                        "Baris %(row)s, kolom '%(column)s': '%(value)s' harus bilangan bulat 0 atau lebih "
                        "(hari paling banyak 31)."
                    )
                    % {"row": number, "column": column, "value": raw}
                )
                continue
            values[field] = int(raw)
        raw_skp = str(row.get("skp") if row.get("skp") is not None else "").strip().replace(",", ".")
        if raw_skp:
            try:
                skp = Decimal(raw_skp)
                if not skp.is_finite() or skp < 0 or skp > 1000:
                    raise ValueError
                values["skp"] = skp.quantize(Decimal("0.01"))
            except (ArithmeticError, ValueError):
                errors.append(
                    _("Baris %(row)s, kolom 'skp': '%(value)s' bukan persen yang sah.")
                    % {"row": number, "value": raw_skp}
                )
        else:
            values["skp"] = None
        if values.get("days_present", 0) + values.get("days_excused", 0) > 31:
            errors.append(_("Baris %(row)s, kolom 'hari_izin': hadir + izin melebihi 31 hari.") % {"row": number})
        prepared.append((staff, values))
    if errors:
        raise ValidationError(errors)
    for staff, values in prepared:
        Attendance.objects.update_or_create(staff=staff, period=period, defaults={**values, "source": source})
    audit_record(
        action=AuditLog.Action.UPDATE,
        obj=provider,
        actor=actor,
        summary=f"Kehadiran {period:%m/%Y}: {len(prepared)} pegawai ({source})",
    )
    return len(prepared)


@transaction.atomic
def service_cases_save(
    *, provider: Provider, period: dt.date, service_kind: str, counts: dict[int, str], actor: Any
) -> int:
    """Upsert a month's case counts of one non-capitation service kind (staff id → count)."""
    if service_kind not in ServiceKind.values or not service_kind:
        raise ValidationError(_("Pilih jenis layanan non kapitasi."))
    staff = {member.pk: member for member in StaffMember.objects.filter(provider=provider, pk__in=list(counts))}
    errors, prepared = [], []
    for number, (staff_id, raw) in enumerate(counts.items(), start=1):
        member = staff.get(staff_id)
        value = str(raw or "0").strip() or "0"
        if member is None:
            errors.append(_("Baris %(row)s: pegawai tidak ada di roster PPK ini.") % {"row": number})
        elif not value.isdigit() or int(value) > 100_000:
            errors.append(
                _("Baris %(row)s (%(name)s), kolom 'kasus': '%(value)s' harus bilangan bulat 0 atau lebih.")
                % {"row": number, "name": member.name, "value": value}
            )
        else:
            prepared.append((member, int(value)))
    if errors:
        raise ValidationError(errors)
    period = month_start(period)
    for member, cases in prepared:
        ServiceCaseCount.objects.update_or_create(
            staff=member, period=period, service_kind=service_kind, defaults={"cases": cases}
        )
    audit_record(
        action=AuditLog.Action.UPDATE,
        obj=provider,
        actor=actor,
        summary=f"Kasus {service_kind} {period:%m/%Y}: {len(prepared)} pegawai",
    )
    return len(prepared)


# --- fund receipts ----------------------------------------------------------------------------


@transaction.atomic
def receipt_record(
    *,
    provider: Provider,
    period: dt.date,
    source: str,
    amount: int,
    profile: RegulationProfile,
    received_on: dt.date,
    actor: Any,
    reference: str = "",
    service_kind: str = "",
) -> FundReceipt:
    """Record a receipt and split it into pools by the profile, exact to the rupiah."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError({"amount": _("Jumlah harus bilangan bulat rupiah lebih dari 0.")})
    parsed = profile_parsed(profile)
    receipt = FundReceipt.objects.create(
        provider=provider,
        period=month_start(period),
        source=source,
        service_kind=service_kind,
        amount=amount,
        profile=profile,
        reference=reference,
        received_on=received_on,
        created_by=actor,
    )
    percents = {line.code: line.percent for line in parsed.split}
    FundPool.objects.bulk_create(
        FundPool(receipt=receipt, code=code, name=name, percent=f"{float(percents[code]):g}", amount=value)
        for code, name, value in split_revenue(parsed, amount)
    )
    audit_record(
        action=AuditLog.Action.CREATE,
        obj=receipt,
        actor=actor,
        summary=f"Penerimaan {receipt.get_source_display()} {period:%m/%Y} Rp {amount}",
    )
    return receipt
