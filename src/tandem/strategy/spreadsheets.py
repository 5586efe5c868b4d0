"""Spreadsheet import of initiatives and objectives (CSV, XLSX) and export of the portfolio.

Why not django-import-export. Its dry runs and row errors are what issue 3 asks for, but its
``ModelResource`` builds model instances field by field through widgets and saves them with
``Model.save()``. Tandem's rules live in the services: co-leads from the right side, siloed
objectives only as drafts, tenancy, the ``it_involved_stage`` record, timeline transitions and
the audit trail. Routing a resource through the services means overriding
``get_or_init_instance``, ``import_instance``, ``save_instance`` and ``save_m2m`` (and
``get_queryset`` on every ``ForeignKeyWidget``, whose unscoped queries the tenant manager
refuses): what would remain is its loop and its ``Result`` object. Besides, its row numbers count
data rows after tablib has dropped blank lines (not the row numbers a person sees in the sheet),
its validation errors are Django ``ValidationError`` dicts (ours are ``TandemError`` with a
field), one row maps to one model (an initiative row here writes an initiative, a success
measure, key-result links and departments), and it brings admin integration and diff-match-patch
we would not use. So the loop is written here, and ``tablib[xlsx]`` (which it builds on) writes
the files. Reading uses the stdlib ``csv`` reader and openpyxl (installed by ``tablib[xlsx]``)
directly, because tablib's loaders drop blank CSV lines (shifting the row numbers we report) and
load a whole sheet before the row and size limits can apply.

How an import runs. Every row goes through the services (``objective_create``/``_update``,
``initiative_create``/``_update``, ``success_measure_add``, ``key_result_link_add``) inside one
``transaction.atomic()``, each row in its own savepoint so one failure does not hide the next.
A dry run does everything and rolls back; a commit does the same and rolls back as soon as any
row has an error, so it saves all rows or none.

Formats. The first non-empty row holds the headers, in any language Tandem speaks (a template
downloaded in Dutch imports under an English interface), matched case-insensitively and ignoring
``*``, anything in brackets, hyphens and a trailing "e-mail" ("IT co-lead (e-mail)" = "it co
lead"). Unknown columns are ignored with a warning; empty rows are skipped; row numbers are the
sheet's (the header is usually row 1). People are matched by e-mail among the organisation's
active members, departments by name, objectives and key results by title (case-insensitive);
a key result is "Objective title / metric", or the metric alone when only one key result has it.
Dates: 2026-12-31, 31-12-2026 (also with / or .) and real Excel dates. A cell that starts with an
apostrophe followed by = + - @ loses the apostrophe, so our own escaped exports read back as written.

Existing rows. A row whose Title matches one existing initiative (or objective) of the
organisation *updates* it through the update service; blank cells leave fields unchanged (to
clear a field, edit it in Tandem). Its success measure is added unless one of that name exists;
key-result links are added unless present. Two existing rows with the title, or the same title
twice in the file, are row errors. Imported initiatives start at the idea stage, as every new
initiative does; the Stage column of an export is ignored.

Limits: 2 MB, 1,000 data rows, 60 columns, 64 MB and a million elements of unzipped XLSX content,
and 5,000 rows read in all, empty ones included: a few kilobytes of XLSX can hold millions of
empty rows or cells (or one row numbered a million, which the reader pads out with empty ones),
and a CSV file can be nothing but line breaks, so skipping empty rows must not mean reading them
without end. A sheet that says it is larger than that is refused before a row is read. Old .xls
files, other binaries and undecodable text (UTF-8 with or without BOM, then Windows-1252) are refused
with a message, never a server error. The row limit is 1,000 rather than the 5,000 first asked
for: going through the services costs about 20 queries and 5 ms of CPU per initiative row
(measured on the 2-core reference machine), so 5,000 rows would hold SQLite's only write lock
for 25 s or more, twice (preview and commit): past the 20 s busy timeout, so everyone else's
writes would fail meanwhile, and close to the 60 s worker timeout. 1,000 rows take about 5 s.
Raising it means running the import as a background task.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, cast

import tablib  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from openpyxl import load_workbook

from tandem.core.audit import audit_record
from tandem.core.errors import TandemError, ValidationFailed
from tandem.core.exports import FORMULA_STARTS, escape_formula
from tandem.core.models import Department, Membership, Organization, Side
from tandem.strategy import services
from tandem.strategy.gate import SIGNALS, gate_missing, signals_of
from tandem.strategy.models import (
    Initiative,
    KeyResult,
    KeyResultLink,
    Objective,
    ObjectiveStatus,
    Stage,
    SuccessMeasure,
    quarter_bounds,
)
from tandem.strategy.selectors import SIGNAL_FIELDS, SORTS, PortfolioFilters, initiative_portfolio

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000  # see the module docstring
MAX_COLUMNS = 60
MAX_UNZIPPED = 64 * 1024 * 1024
# Every row read counts against this, empty or not; generous for empty rows between and below data.
MAX_ROWS_READ = 5 * MAX_ROWS
# Elements (counted as "<") in the whole unpacked workbook. openpyxl parses a sheet without a
# <dimension> twice, the first time keeping every element in memory, and its shared strings in
# full before the first row: tens of megabytes of "<c/>" or "<row/>" take a minute and gigabytes.
# 1,000 full rows of 60 columns with their shared strings come to about half of this.
MAX_MARKUP = 1_000_000
KINDS = ("initiatives", "objectives")
EXPORT_FORMATS = ("csv", "xlsx")


class SpreadsheetError(ValidationFailed):
    """The file as a whole cannot be imported (format, size, encoding, missing column)."""

    code = "spreadsheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise  # in the reader's language; a file's headers may be in any language Tandem speaks


INITIATIVE_COLUMNS = (
    Column("title", gettext_lazy("Title*")),
    Column("summary", gettext_lazy("Summary")),
    Column("business_outcome", gettext_lazy("Business outcome")),
    Column("definition_of_success", gettext_lazy("Definition of success")),
    Column("business_co_lead", gettext_lazy("Business co-lead (e-mail)")),
    Column("it_co_lead", gettext_lazy("IT co-lead (e-mail)")),
    Column("sponsor", gettext_lazy("Sponsor (e-mail)")),
    Column("budget_amount", gettext_lazy("Budget")),
    Column("budget_currency", gettext_lazy("Currency")),
    Column("start_date", gettext_lazy("Start date")),
    Column("target_date", gettext_lazy("Target date")),
    Column("departments", gettext_lazy("Departments (comma-separated names)")),
    Column("end_user_input_who", gettext_lazy("End users asked")),
    Column("end_user_input_when", gettext_lazy("End users asked on")),
    Column("end_user_input_summary", gettext_lazy("End users said")),
    Column("end_user_input_waiver", gettext_lazy("No end-user input because")),
    Column("measure_name", gettext_lazy("Success measure")),
    Column("measure_baseline", gettext_lazy("Measure baseline")),
    Column("measure_target", gettext_lazy("Measure target")),
    Column("measure_unit", gettext_lazy("Measure unit")),
    Column("measure_by_date", gettext_lazy("Measure by")),
    Column(
        "key_results", gettext_lazy("Key results (semicolon-separated, Objective title / key result metric)")
    ),
)
OBJECTIVE_COLUMNS = (
    Column("title", gettext_lazy("Title*")),
    Column("description", gettext_lazy("Description")),
    Column("period_start", gettext_lazy("Period start*")),
    Column("period_end", gettext_lazy("Period end*")),
    Column("period", gettext_lazy("Period (instead of start and end, e.g. Q1 2027)")),
    Column("business_owner", gettext_lazy("Business owner (e-mail)")),
    Column("it_owner", gettext_lazy("IT owner (e-mail)")),
    Column("status", gettext_lazy("Status")),
)
COLUMNS = {"initiatives": INITIATIVE_COLUMNS, "objectives": OBJECTIVE_COLUMNS}
INITIATIVE_TEXT = (
    "summary",
    "business_outcome",
    "definition_of_success",
    "budget_currency",
    "end_user_input_who",
    "end_user_input_summary",
    "end_user_input_waiver",
)


def known_headers(columns: Sequence[Column]) -> dict[str, str]:
    """Each column's header in every language Tandem speaks, normalised, to its key: a template
    downloaded in Dutch imports under an English interface, and the other way round."""
    known: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            known.update({normalise_header(str(c.header)): c.key for c in columns})
    return known


def normalise_header(header: str) -> str:
    """The comparable form of a header: "IT co-lead (e-mail)*" and "it co lead" are equal."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|\*", " ", header.lower())
    text = " ".join(re.sub(r"[-_:]", " ", text).split())
    return re.sub(r"\s+e ?mail$", "", text)


