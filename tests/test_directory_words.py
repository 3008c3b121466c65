"""Reading a search from a parent's words, and the staff vocabulary file's checks."""

import pytest

from bot import yamlfile
from bot.directory import conversation, query, vocabulary
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
    ("speech therapy for my son hes 6 near Chatham", ("speech_language",), 6, "Chatham", False),
    ("she\u2019s 9 and we live in Rochester", (), 9, "Rochester", False),
    ("it is 2 weeks since I asked the school", (), None, None, False),
    ("there is 1 thing I need to ask", (), None, None, False),
    ("she's nearly 4, we're in ME7", (), 4, "Gillingham", False),
    ("he'll be 6 in March and they are in Strood", (), 6, "Strood", False),
    ("speech therapy for my son, he is 20 months, in Chatham", ("speech_language",), 1, "Chatham", False),
])
def test_one_sentence_gives_every_part(text, needs, age, place, free):
    u = understand(text)
    assert (u.needs, u.age, u.place, u.free_only) == (needs, age, place, free)


def test_anywhere_is_not_a_word_to_search_for():
    assert "anywhere" not in understand("is there a sensory room anywhere in medway").keywords


@pytest.mark.parametrize("text,age", [("about 10", 10), ("11 in June", 11), ("age: 6", 6), ("3 and a half", 3),
                                      ("they are 8", 8), ("2 weeks ago", None)])
def test_ages_as_parents_type_them_when_asked(text, age):
    assert understand(text, bare_number_is_age=True).age == age


@pytest.mark.parametrize("text,place", [("Gilingham", "Gillingham"), ("chattam please", "Chatham"), ("Stroud", "Strood"),
                                        ("rochster", "Rochester"), ("Maidstone", None), ("swimming", None)])
def test_a_misspelt_town_is_read_when_we_asked_which_part_of_medway(text, place):
    assert conversation.read_message(text, "service_area").get("service_area", "?place") == (place or "?place")
    assert understand(text).place is None, "only when asked: elsewhere a word could look like a town"


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


@pytest.mark.parametrize("text,intent,slot", [
    ("he's 6", "safeguarding", "child_age"),  # the model's guesses for these, with the trained model
    ("she is 9", "safeguarding", "child_age"),
    ("6", "out_of_scope", "child_age"),
    ("thanks, she's 9", "thanks", "child_age"),
    ("300", "out_of_scope", "child_age"),  # an answer that is explained, then asked again
    ("Chatham", "out_of_scope", "service_area"),
    ("what about Rochester?", "faq_moving_area", "service_area"),
    ("CT1 2AB", "out_of_scope", "service_area"),
    ("Maidstone", "out_of_scope", "service_area"),
    ("autism", "faq_autism_adhd_assessment", "service_need"),
    ("swimming lessons", "out_of_scope", "service_need"),
    ("skip", "out_of_scope", "service_need"),
    ("don't mind", "goodbye", "service_area"),
    ("I don't know", "help", "service_need"),
    ("hi, he's 6", "greet", "child_age"),
    ("find a service", "find_service", "child_age"),  # the search asks its question again
    ("/find_service", "find_service", "service_area"),
    ("swimming lessons", "find_service", "service_need"),  # words to search for
    ("autism groups near Chatham", "find_service", "child_age"),
    ("Rainham please", "out_of_scope", "child_age"),  # another of the search's questions, answered
    ("in Strood", "out_of_scope", "child_age"),
])
def test_an_answer_is_read_from_the_text_not_from_the_intent_alone(text, intent, slot):
    assert conversation.answers_question(text, intent, slot)


@pytest.mark.parametrize("text,intent,slot", [
    ("how long does an EHC assessment take?", "faq_ehcp_timescales", "child_age"),
    ("how long does an EHC assessment take for my 6 year old?", "faq_ehcp_timescales", "child_age"),
    ("what is an ehcp", "faq_ehcp_overview", "service_need"),
    ("how do I get an autism assessment?", "faq_autism_adhd_assessment", "service_need"),
    ("thanks", "thanks", "child_age"),
    ("goodbye", "goodbye", "service_area"),
    ("start again", "restart", "service_need"),
    ("can I talk to someone in Chatham", "human_handoff", "service_area"),
    ("when are my bins collected", "out_of_scope", "service_area"),
    ("my son is 14 and says he wants to kill himself", "find_service", "child_age"),  # a pattern: always
    ("I'm scared he will hurt himself, he is 6", "safeguarding", "child_age"),
    ("/human_handoff", "human_handoff", "child_age"),
    ("hello", "greet", "child_age"),  # greeted, then the search asks again
    ("what are short breaks?", "faq_short_breaks", "child_age"),
    ("he's 6 and he hits me every day", "safeguarding", "service_need"),
])

