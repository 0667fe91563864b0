"""Roles of docs/peran.md and what each may do (least privilege).

A user has exactly one role. PPK operators and treasurers are bound to one provider,
OPD operators to one agency, village and district officers to one region;
those bindings are enforced by the selectors in each
domain (``<thing>s_visible_to(user)``), never by templates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    UPT_ADMIN = "upt_admin", _("Admin UPT Jamkesda")
    UPT_VERIFIER = "upt_verifier", _("Verifikator UPT Jamkesda")
    PPK_OPERATOR = "ppk_operator", _("Operator PPK")
    TREASURER = "treasurer", _("Bendahara")
    OPD_OPERATOR = "opd_operator", _("Operator OPD")
    VIEWER = "viewer", _("Pimpinan (Dinkes/Bupati)")
    # Perbup Kapuas Hulu 9/2015 Pasal 9-11: Pejabat Pengadaan Barang dan Jasa pada Dinas Kesehatan.
    PROCUREMENT_OFFICER = "procurement_officer", _("Pejabat Pengadaan (Dinas Kesehatan)")

    # Instruksi Bupati Tegal 379/2022 KEDUA 6d and 20: the village receives its PBI list
    # every month; the district head follows the villages of the district.
    VILLAGE_OFFICER = "village_officer", _("Petugas desa (kepala/operator desa)")
    DISTRICT_OFFICER = "district_officer", _("Petugas kecamatan")


UPT_ROLES = frozenset({Role.UPT_ADMIN, Role.UPT_VERIFIER})
# Roles that may look at person-level data across the whole regency.
REGENCY_WIDE_PERSON_ROLES = UPT_ROLES
PROVIDER_BOUND_ROLES = frozenset({Role.PPK_OPERATOR, Role.TREASURER})
# The procurement official is bound to the agency Dinas Kesehatan.
AGENCY_BOUND_ROLES = frozenset({Role.OPD_OPERATOR, Role.PROCUREMENT_OFFICER})
# Bound to one region (``User.region``): a village (level 4) or a district (level 3).
REGION_BOUND_ROLES = frozenset({Role.VILLAGE_OFFICER, Role.DISTRICT_OFFICER})
REGION_LEVEL_OF_ROLE = {Role.VILLAGE_OFFICER: 4, Role.DISTRICT_OFFICER: 3}
