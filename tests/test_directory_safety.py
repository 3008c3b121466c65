"""Imports on real council data lose nothing silently (issue 16): each test reproduces one of the
problems found by importing as a council data officer would, on SQLite and PostgreSQL."""
import csv
import io
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
        row["name"] = "Real " + row["name"]
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
    return feed.Client(url, backoff=0, timeout=(2, 5))


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
    ticks, totals = [], []
    with Feed(unique_services(30), per_page=25) as server:
        records, _ = feed.fetch(server.url, client=fast_client(server.url), progress=ticks.append, expected=totals.append)
    assert len(records) == 30 and ticks == [1] * 30 and totals == [30]


# --- problem 4: sources are named, clashes say which source and how ---------------------------------

def test_the_same_spreadsheet_under_another_file_name_is_the_same_source(empty_directory, tmp_path):
    table = rows(5)
    first = cli(empty_directory, "import", "--csv", str(write(tmp_path / "march.csv", table)))
    assert first.returncode == 0, first.stderr
    second = cli(empty_directory, "import", "--csv", str(write(tmp_path / "april export (1).csv", table)))
    assert second.returncode == 0 and "5 unchanged" in second.stdout and "0 rejected" in second.stdout, second.stdout
    clash = cli(empty_directory, "import", "--csv", str(tmp_path / "march.csv"), "--source", "health-team")
    assert clash.returncode == 1
    assert "belongs to the source 'spreadsheet'" in clash.stdout and "--source 'spreadsheet'" in clash.stdout


@pytest.mark.parametrize("written", ["https://Council.Example/api/", "https://council.example:443/api",
                                     "https://council.example/api/services", "https://council.example/api/services/",
                                     " https://council.example/api#top"])
def test_feed_addresses_are_normalised(written):
    assert feed.normalise_url(written) == "https://council.example/api"


def test_a_feed_named_with_a_trailing_slash_is_the_same_source(empty_directory):
    with Feed(unique_services(3)) as server:
        for address in (server.url, server.url + "/", server.url + "/services/"):
            result = cli(empty_directory, "import", "--url", address)
            assert result.returncode == 0 and " 0 rejected" in result.stdout, result.stdout + result.stderr
    assert "3 unchanged" in result.stdout


# --- problem 5: other headings for the columns; unknown headings reported -------------------------

def test_other_headings_are_read_and_unknown_ones_reported(empty_directory, tmp_path):
    table = rows(3)
    header = ["Ref", "Service Name", "Organisation", "Description", "Needs", "Min Age", "Max Age", "Cost", "Cost Amount",
              "How to access", "Venue", "Address 1", "Town", "Post Code", "Latitude", "Longitude", "Telephone",
              "E-mail", "Web Address", "Opening Hours", "Area Served", "Last Updated", "Status"]
    path = write(tmp_path / "excel.csv", [dict(row, extra="x") for row in table], header + ["Telefone number"])
    records, problems = spreadsheet.read(path)
    assert len(records) == 3
    assert records[0].phone[0]["number"] == table[0]["phone"] and records[0].addresses[0]["postal_code"] == table[0]["postcode"]
    assert records[0].service["url"] == table[0]["website"] and records[0].service["minimum_age"] == int(table[0]["minimum_age"])
    assert [str(p) for p in problems] == [
        "excel.csv row 1, column 'Telefone number': not a column the import knows, so it was ignored; did you mean 'phone'?"]
    assert store.apply(empty_directory, records, "staff", problems).warnings == problems


# --- problem 6: the vocabulary's own labels in the needs column -----------------------------------

@pytest.mark.parametrize("cell,codes", [
    ("Speech, language and communication", ["speech_language"]),
    ("Multi-sensory impairment; Autism", ["multi_sensory", "autism"]),
    ("Autism, ADHD, Speech, language and communication", ["autism", "adhd", "speech_language"]),
    ("social, emotional and mental health;short_breaks", ["semh", "short_breaks"]),
])
def test_vocabulary_labels_are_accepted_as_needs(cell, codes):
    assert spreadsheet.needs(cell, cached()) == (codes, [])


