"""Writes for providers (PPK): always through these functions, always audit-logged.

Providers are managed by UPT admins (docs/peran.md). Perbup PPU 29/2016 Pasal 1 angka 5 and Pasal 10
ayat (2): a PPK works with the regency under a cooperation agreement, so its number and
period are part of the record and are checked for consistency here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.providers.models import Provider
from ejamkesda.regions.models import Region

EDITABLE_FIELDS = (
    "code",
    "name",
    "kind",
    "level",
    "address",
    "village",
    "district",
    "phone",
    "email",
    "agreement_number",
    "agreement_from",
    "agreement_to",
    "active",
)


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"field tidak dikenal: {', '.join(sorted(unknown))}")
    data = dict(fields)
    for name in ("code", "name", "address", "phone", "email", "agreement_number"):
        if name in data and data[name] is not None:
            data[name] = " ".join(str(data[name]).split())
    if data.get("code"):
        data["code"] = data["code"].upper()
    return data


def provider_validate(provider: Provider) -> None:
    errors: dict[str, list[str]] = {}
    village: Region | None = provider.village
    district: Region | None = provider.district
    if village is not None and village.level != Region.Level.VILLAGE:
        errors.setdefault("village", []).append(_("Pilih desa/kelurahan, bukan wilayah tingkat lain."))
    if district is not None and district.level != Region.Level.DISTRICT:
        errors.setdefault("district", []).append(_("Pilih kecamatan, bukan wilayah tingkat lain."))
    # A puskesmas is always a first-level provider (FKTP) in JKN.
    if provider.kind == Provider.Kind.PUSKESMAS and provider.level != Provider.Level.FKTP:
        errors.setdefault("level", []).append(_("Puskesmas selalu fasilitas kesehatan tingkat pertama (FKTP)."))
    start: dt.date | None = provider.agreement_from
    end: dt.date | None = provider.agreement_to
    if start and end and end < start:
        errors.setdefault("agreement_to", []).append(
            _("Tanggal akhir perjanjian tidak boleh sebelum tanggal mulainya.")
        )
    if (start or end) and not provider.agreement_number:
        errors.setdefault("agreement_number", []).append(
            _("Isi nomor perjanjian kerja sama bila masa berlakunya diisi.")
        )
    if errors:
        raise ValidationError(errors)


def _apply(provider: Provider, data: dict[str, Any]) -> dict[str, list[str]]:
    changes: dict[str, list[str]] = {}
    for name, value in data.items():
        old = getattr(provider, name)
        if old != value:
            changes[name] = [str(old if old is not None else ""), str(value if value is not None else "")]
            setattr(provider, name, value)
    # The district follows the village (directory filters use the district column).
    if provider.village is not None and provider.district_id != provider.village.parent_id:
        old_district = provider.district_id or ""
        provider.district_id = provider.village.parent_id
        changes["district"] = [str(old_district), str(provider.district_id)]
    return changes


def _save_unique(provider: Provider) -> None:
    """Save; a code taken by another admin a moment ago (after ``full_clean`` looked) is a
    form error, not a server error."""
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ValidationError({"code": [_("Kode PPK ini sudah dipakai.")]}) from None


@transaction.atomic
def provider_create(*, actor: Any, **fields: Any) -> Provider:
    """Create a provider. Raises ``ValidationError`` (messages in Bahasa Indonesia)."""
    data = _normalise(fields)
    provider = Provider()
    changes = _apply(provider, data)
    provider.full_clean()
    provider_validate(provider)
    _save_unique(provider)
    audit_record(
        action="create",
        obj=provider,
        summary=f"PPK {provider.code} {provider.name} dibuat",
        changes=changes,
        actor=actor,
    )
    return provider


@transaction.atomic
def provider_update(*, provider: Provider, actor: Any, **fields: Any) -> Provider:
    """Change a provider; only changed fields are written to the audit log."""
    data = _normalise(fields)
    # Lock the row so two admins editing at once cannot interleave half-updates.
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    changes = _apply(locked, data)
    if not changes:
        return locked
    locked.full_clean()
    provider_validate(locked)
    _save_unique(locked)
    audit_record(
        action="update",
        obj=locked,
        summary=f"PPK {locked.code} {locked.name} diubah",
        changes=changes,
        actor=actor,
    )
    return locked
