"""Importing services from a CSV spreadsheet that council staff fill in.

The columns, for staff, are in README ("The spreadsheet's columns"); COLUMNS below are what the import
reads, SYNONYMS the other headings it understands. A header row is required, order does not matter,
only id and name are required, and a bad value in an optional column is left out with a warning.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional

from bot.directory import clean
from bot.directory.records import Rejected, ServiceRecord, stable_id
from bot.directory.vocabulary import Vocabulary, cached
from bot.errors import MedwayError

COLUMNS = ("id", "name", "organisation", "description", "needs", "minimum_age", "maximum_age", "cost", "cost_amount",
           "how_to_access", "venue", "address", "town", "postcode", "latitude", "longitude", "phone", "email",
           "website", "opening_times", "area_served", "last_updated", "status")
REQUIRED = ("id", "name")
MAX_ROWS = 500_000
# Other headings staff use for each column (compared in lower case, runs of other characters as
# one "_": "Post Code", "post-code" and "POSTCODE " are all post_code). Add to these freely.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("ref", "reference", "service_id", "service_ref", "service_reference", "unique_id", "record_id"),
    "name": ("service_name", "service", "name_of_service"),
    "organisation": ("organization", "organisation_name", "organization_name", "provider", "run_by", "org"),
    "description": ("details", "summary", "about", "service_description", "what_it_offers"),
    "needs": ("need", "send_needs", "send_need", "categories", "category", "kinds_of_help", "needs_met", "send_category"),
    "minimum_age": ("min_age", "age_from", "from_age", "lower_age", "minimum_age_years", "age_min"),
    "maximum_age": ("max_age", "age_to", "to_age", "upper_age", "maximum_age_years", "age_max"),
    "cost": ("fees", "fee", "price", "charges", "charge", "cost_description", "costs"),
    "cost_amount": ("price_amount", "amount", "fee_amount", "cost_in_pounds", "cost_gbp"),
    "how_to_access": ("how_to_get_it", "referral", "access", "application_process", "how_to_refer", "referral_route",
                      "how_to_apply"),
    "venue": ("venue_name", "location", "location_name", "site"),
    "address": ("address_1", "address_line_1", "address1", "street", "street_address", "address_line"),
    "town": ("city", "locality", "town_city"),
    "postcode": ("post_code", "postal_code", "zip", "zip_code"),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
    "phone": ("telephone", "tel", "phone_number", "telephone_number", "tel_no", "phone_no", "contact_number",
              "contact_phone", "mobile"),
    "email": ("e_mail", "email_address", "contact_email"),
    "website": ("url", "web", "web_address", "web_site", "webpage", "web_page", "site_url"),
    "opening_times": ("opening_hours", "hours", "times", "when_open"),
    "area_served": ("area", "service_area", "coverage", "areas_served"),
    "last_updated": ("updated", "last_reviewed", "date_updated", "last_checked", "date_modified", "last_modified",
                     "reviewed"),
    "status": ("service_status",),
}
_HEADINGS = {heading: column for column in COLUMNS for heading in (column, *SYNONYMS.get(column, ()))}


class SpreadsheetError(MedwayError):
    """The file as a whole cannot be read (not CSV, no header, missing columns)."""


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(f"{path}: this is not a CSV text file (save the spreadsheet as 'CSV UTF-8')")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(f"{path}: the file's characters cannot be read; save it as 'CSV UTF-8'")


def heading_key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", heading.strip().lower()).strip("_")


def columns(header: list[str], name: str) -> tuple[list[Optional[str]], list[Rejected]]:
    """Each heading's column (None: ignored), and a warning for each heading ignored, naming the
    column it may have meant."""
    found: list[Optional[str]] = []
    warnings: list[Rejected] = []
    for heading in header:
        column = _HEADINGS.get(heading_key(heading))
        where = f"{name} row 1, column '{heading.strip()}'"
        if column is None:
            if heading.strip():
                guess = difflib.get_close_matches(heading_key(heading), list(_HEADINGS), n=1, cutoff=0.6)
                hint = (f"did you mean '{_HEADINGS[guess[0]]}'?" if guess
                        else f"the columns are: {', '.join(COLUMNS)}")
                warnings.append(Rejected(where, f"not a column the import knows, so it was ignored; {hint}", kept=True))
        elif column in found:
            warnings.append(Rejected(where, f"another column already gives '{column}', so this one was ignored", kept=True))
            column = None
        found.append(column)
    return found, warnings


def needs(cell: str, vocabulary: Vocabulary) -> tuple[list[str], list[str]]:
    """The need codes in a cell, and the parts that are no need. Needs are separated by ";" (or
    commas): a label with commas of its own ("Speech, language and communication") is one need."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[;|\n]", cell):
        pieces = [p.strip() for p in part.split(",")]
        start = 0
        while start < len(pieces):
            for end in range(len(pieces), start, -1):  # the longest run of pieces that names a need
                need = vocabulary.need_for_label(", ".join(pieces[start:end]))
                if need:
                    codes.append(need.code)
                    start = end
                    break
            else:
                if pieces[start]:
                    unknown.append(pieces[start])
                start += 1
    return list(dict.fromkeys(codes)), unknown


