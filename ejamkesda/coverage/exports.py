"""XLSX (openpyxl, write-only, streamed) and PDF (reportlab) downloads of person lists."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from ejamkesda.core.numbers import angka, xlsx_number_format
from ejamkesda.jobs.importing.report import safe_cell

# Names and addresses come from uploaded lists (agencies, BPJS, Dukcapil), so any of them
# may be hostile: text cells go through ``safe_cell`` (a leading apostrophe before
# = + - @ tab CR), never written as a formula.
_SHEET_FORBIDDEN = re.compile(r"[:\\/?*\[\]]")


def xlsx_response(filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append([safe_cell(title)])
    sheet.append([f"Dicetak {timezone.localtime():%d-%m-%Y %H:%M}"])
    sheet.append([safe_cell(column) for column in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_header(f"{filename}.xlsx")
    return response


def pdf_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, subtitle: str = ""
) -> HttpResponse:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=str(title),
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    story: list[Any] = [Paragraph(_escape(title), styles["Heading2"])]
    if subtitle:
        story.append(Paragraph(_escape(subtitle), styles["BodyText"]))
    story.append(Paragraph(f"Dicetak {timezone.localtime():%d-%m-%Y %H:%M}", styles["BodyText"]))
    story.append(Spacer(1, 4 * mm))
    data: list[list[Any]] = [[Paragraph(f"<b>{_escape(column)}</b>", cell) for column in header]]
    for row in rows:
        data.append([Paragraph(_escape(_pdf_text(value)), cell) for value in row])
    table = Table(data, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    document.build(story)
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = attachment_header(f"{filename}.pdf")
    return response


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: no ``: \\ / ? * [ ]``, at most 31 characters."""
    cleaned = " ".join(_SHEET_FORBIDDEN.sub(" ", str(title)).split()).strip("'")
    return cleaned[:31].strip() or "Data"


def attachment_header(filename: str) -> str:
    """``Content-Disposition`` for a download; quotes, CR/LF and non-ASCII are encoded."""
    return content_disposition_header(True, filename) or "attachment"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | dt.date):
        return value  # numbers and dates cannot carry a formula
    return safe_cell(value)  # str, lazy translations and anything else


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Numbers stay numbers, with a number format so the spreadsheet groups their digits."""
    value = _cell(value)
    number_format = xlsx_number_format(value)
    if number_format is None:
        return value
    from openpyxl.cell import WriteOnlyCell

    written = WriteOnlyCell(sheet, value=value)
    written.number_format = number_format
    return written


def _pdf_text(value: Any) -> Any:
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return angka(value)
    return value


def _escape(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