def test_anything_else_lets_the_search_go(text, intent, slot):
    assert not conversation.answers_question(text, intent, slot)


def test_an_answer_to_another_question_keeps_it_and_asks_again():
    assert conversation.read_message("in Strood", "child_age") == {"service_area": "Strood"}
    assert conversation.read_message("near ME8", "child_age")["service_area"] == "Rainham"
    assert conversation.read_message("hello there", "child_age") == {"child_age": "?age"}
    assert conversation.read_message("find a service", "child_age") == {"child_age": conversation.ASK_AGAIN}
    assert conversation.checked(conversation.ASK_AGAIN) == (None, None), "asked again, nothing to explain"


def test_a_search_starts_with_what_was_said_before():
    earlier = ["my daughter is 9 and autistic, what is an EHCP?", "we live in Strood"]
    values = conversation.opening_values("find a service", earlier, filled=[])
    assert {k: values.get(k) for k in conversation.SLOTS} == {"service_need": "autism", "child_age": "9", "service_area": "Strood"}
    values = conversation.opening_values("speech therapy near Chatham", earlier, filled=["child_age"])
    assert {k: values.get(k) for k in conversation.SLOTS} == {"service_need": "speech_language", "child_age": None,
                                                             "service_area": "Chatham"}, "this message first; filled slots kept"
    assert conversation.opening_values("/find_service", ["he is 6"], filled=[])["child_age"] == "6"


def test_earlier_messages_are_read_once_and_as_before():
    # issue 19: a search reads up to 30 earlier messages; each text's reading is kept, unless it has personal details
    def uncached(texts):
        values = {}
        for text in texts[-conversation.MAX_EARLIER_MESSAGES:]:
            if not (conversation.clean.text(text) or "").lstrip().startswith("/"):
                given = conversation.read_message(text, None)
                values.update({s: given[s] for s in conversation.SLOTS if s in given and not given[s].startswith("?")})
        return values
    texts = ["my son is 7", "/find_service", "we live in Strood", "speech therapy please", "ME2 2AA",
             "call me on 07700 900123 about autism", "anywhere", "he's 300", "near Hoo", "my daughter Jane is 4",
             "<b>portage</b>", "not speech, autism", "postcode CT1 1AA"] * 3
    conversation._earlier.clear()
    for end in range(1, len(texts) + 1):
        assert conversation.remembered_values(texts[:end]) == uncached(texts[:end])
    assert conversation.remembered_values(texts) == uncached(texts)  # read again from what is kept
    assert "my son is 7" in conversation._earlier
    assert not any("07700" in text or "Jane" in text for text in conversation._earlier)


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


@pytest.mark.parametrize("text", ["skip", "rather not say", "dont want to say", "I don't want to say", "not saying",
                                  "I'd prefer not to say", "no idea"])
def test_ways_of_not_answering_a_search_question_are_skips(text):
    assert query.is_skip(text)


@pytest.mark.parametrize("text", ["speech therapy", "I don't want to say his name", "saying goodbye"])
def test_answers_are_not_skips(text):
    assert not query.is_skip(text)


@pytest.mark.parametrize("text,changes", [
    ("free if possible", {"service_free": True}),
    ("what about in strood", {"service_area": "Strood"}),
    ("she's 12 actually", {"child_age": "12"}),
    ("any for a 15 year old in Rainham", {"child_age": "15", "service_area": "Rainham"}),
    ("what about sensory groups", {"service_need": "sensory", "service_keywords": "groups"}),
    ("free ones?", {"service_free": True}),
    ("is there anything in chatham", {"service_area": "Chatham"}),
    ("doesnt have to be free", {"service_free": None}),
    ("short breaks for Oliver please", {"service_need": "short_breaks", "service_keywords": None}),
])
def test_a_few_words_after_the_results_change_the_search(text, changes):
    assert conversation.refinement(text) == changes


@pytest.mark.parametrize("text", [
    "cheaper ones?", "thanks", "", "/directory_more", "<b></b>",
    "how do I appeal the council's decision about my son's plan in Strood",
    "my 12 year old says she wants to kill herself",
    "can my 12 year old get an ehcp", "is transport free", "is speech therapy in the ehcp free",
])
def test_other_messages_after_the_results_are_not_changes_to_the_search(text):
    assert conversation.refinement(text) == {}


def test_is_it_free_while_asked_the_age_keeps_free_only_and_asks_the_age_again_without_sorry():
    assert conversation.read_message("is it free", "child_age") == {"service_free": True}
    assert conversation.read_message("free ones please", "service_area") == {"service_free": True}