def to_record(row: dict[str, str], where: str, vocabulary: Vocabulary, problems: list[Rejected]) -> Optional[ServiceRecord]:
    """One row as a service, or None (with the reasons added to `problems`). A bad optional value
    is left out with a warning (in `problems`, marked kept); only a missing id or name, or a status
    that cannot be read, rejects the row."""
    service_id = clean.one_line(row.get("id"), 200)
    name = clean.one_line(row.get("name"), 300)

    def problem(column: str, reason: str, kept: bool = True) -> None:
        problems.append(Rejected(f"{where}, column '{column}'", reason + ("; imported without it" if kept else ""),
                                 service_id, kept=kept))

    def optional(column: str, check: Callable[[str], Any], reason: str = "") -> Any:
        """A cell's value through `check`; one that cannot be read is left out with a warning."""
        value = clean.one_line(row.get(column)) or ""  # "n/a", "tbc" and the like are empty too
        checked = check(value) if value else None
        if value and checked is None:
            problem(column, f"'{value[:60]}' {reason or f'does not look like a {column}'}")
        return checked

    if not service_id:
        problem("id", "empty; give every service a unique reference", kept=False)
    if not name:
        problem("name", "empty; give the service's name", kept=False)
    codes, unknown = needs(row.get("needs") or "", vocabulary)
    for part in unknown:
        problem("needs", f"'{part}' is not a known need (use one of: {'; '.join(n.label for n in vocabulary.needs)})")
    ages = {column: optional(column, partial(clean.integer, low=0, high=25), "is not a whole number of years from 0 to 25")
            for column in ("minimum_age", "maximum_age")}
    if None not in ages.values() and ages["minimum_age"] > ages["maximum_age"]:
        problem("maximum_age", f"{ages['maximum_age']} is lower than minimum_age {ages['minimum_age']}, so both ages "
                               "were left out")
        ages = {"minimum_age": None, "maximum_age": None}
    status_cell = row.get("status", "").strip()
    status = clean.enum(status_cell, clean.STATUS, clean.STATUS_ALIASES, default=None if status_cell else "active")
    if status is None:
        problem("status", f"'{status_cell}' is not one of: active, inactive, temporarily closed", kept=False)
    values = {column: optional(column, check) for column, check in
              (("email", clean.email), ("phone", clean.phone), ("website", clean.url), ("postcode", clean.postcode))}
    last_modified = optional("last_updated", clean.timestamp, "is not a date (write 2026-03-01 or 01/03/2026)")
    if not service_id or not name or status is None:
        return None
    amount = optional("cost_amount", clean.decimal, "is not an amount in pounds")
    coordinates = {column: optional(column, partial(clean.number, low=low, high=high), f"is not a {column} in Kent")
                   for column, low, high in (("latitude", 50.0, 53.0), ("longitude", -1.0, 2.0))}
    service = {"id": service_id, "name": name, "description": clean.text(row.get("description")),
               "url": values["website"], "email": values["email"], "status": status, "fees": clean.one_line(row.get("cost")),
               "application_process": clean.text(row.get("how_to_access")), "last_modified": last_modified,
               "organization_id": None, **ages}
    record = ServiceRecord(service=service, needs=codes, raw=json.dumps(row, ensure_ascii=False))
    organisation = clean.one_line(row.get("organisation"), 300)
    if organisation:
        record.organization = {"id": stable_id("organization", organisation.lower()), "name": organisation}
        service["organization_id"] = record.organization["id"]
    town, postcode = clean.one_line(row.get("town")), values["postcode"]
    if town or postcode or row.get("venue") or row.get("address"):
        location_id = stable_id("location", service_id)
        record.locations.append({"id": location_id, "location_type": "physical", "name": clean.one_line(row.get("venue")),
                                 **coordinates})
        record.addresses.append({"id": stable_id("address", service_id), "location_id": location_id,
                                 "address_1": clean.one_line(row.get("address")), "city": town, "postal_code": postcode,
                                 "country": "GB", "address_type": "physical"})
        record.service_at_location.append({"id": stable_id("sal", service_id), "service_id": service_id,
                                           "location_id": location_id})
    owned = (("phone", "phone", {"number": values["phone"]}),
             ("schedule", "schedule", {"description": clean.text(row.get("opening_times"), 1000)}),
             ("cost_option", "cost", {"amount": amount, "currency": "GBP", "amount_description": service["fees"]}),
             ("service_area", "area", {"name": clean.one_line(row.get("area_served"))}))
    for table, kind, fields in owned:
        if next(iter(fields.values())) is not None:
            getattr(record, table).append({"id": stable_id(kind, service_id), "service_id": service_id, **fields})
    return record


def read(path: Path, vocabulary: Optional[Vocabulary] = None) -> tuple[list[ServiceRecord], list[Rejected]]:
    """Every readable row as a record; the rows that cannot be, with row and column, and the
    values left out or headings ignored (marked kept), as Rejected. Rows are numbered as staff see
    them in their spreadsheet: the header is row 1, and blank rows count."""
    vocabulary = vocabulary or cached()
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header = next(reader, None) or []
    if not any(h.strip() for h in header):
        raise SpreadsheetError(f"{path.name}: the file is empty; the first row must name the columns")
    names, problems = columns(header, path.name)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SpreadsheetError(f"{path.name} row 1: missing column(s) {', '.join(missing)}; "
                               f"the columns are: {', '.join(COLUMNS)}")
    records: list[ServiceRecord] = []
    for number, values in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise SpreadsheetError(f"{path.name}: more than {MAX_ROWS} rows; split the file")
        row = {column: value for column, value in zip(names, values + [""] * (len(names) - len(values))) if column}
        blank = not any(value.strip() for value in row.values())
        record = None if blank else to_record(row, f"{path.name} row {number}", vocabulary, problems)
        if record is not None:
            records.append(record)
    return records, problems
