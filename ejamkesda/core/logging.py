"""Log filter that masks anything shaped like a NIK (16 digits).

docs/arsitektur.md: the NIK never appears in a log line. Views never put it in a URL, and
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


class RedactingFormatter(logging.Formatter):
    """Formats a record, then masks every NIK in the whole text.

    The filter above only sees the message; an exception's text (``str(error)``, a
    database error's DETAIL line with the row's values) and the traceback are added by
    the formatter, so the formatter redacts them too. The cached ``record.exc_text`` is
    redacted as well, so a second handler reusing it never sees the raw value.
    """

    def formatException(self, ei: object) -> str:
        return redact_nik(super().formatException(ei))  # type: ignore[arg-type]

    def formatStack(self, stack_info: str) -> str:
        return redact_nik(super().formatStack(stack_info))

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_text:
            record.exc_text = redact_nik(record.exc_text)
        return redact_nik(super().format(record))