@pytest.mark.parametrize("text", ["what do you mean", "why do you need to know?", "why", "what?", "i dont understand"])
def test_why_a_question_is_asked_is_explained_and_the_search_carries_on(text):
    for slot in conversation.SLOTS:
        assert conversation.answers_question(text, "help", slot), (text, slot)
        value = conversation.answer_values(text, slot, None)[slot]
        assert conversation.problem_message(value).startswith("I ask "), (text, slot)
    assert not conversation.asks_why("why do you need my postcode for autism groups in strood")


def test_an_answer_with_another_need_keeps_the_need_asked_for():
    assert conversation.answer_values("he's 11 and uses a wheelchair", "child_age", "speech_language") == {"child_age": "11"}
    changed = conversation.answer_values("actually it's autism we need, not speech", "child_age", "speech_language")
    assert changed["service_need"] == "autism", "a need named alone changes it; one turned down is dropped"
    assert conversation.answer_values("show more", "child_age", "autism") == {"child_age": "?more"}
    assert conversation.is_more_request("/directory_more") and not conversation.is_more_request("more autism groups")


def test_a_piece_given_out_of_turn_is_said_back():
    said = conversation.acknowledgement("we're in Chatham", "child_age", {"service_need": "autism"},
                                        {"service_need": "autism", "service_area": "Chatham"})
    assert said == "Near Chatham, thanks."
    assert conversation.acknowledgement("9", "child_age", {}, {"child_age": "9"}) is None, "the answer asked for"
    kept = conversation.acknowledgement("11 and in a wheelchair", "child_age", {"service_need": "speech_language"},
                                        {"service_need": "speech_language", "child_age": "11"})
    assert kept and "Speech, language and communication" in kept


def test_changing_the_search_keeps_the_rest():
    slots = {"service_need": "autism", "child_age": "9", "service_area": "Strood", "service_free": None}
    assert conversation.is_changing(None, "directory_change", slots)
    assert not conversation.is_changing(None, "directory_change", {})
    assert conversation.change_request("change the age", slots) == {"child_age": None, "search_change": "child_age"}
    assert conversation.change_request("what about Rainham", slots) == {"service_area": "Rainham", "search_change": "changed"}
    assert conversation.change_request("free only", slots)["service_free"] is True
    assert conversation.change_request("new search", slots)["service_need"] is None
    assert conversation.change_request("hmm", slots) == {"search_change": "?change"}
    text, buttons = conversation.change_question(slots)
    assert "Autism, age 9, near Strood" in text and {"Age", "Area", "Kind of help", "Free only"} <= {b["title"] for b in buttons}


@pytest.mark.parametrize("text,age", [("hes in year 6", 10), ("she is in reception", 4), ("in yr 11 now", 15),
                                      ("starting year 7 in september", 11), ("the year 6 sats", None),
                                      ("he is 9 and in year 4", 9), ("in year 20", None)])
def test_a_school_year_gives_the_age(text, age):
    assert understand(text).age == age


@pytest.mark.parametrize("text,age", [
    ("12", 12), ("he is 12", 12), ("she\u2019s 15", 15), ("hes 7 years old", 7), ("ds is 9", 9),
    ("twelve", 12), ("he is in year 7", 11), ("<b>12</b>", 12),
])
def test_a_message_that_only_gives_an_age_is_read_as_one(text, age):
    assert conversation.only_age(text) == age


@pytest.mark.parametrize("text", [
    "12 months", "find services for a 12 year old", "he is 12 and has autism", "12 in strood", "2014",
    "15 feb", "can my 12 year old get an ehcp", "my son", "100", "/faq_post16_options", "",
])
def test_a_message_saying_more_than_an_age_is_not_only_an_age(text):
    assert conversation.only_age(text) is None


@pytest.mark.parametrize("text, place", [
    ("we live in rainham", "Rainham"), ("in chatham", "Chatham"), ("ME7", "Gillingham"), ("hoo", "Hoo Peninsula"),
    ("we\u2019re based in Strood.", "Strood"), ("chatham please", "Chatham"),
])
def test_a_message_that_only_gives_a_place_is_read_as_one(text, place):
    assert conversation.only_place(text) == place


@pytest.mark.parametrize("text", [
    "we are in gillingham, shes 5", "rainham mark grammar", "moving to strood", "what is there in chatham",
    "we live in kent", "/faq_short_breaks", "", "autism groups in chatham",
])
def test_a_message_saying_more_than_a_place_is_not_only_a_place(text):
    assert conversation.only_place(text) is None
