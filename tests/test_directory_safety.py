"""Imports on real council data lose nothing silently (issue 16): each test reproduces one of the
problems found by importing as a council data officer would, on SQLite and PostgreSQL."""
import csv
import io
import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.directory import cards, clean, feed, models as m, oruk, search, spreadsheet, store
from bot.directory.sample import generate
from bot.directory.vocabulary import cached
from tests.directory_fixtures import load_sample
from tests.oruk_server import Feed, oruk_file, unique_services


def rows(count, start=0):
    """`count` spreadsheet rows (dicts) with ids real-1, real-2, ... (not sample ids)."""
    out = list(csv.DictReader(io.StringIO(generate(count + start))))[start:]
    for row in out:
        row["id"] = row["id"].replace("sample-", "real-")
        row["name"] = row["name"].replace("Sample", "Real")
    return out


def write(path, table, header=None):
    out = io.StringIO()
    header = header or list(table[0])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in table:
        writer.writerow(list(row.values()))
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def load(engine, path, source="staff", **options):
    records, rejected = spreadsheet.read(path)
    return store.apply(engine, records, source, rejected, **options)


def statuses(engine):
    with engine.connect() as connection:
        return dict(connection.execute(select(m.service.c.id, m.service.c.status)).all())


def fast_client(url):
    return feed.Client(url, sleep=lambda seconds: None, timeout=(2, 5))


# --- problem 1: a service that leaves and comes back is active again ---------------------------

def test_a_service_that_returns_is_active_again(empty_directory, tmp_path):
    table = rows(10)
    assert load(empty_directory, write(tmp_path / "s.csv", table)).added == 10
    left = load(empty_directory, write(tmp_path / "s.csv", table[1:]))
    assert left.deactivated == 1 and statuses(empty_directory)[table[0]["id"]] == "inactive"
    back = load(empty_directory, write(tmp_path / "s.csv", table))
    assert (back.added, back.updated, back.unchanged) == (0, 1, 9)
    assert set(statuses(empty_directory).values()) == {"active"}
    assert table[0]["id"] in {f.service_id for f in search.find(empty_directory, search.Query(keywords=("autism",))).found}


# --- problem 2: an empty or broken source never empties the directory; the shrink guard --------

def test_a_header_only_or_all_rejected_file_deactivates_nothing(empty_directory, tmp_path):
    table = rows(5)
    load(empty_directory, write(tmp_path / "s.csv", table))
    header_only = tmp_path / "empty.csv"
    header_only.write_text(",".join(table[0]) + "\n", encoding="utf-8")
    for options in ({}, {"allow_shrink": True}):
        summary = load(empty_directory, header_only, **options)
        assert (summary.received, summary.deactivated) == (0, 0)
    nameless = [dict(row, name="") for row in table]
    summary = load(empty_directory, write(tmp_path / "s.csv", nameless), allow_shrink=True)
    assert summary.deactivated == 0 and len(summary.rejected) == 5
    assert set(statuses(empty_directory).values()) == {"active"}
    again = load(empty_directory, write(tmp_path / "s.csv", table))
    assert again.unchanged == 5 and set(statuses(empty_directory).values()) == {"active"}


def test_an_empty_feed_or_one_whose_details_all_fail_deactivates_nothing(empty_directory):
    items = unique_services(5)
    with Feed(items) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    store.apply(empty_directory, records, "council-feed", rejected)
    with Feed([]) as server:
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert store.apply(empty_directory, records, "council-feed", rejected, allow_shrink=True).deactivated == 0
    with Feed(items) as server:
        server.broken = lambda path, count: (404, b"{}") if path.startswith("/services/") else None
        records, rejected = feed.fetch(server.url, client=fast_client(server.url))
    assert not records and len(rejected) == 5 and all(r.service_id for r in rejected)
    summary = store.apply(empty_directory, records, "council-feed", rejected, allow_shrink=True)
    assert summary.deactivated == 0 and set(statuses(empty_directory).values()) == {"active"}