def test_an_unknown_need_is_left_out_naming_the_labels(tmp_path):
    table = rows(1)
    table[0]["needs"] = "Autism; astrology"
    records, problems = spreadsheet.read(write(tmp_path / "s.csv", table))
    assert records[0].needs == ["autism"] and len(problems) == 1 and problems[0].kept
    assert "'astrology' is not a known need" in problems[0].reason and "Speech, language and communication" in problems[0].reason


# --- problem 8: the sample leaves when real data arrives ------------------------------------------

def test_the_sample_leaves_when_the_first_real_import_lands(empty_directory, tmp_path):
    load_sample(empty_directory)
    summary = load(empty_directory, write(tmp_path / "s.csv", rows(4)))
    assert summary.sample_removed == 150 and "sample directory (150 made-up services) was taken out" in str(summary)
    assert store.count_services(empty_directory) == 4
    found = search.find(empty_directory, search.Query(keywords=("autism",)))
    shown = search.details(empty_directory, [f.service_id for f in found.found])
    assert shown and not any(row["is_sample"] for row in shown)
    again = cli(empty_directory, "load-sample")
    assert again.returncode == 0 and "not loaded" in again.stdout and store.count_services(empty_directory) == 4


def test_a_reply_never_calls_real_entries_sample_ones(empty_directory, tmp_path):
    from bot.directory.conversation import SLOTS, results
    load(empty_directory, write(tmp_path / "s.csv", rows(30)))
    # Sample services stored after real ones (only by hand now: the command refuses) are marked one by one.
    store.apply(empty_directory, spreadsheet.read(write(tmp_path / "sample.csv", list(
        csv.DictReader(io.StringIO(generate(30))))))[0], "sample", sample=True)
    reply = results(empty_directory, {SLOTS[0]: "autism"})
    shown = reply.payload["service_cards"]["cards"]
    assert any(c["sample"] for c in shown) and not all(c["sample"] for c in shown), [c["name"] for c in shown]
    assert "These are sample entries" not in reply.intro and "marked as sample data" in reply.intro
    for block in reply.text.split("\n\n"):
        assert ("Real " in block) != ("sample data" in block), block


# --- problem 9: Open Referral UK 3.0 fields ---------------------------------------------------------

def test_oruk3_fees_cost_options_and_dates_reach_the_card(empty_directory):
    full = oruk_file("service_full.json")
    records = [oruk.to_record(full, cached(), "item 1")]
    store.apply(empty_directory, records, "oruk-mock")
    card = cards.card(search.details(empty_directory, [full["id"]])[0])
    assert "fees_description" not in card["cost"]
    assert card["cost"] == "Under 18s and Over 60s: £35 per 1 hour session"
    assert card["last_updated"] == "15 March 2023"
    described = dict(full, id="x-2", fees="See website", fees_description="£5 a session, free for carers")
    del described["last_modified"]
    described["date_modified"] = "2024-06-30T09:00:00Z"
    assured = dict(full, id="x-3")
    del assured["last_modified"]
    store.apply(empty_directory, [oruk.to_record(r, cached(), "item") for r in (full, described, assured)], "oruk-mock")
    shown = {c["id"]: cards.card(c) for c in search.details(empty_directory, ["x-2", "x-3"])}
    assert shown["x-2"]["cost"].startswith("£5 a session, free for carers")
    assert shown["x-2"]["last_updated"] == "30 June 2024" and shown["x-3"]["last_updated"] == "1 January 2005"


def test_oruk_phones_with_quote_marks_are_kept_and_bad_ones_reported():
    item = dict(oruk_file("service_full.json"), phones=[{"id": "p1", "number": '"01632 960111"'},
                                                         {"id": "p2", "number": "“01632 960112”"},
                                                         {"id": "p3", "number": "ring reception"}])
    warnings = []
    record = oruk.to_record(item, cached(), "item 1", warnings)
    assert [p["number"] for p in record.phone] == ["01632 960111", "01632 960112"]
    assert len(warnings) == 1 and "'ring reception' does not look like a phone" in warnings[0].reason and warnings[0].kept


