"""Reading a search from a parent's words, and the staff vocabulary file's checks."""

import pytest

from bot import yamlfile
from bot.directory import conversation, vocabulary
from bot.directory.query import understand
from bot.yamlfile import ContentError


@pytest.mark.parametrize("text,needs,age,place,free", [
    ("is there speech therapy for my 4 year old near Gillingham?", ("speech_language",), 4, "Gillingham", False),
    ("any autism support groups in Strood?", ("autism", "parent_groups"), None, "Strood", False),
    ("free holiday clubs for disabled children", ("short_breaks",), None, None, True),
    ("SALT for my ASD son, he's seven, ME2", ("speech_language", "autism"), 7, "Strood", False),
    ("camhs for a 15yo in Rainham", ("semh",), 15, "Rainham", False),
    ("portage for my 18 month old on the Hoo peninsula", ("early_years",), 1, "Hoo Peninsula", False),
    ("OT near Lordswood", ("physical",), None, "Lordswood", False),
    ("respite, no cost, Walderslade ME5 9XX", ("short_breaks",), None, "Walderslade", True),
])
def test_one_sentence_gives_every_part(text, needs, age, place, free):
    u = understand(text)
    assert (u.needs, u.age, u.place, u.free_only) == (needs, age, place, free)


def test_impossible_ages_and_places_outside_medway_are_explained_not_guessed():
    assert understand("my son is 300").problems == ("age_out_of_range",)
    assert understand("we live in CT1 2AB").problems == ("outside_medway",)
    assert understand("Sittingbourne ME10 4AB").problems == ("outside_medway",)
    assert understand("ME7 2AB").place == "Gillingham"


def test_a_bare_number_is_an_age_only_when_we_asked_for_one():
    assert conversation.read_message("7", "child_age") == {"child_age": "7"}
    assert conversation.read_message("7", "service_need") == {"service_need": "?need"}


def test_answers_to_the_question_asked():
    assert conversation.read_message("skip", "service_area") == {"service_area": "any"}
    assert conversation.read_message("Hoo", "service_area") == {"service_area": "Hoo Peninsula"}
    assert conversation.read_message("Narnia", "service_area") == {"service_area": "?place"}
    assert conversation.read_message("trampoline park", "service_need") == {"service_need": "any",
                                                                           "service_keywords": "trampoline park"}
    assert conversation.read_message("<b></b>", "service_need") == {"service_need": "?need"}
    assert conversation.problem_message("?age_out_of_range").startswith("That age doesn't look right")


def test_vocabulary_errors_name_the_file_and_line(tmp_path):
    path = tmp_path / "vocabulary.yml"
    path.write_text("needs:\n  - code: Bad Code\n    label: x\n    synonyms: [a]\n  - code: ok\n    label: y\n"
                    "    synonyms: [a]\nplaces:\n  - name: Nowhere\n    latitude: 0.52\n    longitude: 51.38\n"
                    "    districts: [XX1]\n")
    with pytest.raises(ContentError) as error:
        vocabulary.parse(yamlfile.load(path), path)
    text = str(error.value)
    assert f"{path}:2:" in text and "Bad Code" in text
    assert "synonym of both" in text and "not in Kent" in text and "XX1" in text


def test_the_shipped_vocabulary_is_valid():
    loaded = vocabulary.load()
    assert len(loaded.needs) >= 12 and {p.name for p in loaded.places} >= {"Chatham", "Hoo Peninsula", "Lordswood"}


@pytest.mark.parametrize("fees,costs,free", [
    ("Free", [], True),
    ("Free of charge for Medway families", [], True),
    ("No cost to families", [], True),
    ("£5 a session", [], False),
    ("Free taster, then £5 a session", [], False),
    ("Not free: charges apply", [], False),
    (None, [], False),
    ("", [{"amount": 0}], True),
    ("Free", [{"amount": 0}, {"amount": 3}], False),
])
def test_free_only_when_the_service_says_so(fees, costs, free):
    from bot.directory.index import is_free
    assert is_free(fees, costs) is free
