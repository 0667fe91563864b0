"""The letter handing premium receivables over to BPKAD (Instruksi Bupati Tegal 379/2022
KEDUA 23i), as a PDF (reportlab, like the other documents)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ejamkesda.core.numbers import rupiah
from ejamkesda.coverage.models import CollectionAttempt, ReceivableHandover


def _escape(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def handover_letter_pdf(handover: ReceivableHandover, segment_labels: dict[str, str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm
    )
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    story: list[Any] = [
        Paragraph(_escape(settings.COPYRIGHT_HOLDER.upper()), styles["Heading3"]),
        Paragraph(_("UPT JAMINAN KESEHATAN DAERAH"), styles["Heading4"]),
        Spacer(1, 4 * mm),
        Paragraph(_("Nomor: %(number)s") % {"number": _escape(handover.letter_number)}, body),
        Paragraph(_("Tanggal: %(date)s") % {"date": f"{handover.handed_on:%d-%m-%Y}"}, body),
        Paragraph(_("Perihal: Penyerahan penagihan piutang iuran JKN"), body),
        Spacer(1, 4 * mm),
        Paragraph(_("Kepada Yth. Kepala Badan Pengelolaan Keuangan dan Aset Daerah (BPKAD)"), body),
        Spacer(1, 3 * mm),
        Paragraph(
            _(
                "Berdasarkan Instruksi Bupati Tegal 379/2022 KEDUA angka 23 huruf i, setelah BPJS Kesehatan "
                "melakukan upaya penagihan sebagaimana tercatat di bawah ini, bersama ini kami serahkan "
                "penagihan piutang iuran berikut untuk ditindaklanjuti bersama BPKAD:"
            ),
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    rows: list[list[Any]] = [
        [_("Bulan"), _("Segmen"), _("Tagihan"), _("Dibayar"), _("Dihapus"), _("Sisa piutang"), _("Upaya")]
    ]
    for line in handover.lines:
        rows.append(
            [
                line["month"],
                segment_labels.get(line["segment"], line["segment"]),
                rupiah(int(line["billed"])),
                rupiah(int(line["paid"])),
                rupiah(int(line.get("written_off", 0))),
                rupiah(int(line["outstanding"])),
                str(line.get("attempts", "")),
            ]
        )
    rows.append([_("Jumlah"), "", "", "", "", rupiah(handover.total), ""])
    table = Table(rows, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f8")),
                ("ALIGN", (2, 1), (5, -1), "RIGHT"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm), Paragraph(_("Upaya penagihan oleh BPJS Kesehatan:"), body)]
    attempts = CollectionAttempt.objects.filter(bill__handover=handover).select_related("bill")
    for attempt in attempts:
        story.append(
            Paragraph(
                _escape(
                    f"{attempt.attempted_on:%d-%m-%Y} — {attempt.bill.month:%m-%Y}: {attempt.get_means_display()}, "
                    f"{attempt.by_whom}: {attempt.result}"
                ),
                body,
            )
        )
    if handover.note:
        story += [Spacer(1, 3 * mm), Paragraph(_escape(handover.note), body)]
    story += [
        Spacer(1, 12 * mm),
        Paragraph(_("Kepala UPT Jamkesda"), body),
        Spacer(1, 18 * mm),
        Paragraph("(...)", body),
    ]
    document.build(story)
    return buffer.getvalue()
