"""Importing services from a CSV spreadsheet that council staff fill in.

Columns (header row required; order does not matter; only id and name are required):

| column | what to put in it |
| --- | --- |
| id | your own unique reference for the service; never reuse or change it |
| name | the service's name |
| organisation | who runs it |
| description | what it offers, in plain English |
| needs | kinds of help, separated by ";" (codes or labels from content/directory/vocabulary.yml, e.g. "autism; short breaks") |
| minimum_age, maximum_age | whole years, 0 to 25; leave empty for no limit |
| cost | "Free", or what it costs ("£5 a session") |
| cost_amount | the amount in pounds, if there is one price (0 for free) |
| how_to_access | how to get it: self-referral, GP referral, ... |
| venue, address, town, postcode | where it happens (town is a Medway town, postcode a full postcode or district) |
| latitude, longitude | optional; without them the postcode district or town places the service |
| phone, email, website | how to contact it (from the service's own published details) |
| opening_times | when it is open, in words |
| area_served | who it covers, e.g. "All of Medway" |
| last_updated | the day the details were last checked (2026-03-01 or 01/03/2026) |
| status | active (default), inactive, temporarily closed |
"""
from __future__ import annotations

import csv
import io
import json
from functools import partial
from pathlib import Path
from typing import Iterator, Optional, Sequence, Union

from bot.directory import clean, collector, halves
from bot.directory.records import Rejected, ServiceRecord, stable_id
from bot.directory.vocabulary import Vocabulary, cached
from bot.errors import MedwayError

COLUMNS = ("id", "name", "organisation", "description", "needs", "minimum_age", "maximum_age", "cost", "cost_amount",
           "how_to_access", "venue", "address", "town", "postcode", "latitude", "longitude", "phone", "email",
           "website", "opening_times", "area_served", "last_updated", "status")
REQUIRED = ("id", "name")
MAX_ROWS = 500_000


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


def rows(text: str, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, row) pairs; the header is row 1. Blank rows count (and come back
    empty): the numbers are the ones staff see in their spreadsheet."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, None) or []]
    if not any(header):
        raise SpreadsheetError(f"{name}: the file is empty; the first row must name the columns")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SpreadsheetError(f"{name} row 1: missing column(s) {', '.join(missing)}; the columns are: {', '.join(COLUMNS)}")
    padding = [""] * len(header)
    for number, values in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise SpreadsheetError(f"{name}: more than {MAX_ROWS} rows; split the file")
        if len(values) < len(header):
            values += padding[len(values):]
        yield number, {column: value for column, value in zip(header, values) if column}


