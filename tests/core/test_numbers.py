"""Numbers and rupiah follow the reader's language (pages, PDFs, notifications, exports)."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ejamkesda.core.numbers import angka, rupiah

NBSP = "\N{NO-BREAK SPACE}"


def test_rupiah_and_angka_per_language():
    assert rupiah(145000, language="id") == f"Rp{NBSP}145.000"
    assert rupiah(145000, language="en") == f"Rp{NBSP}145,000"
    assert angka(3000, language="id") == "3.000"
    assert angka(3000, language="en") == "3,000"
    assert angka(Decimal("97.25"), 1, language="id") == "97,2"
    assert angka(97.25, 1, language="en") == "97.2"
    assert rupiah(-2500, language="id") == f"-Rp{NBSP}2.500"


def test_empty_and_non_numbers_pass_through():
    assert angka(None) == "" and rupiah("") == ""
    assert angka("—") == "—" and rupiah("n/a") == "n/a"
    assert angka("12000", language="id") == "12.000"


def test_template_filters_are_built_in_and_follow_the_active_language():
    template = Template("{{ amount|rupiah }} / {{ people|angka }} / {{ share|angka:1 }}")
    context = Context({"amount": 145000, "people": 3000, "share": 97.25})
    with translation.override("id"):
        assert template.render(context) == f"Rp{NBSP}145.000 / 3.000 / 97,2"
    with translation.override("en"):
        assert template.render(context) == f"Rp{NBSP}145,000 / 3,000 / 97.2"


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["id", "en"]))
def test_grouping_keeps_the_value(value, language):
    separator = "." if language == "id" else ","
    text = angka(value, language=language)
    assert int(text.replace(separator, "")) == value
    groups = text.lstrip("-").split(separator)
    assert all(len(group) == 3 for group in groups[1:]) and 1 <= len(groups[0]) <= 3
    assert rupiah(value, language=language).replace("Rp" + NBSP, "") == text


def test_report_xlsx_keeps_numbers_as_numbers_with_formats():
    import io

    from openpyxl import load_workbook

    from ejamkesda.services.reports import Section, report_xlsx

    content = report_xlsx(
        "Laporan", [Section("Per PPK", ["PPK", "Jumlah klaim", "Diajukan (Rp)"], [["RS", 3000, 145000]])]
    )
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    count, amount = sheet.cell(row=4, column=2), sheet.cell(row=4, column=3)
    assert count.value == 3000 and count.number_format == "#,##0"
    assert amount.value == 145000 and amount.number_format == '"Rp" #,##0'
    assert sheet.cell(row=4, column=1).number_format == "General"


def test_person_list_xlsx_and_pdf_group_digits():
    import io

    from openpyxl import load_workbook

    from ejamkesda.coverage.exports import pdf_response, xlsx_response

    response = xlsx_response("daftar", "Daftar", ["Desa", "Penduduk"], [["Sepaku", 3000]])
    cell = load_workbook(io.BytesIO(response.content)).active.cell(row=4, column=2)
    assert cell.value == 3000 and cell.number_format == "#,##0"
    with translation.override("en"):
        pdf = pdf_response("daftar", "Daftar", ["Desa", "Penduduk"], [["Sepaku", 3000]])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
