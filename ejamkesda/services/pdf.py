"""PDF documents: the SJP letter with its verification QR code, and report tables."""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.paragraph import Paragraph

from ejamkesda.services import icd
from ejamkesda.services.models import Sjp


def _draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code from segno's module matrix as vector squares (no image library needed)."""
    qr = segno.make(data, error="m")
    matrix = [list(row) for row in qr.matrix]
    count = len(matrix) + 8  # 4-module quiet zone on each side
    module = size / count
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (col_index + 4) * module,
                    y + size - (row_index + 5) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


LABEL_X = 20 * mm
VALUE_X = 62 * mm
LINE = 5 * mm
QR_SIZE = 40 * mm


def _letter_rows(sjp: Sjp) -> list[tuple[str, str]]:
    """Label and value of each line, all in the active language (one language per letter)."""
    decided = timezone.localtime(sjp.decided_at) if sjp.decided_at else None  # the regency's TIME_ZONE
    period = f"{sjp.service_from:%d-%m-%Y}"
    if sjp.service_to:
        period = _("%(start)s s.d. %(end)s") % {"start": period, "end": f"{sjp.service_to:%d-%m-%Y}"}
    membership = sjp.membership
    card = membership.card_number if membership is not None and membership.card_number else "-"
    return [
        (_("Nomor"), sjp.number or "-"),
        (_("Pasien"), sjp.person.name),
        (_("Nomor kartu"), card),
        (_("PPK"), f"{sjp.provider.name} ({sjp.provider.code})"),
        (_("Jenis pelayanan"), str(sjp.get_service_kind_display())),
        (_("Diagnosis"), f"{sjp.diagnosis_code} {icd.describe(sjp.diagnosis_code)}".strip()),
        (_("PPK perujuk"), sjp.referring_provider.name if sjp.referring_provider else "-"),
        (_("Tanggal pelayanan"), period),
        (_("Berlaku sampai"), f"{sjp.valid_until:%d-%m-%Y}" if sjp.valid_until else "-"),
        (_("Disetujui"), f"{decided:%d-%m-%Y %H:%M} {decided.tzname() or ''}".strip() if decided else "-"),
    ]


def sjp_letter_pdf(sjp: Sjp, *, verify_url: str) -> bytes:
    """The SJP letter in the active language, with its verification QR code.

    Layout: the QR code and its caption sit in their own column on the right; every value
    wraps inside the column left of it, so a long diagnosis never runs under the caption.
    Times are in the regency's time zone (``TIME_ZONE``); the membership card number is printed.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"SJP {sjp.number}")
    width, height = A4
    top = height - 25 * mm
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(LABEL_X, top, _("SURAT JAMINAN PELAYANAN (SJP)"))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(LABEL_X, top - 6 * mm, _("e-Jamkesda — UPT Jaminan Kesehatan Daerah"))
    qr_x = width - 20 * mm - QR_SIZE
    value_width = qr_x - 6 * mm - VALUE_X
    label_width = VALUE_X - LABEL_X - 2 * mm
    y = top - 18 * mm
    for label, value in _letter_rows(sjp):
        label_lines = simpleSplit(label, "Helvetica-Bold", 10, label_width)
        value_lines = simpleSplit(value, "Helvetica", 10, value_width) or ["-"]
        for index, text in enumerate(label_lines):
            canvas.setFont("Helvetica-Bold", 10)
            canvas.drawString(LABEL_X, y - index * LINE, text)
        for index, text in enumerate(value_lines):
            canvas.setFont("Helvetica", 10)
            canvas.drawString(VALUE_X, y - index * LINE, text)
        y -= max(len(label_lines), len(value_lines)) * LINE + 2 * mm
    qr_y = top - 10 * mm - QR_SIZE
    _draw_qr(canvas, verify_url, qr_x, qr_y, QR_SIZE)
    canvas.setFont("Helvetica", 8)
    for index, text in enumerate(simpleSplit(_("Pindai untuk memeriksa keabsahan"), "Helvetica", 8, QR_SIZE)):
        canvas.drawString(qr_x, qr_y - 4 * mm - index * 3.5 * mm, text)
    footer_y = min(20 * mm, y - 6 * mm)
    for index, text in enumerate(
        simpleSplit(_("Verifikasi: %(url)s") % {"url": verify_url}, "Helvetica", 8, width - 2 * LABEL_X)
    ):
        canvas.drawString(LABEL_X, footer_y - index * 3.5 * mm, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def table_pdf(title: str, sections: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """A landscape A4 report: one titled table per section (header row + rows)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, leftMargin=15 * mm, rightMargin=15 * mm)
    styles = getSampleStyleSheet()
    story: list[object] = [Paragraph(title, styles["Title"])]
    for heading, header, rows in sections:
        story.append(Paragraph(heading, styles["Heading2"]))
        data = [list(header)] + [[_cell(value) for value in row] for row in rows]
        if not rows:
            data.append([_("(tidak ada data)")] + [""] * (len(header) - 1))
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                    ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f8")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    document.build(story)  # type: ignore[arg-type]
    return buffer.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return str(value)
