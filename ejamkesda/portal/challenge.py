"""Proof-of-work challenge (ALTCHA, self-hosted) for the public look-ups.

After ``settings.PUBLIC_CHALLENGE_AFTER`` attempts from one client address within
``PUBLIC_CHALLENGE_WINDOW_SECONDS``, the membership check and the application pre-check
ask the browser to solve an ALTCHA challenge (a few hundred thousand SHA-256 hashes, done
by the widget's script, served from our own static files — no outside service). A person
checking once never sees it; a script trying many NIKs pays for each try. The counter's
key is a keyed hash of the address, never the address itself (docs/portal-publik.md).
"""

from __future__ import annotations

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_altcha import AltchaField

from ejamkesda.audit.middleware import client_ip


class ChallengeForm(forms.Form):
    altcha = AltchaField(
        label=_("Verifikasi otomatis"), maxnumber=settings.PUBLIC_CHALLENGE_MAX_NUMBER, hidefooter=True
    )


def _key(request: HttpRequest) -> str:
    address = client_ip(request) or ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"public-attempts:{address}".encode(), hashlib.sha256)
    return "ejk:public-attempts:" + digest.hexdigest()


def attempts(request: HttpRequest) -> int:
    return int(cache.get(_key(request), 0))


def attempt_count(request: HttpRequest) -> None:
    """Count one public look-up from this address."""
    key = _key(request)
    cache.add(key, 0, timeout=settings.PUBLIC_CHALLENGE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.PUBLIC_CHALLENGE_WINDOW_SECONDS)


def challenge_required(request: HttpRequest) -> bool:
    return attempts(request) >= settings.PUBLIC_CHALLENGE_AFTER


def challenge_form(request: HttpRequest) -> ChallengeForm | None:
    """A fresh challenge to show, or None when this address does not need one yet."""
    return ChallengeForm() if challenge_required(request) else None


def challenge_passed(request: HttpRequest) -> bool:
    """True when no challenge is needed yet, or the posted solution is valid and unused."""
    if not challenge_required(request):
        return True
    try:
        ChallengeForm.base_fields["altcha"].clean(request.POST.get("altcha", ""))
    except ValidationError:
        return False
    return True