# --- Reading a file ---------------------------------------------------------------------------


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number in the sheet, cells), empty rows left out
    skipped: int = 0


def _markup(archive: zipfile.ZipFile) -> int:
    """How many elements (``<``) the archive holds once unpacked, counted up to just past
    ``MAX_MARKUP`` (a part's declared size is what it unpacks to: ``zipfile`` reads no further)."""
    count = 0
    for item in archive.infolist():
        with archive.open(item) as part:
            while count <= MAX_MARKUP and (chunk := part.read(1 << 20)):
                count += chunk.count(b"<")
    return count


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    too_large = _("The workbook is too large once unpacked; save a smaller one.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED:
                raise SpreadsheetError(too_large)
            if _markup(archive) > MAX_MARKUP:
                raise SpreadsheetError(too_large)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
        raise SpreadsheetError(_("The file is damaged: it looks like XLSX but cannot be opened.")) from None
    book = None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.active if hasattr(book.active, "iter_rows") else book.worksheets[0]
        declared = sheet.max_row  # from the sheet's own <dimension>, when it has one
        if declared is not None and declared > MAX_ROWS_READ:
            raise SpreadsheetError(_too_many_rows(declared))
        # Never past the bound, whatever the sheet declares: the reader pads a gap in the row
        # numbers with empty rows, one by one.
        yield from sheet.iter_rows(
            min_row=1, max_row=MAX_ROWS_READ + 1, max_col=MAX_COLUMNS, values_only=True
        )
    except SpreadsheetError:
        raise
    except Exception:  # openpyxl raises anything from KeyError to TypeError on a damaged workbook
        raise SpreadsheetError(_("The file could not be read as an XLSX workbook.")) from None
    finally:
        if book is not None:
            book.close()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("The text could not be read: save the CSV file as UTF-8 and try again."))


