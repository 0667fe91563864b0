"""Factories for the services app tests."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ejamkesda.core.roles import Role
from ejamkesda.participants.models import MembershipStatus, Programme, Segment
from ejamkesda.providers.models import Provider
from ejamkesda.services.claims import AttachmentInput, LineInput, claim_submit
from ejamkesda.services.models import Sjp, TariffTable
from ejamkesda.services.sjp import sjp_approve, sjp_request
from ejamkesda.services.tariffs import tariff_table_import
from tests.factories import MembershipFactory, PersonFactory, ProviderFactory, user_with_role

PDF = b"%PDF-1.4\n%uji\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_upload(name: str = "lampiran.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jamkesda_member(**person_kwargs):
    """A person with an active Jamkesda membership since 2024."""
    person = PersonFactory(**person_kwargs)
    MembershipFactory(
        person=person,
        programme=Programme.JAMKESDA,
        segment=Segment.PBPU_BP_PEMDA,
        status=MembershipStatus.ACTIVE,
        valid_from=dt.date(2024, 1, 1),
    )
    return person


def tariff_table(effective_from: dt.date = dt.date(2024, 1, 1), prices: dict[str, int] | None = None) -> TariffTable:
    prices = prices or {"RJ01": 50_000, "RI01": 250_000, "LAB01": 75_000}
    rows = [["kode", "uraian", "tarif"], *[[code, f"Layanan {code}", price] for code, price in prices.items()]]
    admin = user_with_role(Role.UPT_ADMIN)
    return tariff_table_import(actor=admin, name="Perbup Tarif uji", effective_from=effective_from, rows=rows)


def ppk_operator(provider: Provider | None = None, **kwargs):
    return user_with_role(Role.PPK_OPERATOR, provider=provider or ProviderFactory(), **kwargs)


def requested_sjp(
    *, operator=None, person=None, service_kind: str = "rawat_jalan", service_from: dt.date | None = None
) -> Sjp:
    """An SJP asked for by a PPK operator, waiting for the UPT's decision."""
    service_from = service_from or timezone.localdate()
    return sjp_request(
        actor=operator or ppk_operator(),
        person=person or jamkesda_member(),
        service_kind=service_kind,
        diagnosis_code="A09",
        service_from=service_from,
        service_to=service_from + dt.timedelta(days=3),
    )


def approved_sjp(
    *, operator=None, person=None, service_kind: str = "rawat_jalan", service_from: dt.date | None = None
) -> Sjp:
    sjp = requested_sjp(operator=operator, person=person, service_kind=service_kind, service_from=service_from)
    return sjp_approve(sjp=sjp, actor=user_with_role(Role.UPT_VERIFIER))


def submitted_claim(*, sjp: Sjp | None = None, operator=None, lines=None, key: str | None = None):
    if sjp is None:
        sjp = approved_sjp(operator=operator)
    if operator is None:
        operator = sjp.requested_by
    if not TariffTable.objects.exists():
        tariff_table()
    claim, _created = claim_submit(
        actor=operator,
        sjp=sjp,
        admission_date=sjp.service_from,
        discharge_date=sjp.service_from,
        primary_diagnosis="A09",
        lines=lines or [LineInput("RJ01", 2), LineInput("LAB01", 1)],
        attachments=[AttachmentInput("rincian_biaya", pdf_upload())],
        idempotency_key=key or uuid.uuid4().hex,
    )
    return claim