def to_record(row: dict[str, str], where: str, vocabulary: Vocabulary, problems: list[Rejected]) -> Optional[ServiceRecord]:
    """One row as a service, or None (with the reasons added to `problems`)."""
    def bad(column: str, reason: str) -> None:
        problems.append(Rejected(f"{where}, column '{column}'", reason))

    service_id = clean.one_line(row.get("id"), 200)
    name = clean.one_line(row.get("name"), 300)
    if not service_id:
        bad("id", "empty; give every service a unique reference")
    if not name:
        bad("name", "empty; give the service's name")
    needs: list[str] = []
    for part in (row.get("needs") or "").replace(",", ";").split(";"):
        if not part.strip():
            continue
        need = vocabulary.need_for_label(part)
        if need is None:
            bad("needs", f"'{part.strip()}' is not a known need; use one of: {', '.join(n.code for n in vocabulary.needs)}")
            return None
        needs.append(need.code)
    ages = {}
    for column in ("minimum_age", "maximum_age"):
        value = row.get(column, "").strip()
        ages[column] = clean.integer(value, 0, 25) if value else None
        if value and ages[column] is None:
            bad(column, f"'{value}' is not a whole number of years from 0 to 25")
            return None
    if ages["minimum_age"] is not None and ages["maximum_age"] is not None and ages["minimum_age"] > ages["maximum_age"]:
        bad("maximum_age", "is lower than minimum_age")
        return None
    status = clean.enum(row.get("status"), clean.STATUS, clean.STATUS_ALIASES, default=None if row.get("status", "").strip() else "active")
    if status is None:
        bad("status", f"'{row.get('status')}' is not one of: active, inactive, temporarily closed")
        return None
    checked = {"email": clean.email, "phone": clean.phone, "website": clean.url, "postcode": clean.postcode}
    values = {}
    for column, check in checked.items():
        value = row.get(column, "").strip()
        values[column] = check(value) if value else None
        if value and values[column] is None:
            bad(column, f"'{value[:60]}' does not look like a valid {column}")
            return None
    updated = row.get("last_updated", "").strip()
    last_modified = clean.timestamp(updated) if updated else None
    if updated and last_modified is None:
        bad("last_updated", f"'{updated}' is not a date (write 2026-03-01 or 01/03/2026)")
        return None
    if not service_id or not name:
        return None
    amount = clean.decimal(row.get("cost_amount"))
    service = {"id": service_id, "name": name, "description": clean.text(row.get("description")),
               "url": values["website"], "email": values["email"], "status": status, "fees": clean.one_line(row.get("cost")),
               "application_process": clean.text(row.get("how_to_access")), "last_modified": last_modified,
               "organization_id": None, **ages}
    record = ServiceRecord(service=service, needs=needs, raw=json.dumps(row, ensure_ascii=False))
    organisation = clean.one_line(row.get("organisation"), 300)
    if organisation:
        record.organization = {"id": stable_id("organization", organisation.lower()), "name": organisation}
        service["organization_id"] = record.organization["id"]
    town, postcode = clean.one_line(row.get("town")), values["postcode"]
    if town or postcode or row.get("venue") or row.get("address"):
        location_id = stable_id("location", service_id)
        record.locations.append({"id": location_id, "location_type": "physical", "name": clean.one_line(row.get("venue")),
                                 "latitude": clean.coordinate(row.get("latitude"), 50.0, 53.0),
                                 "longitude": clean.coordinate(row.get("longitude"), -1.0, 2.0)})
        record.addresses.append({"id": stable_id("address", service_id), "location_id": location_id,
                                 "address_1": clean.one_line(row.get("address")), "city": town, "postal_code": postcode,
                                 "country": "GB", "address_type": "physical"})
        record.service_at_location.append({"id": stable_id("sal", service_id), "service_id": service_id,
                                           "location_id": location_id})
    if values["phone"]:
        record.phone.append({"id": stable_id("phone", service_id), "service_id": service_id, "number": values["phone"]})
    opening = clean.text(row.get("opening_times"), 1000)
    if opening:
        record.schedule.append({"id": stable_id("schedule", service_id), "service_id": service_id, "description": opening})
    if amount is not None:
        record.cost_option.append({"id": stable_id("cost", service_id), "service_id": service_id, "amount": amount,
                                   "currency": "GBP", "amount_description": service["fees"]})
    area = clean.one_line(row.get("area_served"))
    if area:
        record.service_area.append({"id": stable_id("area", service_id), "service_id": service_id, "name": area})
    return record


def _convert(numbered: Sequence[tuple[int, dict[str, str]]], name: str,
             vocabulary: Vocabulary) -> list[Union[ServiceRecord, list[Rejected]]]:
    """Each row as a record (its fingerprint worked out: this may run in another process), or its problems."""
    outcomes: list[Union[ServiceRecord, list[Rejected]]] = []
    for number, row in numbered:
        problems: list[Rejected] = []
        record = to_record(row, f"{name} row {number}", vocabulary, problems)
        if record:
            record.fingerprint()
        outcomes.append(record or problems)
    return outcomes


def read(path: Path, vocabulary: Optional[Vocabulary] = None) -> tuple[list[ServiceRecord], list[Rejected]]:
    """Every readable row as a record; unreadable rows come back as Rejected with row and column.
    A long file is read on two cores (bot.directory.halves)."""
    vocabulary = vocabulary or cached()
    numbered = [(number, row) for number, row in rows(read_text(path), path.name) if any(v.strip() for v in row.values())]
    records: list[ServiceRecord] = []
    problems: list[Rejected] = []
    with collector.paused():
        outcomes = halves.map_halves(partial(_convert, name=path.name, vocabulary=vocabulary), numbered)
    for outcome in outcomes:
        if isinstance(outcome, ServiceRecord):
            records.append(outcome)
        else:
            problems.extend(outcome)
    return records, problems
