from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ejamkesda.accounts import services
from ejamkesda.accounts.forms import UserForm
from ejamkesda.accounts.models import User
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
