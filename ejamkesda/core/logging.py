"""Log filter that masks anything shaped like a NIK (16 digits).

DESIGN.md §6: the NIK never appears in a log line. Views never put it in a URL, and
this filter is the second line of defence for whatever a library logs.
"""

from __future__ import annotations

import logging
import re

NIK_PATTERN = re.compile(r"(?<!\d)\d{16}(?!\d)")


def redact_nik(text: str) -> str:
    return NIK_PATTERN.sub("****************", text)


class RedactNikFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_nik(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True
