"""The directory search conversation: fill the form from the parent's words, then show results."""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import LAST_ENTRY, send
from bot import answers, content, followups, turns
from bot.directory import conversation, db, result_questions

logger = logging.getLogger(__name__)

# Messages the volunteer question form must not swallow as an answer (actions/volunteer.py). The
# service search decides with conversation.answers_question, from the text and the intent together.
INTERRUPTIONS = {"safeguarding", "restart", "human_handoff", "bot_challenge", "goodbye", "directory_change"}
# Events after which the search starts afresh: what was said before them is not used.
_FRESH_START = {"restart", "session_started"}
_SKIPPED = {"action_listen", "action_extract_slots", "service_search_form"}
_SEARCH_SLOTS = (*conversation.SLOTS, "service_keywords", "service_free")


def _latest(tracker: Tracker) -> tuple[str, Optional[str]]:
    message = tracker.latest_message or {}
    return message.get("text") or "", (message.get("intent") or {}).get("name")


def _typed_just_now(tracker: Tracker) -> bool:
    """Whether the form runs straight after the parent's message (not on its way back to the search
    after another action, such as action_reset_search, answered something)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in _SKIPPED:
            return False
    return True


def _earlier_messages(tracker: Tracker) -> List[str]:
    """What the parent typed before the latest message, since the conversation or the search last started afresh."""
    texts: List[str] = []
    for event in tracker.events:
        kind = event.get("event")
        if kind in _FRESH_START or (kind == "action" and event.get("name") == "action_reset_search"):
            texts = []
        elif kind == "user":
            texts.append(event.get("text") or "")
    return texts[:-1]


def _opening_values(tracker: Tracker, text: str) -> Dict[Text, Any]:
    """conversation.opening_values, worked out once for the three slots' extractions of one run (kept
    on that run's tracker, so no one's messages stay in memory after it)."""
    values = getattr(tracker, "_medway_opening_values", None)
    if values is None:
        filled = [s for s in conversation.SLOTS if tracker.get_slot(s) is not None]
        values = conversation.opening_values(text, _earlier_messages(tracker), filled)
        tracker._medway_opening_values = values
    return values


def end_search(tracker: Tracker) -> List[Dict[Text, Any]]:
    """Events that stop any form in progress (after safeguarding or a hand-off, a form must not carry on)."""
    if not tracker.active_loop_name:
        return []
    return [ActiveLoop(None), SlotSet("requested_slot", None)]


def faq_follow_up(tracker: Tracker) -> Optional[answers.Outcome]:
    """A message the model read as "find a service" that asks about the answer just given ("is it
    free?", "where is that?" after the personal budgets answer): its reply read against that answer.
    None: search (the message names a kind of help, an age or a place, or no answer came just before)."""
    text, intent = _latest(tracker)
    last = turns.slot_set(tracker.events, LAST_ENTRY)
    if intent != "find_service" or not last or text.lstrip().startswith("/") or conversation.names_search_terms(text):
        return None
    library = content.live()
    parse = answers.Parse.of(tracker.latest_message or {})
    reading = followups.reread(parse.text, parse.ranking, last, library, parse.intent, parse.confidence)
    if reading is None and followups.points_back(parse.text, library):
        reading = followups.Reading(last, 0.0, 0.0, 0.0)  # "where is that?": the answer says no more
    return answers.follow_up(reading, last, library, tracker.events) if reading else None


class ValidateServiceSearchForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_service_search_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[Text, Any]]:
        """Fills the search from the parent's words and, once nothing is left to ask, shows the results
        itself: the form's last step and the search are one call to this server, not two (each call
        waits its turn on the busy Rasa server again: the search set the tail of the latency).
        A search that starts from a follow-up to an answer, or from a question about the results just
        shown, ends at once, filling nothing, with that answer. An answer that filled the search but
        not the question asked is said back first ("Near Chatham, thanks.")."""
        requested = tracker.get_slot("requested_slot")
        if requested is None:
            instead = _answer_instead_of_searching(dispatcher, tracker)
            if instead is not None:
                return instead + [SlotSet("requested_slot", None)]
        before = _search_slots(tracker)
        events = await super().run(dispatcher, tracker, domain)
        after = _search_slots(tracker)  # the SDK has applied the extracted and validated values
        said = conversation.acknowledgement(_latest(tracker)[0], requested, before, after) if _typed_just_now(tracker) else None
        if said:
            dispatcher.utter_message(text=said)
        if _form_done(events, after, self.domain_slots(domain)):
            events += _send_results(dispatcher, await _search(after, 0))
        return events

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        """After "Change the search", what to change is asked first; the search's slots stay filled."""
        if conversation.is_changing(tracker.get_slot("requested_slot"), _latest(tracker)[1], _search_slots(tracker)):
            return [conversation.CHANGE_SLOT, *domain_slots]
        return domain_slots

    def _extract(self, slot: str, tracker: Tracker) -> Dict[Text, Any]:
        """The slot's value from the parent's latest message; nothing when it is not an answer, so
        the form steps aside and the rules answer it as itself."""
        text, intent = _latest(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested == conversation.CHANGE_SLOT or not _typed_just_now(tracker) \
                or not conversation.answers_question(text, intent, requested):
            return {}
        if requested is None:  # the search starts: use everything already said
            values = _opening_values(tracker, text)
        else:
            values = conversation.answer_values(text, requested, tracker.get_slot("service_need"))
        return {k: v for k, v in values.items() if k == slot or k not in conversation.SLOTS}

    async def extract_search_change(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        """The answer to "What would you like to change?": the part to ask again, or the new value itself."""
        text, intent = _latest(tracker)
        requested = tracker.get_slot("requested_slot")
        if requested is None and intent == "directory_change" and not text.lstrip().startswith("/"):
            # "can I change the area": the part (or the new value) was said with the request itself
            changes = conversation.change_request(text, _search_slots(tracker))
            return {} if str(changes[conversation.CHANGE_SLOT]).startswith("?") else changes
        if requested != conversation.CHANGE_SLOT or not _typed_just_now(tracker) \
                or not conversation.answers_question(text, intent, conversation.CHANGE_SLOT):
            return {}
        return conversation.change_request(text, _search_slots(tracker))

    async def validate_search_change(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        return self._validate(conversation.CHANGE_SLOT, value, dispatcher)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[Dict[Text, Any]]:
        """The SDK keeps only required slots; the search words and "free only" ride along too."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        extra = {k: v for k, v in tracker.slots_to_validate().items() if k in ("service_keywords", "service_free")}
        return events + [SlotSet(k, v) for k, v in extra.items()]

    async def extract_service_need(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("service_need", tracker)

    async def extract_child_age(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("child_age", tracker)

    async def extract_service_area(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        return self._extract("service_area", tracker)

    def _validate(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        value, problem = conversation.checked(value)
        if problem:
            dispatcher.utter_message(text=problem)
        return {slot: value}

    async def validate_service_need(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        return self._validate("service_need", value, dispatcher)

    async def validate_child_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        return self._validate("child_age", value, dispatcher)

    async def validate_service_area(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Dict[Text, Any]:
        return self._validate("service_area", value, dispatcher)


class ActionSearchServices(Action):
    """"Show more": the next page of the search's results as cards (the form's validation shows the first)."""

    def name(self) -> Text:
        return "action_search_services"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("service_need") is None:
            dispatcher.utter_message(response="utter_ask_service_need")
            return []
        page = int(tracker.get_slot("search_page") or 0)
        return _send_results(dispatcher, await _search(_search_slots(tracker), page))


def _answer_instead_of_searching(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """A message the model read as "find a service" that only asks what a term means ("what is the
    portage service"), follows up the answer just given, or asks about the results just shown: its
    answer (events), sent. None: search."""
    text, intent = _latest(tracker)
    if intent == "find_service" and not text.lstrip().startswith("/"):
        meaning = answers.defined(answers.Parse.of(tracker.latest_message or {}), content.live(), tracker.events)
        if meaning:
            return send(meaning, dispatcher)
    in_context = faq_follow_up(tracker)
    if in_context:
        return send(in_context, dispatcher)
    about = question_about_results(tracker) if _latest(tracker)[1] == "find_service" else None
    return send_about_results(dispatcher, tracker, about) if about else None


def _form_done(events: List[Dict[Text, Any]], slots: Dict[Text, Any], required: List[Text]) -> bool:
    """Whether the form ends after these validation events, as Rasa's FormAction decides: the
    validation said what to ask next (nothing: done), else no required slot is still empty."""
    asked = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == "requested_slot"]
    if asked:
        return asked[-1] is None
    return all(slots.get(slot) is not None for slot in required)


def _search_slots(tracker: Tracker) -> Dict[Text, Any]:
    return {s: tracker.get_slot(s) for s in _SEARCH_SLOTS}


async def _search(slots: Dict[Text, Any], page: int) -> conversation.Reply:
    """One page of results, searched off the event loop."""
    return await asyncio.to_thread(conversation.results, db.shared_engine(), slots, page)


def _send_results(dispatcher: CollectingDispatcher, reply: conversation.Reply) -> List[Dict[Text, Any]]:
    if reply.payload:
        dispatcher.utter_message(text=reply.intro)
        # The cards once: their plain-text copy for any client, the cards for the widget, in one message.
        found = {key: value for key, value in reply.payload["service_cards"].items() if key != "text"}
        dispatcher.utter_message(text=reply.text, json_message={"service_cards": found})
        dispatcher.utter_message(text="What would you like to do next?", buttons=reply.buttons)
    else:
        dispatcher.utter_message(text=reply.intro, buttons=reply.buttons)
    return [SlotSet("search_page", float(reply.next_page))]


def results_just_shown(tracker: Tracker) -> bool:
    """Whether the assistant's reply before the parent's latest message was a page of search results
    (every page sets `search_page`)."""
    return turns.slot_set(tracker.events, "search_page") is not None


def _page_in_view(tracker: Tracker) -> Dict[Text, Any]:
    """The latest page of results (its cards, the number of the first, how many were found), while the
    results are still in view: every reply since that page kept `search_page` set. {}: none."""
    page_kept, started = False, False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if started and not page_kept:
                break
            started, page_kept = True, False
        elif not started:
            continue
        elif kind == "slot" and event.get("name") == "search_page":
            page_kept = page_kept or event.get("value") is not None
        elif kind == "bot" and page_kept:
            shown = ((event.get("data") or {}).get("custom") or {}).get("service_cards") or {}
            if shown.get("cards"):
                return shown
    return {}


def question_about_results(tracker: Tracker) -> Optional[result_questions.Answer]:
    """The reply to a question about the results just shown ("is the first one free?"), or None."""
    if not results_just_shown(tracker):
        return None
    page = _page_in_view(tracker)
    text = _latest(tracker)[0]
    if not page.get("cards"):  # the search found nothing: "what about at weekends" got the part-time timetable answer
        about = result_questions.about_nothing_found(text)
        return None if about is None or conversation.is_change(text) else about
    about = result_questions.answer(text, page.get("cards") or [], int(page.get("first_number") or 1))
    if about and (not about.explicit or about.text.startswith(result_questions.ABOUT.label)) \
            and conversation.is_change(text):
        return None  # "can we try Rochester instead?" changes the search, though a result's name has "Rochester"
    return about


def send_about_results(dispatcher: CollectingDispatcher, tracker: Tracker,
                        about: result_questions.Answer) -> List[Dict[Text, Any]]:
    """The answer, keeping the results in view for the next question about them ("and the second one?")."""
    page = _page_in_view(tracker)
    more = int(page.get("first_number") or 1) - 1 + len(page.get("cards") or []) < int(page.get("total") or 0)
    dispatcher.utter_message(text=about.text, buttons=([_SHOW_MORE] if more else []) + _AFTER_ANSWER)
    return [SlotSet("search_page", tracker.get_slot("search_page"))]


async def after_results(dispatcher: CollectingDispatcher, tracker: Tracker,
                        explicit_only: bool = False) -> Optional[List[Dict[Text, Any]]]:
    """Straight after a page of results, a question about them is answered from the cards, and a
    change to the search ("free if possible", "what about Strood?") searches again: the actions that
    answer a message the model did not place call this first. None: the message is neither.
    `explicit_only`: only a question that names a result ("is the first one free?")."""
    about = question_about_results(tracker)
    if about and (about.explicit or not explicit_only):
        return send_about_results(dispatcher, tracker, about)
    if explicit_only:
        return None
    return await refine_results(dispatcher, tracker) or change_asked(tracker) or await search_offered(dispatcher, tracker)


def change_asked(tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Straight after the results, "could I change the town please" (which the model may not read as
    "Change the search"): the search starts again with that question, keeping the rest. None: not such a request."""
    part = conversation.part_to_change(_latest(tracker)[0]) if results_just_shown(tracker) else None
    if part is None:
        return None
    cleared = [part, "service_keywords"] if part == "service_need" else [part]
    return [SlotSet(slot, None) for slot in (*cleared, "search_page")] + [
        ActiveLoop("service_search_form"), SlotSet("requested_slot", None)]


def keep_results_in_view(tracker: Tracker) -> List[Dict[Text, Any]]:
    """For a reply that did not understand a message straight after the results: the results stay in
    view, so the next question about them is still answered from them (a missed "is it suitable for
    a 15 year old" made every later question "only SEND")."""
    page = turns.slot_set(tracker.events, "search_page")
    return [SlotSet("search_page", page)] if page is not None else []


_SHOW_MORE = {"title": "Show more", "payload": "/directory_more"}
_AFTER_ANSWER = [{"title": "Change the search", "payload": "/directory_change"},
                 {"title": "Start again", "payload": "/restart"}]


async def refine_results(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Search again when the message changes the search just shown ("free if possible", "what about
    Strood?"): the actions that answer a message the model did not place call this first. None: the
    message is not a change to a search."""
    if not results_just_shown(tracker):
        return None
    changes = conversation.refinement(_latest(tracker)[0])
    if not changes:
        return None
    try:
        reply = await _search({**_search_slots(tracker), **changes}, 0)
    except Exception:  # the directory is down: the action's own reply is better than none
        logger.exception("could not search the directory again; answering the message as it is")
        return None
    return [SlotSet(k, v) for k, v in changes.items()] + _send_results(dispatcher, reply)


async def search_offered(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Straight after an answer that offers a search ("tell me what you need and your town"), an age or
    a town typed alone searches with the answer's kind of help (it got "I can't answer that in detail").
    None: the message is not such a reply."""
    last = turns.slot_set(tracker.events, LAST_ENTRY)
    entry = content.live().entries.get(last) if last else None
    slots = conversation.offered_search(_latest(tracker)[0], entry.find_service if entry else "")
    if not slots:
        return None
    try:
        reply = await _search(slots, 0)
    except Exception:  # the directory is down: the action's own reply is better than none
        logger.exception("could not search the directory; answering the message as it is")
        return None
    return [SlotSet(k, v) for k, v in slots.items()] + _send_results(dispatcher, reply)


class ActionResetSearch(Action):
    """"Change the search": after a search its answers are kept and the form asks what to change
    (ValidateServiceSearchForm.required_slots); with none, they are cleared and the form asks afresh."""

    def name(self) -> Text:
        return "action_reset_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if any(tracker.get_slot(s) is not None for s in conversation.SLOTS):
            # A search still asking its questions starts over, so that it asks what to change first.
            return end_search(tracker) + [SlotSet(conversation.CHANGE_SLOT, None), SlotSet("search_page", None)]
        return [SlotSet(slot, None) for slot in (*_SEARCH_SLOTS, conversation.CHANGE_SLOT, "search_page")]


class ActionAskSearchChange(Action):
    """Asks what to change in the search, showing it as it stands."""

    def name(self) -> Text:
        return "action_ask_search_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text, buttons = conversation.change_question(_search_slots(tracker))
        said_before = next((e.get("text") for e in reversed(tracker.events) if e.get("event") == "bot"), None)
        if said_before == text:  # "Change the search" pressed twice: not the same words again
            text = conversation.CHANGE_AGAIN
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
