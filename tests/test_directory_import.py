"""Importing the directory: schema migrations, the staff spreadsheet and Open Referral UK feeds
served over real HTTP, on SQLite and PostgreSQL."""
import csv
import io
import json
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.directory import db, feed, index, models as m, search, spreadsheet, store
from bot.directory.sample import SAMPLE_COUNT, generate
from bot.directory.vocabulary import Place, cached
from bot.errors import MedwayError
from harness.assistant import free_port
from tests.directory_fixtures import load_sample
from tests.oruk_server import Feed, oruk_file, unique_services

HEADER = generate(0)


def services(engine):
    with engine.connect() as connection:
        return {r.id: r._asdict() for r in connection.execute(select(m.service))}


def csv_file(tmp_path, body, name="services.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def rows_file(path, rows):
    """Write spreadsheet rows (dicts with the same columns) as a CSV file; returns its path."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def fast_client(url):
    return feed.Client(url, backoff=0, timeout=(2, 5))


# --- schema ---------------------------------------------------------------------------------

def test_migrations_reach_head_and_go_back(empty_directory):
    assert db.schema_version(empty_directory) == "1_initial"
    db.migrate(empty_directory)  # a second run changes nothing
    db.downgrade(empty_directory, "base")
    assert db.schema_version(empty_directory) is None
    db.migrate(empty_directory)
    assert load_sample(empty_directory).added == SAMPLE_COUNT


def test_the_migrated_schema_is_the_models(empty_directory):
    def ours(obj, name, type_, reflected, compare_to):
        return not (reflected and compare_to is None)  # full-text tables and columns are the migration's own
    with empty_directory.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection, opts={"include_object": ours}), m.metadata) == []


def test_a_database_from_a_squashed_development_revision_is_refused_with_what_to_do(empty_directory):
    with empty_directory.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0004'")
    with pytest.raises(MedwayError, match="revision 0004, from a development version; delete it"):
        db.migrate(empty_directory)


def test_a_place_added_to_the_vocabulary_is_searchable_after_migrate(empty_directory):
    load_sample(empty_directory)
    vocabulary = cached()
    chatham = vocabulary.place("Chatham")
    luton = Place("Luton", ("luton",), (), chatham.latitude + 0.004, chatham.longitude)  # about 450 m away
    wider = replace(vocabulary, places=vocabulary.places + (luton,))
    query = search.Query((), None, "Luton")
    assert search.find(empty_directory, query, wider).relaxed  # no tags for Luton yet: all of Medway instead
    with empty_directory.begin() as connection:
        assert index.retag(connection, wider) == store.count_services(empty_directory)
        assert index.retag(connection, wider) == 0  # up to date: nothing to do
    result = search.find(empty_directory, query, wider)
    assert result.found and not result.relaxed
    assert all(f.km is None or f.km <= search.RADIUS_KM for f in result.found)


# --- the spreadsheet ----------------------------------------------------------------------------

def test_sample_loads_marked_as_sample_and_rerun_changes_nothing(empty_directory):
    first = load_sample(empty_directory)
    assert (first.added, first.rejected) == (SAMPLE_COUNT, [])
    second = load_sample(empty_directory)
    assert (second.added, second.updated, second.unchanged, second.deactivated) == (0, 0, SAMPLE_COUNT, 0)
    rows = services(empty_directory).values()
    assert all(r["is_sample"] for r in rows)
    assert {"Chatham", "Gillingham", "Rochester", "Strood", "Rainham", "Hoo Peninsula", "Walderslade",
            "Lordswood"} <= {r["name"].split(" ")[0] if not r["name"].startswith("Hoo") else "Hoo Peninsula" for r in rows}


def test_sample_has_no_real_looking_contact_details(empty_directory):
    load_sample(empty_directory)
    with empty_directory.connect() as connection:
        numbers = connection.execute(select(m.phone.c.number)).scalars().all()
    assert numbers and all(n.startswith("01632 960") for n in numbers)
    assert all(r["email"].endswith("@example.org") for r in services(empty_directory).values())


def test_changed_row_updates_and_missing_row_is_deactivated_not_deleted(empty_directory, tmp_path):
    rows = generate(3).splitlines()[1:]
    path = csv_file(tmp_path, "\n".join(rows) + "\n")
    records, rejected = spreadsheet.read(path)
    assert store.apply(empty_directory, records, "staff", rejected).added == 3
    saturday = search.Query(keywords=("saturday",))
    assert "sample-000003" in {f.service_id for f in search.find(empty_directory, saturday).found}
    rows[0] = rows[0].replace("A friendly monthly group", "A friendly fortnightly group")
    path = csv_file(tmp_path, "\n".join(rows[:2]) + "\n")
    records, rejected = spreadsheet.read(path)
    with pytest.raises(store.ShrinkRefused, match="deactivate 1 of the 3 active services"):
        store.apply(empty_directory, records, "staff", rejected)  # a third of the source: refused by default
    summary = store.apply(empty_directory, records, "staff", rejected, allow_shrink=True)
    assert (summary.added, summary.updated, summary.unchanged, summary.deactivated) == (0, 1, 1, 1)
    stored = services(empty_directory)
    assert len(stored) == 3 and stored["sample-000003"]["status"] == "inactive"
    assert "fortnightly" in stored["sample-000001"]["description"]
    assert "sample-000003" not in {f.service_id for f in search.find(empty_directory, saturday).found}


def test_a_changed_venue_address_and_organisation_name_are_stored_on_reimport(empty_directory, tmp_path):
    """Shared rows (venues, addresses, organisations) that exist already are updated, not skipped."""
    rows = list(csv.DictReader(io.StringIO(generate(2))))

    def load():
        records, rejected = spreadsheet.read(rows_file(tmp_path / "venues.csv", rows))
        return store.apply(empty_directory, records, "staff", rejected)

    assert load().added == 2
    rows[0].update(venue="Sample Hall", address="1 Sample Road", organisation=rows[0]["organisation"].upper())
    assert load().updated == 1
    with empty_directory.connect() as connection:
        venue = connection.execute(select(m.location.c.name, m.address.c.address_1, m.organization.c.name).join(
            m.address, m.address.c.location_id == m.location.c.id).join(
            m.service_at_location, m.service_at_location.c.location_id == m.location.c.id).join(
            m.service, m.service.c.id == m.service_at_location.c.service_id).join(
            m.organization, m.organization.c.id == m.service.c.organization_id).where(
            m.service.c.id == rows[0]["id"])).one()
    assert tuple(venue) == ("Sample Hall", "1 Sample Road", rows[0]["organisation"])


def test_awkward_text_is_stored_exactly_and_found(empty_directory, tmp_path):
    """Bulk writing (COPY on PostgreSQL) keeps backslashes, tabs, line breaks, quotes and emoji."""
    description = 'Line one\nLine two with a back\\slash, a\ttab, "quotes", £5 and 🙂 \\N'
    path = csv_file(tmp_path, f'awk-1,Awkward Text Club,,"{description.replace(chr(34), chr(34) * 2)}",autism,'
                              f'3,11,Free,0,,,,Chatham,ME4,,,,,,,,2026-03-01,\n')
    records, rejected = spreadsheet.read(path)
    assert rejected == [] and store.apply(empty_directory, records, "staff").added == 1
    stored = services(empty_directory)["awk-1"]
    assert stored["description"] == records[0].service["description"]
    assert "\\slash" in stored["description"] and "\n" in stored["description"] and stored["description"].endswith("\\N")
    assert stored["last_modified"].date().isoformat() == "2026-03-01"
    found = search.find(empty_directory, search.Query(("autism",), 7, "Chatham", True, ("awkward",)))
    assert [f.service_id for f in found.found] == ["awk-1"] and not found.relaxed


def test_bad_rows_are_reported_with_row_and_column(tmp_path):
    good = generate(1).splitlines()[1]
    bad_age = good.replace("sample-000001", "r2").replace(",0,25,", ",0,300,")
    bad_need = good.replace("sample-000001", "r3").replace("autism; parent_groups", "astrology")
    bad_email = good.replace("sample-000001", "r4").replace("sample-1@example.org", "not-an-email")
    no_name = good.replace("sample-000001", "r5").replace("Chatham Autism Parent Support Group", "")
    # A blank row and an empty one still count: the numbers are the spreadsheet's own.
    path = csv_file(tmp_path, "\n".join([good, bad_age, "", bad_need, ",,,,", bad_email, no_name]) + "\n")
    records, rejected = spreadsheet.read(path)
    # A bad optional value is left out with a warning (kept); only the row without a name is rejected.
    assert [r.id for r in records] == ["sample-000001", "r2", "r3", "r4"]
    text = [str(r) for r in rejected]
    assert any("row 3, column 'maximum_age'" in t and "300" in t for t in text), text
    assert any("row 5, column 'needs'" in t and "astrology" in t for t in text), text
    assert any("row 7, column 'email'" in t for t in text), text
    assert any("row 8, column 'name'" in t for t in text), text
    assert [r.kept for r in rejected] == [True, True, True, False]
    assert records[1].service["maximum_age"] is None and records[3].service["email"] is None


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01\x02PK\x03\x04binary", "not a CSV text file"),
    (b"", "empty"),
    (b"title,summary\nx,y\n", "missing column(s) id, name"),
])
def test_unreadable_spreadsheets_are_refused_whole(tmp_path, content, message):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(spreadsheet.SpreadsheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        spreadsheet.read(path)


def test_windows_encoded_spreadsheet_is_read(tmp_path):
    body = generate(1).replace("Free", "£0 – free").encode("cp1252")
    path = tmp_path / "excel.csv"
    path.write_bytes(body)
    records, rejected = spreadsheet.read(path)
    assert not rejected and records[0].service["fees"] == "£0 – free"


def test_failed_import_leaves_the_previous_directory_intact(empty_directory, tmp_path):
    load_sample(empty_directory)
    before = services(empty_directory)
    records, _ = spreadsheet.read(csv_file(tmp_path, generate(5).split("\n", 1)[1]))
    # The database refuses it, half-way through (a new record: one's fingerprint is worked out once).
    records[3] = replace(records[3], service=dict(records[3].service, status=None), _fingerprint=None)
    with pytest.raises(IntegrityError, match="status"):
        store.apply(empty_directory, records, "sample", sample=True, allow_shrink=True)
    assert services(empty_directory) == before


def test_cli_imports_a_spreadsheet_and_searches_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    path = csv_file(tmp_path, generate(40).split("\n", 1)[1])

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot", "directory", *args, "--database", url],
                              capture_output=True, text=True, timeout=120)

    imported = run("import", "--csv", str(path), "--progress")
    assert imported.returncode == 0, imported.stderr
    assert "40 added" in imported.stdout and "40 active services" in imported.stdout
    found = run("search", "portage", "near", "Strood")
    assert found.returncode == 0 and "Portage Home Visiting" in found.stdout
    missing = run("import", "--csv", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "Nothing imported" in missing.stderr
    unreachable = run("import", "--url", f"http://127.0.0.1:{free_port()}/")
    assert unreachable.returncode == 2 and "Nothing imported" in unreachable.stderr


# --- Open Referral UK feeds over HTTP -----------------------------------------------------------

def test_v3_mock_feed_as_published_duplicates_reported(empty_directory):
    listing, full = oruk_file("service_list.json"), oruk_file("service_full.json")
    with Feed([full]) as server:
        server.raw_pages = lambda number: json.dumps(listing).encode()
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    summary = store.apply(empty_directory, records, "oruk-mock", rejected)
    assert summary.added == 1
    assert len(summary.rejected) == len(listing["contents"]) - 1
    assert all("same id appears twice" in r.reason for r in summary.rejected)
    stored = services(empty_directory)[full["id"]]
    assert stored["name"] == "Community Counselling" and stored["minimum_age"] == 12
    assert json.loads(stored["raw"])["id"] == full["id"], "the raw record is kept"
    with empty_directory.connect() as connection:
        location = connection.execute(select(m.location)).one()
        terms = connection.execute(select(m.taxonomy_term.c.name)).scalars().all()
    assert location.latitude is None, "the mock's latitude of 100 is impossible and dropped"
    assert "name" in terms


def test_v3_paged_feed_upserts_and_deactivates(empty_directory):
    items = unique_services(60)
    items[0]["description"] = "<p>Fees: Â£5 per session.</p><p>Weâ€™re <b>friendly</b> &amp; local</p>"
    items[1]["status"] = "Active"
    items[2]["email"] = ""
    items[3]["service_at_locations"][0]["location"]["location_type"] = "Venue"
    with Feed(items, per_page=25) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
        pages = [p for p in server.requests if p.startswith("/services?")]
    assert len(pages) == 3 and not rejected
    summary = store.apply(empty_directory, records, "council-feed", rejected)
    assert summary.added == 60
    stored = services(empty_directory)
    assert stored[items[0]["id"]]["description"] == "Fees: £5 per session.\nWe’re friendly & local"
    assert stored[items[1]["id"]]["status"] == "active"
    assert stored[items[2]["id"]]["email"] is None
    with Feed(items[:50]) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    again = store.apply(empty_directory, records, "council-feed", rejected)
    assert (again.added, again.updated, again.unchanged, again.deactivated) == (0, 0, 50, 10)
    assert sum(s["status"] == "inactive" for s in services(empty_directory).values()) == 10


def test_v1_feed_with_nested_records(empty_directory):
    items = []
    for number, service in enumerate(unique_services(7)):
        v1 = {k: service[k] for k in ("id", "name", "description", "url", "email", "status", "fees")}
        v1["eligibilitys"] = [{"id": f"e{number}", "minimum_age": 5, "maximum_age": 18}]
        v1["service_at_locations"] = [{"id": f"sal{number}", "location": {
            "id": f"loc{number}", "name": "Sample hall", "latitude": "51.389", "longitude": "0.549",
            "physical_addresses": [{"id": f"a{number}", "address_1": "", "city": "Gillingham", "postal_code": "me7 1aa"}]}}]
        v1["service_taxonomys"] = [{"id": f"t{number}", "taxonomy": {"id": "tx-autism", "name": "Autism", "vocabulary": "esd"}}]
        v1["contacts"] = [{"id": f"c{number}", "name": "Reception", "phones": [{"id": f"p{number}", "number": "01632 960001"}]}]
        items.append(v1)
    with Feed(items, version="1.0", per_page=3) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
        assert not any(p.startswith("/services/") for p in server.requests), "1.0 lists hold full records"
    summary = store.apply(empty_directory, records, "v1-feed", rejected)
    assert summary.added == 7 and not summary.rejected
    found = search.find(empty_directory, search.Query(needs=("autism",), age=7, place="Gillingham"))
    assert found.total == 7 and found.relaxed is None


def test_retries_rate_limits_and_server_errors(empty_directory):
    items = unique_services(5)
    with Feed(items) as server:
        server.broken = lambda path, count: (429, b"slow down") if count <= 2 else (503, b"") if count == 4 else None
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert len(records) == 5 and not rejected


def test_a_rate_limit_waits_as_long_as_retry_after_asks():
    with Feed(unique_services(2)) as server:
        server.broken = lambda path, count: (429, b"slow down", {"Retry-After": "1"}) if count == 1 else None
        started = time.monotonic()
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert len(records) == 2 and not rejected and time.monotonic() - started >= 0.9


def test_a_feed_that_keeps_failing_changes_nothing(empty_directory):
    load_sample(empty_directory)
    before = services(empty_directory)
    with Feed(unique_services(60)) as server:
        server.broken = lambda path, count: (500, b"oops") if "page=2" in path else None
        with pytest.raises(feed.FeedError, match="HTTP 500 after 5 tries"):
            feed.fetch(server.url, client=fast_client(server.url))
    assert services(empty_directory) == before


@pytest.mark.parametrize("body,message", [
    (b"<html>Service unavailable</html>", "not JSON"),
    (b'{"items": []}', "no 'contents'"),
    (b"[1, 2, 3]", "must be a JSON object"),
])
def test_broken_pages_give_a_clear_error(body, message):
    with Feed([]) as server:
        server.raw_pages = lambda number: body
        with pytest.raises(feed.FeedError, match=message):
            feed.fetch(server.url, client=fast_client(server.url))


def test_a_missing_detail_record_is_rejected_with_its_reason():
    items = unique_services(3)
    with Feed(items) as server:
        server.broken = lambda path, count: (404, b"{}") if path.endswith("-1") else None
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert len(records) == 2 and len(rejected) == 1 and "HTTP 404" in rejected[0].reason


def test_strict_json_off_for_control_characters():
    items = unique_services(1)
    with Feed(items) as server:
        listing = json.dumps(v3 := {"total_pages": 1, "page_number": 1, "last_page": True,
                                    "contents": [dict(items[0], description="line\tone")]})
        server.raw_pages = lambda number: listing.replace("\\t", "\t").encode()
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert v3 and len(records) == 1


def test_a_feed_that_serves_the_same_page_forever_is_stopped():
    items = unique_services(1)
    with Feed(items) as server:
        endless = json.dumps({"total_pages": 1000, "page_number": 1, "last_page": False, "contents": items}).encode()
        server.raw_pages = lambda number: endless if number < 50 else b'{"contents": []}'
        with pytest.raises(feed.FeedError, match="same page again"):
            feed.fetch(server.url, client=fast_client(server.url))
        assert len([p for p in server.requests if p.startswith("/services?")]) == 2


def test_a_page_over_the_size_limit_is_refused_with_or_without_its_length(monkeypatch):
    monkeypatch.setattr(feed, "MAX_PAGE_BYTES", 100_000)
    big = json.dumps({"contents": [{"id": str(n), "name": "x" * 100} for n in range(2000)]}).encode()
    for headers in ({}, {"Content-Length": None}):
        with Feed([]) as server:
            server.broken = lambda path, count, headers=headers: (200, big, headers)
            with pytest.raises(feed.FeedError, match="limit"):
                feed.fetch(server.url, client=fast_client(server.url))


def test_a_trickling_page_and_a_slow_import_are_stopped_at_their_deadlines():
    items = unique_services(3)
    with Feed(items, version="1.0", per_page=1) as server:
        server.trickle = 400
        started = time.monotonic()
        with pytest.raises(feed.FeedError, match="took longer than 1 s to arrive"):
            feed.fetch(server.url, per_page=1, client=feed.Client(server.url, backoff=0, timeout=(2, 1)))
        assert time.monotonic() - started < 2.5
        server.trickle = 1000
        slow = feed.Client(server.url, backoff=0, timeout=(2, 5), deadline=1.5)
        with pytest.raises(feed.FeedError, match="import took longer than 1.5 s"):
            feed.fetch(server.url, per_page=1, client=slow)


def test_redirects_stay_on_the_feeds_host_unless_allowed():
    items = unique_services(2)
    with Feed(items) as server:
        port = server.url.rsplit(":", 1)[1]
        elsewhere = f"http://localhost:{port}/services?page=1&moved=1"
        server.broken = lambda path, count: (302, b"", {"Location": elsewhere}) if "moved" not in path and path.startswith("/services?") else None
        with pytest.raises(feed.FeedError, match=r"redirected to another host \(localhost\)"):
            feed.fetch(server.url, client=fast_client(server.url))
        allowed = feed.Client(server.url, backoff=0, timeout=(2, 5), other_hosts=True)
        assert len(feed.fetch(server.url, client=allowed)[0]) == 2
        server.broken = lambda path, count: (301, b"", {"Location": "/services?page=1&moved=1"}) if "moved" not in path and path.startswith("/services?") else None
        assert len(feed.fetch(server.url, client=fast_client(server.url))[0]) == 2


@pytest.mark.parametrize("body,headers,message", [
    (b'{"contents": []}', {"Content-Type": "application/json; charset=x-no-such-charset"}, "not a known character set"),
    (b"[" * 200_000 + b"]" * 200_000, {}, "nested more than"),
    (b'{"contents": [' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b"]}", {}, "nested more than"),
], ids=["bogus-charset", "deep-array", "deep-object"])
def test_a_bogus_charset_or_deep_json_is_a_clear_error(body, headers, message):
    with Feed([]) as server:
        server.broken = lambda path, count: (200, body, headers)
        with pytest.raises(feed.FeedError, match=message):
            feed.fetch(server.url, client=fast_client(server.url))


def test_escaped_markup_is_decoded_once_then_stripped(empty_directory):
    items = unique_services(1)
    items[0]["description"] = ("&lt;script&gt;alert(1)&lt;/script&gt;Speech help &lt;b&gt;for&lt;/b&gt; ages &lt;5 "
                               "&amp;lt;i&amp;gt; &amp; more")
    with Feed(items) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    store.apply(empty_directory, records, "escaped-feed", rejected)
    assert services(empty_directory)[items[0]["id"]]["description"] == "Speech help for ages <5 &lt;i&gt; & more"