def _csv_rows(text: str) -> Iterator[Sequence[Any]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise SpreadsheetError(_("The CSV file could not be read: %(e)s") % {"e": error}) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows_read() -> str:
    return _(
        "The file has more than %(max)s rows, counting empty ones. "
        "Delete the empty rows below your data, or split the file."
    ) % {"max": f"{MAX_ROWS_READ:,}"}


def _too_many_rows(count: int) -> str:
    return _(
        "The file has %(count)s rows, counting empty ones; Tandem reads at most %(max)s. "
        "Delete the empty rows below your data, or split the file."
    ) % {"count": f"{count:,}", "max": f"{MAX_ROWS_READ:,}"}


def sheet_read(content: bytes) -> Sheet:
    """The headers and non-empty rows of a CSV or XLSX file; ``SpreadsheetError`` otherwise, as
    soon as more than ``MAX_ROWS_READ`` rows have been read, empty ones included."""
    sheet = Sheet(headers=[], rows=[])
    blanks = 0  # empty rows count as skipped only when a row follows them, not a sheet's tail
    for number, cells in enumerate(_file_rows(content), start=1):
        if number > MAX_ROWS_READ:
            raise SpreadsheetError(_too_many_rows_read())
        values = list(cells)[:MAX_COLUMNS]
        while values and _blank(values[-1]):
            values.pop()
        if not values:
            blanks += 1 if sheet.headers else 0
            continue
        sheet.skipped, blanks = sheet.skipped + blanks, 0
        if not sheet.headers:
            sheet.headers = [_display(v) for v in values]
        elif len(sheet.rows) >= MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(n)s rows; split it into smaller files.") % {"n": f"{MAX_ROWS:,}"}
            )
        else:
            sheet.rows.append((number, values))
    if not sheet.headers:
        raise SpreadsheetError(_("The file is empty."))
    return sheet


