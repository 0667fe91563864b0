"""Settings of the public portal, read from the environment (documented in the README).

PORTAL_OFFICE_NAME     name of the office running the service
PORTAL_CONTACT_ADDRESS its street address
PORTAL_CONTACT_PHONE   telephone / WhatsApp number shown on the contact page
PORTAL_CONTACT_EMAIL   e-mail address shown on the contact page
PORTAL_OFFICE_HOURS    opening hours
PORTAL_DIRECTORY_PAGE_SIZE  providers per page in the public directory (default 20)
"""

from __future__ import annotations

import os

OFFICE_NAME = os.environ.get("PORTAL_OFFICE_NAME", "UPT Jaminan Kesehatan Daerah, Dinas Kesehatan")
CONTACT_ADDRESS = os.environ.get("PORTAL_CONTACT_ADDRESS", "")
CONTACT_PHONE = os.environ.get("PORTAL_CONTACT_PHONE", "")
CONTACT_EMAIL = os.environ.get("PORTAL_CONTACT_EMAIL", "")
OFFICE_HOURS = os.environ.get("PORTAL_OFFICE_HOURS", "Senin–Jumat, 08.00–16.00")
DIRECTORY_PAGE_SIZE = int(os.environ.get("PORTAL_DIRECTORY_PAGE_SIZE", "20"))
