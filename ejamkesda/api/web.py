"""The API token page in the internal application (/app/token-api/), for UPT admins.

List every token (label, owner, scopes, expiry, last use), create one (the clear token is
shown once, on the answer to the POST, and never stored) and revoke one. The same service
functions as the ``api_token_create``/``api_token_revoke`` commands.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ejamkesda.api.models import ApiToken
from ejamkesda.api.scopes import Scope
from ejamkesda.api.tokens import token_create, token_revoke
from ejamkesda.core.permissions import role_required
from ejamkesda.core.roles import Role


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Pengguna pemilik token"), queryset=get_user_model().objects.none()
    )
    name = forms.CharField(label=gettext_lazy("Label (mis. SIMRS RSUD)"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Cakupan"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(label=gettext_lazy("Masa berlaku (hari)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(is_active=True).exclude(role="").order_by("username")
        )
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        self.fields["days"].initial = settings.API_TOKEN_DEFAULT_DAYS


@never_cache
@role_required(Role.UPT_ADMIN)
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = token_create(
                user=data["user"], name=data["name"], scopes=data["scopes"], days=data["days"], actor=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.select_related("user").order_by("revoked_at", "-created_at")
    context = {
        "form": form,
        "tokens": tokens,
        "created": created[0] if created else None,
        "raw": created[1] if created else "",
        "scope_labels": dict(Scope.choices),
    }
    return render(request, "api/tokens.html", context)


@require_POST
@role_required(Role.UPT_ADMIN)
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token %(prefix)s dicabut.") % {"prefix": token.prefix})
    return redirect("api_tokens:list")
