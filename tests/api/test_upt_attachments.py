"""Document downloads through the REST API: a claim's attachments and an approved SJP's letter.

Same rules as the web downloads: the owner provider and the UPT may download, another
provider gets 404, a role without access 403, no token 401; every download is audited; the
answer is a download (Content-Disposition: attachment) with the stored content type and
``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import base64

import pytest

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.services.sjp import sjp_request
from tests.api.factories import bearer, token_for
from tests.api.test_services_api import claim_body, post
from tests.factories import user_with_role
from tests.services.factories import PDF, approved_sjp, jamkesda_member, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _url(claim, attachment=None):
    attachment = attachment or claim.attachments.first()
    return f"/api/v1/claims/{claim.pk}/attachments/{attachment.pk}"


def test_owner_downloads_claim_attachment(client):
    operator = ppk_operator()
    claim = submitted_claim(operator=operator)
    response = client.get(_url(claim), **bearer(token_for(operator)))
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lampiran.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AuditLog.objects.get(changes__event="claim.attachment_view")
    assert (entry.actor, entry.object_id, entry.action) == (operator, str(claim.pk), "view")
    assert entry.changes["attachment_id"] == claim.attachments.first().pk


@pytest.mark.parametrize("role", [Role.UPT_VERIFIER, Role.UPT_ADMIN])
def test_upt_downloads_any_providers_attachment(client, role):
    claim = submitted_claim()
    response = client.get(_url(claim), **bearer(token_for(user_with_role(role))))
    assert response.status_code == 200
    assert response.content == PDF


def test_treasurer_of_the_provider_downloads_like_the_web(client):
    operator = ppk_operator()
    claim = submitted_claim(operator=operator)
    treasurer = user_with_role(Role.TREASURER, provider=operator.provider)
    assert client.get(_url(claim), **bearer(token_for(treasurer))).status_code == 200


def test_other_provider_gets_404_and_nothing_is_audited(client):
    claim = submitted_claim()
    response = client.get(_url(claim), **bearer(token_for(ppk_operator())))
    assert response.status_code == 404
    assert response.json()["code"] == "tidak_ditemukan"
    assert not AuditLog.objects.filter(changes__event="claim.attachment_view").exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.OPD_OPERATOR])
def test_roles_without_claim_access_get_403(client, role):
    claim = submitted_claim()
    response = client.get(_url(claim), **bearer(token_for(user_with_role(role))))
    assert response.status_code == 403


def test_anonymous_gets_401(client):
    claim = submitted_claim()
    response = client.get(_url(claim))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_attachment_of_another_claim_is_404(client):
    """The attachment id must belong to the claim in the URL (no id mixing across claims)."""
    operator = ppk_operator()
    mine = submitted_claim(operator=operator)
    theirs = submitted_claim()
    response = client.get(_url(mine, theirs.attachments.first()), **bearer(token_for(operator)))
    assert response.status_code == 404


def test_uploaded_through_the_api_downloads_byte_identical(client):
    """Upload (base64 in POST /claims) and download are a round trip; the type comes from the content."""
    operator = ppk_operator()
    tariff_table()
    sjp = approved_sjp(operator=operator)
    token = token_for(operator)
    photo_upload = {
        "kind": "lainnya",
        "filename": 'foto "luka" é.pdf',
        "content_base64": base64.b64encode(PNG).decode(),
    }
    body = claim_body(sjp)
    body["attachments"].append(photo_upload)
    created = post(client, "/api/v1/claims", body, token)
    assert created.status_code == 201, created.json()
    attachments = created.json()["attachments"]
    photo = next(a for a in attachments if a["kind"] == "lainnya")
    response = client.get(f"/api/v1/claims/{created.json()['id']}/attachments/{photo['id']}", **bearer(token))
    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"  # sniffed at upload, not taken from the name
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")  # non-ASCII encoded
    assert "\n" not in response["Content-Disposition"]


def test_missing_file_is_a_clear_404_not_a_500(client):
    operator = ppk_operator()
    claim = submitted_claim(operator=operator)
    attachment = claim.attachments.first()
    attachment.file.storage.delete(attachment.file.name)
    response = client.get(_url(claim, attachment), **bearer(token_for(operator)))
    assert response.status_code == 404
    assert response.json()["code"] == "berkas_tidak_ada"


def test_unknown_query_parameter_is_refused(client):
    operator = ppk_operator()
    claim = submitted_claim(operator=operator)
    response = client.get(_url(claim) + "?x=1", **bearer(token_for(operator)))
    assert response.status_code == 422
    assert response.json()["code"] == "parameter_tidak_dikenal"


# --- SJP letter ----------------------------------------------------------------------------
def test_owner_and_upt_download_the_sjp_letter(client):
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    for user in (operator, user_with_role(Role.UPT_VERIFIER)):
        response = client.get(f"/api/v1/sjp/{sjp.pk}/letter", **bearer(token_for(user)))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{sjp.number.replace("/", "-")}.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditLog.objects.filter(changes__event="sjp.pdf", object_id=str(sjp.pk)).count() == 2


def test_sjp_letter_refused_like_the_web(client):
    operator = ppk_operator()
    sjp = approved_sjp(operator=operator)
    url = f"/api/v1/sjp/{sjp.pk}/letter"
    assert client.get(url, **bearer(token_for(ppk_operator()))).status_code == 404  # another provider
    assert client.get(url).status_code == 401
    treasurer = user_with_role(Role.TREASURER, provider=operator.provider)
    assert client.get(url, **bearer(token_for(treasurer))).status_code == 403  # web: not an SJP role
    assert client.get(url, **bearer(token_for(user_with_role(Role.VIEWER)))).status_code == 403


def test_no_letter_before_approval(client):
    from django.utils import timezone

    operator = ppk_operator()
    sjp = sjp_request(
        actor=operator,
        person=jamkesda_member(),
        service_kind="rawat_jalan",
        diagnosis_code="A09",
        service_from=timezone.localdate(),
    )
    response = client.get(f"/api/v1/sjp/{sjp.pk}/letter", **bearer(token_for(operator)))
    assert response.status_code == 404