@pytest.mark.parametrize("broken,fixed", [
    ("Weâ€™re open â€“ Â£5 a session ðŸ™‚ (or 🙂)", "We’re open – £5 a session 🙂 (or 🙂)"),
    ("CafÃ© for parents – mixed with a real dash", "Café for parents – mixed with a real dash"),
    ("Ã¢â‚¬Å“twiceÃ¢â‚¬Â\x9d broken", "“twice” broken"),
    ("café, naïve and £5 stay as they are", "café, naïve and £5 stay as they are"),
])
def test_mojibake_is_mended_character_by_character(broken, fixed):
    assert clean.text(broken) == fixed


def test_zero_width_spaces_are_removed():
    assert clean.text("Speech\u200b and\u200d language\ufeff therapy") == "Speech and language therapy"
    assert clean.one_line("Auti\u200bsm") == "Autism"


# --- problem 7 (in part): needs from the feed's own fields, traps in descriptions, words narrow ----

@pytest.mark.parametrize("description", [
    "Hot meals delivered to your door, with low salt options.",
    "Advice and information in a language they can understand.",
    "Physical activity sessions and walks for older people.",
    "Support for people affected by blood cancer: emotional support and communication with your doctors.",
    "GP surgery. The building is wheelchair accessible, with access for wheelchair users.",
])
def test_everyday_words_in_a_description_set_no_need(description):
    item = {"id": "x", "name": "Community service", "description": description}
    assert oruk.to_record(item, cached(), "item").needs == []


def test_a_description_still_names_clear_needs():
    item = {"id": "x", "name": "Saturday club", "description": "A club for autistic children with speech and language therapy."}
    assert oruk.to_record(item, cached(), "item").needs == ["autism", "speech_language"]


def test_needs_and_ages_come_from_the_feeds_own_fields():
    terms = {"id": "t", "name": "Neighbourhood hub", "description": "Drop in for a chat and a cup of tea.",
             "service_taxonomys": [{"id": "1", "taxonomy": {"id": "9", "name": "Speech and Language Therapy"}}]}
    assert oruk.to_record(terms, cached(), "item").needs == ["speech_language"]
    audience = {"id": "a", "name": "Family hub", "description": "Activities.",
                "pc_targetAudience": [{"id": "1", "targetAudience": "Children with autism"}]}
    assert oruk.to_record(audience, cached(), "item").needs == ["autism"]
    adults = {"id": "b", "name": "Mental health trust", "description": "Talking therapies for anxiety.",
              "pc_targetAudience": [{"targetAudience": "Adults"}]}
    record = oruk.to_record(adults, cached(), "item")
    assert record.service["minimum_age"] == 18
    families = dict(adults, pc_targetAudience=[{"targetAudience": "Adults"}, {"targetAudience": "Families"}])
    assert oruk.to_record(families, cached(), "item").service["minimum_age"] is None


def test_typed_words_narrow_and_words_that_match_nothing_are_named(empty_directory, tmp_path):
    table = rows(3)
    for row, (name, description) in zip(table, [
            ("Splash Swimming Club", "Swimming sessions for disabled children and young people."),
            ("Town Surgery", "A GP surgery for registered patients."),
            ("Wheels Sports Club", "Wheelchair basketball and boccia.")]):
        row.update(name=name, description=description, needs="physical", town="Chatham", postcode="ME4",
                   minimum_age="", maximum_age="")
    load(empty_directory, write(tmp_path / "s.csv", table))

    def names(words):
        result = search.find(empty_directory, search.Query(("physical",), None, None, False, tuple(words.split())))
        return [r["name"] for r in search.details(empty_directory, [f.service_id for f in result.found])], result

    found, result = names("swimming")
    assert found == ["Splash Swimming Club"] and not result.unmatched
    found, result = names("skating")
    assert len(found) == 3 and result.unmatched == ("skating",)
    assert search.unmatched_note(result) == "No service in the directory mentions 'skating', so I left that word out."
    found, result = names("accessible swimming lessons")
    assert found == ["Splash Swimming Club"] and result.unmatched == ("lessons",)