def _file_rows(content: bytes) -> Iterator[Sequence[Any]]:
    """The rows of a CSV or XLSX file, told apart by their first bytes; ``SpreadsheetError`` otherwise."""
    if len(content) > MAX_BYTES:
        raise SpreadsheetError(_("The file is larger than 2 MB; split it into smaller files."))
    if not content.strip():
        raise SpreadsheetError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(_("Old Excel (.xls) files are not supported: save it as .xlsx or CSV."))
    if b"\x00" in content[:8192]:
        raise SpreadsheetError(_("This is not a CSV or XLSX file."))
    return _csv_rows(_decode(content))


def _display(value: Any) -> str:
    """A cell as text: dates in ISO form, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS[:4]:
        return text[1:]
    return text


# --- Reading cells ----------------------------------------------------------------------------


class CellError(Exception):
    """A cell could not be understood; the message is shown in the row's errors."""


def parse_date(value: Any) -> date:
    """ISO (2026-12-31), day first (31-12-2026, 31/12/2026, 31.12.2026) or an Excel date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _display(value)
    match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise CellError(_("“%(v)s” is not a date: write 2026-12-31 or 31-12-2026.") % {"v": text}) from None


def parse_number(value: Any) -> Decimal:
    """A number; "1,250,000.50", "1.250.000,50" and "1 250" are understood."""
    if isinstance(value, bool):
        raise CellError(_("Enter a number."))
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"[\s_'\u00a0\u202f]", "", _display(value))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", "") if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text) else text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(v)s” is not a number.") % {"v": _display(value)}) from None
    if not number.is_finite():
        raise CellError(_("Enter a finite number."))
    return number


def parse_period(value: Any) -> tuple[date, date]:
    """A quarter such as "Q1 2027", "2027 Q1" or "2027-Q1" (K for kwartaal too: "K1 2027")."""
    text = _display(value).upper()
    match = re.fullmatch(r"[QK]([1-4])[\s\-/]*(\d{4})", text) or re.fullmatch(
        r"(\d{4})[\s\-/]*[QK]([1-4])", text
    )
    if not match:
        raise CellError(_("“%(v)s” is not a quarter: write Q1 2027.") % {"v": _display(value)})
    a, b = match.groups()
    year, quarter = (int(b), int(a)) if len(a) == 1 else (int(a), int(b))
    return quarter_bounds(year, quarter)


class Lookups:
    """What rows refer to, loaded once per import: members, departments, key results, titles."""

    def __init__(self, org: Organization, kind: str) -> None:
        members = Membership.objects.for_org(org).filter(is_active=True).select_related("user")
        self.members = {m.user.email.lower(): m for m in members}
        self.departments = {d.name.lower(): d for d in Department.objects.for_org(org)}
        self.key_results: dict[str, list[KeyResult]] = {}
        model: type[Initiative] | type[Objective] = Initiative if kind == "initiatives" else Objective
        self.titles: dict[str, list[int]] = {}
        for pk, title in model.objects.for_org(org).values_list("pk", "title"):
            self.titles.setdefault(title.strip().lower(), []).append(pk)
        if kind == "initiatives":
            for kr in KeyResult.objects.for_org(org).select_related("objective"):
                self.key_results.setdefault(kr.metric.strip().lower(), []).append(kr)

    def member(self, text: str) -> Membership:
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(v)s” is not an e-mail address.") % {"v": text}) from None
        member = self.members.get(text.lower())
        if member is None:
            raise CellError(_("No active member of this organisation has the e-mail %(v)s.") % {"v": text})
        return member

    def department_list(self, text: str) -> list[Department]:
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name.lower() not in self.departments]
        if unknown:
            raise CellError(_("Unknown department: %(v)s.") % {"v": ", ".join(unknown)})
        return [self.departments[name.lower()] for name in names]

    def key_result(self, ref: str) -> KeyResult:
        """A key result by metric, or by "Objective title / metric" when the metric is not unique."""
        alone = self.key_results.get(ref.lower(), [])
        if len(alone) == 1:
            return alone[0]
        qualified = {
            kr.pk: kr
            for i, char in enumerate(ref)
            if char == "/"
            for kr in self.key_results.get(ref[i + 1 :].strip().lower(), [])
            if kr.objective.title.strip().lower() == ref[:i].strip().lower()
        }
        if len(qualified) == 1:
            return next(iter(qualified.values()))
        if alone or qualified:
            raise CellError(
                _("Several key results match “%(v)s”: write it as “Objective title / metric”.") % {"v": ref}
            )
        raise CellError(_("No key result “%(v)s” in this organisation.") % {"v": ref})


# --- Importing rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as the sheet shows it
    column: str  # the file's header, or ours when the file has no such column
    message: str


@dataclass
class RowResult:
    row: int
    title: str
    action: str  # "create" or "update"
    cells: list[str]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did or would do: one result per non-empty row, and file-level warnings."""

    kind: str
    columns: list[str]
    rows: list[RowResult]
    warnings: list[str]
    skipped: int = 0
    committed: bool = False

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def created(self) -> int:
        return sum(row.action == "create" and not row.errors for row in self.rows)

    @property
    def updated(self) -> int:
        return sum(row.action == "update" and not row.errors for row in self.rows)


