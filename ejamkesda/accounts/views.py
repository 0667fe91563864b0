from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.accounts import services
from ejamkesda.accounts.forms import DutyRelaxationForm, UserForm
from ejamkesda.accounts.models import DutyRelaxation, User
from ejamkesda.core.duties import duties_relax
from ejamkesda.core.forms import form_add_errors
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role


@role_required(Role.UPT_ADMIN)
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("provider", "agency", "region").order_by("username")
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@role_required(Role.UPT_ADMIN)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password"] or None,
                role=data["role"],
                full_name=data["full_name"],
                email=data["email"],
                provider=data["provider"],
                agency=data["agency"],
                region=data["region"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Pengguna %(name)s dibuat.") % {"name": user.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Pengguna baru")})


@role_required(Role.UPT_ADMIN)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    initial = {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "role": user.role,
        "provider": user.provider,
        "agency": user.agency,
        "region": user.region,
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first, _sep, last = data["full_name"].partition(" ")
        try:
            services.user_update(
                user=user,
                role=data["role"],
                email=data["email"],
                provider=data["provider"],
                agency=data["agency"],
                region=data["region"],
                is_active=data["is_active"],
                first_name=first,
                last_name=last,
            )
            if data["password"]:
                services.user_password_set(user=user, password=data["password"], actor=request.user)
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("Pengguna %(name)s diperbarui.") % {"name": user.username})
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": user.username, "target": user})


@role_required(Role.UPT_ADMIN)
def duty_relaxations(request: HttpRequest) -> HttpResponse:
    """Relax separation of duties for a one-person puskesmas, with a recorded reason and end
    date; or end a relaxation (core/duties.py decides, audits and enforces)."""
    form = DutyRelaxationForm(request.POST or None)
    if request.method == "POST":
        end = request.POST.get("end")
        if end:
            relaxation = get_object_or_404(DutyRelaxation, pk=end, ended_at__isnull=True)
            duties_relax(provider=relaxation.provider, reason="", actor=request.user)
            messages.success(request, _("Pelonggaran diakhiri; pemisahan tugas berlaku lagi."))
            return redirect("accounts:duty_relaxations")
        if form.is_valid():
            data = form.cleaned_data
            try:
                duties_relax(provider=data["provider"], reason=data["reason"], until=data["until"], actor=request.user)
            except ValidationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("Pelonggaran pemisahan tugas dicatat."))
                return redirect("accounts:duty_relaxations")
    records = DutyRelaxation.objects.select_related("provider", "granted_by", "ended_by")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "today": timezone.localdate()}
    return render(request, "accounts/duty_relaxations.html", context, status=400 if form.errors else 200)