def test_an_import_that_would_deactivate_over_a_fifth_is_refused_unless_allowed(empty_directory, tmp_path):
    table = rows(10)
    load(empty_directory, write(tmp_path / "s.csv", table))
    assert load(empty_directory, write(tmp_path / "s.csv", table[2:])).deactivated == 2  # 20%: allowed
    load(empty_directory, write(tmp_path / "s.csv", table))
    before = statuses(empty_directory)
    with pytest.raises(store.ShrinkRefused) as refused:
        load(empty_directory, write(tmp_path / "s.csv", table[3:]))
    message = str(refused.value)
    assert "deactivate 3 of the 10 active services from 'staff'" in message and "--allow-shrink" in message
    assert statuses(empty_directory) == before
    assert load(empty_directory, write(tmp_path / "s.csv", table[3:]), allow_shrink=True).deactivated == 3


# --- problem 3: a bad optional value is dropped, not the row; a rejected row is not missing ----

def test_a_bad_optional_value_is_left_out_with_a_warning_not_the_row(empty_directory, tmp_path):
    table = rows(6)
    table[0]["maximum_age"] = "25+"
    table[1]["website"] = "medway.example.org/send"
    table[2]["phone"] = "Tel: 01632 960123"
    table[3]["phone"] = "01632 960124 ext 204"
    table[4]["website"] = "see our leaflet"
    table[5]["postcode"] = "not known yet"
    records, problems = spreadsheet.read(write(tmp_path / "s.csv", table))
    assert len(records) == 6 and all(p.kept for p in problems)
    by_id = {r.id: r for r in records}
    assert by_id[table[0]["id"]].service["maximum_age"] is None
    assert by_id[table[1]["id"]].service["url"] == "https://medway.example.org/send"
    assert by_id[table[2]["id"]].phone[0]["number"] == "01632 960123"
    assert by_id[table[3]["id"]].phone[0]["number"] == "01632 960124 ext. 204"
    assert by_id[table[4]["id"]].service["url"] is None
    warned = {p.where.split(", column ")[1]: p.reason for p in problems}
    assert set(warned) == {"'maximum_age'", "'website'", "'postcode'"}
    assert all(reason.endswith("imported without it") for reason in warned.values())
    summary = store.apply(empty_directory, records, "staff", problems)
    assert summary.added == 6 and len(summary.warnings) == 3 and not summary.rejected


def test_a_rejected_row_does_not_count_as_missing(empty_directory, tmp_path):
    table = rows(4)
    load(empty_directory, write(tmp_path / "s.csv", table))
    table[1]["name"] = ""
    table[2]["status"] = "closed until further notice"
    summary = load(empty_directory, write(tmp_path / "s.csv", table))
    assert len(summary.rejected) == 2 and summary.deactivated == 0 and summary.kept_unread == 2
    assert set(statuses(empty_directory).values()) == {"active"}


# --- problem 10: exit codes, the rejects file, dry runs, progress ----------------------------------

def cli(engine, *args):
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", "bot", "directory", *args, "--database", url],
                          capture_output=True, text=True, timeout=180)


def test_cli_exit_codes_rejects_file_and_dry_run(empty_directory, tmp_path):
    table = rows(60)
    bad = write(tmp_path / "bad.csv", [dict(row, name="") for row in table])
    refused = cli(empty_directory, "import", "--csv", str(bad))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Nothing could be imported" in refused.stderr
    with (tmp_path / "bad-rejects.csv").open(encoding="utf-8-sig") as rejects:
        listed = list(csv.DictReader(rejects))
    assert len(listed) == 60 and {r["what happened"] for r in listed} == {"not imported"}
    assert listed[0]["where"] == "bad.csv row 2, column 'name'" and listed[0]["service id"] == table[0]["id"]
    good = write(tmp_path / "good.csv", table)
    dry = cli(empty_directory, "import", "--csv", str(good), "--dry-run")
    assert dry.returncode == 0 and "60 added" in dry.stdout and "not changed" in dry.stdout, dry.stdout + dry.stderr
    assert store.count_services(empty_directory) == 0
    assert not (tmp_path / "good-rejects.csv").exists()
    done = cli(empty_directory, "import", "--csv", str(good))
    assert done.returncode == 0 and "60 active services" in done.stdout
    shrunk = cli(empty_directory, "import", "--csv", str(write(tmp_path / "good.csv", table[:30])))
    assert shrunk.returncode == 1 and "--allow-shrink" in shrunk.stderr
    assert store.count_services(empty_directory) == 60


def test_feed_progress_moves_per_service():
    ticks = []
    with Feed(unique_services(30), per_page=25) as server:
        records, _ = feed.fetch(server.url, client=fast_client(server.url), progress=ticks.append)
    assert len(records) == 30 and ticks == [1] * 30