class RowReader:
    """One row's cells by column key; parse failures are collected, not raised."""

    def __init__(self, number: int, cells: list[Any], index: dict[str, int], headers: dict[str, str]) -> None:
        self.number, self.cells, self.index, self.headers = number, cells, index, headers
        self.errors: list[RowError] = []

    def raw(self, key: str) -> Any:
        position = self.index.get(key)
        if position is None or position >= len(self.cells) or _blank(self.cells[position]):
            return None
        return self.cells[position]

    def text(self, key: str) -> str:
        return _display(self.raw(key))

    def fail(self, key: str | None, message: str) -> None:
        self.errors.append(RowError(self.number, self.headers.get(key or "", ""), message))

    def parsed(self, key: str, parse: Any, data: dict[str, Any], name: str | None = None) -> None:
        """Put ``parse(cell)`` in ``data[name or key]`` when the cell is filled."""
        value = self.raw(key)
        if value is None:
            return
        try:
            data[name or key] = parse(value) if parse is not None else _display(value)
        except CellError as error:
            self.fail(key, str(error))


class Importer:
    """Applies the rows of one kind through the services; subclasses read one row each."""

    kind = ""
    already_called: ClassVar[str | Promise] = ""  # "%(n)s initiatives are already called “%(t)s”…"
    field_keys: ClassVar[dict[str, str]] = {}  # a service's ``error.field`` → our column key

    def __init__(self, actor: Membership, sheet: Sheet) -> None:
        self.actor = actor
        self.lookups = Lookups(actor.organization, self.kind)
        columns = COLUMNS[self.kind]
        known = known_headers(columns)
        self.index: dict[str, int] = {}
        self.headers = {c.key: str(c.header).rstrip("*") for c in columns}
        self.unknown: list[str] = []
        for position, header in enumerate(sheet.headers):
            key = known.get(normalise_header(header))
            if key is None:
                if header:
                    self.unknown.append(header)
            elif key in self.index:
                raise SpreadsheetError(_("The column “%(c)s” appears twice.") % {"c": header})
            else:
                self.index[key] = position
                self.headers[key] = header
        if "title" not in self.index:
            raise SpreadsheetError(_("The file has no Title column (the first row must hold the headers)."))
        self.seen: dict[str, int] = {}

    def run(self, sheet: Sheet) -> list[RowResult]:
        results = []
        for number, cells in sheet.rows:
            reader = RowReader(number, cells, self.index, self.headers)
            shown = [_display(c) for c in cells[: len(sheet.headers)]]
            shown += [""] * (len(sheet.headers) - len(shown))
            result = RowResult(number, reader.text("title"), "create", shown)
            existing = self._existing(reader)
            result.action = "create" if existing is None else "update"
            data = self.read(reader, creating=existing is None)
            if existing is not None:
                data.pop("title")  # the match is case-insensitive: keep the title's spelling in Tandem
            if not reader.errors:
                try:
                    with transaction.atomic():
                        self.apply(existing, data)
                except TandemError as error:
                    reader.fail(self.field_keys.get(error.field or "", error.field), error.message)
                except DatabaseError:
                    reader.fail(None, _("The database refused this row; check its values."))
            result.errors = reader.errors
            results.append(result)
        return results

    def _existing(self, reader: RowReader) -> int | None:
        title = reader.text("title")
        if not title:
            reader.fail("title", _("A title is required."))
            return None
        earlier = self.seen.setdefault(title.lower(), reader.number)
        if earlier != reader.number:
            reader.fail("title", _("The same title is on row %(n)s.") % {"n": earlier})
        matches = self.lookups.titles.get(title.lower(), [])
        if len(matches) > 1:
            reader.fail("title", str(self.already_called) % {"n": len(matches), "t": title})
        return matches[0] if len(matches) == 1 else None

    def read(self, reader: RowReader, *, creating: bool) -> dict[str, Any]:
        raise NotImplementedError

    def apply(self, existing: int | None, data: dict[str, Any]) -> None:
        raise NotImplementedError


