"""Provider (PPK) register in the internal application (aplikasi khusus).

UPT admins manage providers; other staff read the list; PPK operators and treasurers
only ever see their own provider (another one is 404, docs/peran.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ejamkesda.core.forms import form_add_errors
from ejamkesda.core.permissions import role_required, user_has_role
from ejamkesda.core.roles import PROVIDER_BOUND_ROLES, Role
from ejamkesda.providers import services
from ejamkesda.providers.forms import ProviderFilterForm, ProviderForm
from ejamkesda.providers.models import Provider
from ejamkesda.providers.selectors import provider_for_user, providers_filter, providers_visible_to

ALL_STAFF = tuple(Role)
PAGE_SIZE = 25


@role_required(*ALL_STAFF)
def provider_list(request: HttpRequest) -> HttpResponse:
    if user_has_role(request.user, PROVIDER_BOUND_ROLES) and not request.user.is_superuser:
        # A PPK operator or treasurer has one provider: go straight to its page.
        provider_id = getattr(request.user, "provider_id", None)
        if provider_id is None:
            raise Http404
        return redirect("providers:detail", pk=provider_id)
    form = ProviderFilterForm(request.GET or None)
    providers = providers_visible_to(request.user)
    query: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        active = {"1": True, "0": False}.get(data["active"] or "")
        providers = providers_filter(
            providers,
            q=data["q"],
            district_code=data["district"],
            kind=data["kind"],
            level=data["level"],
            active=active,
        )
        query = {key: value for key, value in data.items() if value}
    page = Paginator(providers.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/list.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(query),
            "can_manage": user_has_role(request.user, {Role.UPT_ADMIN}),
        },
    )


def _get(request: HttpRequest, pk: int) -> Provider:
    try:
        return provider_for_user(user=request.user, provider_id=pk)
    except Provider.DoesNotExist:
        raise Http404 from None


@role_required(*ALL_STAFF)
def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _get(request, pk)
    return render(
        request,
        "providers/detail.html",
        {"provider": provider, "can_manage": user_has_role(request.user, {Role.UPT_ADMIN})},
    )


def _form_errors(form: ProviderForm, error: ValidationError) -> None:
    form_add_errors(form, error)
    form.describe_fields()


@role_required(Role.UPT_ADMIN)
def provider_create(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            provider = services.provider_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("PPK %(name)s ditambahkan.") % {"name": provider.name})
            return redirect("providers:detail", pk=provider.pk)
    return render(request, "providers/form.html", {"form": form, "title": _("PPK baru")})


@role_required(Role.UPT_ADMIN)
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _get(request, pk)
    initial: dict[str, Any] = {name: getattr(provider, name) for name in services.EDITABLE_FIELDS}
    form = ProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_update(provider=provider, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Perubahan PPK %(name)s disimpan.") % {"name": form.cleaned_data["name"]})
            return redirect("providers:detail", pk=provider.pk)
    return render(request, "providers/form.html", {"form": form, "title": _("Ubah PPK"), "provider": provider})
