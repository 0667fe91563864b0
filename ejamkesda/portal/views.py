"""Public application (aplikasi umum, Perbup PPU 29/2016 Pasal 7 ayat 1 huruf a and ayat 2).

No login. Pages: home, membership check, provider directory, information pages.

The membership check (docs/portal-publik.md, docs/arsitektur.md) reveals the minimum: a masked name and
the current membership's programme, segment, class, status and validity. It is a POST
form (the NIK never reaches a URL or a log line), rate-limited per client address and
per NIK (the NIK key is a keyed hash, never the NIK), and answers ``no-store``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from ejamkesda.audit.services import audit_record
from ejamkesda.portal import conf
from ejamkesda.portal.challenge import attempt_count, challenge_form, challenge_passed
from ejamkesda.portal.forms import DirectoryFilterForm, MembershipCheckForm
from ejamkesda.portal.info import INFO_PAGES, info_page
from ejamkesda.portal.selectors import coverage_current, membership_latest, person_for_public_check
from ejamkesda.providers.models import Provider
from ejamkesda.providers.selectors import provider_public, providers_public
from ejamkesda.regions.models import Region
from ejamkesda.rules.nik import mask_name

logger = logging.getLogger(__name__)

RATE_GROUP_CLIENT = "portal.check.client"
RATE_GROUP_NIK = "portal.check.nik"


def ratelimited(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Shown when a public lookup is rate-limited (settings.RATELIMIT_VIEW)."""
    response = render(request, "portal/ratelimited.html", status=429)
    response["Cache-Control"] = "no-store"
    return response


def _regency_name() -> str:
    region = Region.objects.filter(pk=settings.REGENCY_CODE).only("name").first()
    return region.name if region else ""


def home(request: HttpRequest) -> HttpResponse:
    """What the service is, with the main calls to action."""
    return render(request, "portal/home.html", {"regency_name": _regency_name(), "info_pages": INFO_PAGES})


# --- Membership check ----------------------------------------------------------------


def nik_rate_key(nik: str) -> str:
    """The rate-limit key for a NIK: a keyed hash (HMAC-SHA256 with SECRET_KEY).

    The cache (Redis/database) therefore never holds a NIK, and the key cannot be
    reversed by hashing all 10^16 candidate NIKs without the secret.
    """
    return hmac.new(settings.SECRET_KEY.encode(), f"portal-check:{nik}".encode(), hashlib.sha256).hexdigest()


def _client_rate(group: str, request: HttpRequest) -> str:
    return str(settings.PUBLIC_CHECK_RATE_PER_CLIENT)


def _nik_rate(group: str, request: HttpRequest) -> str:
    return str(settings.PUBLIC_CHECK_RATE_PER_NIK)


def client_limited(request: HttpRequest) -> bool:
    """Public look-ups per client address (membership check and application pre-check share it)."""
    return is_ratelimited(request, group=RATE_GROUP_CLIENT, key="ip", rate=_client_rate, method="POST", increment=True)


def nik_limited(request: HttpRequest, nik: str) -> bool:
    """Public look-ups per NIK, whatever the address (keyed hash, never the NIK)."""
    hashed = nik_rate_key(nik)
    return is_ratelimited(
        request,
        group=RATE_GROUP_NIK,
        key=lambda group, req: hashed,
        rate=_nik_rate,
        method="POST",
        increment=True,
    )


def _answer(person_id: int | None) -> dict[str, Any]:
    """Look up what the public may see. Both branches run the same queries."""
    today = timezone.localdate()
    decision = coverage_current(person_id or 0, on=today)
    current = decision.membership or decision.in_dates
    latest = membership_latest(person_id or 0)  # always queried: same work on every branch
    return {
        "membership": current,
        "covered": decision.covered,
        "latest": None if current is not None else latest,
        "today": today,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def membership_check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "portal/check.html", {"form": MembershipCheckForm(), "challenge": challenge_form(request)}
        )
    if client_limited(request):
        logger.info("cek kepesertaan publik: batas per klien tercapai")
        return ratelimited(request)
    form = MembershipCheckForm(request.POST)
    if not challenge_passed(request):
        form.is_valid()
        form.add_error(None, _("Selesaikan verifikasi otomatis di bawah ini, lalu kirim lagi."))
        return render(request, "portal/check.html", {"form": form, "challenge": challenge_form(request)})
    attempt_count(request)
    if not form.is_valid():
        return render(request, "portal/check.html", {"form": form, "challenge": challenge_form(request)}, status=200)
    nik = form.cleaned_data["nik"]
    if nik_limited(request, nik):
        logger.info("cek kepesertaan publik: batas per NIK tercapai")
        return ratelimited(request)
    person = person_for_public_check(nik=nik, birth_date=form.cleaned_data["birth_date"])
    answer = _answer(person.pk if person is not None else None)
    # Every public view of a person's data is audited; misses too (abuse monitoring),
    # with no NIK in the entry. Both branches write one row.
    if person is not None:
        audit_record(action="view", obj=person, summary="cek kepesertaan publik: ditemukan")
    else:
        audit_record(action="view", object_type="participants.Person", summary="cek kepesertaan publik: tidak cocok")
    context = {
        "found": person is not None,
        "masked_name": mask_name(person.name) if person is not None else "",
        "form": MembershipCheckForm(),
        "challenge": challenge_form(request),
        **answer,
    }
    return render(request, "portal/check_result.html", context)


# --- Provider directory --------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    query: dict[str, str] = {}
    providers = providers_public()
    if form.is_valid():
        data = form.cleaned_data
        providers = providers_public(q=data["q"], district_code=data["kecamatan"], kind=data["jenis"])
        query = {key: value for key, value in data.items() if value}
    page = Paginator(providers, conf.DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "portal/_directory_results.html" if getattr(request, "htmx", False) else "portal/directory.html"
    return render(request, template, {"form": form, "page": page, "query_string": urlencode(query)})


def directory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        provider = provider_public(provider_id=pk)
    except Provider.DoesNotExist:
        raise Http404 from None
    return render(request, "portal/directory_detail.html", {"provider": provider})


# --- Information pages ---------------------------------------------------------------


def info_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/info_index.html", {"info_pages": INFO_PAGES})


def info_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = info_page(slug)
    if page is None:
        raise Http404
    context = {
        "page": page,
        "info_pages": INFO_PAGES,
        "regency_name": _regency_name(),
        "office_name": conf.OFFICE_NAME,
        "contact_address": conf.CONTACT_ADDRESS,
        "contact_phone": conf.CONTACT_PHONE,
        "contact_email": conf.CONTACT_EMAIL,
        "office_hours": conf.OFFICE_HOURS,
    }
    return render(request, page.template, context)