class InitiativeImporter(Importer):
    kind = "initiatives"
    already_called = gettext_lazy(
        "%(n)s initiatives are already called “%(t)s”; rename them in Tandem first."
    )
    field_keys: ClassVar[dict[str, str]] = {"key_result": "key_results", "contribution": "key_results"}

    def read(self, reader: RowReader, *, creating: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"title": reader.text("title")}
        for key in INITIATIVE_TEXT:
            reader.parsed(key, None, data)
        for key in ("business_co_lead", "it_co_lead", "sponsor"):
            reader.parsed(key, lambda v: self.lookups.member(_display(v)), data)
        for key in ("start_date", "target_date", "end_user_input_when"):
            reader.parsed(key, parse_date, data)
        reader.parsed("budget_amount", parse_number, data)
        reader.parsed("departments", lambda v: self.lookups.department_list(_display(v)), data)
        measure: dict[str, Any] = {}
        reader.parsed("measure_name", None, measure, "name")
        reader.parsed("measure_baseline", parse_number, measure, "baseline")
        reader.parsed("measure_target", parse_number, measure, "target")
        reader.parsed("measure_unit", None, measure, "unit")
        reader.parsed("measure_by_date", parse_date, measure, "by_date")
        if measure and "name" not in measure:
            reader.fail("measure_name", _("Name the success measure that the measure columns describe."))
        data["measure"] = measure
        key_results: list[KeyResult] = []
        for ref in reader.text("key_results").split(";"):
            if ref.strip():
                try:
                    key_results.append(self.lookups.key_result(ref.strip()))
                except CellError as error:
                    reader.fail("key_results", str(error))
        data["key_results"] = key_results
        return data

    def apply(self, existing: int | None, data: dict[str, Any]) -> None:
        measure, key_results = data.pop("measure"), data.pop("key_results")
        org = self.actor.organization
        measures: set[str] = set()
        linked: set[int] = set()
        if existing is None:
            initiative = services.initiative_create(actor=self.actor, **data)
        else:
            initiative = Initiative.objects.for_org(org).get(pk=existing)
            services.initiative_update(actor=self.actor, initiative=initiative, **data)
            mine = SuccessMeasure.objects.for_org(org).filter(initiative=initiative)
            measures = {name.lower() for name in mine.values_list("name", flat=True)}
            links = KeyResultLink.objects.for_org(org).filter(initiative=initiative)
            linked = set(links.values_list("key_result_id", flat=True))
        if measure and measure["name"].lower() not in measures:
            try:
                services.success_measure_add(actor=self.actor, initiative=initiative, **measure)
            except TandemError as error:
                error.field = f"measure_{error.field or 'name'}"
                raise
        for kr in key_results:
            if kr.pk not in linked:
                services.key_result_link_add(actor=self.actor, initiative=initiative, key_result=kr)
                linked.add(kr.pk)


