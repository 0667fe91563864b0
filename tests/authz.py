"""One world for the authorisation matrices (API, FHIR and web): objects owned by provider A.

Every role of ``ejamkesda.core.roles.Role`` has a user here, bound to provider A (the
owner) or provider B (another provider) where the role is provider-bound, so a matrix can
check that B's users get 403/404 on A's objects (docs/tinjauan-keamanan.md, "Kebijakan
akses").
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from ejamkesda.core.roles import Role
from ejamkesda.jobs.models import Job
from ejamkesda.providers.models import Provider
from ejamkesda.services.models import ClaimAttachment, Referral
from ejamkesda.services.sjp import sjp_request
from tests.factories import AgencyFactory, MembershipFactory, ProviderFactory, user_with_role
from tests.services.factories import PDF, approved_sjp, jamkesda_member, ppk_operator, submitted_claim, tariff_table

# Roles of a matrix row, in the order of the expectation tuples.
STAFF = ("admin", "verifier", "ppk_a", "ppk_b", "treasurer_a", "treasurer_b", "opd", "viewer")
# Users of another scope than provider A: a list answer for them must hold none of A's objects.
FOREIGN = frozenset({"ppk_b", "treasurer_b", "opd", "viewer"})


def staff_users(provider_a: Provider, provider_b: Provider) -> dict[str, dict[str, object]]:
    """How to make each role's user (kwargs for ``user_with_role``/the ``login`` fixture)."""
    agency = AgencyFactory()
    return {
        "admin": {"role": Role.UPT_ADMIN},
        "verifier": {"role": Role.UPT_VERIFIER},
        "ppk_a": {"role": Role.PPK_OPERATOR, "provider": provider_a},
        "ppk_b": {"role": Role.PPK_OPERATOR, "provider": provider_b},
        "treasurer_a": {"role": Role.TREASURER, "provider": provider_a},
        "treasurer_b": {"role": Role.TREASURER, "provider": provider_b},
        "opd": {"role": Role.OPD_OPERATOR, "agency": agency},
        "viewer": {"role": Role.VIEWER},
    }


def services_world() -> dict[str, object]:
    """Provider A with a person registered there, an SJP, a claim (with a cost breakdown and a
    medical résumé), a referral to a hospital, a requested SJP and an import job."""
    tariff_table()
    provider = ProviderFactory(level=Provider.Level.FKTP)
    other_provider = ProviderFactory()
    hospital = ProviderFactory(level=Provider.Level.FKRTL, kind=Provider.Kind.HOSPITAL)
    owner = ppk_operator(provider)
    person = jamkesda_member()
    MembershipFactory(
        person=person,
        programme="jamkesda",
        segment="",
        first_level_provider_code=provider.code,
        status="berakhir",
        valid_to=person.memberships.first().valid_from,
    )
    sjp = approved_sjp(operator=owner, person=person)
    claim = submitted_claim(sjp=sjp, operator=owner)
    medical = ClaimAttachment.objects.create(
        claim=claim,
        kind="resume_medis",
        file=SimpleUploadedFile("resume.pdf", PDF, content_type="application/pdf"),
        original_name="resume.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=owner,
    )
    fresh_sjp = approved_sjp(operator=owner, person=jamkesda_member())
    requested = sjp_request(
        actor=owner,
        person=jamkesda_member(),
        service_kind="rawat_jalan",
        diagnosis_code="A09",
        service_from=sjp.service_from,
    )
    referral = Referral.objects.create(
        from_provider=provider,
        to_provider=hospital,
        person=person,
        diagnosis_code="A09",
        reason="uji",
        created_by=owner,
    )
    job = Job.objects.create(kind="participants", provider=provider, created_by=owner)
    return {
        "owner": owner,
        "person": person,
        "sjp": sjp,
        "claim": claim,
        "cost_attachment": claim.attachments.get(kind="rincian_biaya"),
        "medical_attachment": medical,
        "fresh_sjp": fresh_sjp,
        "requested_sjp": requested,
        "referral": referral,
        "provider": provider,
        "other_provider": other_provider,
        "hospital": hospital,
        "job": job,
        "users": staff_users(provider, other_provider),
    }


def make_user(spec: dict[str, object]):
    kwargs = dict(spec)
    role = kwargs.pop("role")
    return user_with_role(role, **kwargs)  # type: ignore[arg-type]
