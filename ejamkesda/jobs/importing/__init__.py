"""Generic streaming import library (CSV and XLSX), shared by every bulk import.

Pieces (each usable on its own):

* ``files.open_table(path)``: detects the real type from the content (not the name),
  the text encoding and the CSV delimiter, guards against zip bombs and huge sheets,
  and yields ``(row_number, cells)`` one row at a time (memory does not grow with size).
* ``headers.map_headers(header, columns)``: finds columns by header name, accepting
  Indonesian aliases, spacing, case and punctuation variants.
* ``values``: Indonesian date forms, sex, text cleaning (formula-looking cells refused).
* ``report.ErrorReport``: the rejected rows (row, column, value, reason) as CSV/XLSX with
  spreadsheet formulas escaped.
* ``runner.run_import(path, importer)``: the loop: validate every row, write accepted
  rows in atomic batches, report progress (validation optionally in a second thread).
* ``bulk``: fast portable writes (``COPY``/``executemany``) and per-connection staging
  tables for set-based ``INSERT … SELECT`` batches.

An importer is any object with ``columns``, ``clean_row`` and ``write_batch`` (see
``runner.Importer``); register it with ``ejamkesda.jobs.registry.register_import_kind``
so it gets the upload page, the background job and the job page for free.
"""

from ejamkesda.jobs.importing.base import Column, ImportFileError, RowError, RowInvalid

__all__ = ["Column", "ImportFileError", "RowError", "RowInvalid"]
