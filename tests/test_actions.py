"""Actions with real rasa-sdk Trackers and dispatchers: the exact messages a parent would get."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback, ActionOutOfScope
from actions.faq import ActionAnswerFaq
from actions.people import ActionTalkToPerson
from actions.safeguarding import ActionSafeguarding
from actions.small_talk import ActionSmallTalk


def tracker_for(text, intent, extra=None, slots=None, events=(), confidence=1.0):
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": [], **(extra or {})}
    return Tracker("test-user", dict(slots or {}), latest, list(events), False, None, {}, "action_listen")


def run(action, tracker, domain=None):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def test_safeguarding_sends_the_emergency_routes_in_one_message_and_no_events():
    messages, events = run(ActionSafeguarding(), tracker_for("he wants to die", "safeguarding"))
    assert events == [] and len(messages) == 1
    text = messages[0]["text"]
    assert text.index("999") < text.index("111") < text.index("01634 334 466")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/human_handoff", "/help"]


def test_talk_to_person_lists_each_service():
    messages, _ = run(ActionTalkToPerson(), tracker_for("talk to a person", "human_handoff"))
    assert "SENDIASS" in messages[0]["text"] and "Medway Parents and Carers Forum" in messages[0]["text"]


def test_a_weak_guess_at_talk_to_a_person_after_an_answer_is_read_as_a_follow_up():
    ranking = {"intent_ranking": [{"name": "human_handoff", "confidence": 0.18},
                                  {"name": "safeguarding", "confidence": 0.11},
                                  {"name": "faq_exclusions", "confidence": 0.10}]}
    weak = tracker_for("they just ring me up and say come and get him", "human_handoff", extra=ranking,
                       confidence=0.18, slots={"last_entry": "exclusions"})
    messages, events = run(ActionTalkToPerson(), weak)
    assert "Parents and Carers Forum" not in messages[0]["text"] and "exclusion" in messages[0]["text"]
    assert events[0]["name"] == "last_entry" and events[0]["value"] == "exclusions"
    for text, confidence in (("can someone ring me", 0.93), ("/human_handoff", 1.0)):
        sure = tracker_for(text, "human_handoff", confidence=confidence, slots={"last_entry": "exclusions"},
                           extra={"intent_ranking": [{"name": "human_handoff", "confidence": confidence}]})
        messages, _ = run(ActionTalkToPerson(), sure)
        assert "Parents and Carers Forum" in messages[0]["text"], text
    no_answer_before = tracker_for("they just ring me up and say come and get him", "human_handoff",
                                   extra=ranking, confidence=0.18)
    assert "Parents and Carers Forum" in run(ActionTalkToPerson(), no_answer_before)[0][0]["text"]


def test_a_weak_guess_at_thanks_after_an_answer_is_read_as_a_follow_up():
    ranking = {"intent_ranking": [{"name": "thanks", "confidence": 0.3},
                                  {"name": "out_of_scope", "confidence": 0.2}]}
    weak = tracker_for("ok ta, and what if they say no", "thanks", extra=ranking, confidence=0.3,
                       slots={"last_entry": "school_transport"})
    messages, events = run(ActionSmallTalk(), weak, {"responses": {"utter_thanks": [{"text": "You're welcome."}]}})
    assert "welcome" not in messages[0]["text"] and "appeal" in messages[0]["text"]
    assert events[0]["value"] == "transport_appeal"
    sure = tracker_for("ok ta, and what if they say no", "thanks", confidence=0.9, slots={"last_entry": "school_transport"},
                       extra={"intent_ranking": [{"name": "thanks", "confidence": 0.9}]})
    messages, _ = run(ActionSmallTalk(), sure, {"responses": {"utter_thanks": [{"text": "You're welcome."}]}})
    assert messages[0]["text"] == "You're welcome."


def test_fallback_explains_an_emoji_only_message():
    tracker = tracker_for("🙂🙂", "nlu_fallback", {"safety_guard": {"input_issue": "no_words"}})
    messages, _ = run(ActionFallback(), tracker)
    assert "emoji" in messages[0]["text"]


def test_fallback_offers_the_models_guess():
    tracker = tracker_for("ehcp thingy", "nlu_fallback",
                          {"intent_ranking": [{"name": "nlu_fallback", "confidence": 1.0},
                                              {"name": "faq_ehcp_overview", "confidence": 0.6}]})
    messages, _ = run(ActionFallback(), tracker)
    assert "Did you mean: What an EHC plan is?" in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/faq_ehcp_overview"


def test_an_faq_answer_sets_last_entry_and_says_which_entry_for_feedback():
    messages, events = run(ActionAnswerFaq(), tracker_for("what is mediation", "faq_mediation"))
    assert messages[0]["text"].startswith("Before most appeals")
    assert messages[1]["custom"] == {"feedback_for": "mediation"}
    assert events == [{"event": "slot", "timestamp": None, "name": "last_entry", "value": "mediation"}]


def test_a_follow_up_the_model_could_not_read_is_answered_from_the_last_entry():
    tracker = tracker_for("what if they say no?", "nlu_fallback", slots={"last_entry": "ehcp_who_can_request"},
                          extra={"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.2},
                                                    {"name": "faq_ehcp_no_plan", "confidence": 0.13},
                                                    {"name": "faq_ehcp_refused_assessment", "confidence": 0.09}]})
    messages, events = run(ActionFallback(), tracker)
    assert messages[0]["text"].startswith("A refusal to assess can be appealed")
    assert events[0]["name"] == "last_entry" and events[0]["value"] == "ehcp_refused_assessment"


def test_out_of_scope_in_a_send_conversation_is_read_as_a_follow_up():
    domain = {"responses": {"utter_out_of_scope": [{"text": "Sorry, I can only help with SEND."}]}}
    tracker = tracker_for("whose job is it to organise it, school or council?", "out_of_scope", confidence=0.25,
                          slots={"last_entry": "annual_review"})
    messages, _ = run(ActionOutOfScope(), tracker, domain)
    assert "council is responsible for the review" in messages[0]["text"]
    plain = tracker_for("when are my bins collected", "out_of_scope", confidence=0.85, slots={"last_entry": "annual_review"})
    messages, events = run(ActionOutOfScope(), plain, domain)
    assert messages == [{"text": None, "buttons": [], "elements": [], "custom": {}, "template": "utter_out_of_scope",
                         "response": "utter_out_of_scope", "image": None, "attachment": None}] and events == []


def test_small_talk_never_repeats_the_words_of_the_turn_before():
    domain = {"responses": {"utter_thanks": [{"text": "You're welcome."}, {"text": "Glad to help."}]}}
    events = [{"event": "user", "text": "thanks"}]
    first = run_small_talk("thanks", events, domain)
    events += [{"event": "bot", "text": first}, {"event": "user", "text": "thanks again"}]
    second = run_small_talk("thanks", events, domain)
    events += [{"event": "bot", "text": second}, {"event": "user", "text": "cheers"}]
    assert (first, second) == ("You're welcome.", "Glad to help.")
    assert run_small_talk("thanks", events, domain) == "You're welcome."


def run_small_talk(intent, events, domain):
    messages, _ = run(ActionSmallTalk(), tracker_for(intent, intent, events=events), domain)
    return messages[0]["text"]


def test_results_count_as_just_shown_only_in_the_turn_before_the_message():
    from actions.directory import results_just_shown

    def user(text):
        return {"event": "user", "text": text}

    def action(name):
        return {"event": "action", "name": name}

    results = [user("autism groups in Strood for my 9 year old"), action("action_search_services"),
               {"event": "bot", "text": "Here are services"}, {"event": "slot", "name": "search_page", "value": 1.0},
               action("action_listen")]

    def shown(*events):
        return results_just_shown(tracker_for("free if possible", "out_of_scope", events=[*events, user("free if possible")]))

    assert shown(*results)
    assert not shown(*results, user("what is mediation"), action("action_answer_faq"), action("action_listen"))
    assert not shown(*results, user("/directory_change"), action("action_reset_search"),
                     {"event": "slot", "name": "search_page", "value": None}, action("action_listen"))
    assert not shown(user("hello"), action("action_small_talk"), action("action_listen"))
    assert not shown()


def user(text):
    return {"event": "user", "text": text}


def action(name):
    return {"event": "action", "name": name}


SHOWN = [{"name": "Gillingham Speech and Language Drop-in", "where": "Gillingham ME7", "cost": "Free",
          "how_to_access": "No referral needed: drop in.", "phone": "01632 960125", "email": None, "url": None,
          "ages": "Ages 0 to 5", "sample": True},
         {"name": "Rainham Children's Speech and Language Therapy", "where": "Rainham ME8", "cost": "Free (NHS)",
          "how_to_access": "Referral by a GP, health visitor, school or parent.", "phone": None, "email": None,
          "url": None, "ages": "Ages 0 to 18", "sample": True}]
RESULTS_PAGE = [user("speech therapy in gillingham for my 4 year old"), action("action_search_services"),
                {"event": "bot", "text": "Here are services"},
                {"event": "bot", "text": "1. Gillingham ...", "data": {"custom": {"service_cards": {
                    "cards": SHOWN, "first_number": 1, "total": 6}}}},
                {"event": "slot", "name": "search_page", "value": 1.0}, action("action_listen")]


def test_a_question_about_the_results_just_shown_is_answered_from_their_cards():
    domain = {"responses": {"utter_out_of_scope": [{"text": "Sorry, I can only help with SEND."}]}}
    where = tracker_for("where is the first one", "out_of_scope", confidence=0.7, slots={"search_page": 1.0},
                        events=[*RESULTS_PAGE, user("where is the first one")])
    messages, events = run(ActionOutOfScope(), where, domain)
    assert messages[0]["text"].splitlines()[1] == \
        "1. Gillingham Speech and Language Drop-in (sample data: not a real service): Gillingham ME7"
    assert events == [{"event": "slot", "timestamp": None, "name": "search_page", "value": 1.0}]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/directory_more", "/directory_change", "/restart"]
    # The results stay in view for the next question about them, and no longer after another answer.
    answered = [*RESULTS_PAGE, user("where is the first one"), action("action_out_of_scope"),
                {"event": "bot", "text": messages[0]["text"]}, *events, action("action_listen")]
    number = tracker_for("whats the number for the second one", "out_of_scope", confidence=0.6,
                         events=[*answered, user("whats the number for the second one")])
    assert "2. Rainham Children's Speech and Language Therapy" in run(ActionOutOfScope(), number, domain)[0][0]["text"]
    moved_on = [*answered, user("what is mediation"), action("action_answer_faq"), {"event": "bot", "text": "Before"},
                {"event": "slot", "name": "last_entry", "value": "mediation"}, action("action_listen")]
    later = tracker_for("whats the number for the second one", "out_of_scope", confidence=0.6,
                        events=[*moved_on, user("whats the number for the second one")])
    assert "Rainham" not in str(run(ActionOutOfScope(), later, domain)[0])
    # The model is sure it is about free childcare; the message names a result, so it is about that.
    free = tracker_for("is the first one free", "faq_childcare_funding", confidence=0.8,
                       events=[*RESULTS_PAGE, user("is the first one free")])
    assert run(ActionAnswerFaq(), free)[0][0]["text"].endswith("(sample data: not a real service): Free")
    # "it" on a page of two: each result, and never a detail a card lacks (no opening times, no invented numbers).
    when = tracker_for("when is it open", "nlu_fallback", confidence=0.2,
                       events=[*RESULTS_PAGE, user("when is it open")])
    text = run(ActionFallback(), when)[0][0]["text"]
    assert "does not give opening times; ask them: 01632 960125" in text
    assert "does not give opening times; ask Medway SENDIASS" in text
    # A confident question about something else is answered as itself.
    other = tracker_for("what is mediation", "faq_mediation", events=[*RESULTS_PAGE, user("what is mediation")])
    assert run(ActionAnswerFaq(), other)[0][0]["text"].startswith("Before most appeals")


FORM_DOMAIN = {"forms": {"service_search_form": {"required_slots": ["service_need", "child_age", "service_area"]}}}


def test_find_service_read_from_a_follow_up_to_an_answer_answers_it_instead_of_searching():
    from actions.directory import ValidateServiceSearchForm

    answered = [user("what is mediation"), action("action_answer_faq"), {"event": "bot", "text": "Before most..."},
                {"event": "slot", "name": "last_entry", "value": "mediation"}, action("action_listen")]
    slots = {"last_entry": "mediation", "service_need": "speech", "child_age": "4", "service_area": "Gillingham"}
    ranking = {"intent_ranking": [{"name": "find_service", "confidence": 0.3}, {"name": "out_of_scope", "confidence": 0.13}]}
    free = tracker_for("is it free", "find_service", extra=ranking, confidence=0.3, slots=slots,
                       events=[*answered, user("is it free")])
    # The form's validation answers it and ends the form, filling nothing, in the same call.
    messages, events = run(ValidateServiceSearchForm(), free, FORM_DOMAIN)
    assert "it is voluntary, free" in messages[0]["text"] and "Here are services" not in messages[0]["text"]
    assert events[0]["name"] == "last_entry"
    assert events[-1] == {"event": "slot", "timestamp": None, "name": "requested_slot", "value": None}
    assert not any(e.get("name") in ("service_need", "search_page") for e in events)
    # A message that names a kind of help is a search, whatever came before: the form fills what it
    # says and asks the rest.
    search = tracker_for("any speech groups for him", "find_service", slots={"last_entry": "mediation"},
                         events=[*answered, user("any speech groups for him")])
    messages, events = run(ValidateServiceSearchForm(), search, FORM_DOMAIN)
    assert any(e.get("name") == "service_need" and e.get("value") for e in events)
    assert not any(e.get("name") == "requested_slot" for e in events) and not messages


def test_a_weak_guess_at_we_are_safe_with_no_emergency_reply_before_is_not_told_we_hope_you_are_safe():
    domain = {"responses": {"utter_glad_safe": [{"text": "Thank you for letting me know. I hope you are all safe now."}]}}
    ranking = {"intent_ranking": [{"name": "reassure_safe", "confidence": 0.21},
                                  {"name": "faq_attendance_fines", "confidence": 0.21}]}
    text = "can they fine us if shes too anxious to go"
    weak = tracker_for(text, "reassure_safe", extra=ranking, confidence=0.21, events=[user(text)])
    reply = run(ActionSmallTalk(), weak, domain)[0][0]["text"]
    assert "safe now" not in reply and "Fines for absence" in str(run(ActionSmallTalk(), weak, domain)[0][0]["buttons"])
    after_emergency = tracker_for("we're ok now", "reassure_safe", extra=ranking, confidence=0.21,
                                  events=[user("he has taken tablets"), action("action_safeguarding"), user("we're ok now")])
    assert "safe now" in run(ActionSmallTalk(), after_emergency, domain)[0][0]["text"]


def test_is_that_right_after_an_answer_says_what_the_answer_rests_on():
    domain = {"responses": {"utter_anything_else": [{"text": "Is there anything else I can help with?"}]}}
    asked = tracker_for("is that right?", "acknowledge", confidence=0.41, slots={"last_entry": "ehcp_who_can_request"})
    messages, events = run(ActionSmallTalk(), asked, domain)
    assert messages[0]["text"].startswith('The answer about "Who can ask for an EHC needs assessment" is based on')
    assert "Medway SENDIASS" in messages[0]["text"] and events[0]["value"] == "ehcp_who_can_request"
    assert run_small_talk("acknowledge", [], domain) == "Is there anything else I can help with?"
    plain_ok = tracker_for("ok", "acknowledge", slots={"last_entry": "ehcp_who_can_request"})
    assert run(ActionSmallTalk(), plain_ok, domain)[0][0]["text"] == "Is there anything else I can help with?"


def test_the_number_straight_after_the_list_of_people_says_where_their_details_are():
    domain = {"responses": {"utter_out_of_scope": [{"text": "Sorry, I can only help with SEND."}]}}
    listed = [user("can i speak to someone"), action("action_talk_to_person"), {"event": "bot", "text": "You can talk"},
              action("action_listen")]
    number = tracker_for("can you just tell me the number", "out_of_scope", confidence=0.9,
                         events=[*listed, user("can you just tell me the number")])
    text = run(ActionOutOfScope(), number, domain)[0][0]["text"]
    assert text.startswith("I don't have their phone numbers or emails to hand")
    assert "- Medway SENDIASS (SEND Information, Advice and Support Service): https://www.medway.gov.uk/" in text
    email = tracker_for("ok whats their email", "human_handoff", confidence=0.7,
                        events=[*listed, user("ok whats their email")])
    assert run(ActionTalkToPerson(), email)[0][0]["text"] == text
    elsewhere = tracker_for("can you just tell me the number", "out_of_scope", confidence=0.9,
                            events=[user("hi"), action("action_small_talk"), user("can you just tell me the number")])
    assert "I don't have their phone numbers" not in str(run(ActionOutOfScope(), elsewhere, domain)[0])


def test_a_message_not_understood_straight_after_the_emergency_reply_gets_warm_words_and_a_person_first():
    ranking = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "faq_short_breaks", "confidence": 0.2}]}
    text = "i dont want to hurt anyone i just need a break from it"
    after = tracker_for(text, "nlu_fallback", extra=ranking, confidence=0.3,
                        events=[user("i cant do this anymore"), action("action_safeguarding"),
                                {"event": "bot", "text": "call 999"}, action("action_listen"), user(text)])
    message = run(ActionFallback(), after)[0][0]
    assert message["text"].startswith("Thank you for telling me. You don't have to manage this on your own")
    assert [b["payload"] for b in message["buttons"]][:2] == ["/human_handoff", "/faq_short_breaks"]
    later = tracker_for(text, "nlu_fallback", extra=ranking, confidence=0.3, events=[user(text)])
    assert run(ActionFallback(), later)[0][0]["text"].startswith("Sorry, I'm not sure")


def test_a_long_post_with_a_date_that_asks_for_the_deadline_gets_the_date_whatever_answer_the_model_chose():
    text = ("we have been fighting for months and the LA sent a letter dated 3rd October 2026 saying they will not "
            "issue a plan after the assessment, when is my deadline")
    messages, _ = run(ActionAnswerFaq(), tracker_for(text, "faq_ehcp_no_plan", confidence=0.6))
    assert "ends on Thursday 3 December 2026" in messages[0]["text"]
    plain = tracker_for("they decided not to issue a plan, what now", "faq_ehcp_no_plan", confidence=0.8)
    assert "ends on" not in run(ActionAnswerFaq(), plain)[0][0]["text"]


def test_a_question_read_as_cancel_or_a_person_after_an_answer_is_read_against_the_answer():
    domain = {"responses": {"utter_anything_else": [{"text": "Is there anything else I can help with?"}]}}
    cancel = tracker_for("do i have to do it", "stop", confidence=0.62, slots={"last_entry": "mediation"},
                         extra={"intent_ranking": [{"name": "stop", "confidence": 0.62}]})
    assert "voluntary" in run(ActionSmallTalk(), cancel, domain)[0][0]["text"]
    plain = tracker_for("never mind", "stop", confidence=0.95, slots={"last_entry": "mediation"},
                        extra={"intent_ranking": [{"name": "stop", "confidence": 0.95}]})
    assert run(ActionSmallTalk(), plain, domain)[0][0]["text"] == "Is there anything else I can help with?"
    write = tracker_for("who do i write to", "human_handoff", confidence=0.6, slots={"last_entry": "ehcp_provision_not_delivered"},
                        extra={"intent_ranking": [{"name": "human_handoff", "confidence": 0.6}]})
    assert "Write to the council's SEN team" in run(ActionTalkToPerson(), write)[0][0]["text"]


def test_a_message_not_understood_after_the_results_keeps_them_in_view_for_the_next_question():
    domain = {"responses": {"utter_out_of_scope": [{"text": "Sorry, I can only help with SEND."}]}}
    ranking = {"intent_ranking": [{"name": "nlu_fallback", "confidence": 0.2}]}
    missed = tracker_for("hmm is it any good", "nlu_fallback", extra=ranking, confidence=0.2, slots={"search_page": 1.0},
                         events=[*RESULTS_PAGE, user("hmm is it any good")])
    messages, events = run(ActionFallback(), missed)
    assert events == [{"event": "slot", "timestamp": None, "name": "search_page", "value": 1.0}]
    later = [*RESULTS_PAGE, user("hmm is it any good"), action("action_fallback"), {"event": "bot", "text": "not sure"},
             *events, action("action_listen"), user("how much is the second one")]
    cost = tracker_for("how much is the second one", "out_of_scope", confidence=0.9, events=later)
    assert "2. Rainham Children's Speech and Language Therapy" in run(ActionOutOfScope(), cost, domain)[0][0]["text"]


def test_so_what_do_i_do_after_an_answer_gets_its_steps_not_the_menu():
    domain = {"responses": {"utter_help": [{"text": "I can answer questions about EHC plans."}]}}
    steps = tracker_for("so what do i do", "help", confidence=0.48, slots={"last_entry": "ehcp_provision_not_delivered"},
                        extra={"intent_ranking": [{"name": "help", "confidence": 0.48}]})
    assert "Write to the council's SEN team" in run(ActionSmallTalk(), steps, domain)[0][0]["text"]
    menu = tracker_for("what can you help with", "help", confidence=0.95, slots={"last_entry": "ehcp_provision_not_delivered"},
                       extra={"intent_ranking": [{"name": "help", "confidence": 0.95}]})
    assert run(ActionSmallTalk(), menu, domain)[0][0]["text"] == "I can answer questions about EHC plans."
