from __future__ import annotations

import pytest

from ejamkesda.regions.models import Region
from ejamkesda.regions.services import region_code_normalize, regions_load

pytestmark = pytest.mark.django_db


def test_load_regions_brings_all_of_indonesia_and_is_idempotent():
    added = regions_load()
    assert added > 80_000
    regency = Region.objects.get(code="64.09")
    assert regency.level == Region.Level.REGENCY and regency.parent_id == "64"
    districts = Region.objects.filter(parent=regency, level=Region.Level.DISTRICT)
    assert districts.exists()
    village = Region.objects.filter(parent=districts.first(), level=Region.Level.VILLAGE).first()
    assert village is not None and village.code.startswith(districts.first().code + ".")
    # Other provinces too: people who moved keep valid addresses.
    assert Region.objects.filter(code="32.76").exists()
    assert regions_load() == 0


@pytest.mark.parametrize(
    ("raw", "dotted"), [("6409012001", "64.09.01.2001"), ("64.09", "64.09"), ("640901", "64.09.01")]
)
def test_codes_are_normalised(raw, dotted):
    assert region_code_normalize(raw) == dotted
