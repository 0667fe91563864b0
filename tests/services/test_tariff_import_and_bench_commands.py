from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from ejamkesda.services.models import TariffTable

pytestmark = pytest.mark.django_db


def test_import_tariffs_command(tmp_path, capsys):
    path = tmp_path / "tarif.csv"
    path.write_text("kode,uraian,tarif\nRJ01,Rawat jalan,35000\n", encoding="utf-8")
    call_command("import_tariffs", str(path), "--name", "Perbup Tarif", "--effective-from", "2026-01-01")
    assert TariffTable.objects.get().items.get().price == 35_000
    bad = tmp_path / "salah.csv"
    bad.write_text("kode,uraian,tarif\nRJ01,Rawat jalan,-5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("import_tariffs", str(bad), "--name", "X", "--effective-from", "2026-01-01")
    assert "baris 2, kolom tarif" in capsys.readouterr().err
    assert TariffTable.objects.count() == 1


def test_bench_claims_runs_on_a_small_table(capsys):
    from ejamkesda.services.models import Claim

    call_command("bench_claims", claims=300, people=30, providers=3, repeat=1)
    out = capsys.readouterr().out
    assert Claim.objects.count() == 300
    assert "verifikator: antrean klaim diajukan" in out and "kueri" in out