@functools.cache
def statuses() -> dict[str, str]:
    """An objective's status as a cell may hold it: the stored value, or its label in any language
    Tandem speaks ("active", "actief"), lower case."""
    known = {value: value for value in ObjectiveStatus.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            known.update({str(label).lower(): value for value, label in ObjectiveStatus.choices})
    return known


class ObjectiveImporter(Importer):
    kind = "objectives"
    already_called = gettext_lazy("%(n)s objectives are already called “%(t)s”; rename them in Tandem first.")

    def read(self, reader: RowReader, *, creating: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"title": reader.text("title")}
        reader.parsed("description", None, data)
        reader.parsed("period_start", parse_date, data)
        reader.parsed("period_end", parse_date, data)
        period: dict[str, tuple[date, date]] = {}
        reader.parsed("period", parse_period, period)
        if "period" in period:
            data.setdefault("period_start", period["period"][0])
            data.setdefault("period_end", period["period"][1])
        for key in ("business_owner", "it_owner"):
            reader.parsed(key, lambda v: self.lookups.member(_display(v)), data)
        reader.parsed("status", self._status, data)
        missing = [key for key in ("period_start", "period_end") if key not in data]
        if creating and missing and not reader.errors:
            key = "period" if len(missing) == 2 and "period" in self.index else missing[0]
            reader.fail(key, _("Enter the period: a start and an end date, or a quarter."))
        return data

    @staticmethod
    def _status(value: Any) -> str:
        status = statuses().get(_display(value).lower())
        if status is None:
            choices = ", ".join(str(label).lower() for label in ObjectiveStatus.labels)
            raise CellError(
                _("“%(v)s” is not a status; use one of %(c)s.") % {"v": _display(value), "c": choices}
            )
        return status

    def apply(self, existing: int | None, data: dict[str, Any]) -> None:
        if existing is None:
            services.objective_create(actor=self.actor, **data)
        else:
            objective = Objective.objects.for_org(self.actor.organization).get(pk=existing)
            services.objective_update(actor=self.actor, objective=objective, **data)


IMPORTERS: dict[str, type[Importer]] = {"initiatives": InitiativeImporter, "objectives": ObjectiveImporter}


def spreadsheet_import(
    *, actor: Membership, kind: str, content: bytes, commit: bool, filename: str = ""
) -> ImportReport:
    """Run every row of the file through the services in one transaction.

    A dry run (``commit=False``) always rolls back; a commit keeps the rows only when none has
    an error. Raises ``SpreadsheetError`` when the file as a whole cannot be read.
    """
    if kind not in IMPORTERS:
        raise SpreadsheetError(_("Choose what the file holds: initiatives or objectives."), field="kind")
    sheet = sheet_read(content)
    with transaction.atomic():
        importer = IMPORTERS[kind](actor, sheet)
        report = ImportReport(
            kind=kind,
            columns=sheet.headers,
            rows=importer.run(sheet),
            warnings=[],
            skipped=sheet.skipped,
        )
        if importer.unknown:
            report.warnings.append(
                _("These columns are not imported and were ignored: %(c)s.")
                % {"c": ", ".join(importer.unknown)}
            )
        if commit and not report.errors and report.rows:
            audit_record(
                action="strategy.imported",
                actor=actor.user,
                organization=actor.organization,
                summary=IMPORTED[kind],
                summary_params={"created": report.created, "updated": report.updated},
                data={"file": filename[:200], "rows": len(report.rows)},
            )
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report


# The audit log's summary of an import, per kind of row.
IMPORTED = {
    "initiatives": gettext_noop("initiatives: %(created)s created, %(updated)s updated"),
    "objectives": gettext_noop("objectives: %(created)s created, %(updated)s updated"),
}


# --- Templates and the portfolio export --------------------------------------------------------


def _file(dataset: Any, fmt: str) -> bytes:
    if fmt == "xlsx":
        return cast(bytes, dataset.export("xlsx", column_width="adaptive"))
    # The BOM lets Excel open UTF-8 (accents, €) correctly; the import accepts it.
    return cast(str, dataset.export("csv")).encode("utf-8-sig")


def import_template(kind: str) -> bytes:
    """An empty CSV with the headers of ``kind``, to fill in and upload."""
    return _file(tablib.Dataset(headers=[str(c.header) for c in COLUMNS[kind]]), "csv")


GATE_LABELS = {
    "business_outcome": gettext_lazy("business outcome"),
    "success_measure": gettext_lazy("success measure with a target"),
    "business_co_lead": gettext_lazy("business co-lead"),
    "it_co_lead": gettext_lazy("IT co-lead"),
    "shared_key_result": gettext_lazy("key result of a shared objective"),
    "end_user_input": gettext_lazy("end-user input"),
}
EXPORT_HEADERS = [
    gettext_lazy("Title"),
    gettext_lazy("Stage"),
    gettext_lazy("Business co-lead (e-mail)"),
    gettext_lazy("IT co-lead (e-mail)"),
    gettext_lazy("Sponsor (e-mail)"),
    gettext_lazy("Target date"),
    gettext_lazy("Budget"),
    gettext_lazy("Currency"),
    gettext_lazy("Departments"),
    *(label for _key, label in SIGNALS),
    gettext_lazy("Missing for approval"),
]


def _email(member: Membership | None) -> str:
    return member.user.email if member is not None else ""


def portfolio_export(*, org: Organization, filters: PortfolioFilters, fmt: str) -> bytes:
    """The filtered portfolio as CSV or XLSX (a constant number of queries), in the reader's
    language (headers, stages, yes and no); cells that a spreadsheet would run as formulas are
    escaped."""
    dataset = tablib.Dataset(headers=[str(header) for header in EXPORT_HEADERS], title=_("Portfolio"))
    yes, no = _("yes"), _("no")
    for initiative in initiative_portfolio(org, filters):
        signals = signals_of(initiative).as_dict()
        row = [
            initiative.title,
            str(Stage(initiative.stage).label),
            _email(initiative.business_co_lead),
            _email(initiative.it_co_lead),
            _email(initiative.sponsor),
            initiative.target_date if fmt == "xlsx" else _display(initiative.target_date),
            initiative.budget_amount if fmt == "xlsx" else _display(initiative.budget_amount),
            initiative.budget_currency,
            ", ".join(d.name for d in initiative.departments.all()),
            *(yes if signals[key] else no for key, _label in SIGNALS),
            "; ".join(
                str(GATE_LABELS.get(code, code.replace("_", " "))) for code in gate_missing(initiative)
            ),
        ]
        dataset.append([escape_formula(value) for value in row])
    return _file(dataset, fmt)


def filters_from_query(query: Mapping[str, str]) -> PortfolioFilters:
    """Portfolio filters from a query string (``request.GET``); unknown values are ignored.

    Parameters: ``stage``, ``department`` (id), ``sponsor_side``, ``missing`` (a signal key),
    ``q`` (title contains), ``sort`` (a key of ``selectors.SORTS``) and ``objective`` (id; 0 for
    the initiatives serving none), as the portfolio page reads them.
    """
    stage, side = query.get("stage", ""), query.get("sponsor_side", "")
    missing, sort = query.get("missing", ""), query.get("sort", "")
    department, objective = query.get("department", ""), query.get("objective", "")
    return PortfolioFilters(
        stage=stage if stage in Stage.values else "",
        department=_identifier(department),
        sponsor_side=side if side in (Side.BUSINESS, Side.IT) else "",
        missing=missing if missing in SIGNAL_FIELDS else "",
        q=query.get("q", "").strip()[:100],
        sort=sort if sort in SORTS else "updated",
        objective=_identifier(objective),
    )


def _identifier(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
