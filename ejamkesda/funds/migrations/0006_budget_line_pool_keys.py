"""Budget lines: the free-text pool becomes a pool key of the provider's regulation profile.

The old text is kept in ``pool_legacy`` so the change can be reversed. A line whose text names
no pool of the profile goes to the first pool allowed to pay for its category.
"""

from django.db import migrations

from ejamkesda.rules.profile import ProfileError, load_profile, parse_profile, shipped_profile_ids
from ejamkesda.rules.spending import map_legacy_pool


def _rules(receipt):
    try:
        parsed = parse_profile(receipt.profile.text)
    except ProfileError:
        return None
    has_rules = "belanja" in parsed.raw or any(line.categories for line in parsed.split)
    if not has_rules and receipt.profile.code in shipped_profile_ids():
        return load_profile(receipt.profile.code).spending, {line.code: line.name for line in parsed.split}
    return parsed.spending, {line.code: line.name for line in parsed.split}


def forward(apps, schema_editor):
    BudgetLine = apps.get_model("funds", "BudgetLine")
    FundReceipt = apps.get_model("funds", "FundReceipt")
    cache = {}
    for line in BudgetLine.objects.order_by("pk").iterator():
        key = (line.provider_id, line.year)
        if key not in cache:
            receipts = FundReceipt.objects.filter(provider_id=line.provider_id).select_related("profile")
            receipt = receipts.filter(period__year__lte=line.year).order_by("-period", "-id").first()
            receipt = receipt or receipts.order_by("period", "id").first()
            cache[key] = _rules(receipt) if receipt is not None else None
        if cache[key] is None:
            continue
        rules, names = cache[key]
        pool = map_legacy_pool(line.pool_code, line.category, rules, names)
        if pool is not None and pool != line.pool_code:
            line.pool_legacy, line.pool_code = line.pool_code, pool
            line.save(update_fields=["pool_code", "pool_legacy"])


def backward(apps, schema_editor):
    BudgetLine = apps.get_model("funds", "BudgetLine")
    for line in BudgetLine.objects.exclude(pool_legacy="").iterator():
        line.pool_code, line.pool_legacy = line.pool_legacy, ""
        line.save(update_fields=["pool_code", "pool_legacy"])


class Migration(migrations.Migration):
    dependencies = [("funds", "0005_budget_pool_keys_and_kas_daerah_deposits")]

    operations = [migrations.RunPython(forward, backward)]
