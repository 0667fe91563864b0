"""Settings of the public portal: a typed view over ``django.conf.settings``, read at call
time (``override_settings`` works); the environment variables behind them are read once, in
``ejamkesda/settings.py`` (documented in the README).

PORTAL_OFFICE_NAME     name of the office running the service
PORTAL_CONTACT_ADDRESS its street address
PORTAL_CONTACT_PHONE   telephone / WhatsApp number shown on the contact page
PORTAL_CONTACT_EMAIL   e-mail address shown on the contact page
PORTAL_OFFICE_HOURS    opening hours
PORTAL_DIRECTORY_PAGE_SIZE  providers per page in the public directory (default 20)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

_SETTING = {
    "OFFICE_NAME": "PORTAL_OFFICE_NAME",
    "CONTACT_ADDRESS": "PORTAL_CONTACT_ADDRESS",
    "CONTACT_PHONE": "PORTAL_CONTACT_PHONE",
    "CONTACT_EMAIL": "PORTAL_CONTACT_EMAIL",
    "OFFICE_HOURS": "PORTAL_OFFICE_HOURS",
    "DIRECTORY_PAGE_SIZE": "PORTAL_DIRECTORY_PAGE_SIZE",
}

if TYPE_CHECKING:
    OFFICE_NAME: str
    CONTACT_ADDRESS: str
    CONTACT_PHONE: str
    CONTACT_EMAIL: str
    OFFICE_HOURS: str
    DIRECTORY_PAGE_SIZE: int
else:

    def __getattr__(name: str) -> Any:
        if name in _SETTING:
            return getattr(settings, _SETTING[name])
        raise AttributeError(name)
