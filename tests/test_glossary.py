"""Short definitions (content/glossary.yml): "whats a senco" gets the definition, a question about the term does not."""
import pytest

from bot import answers, content, glossary
from bot.yamlfile import ContentError


def test_the_glossary_loads_and_each_term_points_to_an_entry():
    library = content.load()
    found = glossary.load()
    assert found.terms
    assert all(term.more in library.entries for term in found.terms.values())


@pytest.mark.parametrize("text", ["whats a senco", "What is a SENCO?", "what does sendco mean", "senco?"])
def test_a_message_that_only_asks_the_meaning_gets_the_definition(text):
    outcome = answers.defined(answers.Parse(text, "faq_sen_support", 0.5), content.load())
    assert outcome is not None and outcome.entry == "sen_support"
    assert outcome.messages[0].text.startswith("A SENCO (special educational needs co-ordinator")
    assert any(b["payload"] == "/faq_sen_support" for b in outcome.messages[0].buttons)


@pytest.mark.parametrize("text", ["the senco never replies to my emails", "how do i contact the senco", "/faq_sen_support"])
def test_a_question_about_the_term_is_not_a_request_for_its_meaning(text):
    assert answers.defined(answers.Parse(text, "faq_sen_support", 0.5), content.load()) is None


def test_asked_again_straight_after_it_gives_the_full_answer():
    library = content.load()
    first = answers.defined(answers.Parse("whats a senco", "faq_sen_support", 0.5), library)
    events = [{"event": "user", "text": "whats a senco"}, {"event": "bot", "text": first.messages[0].text},
              {"event": "user", "text": "whats a senco"}]
    assert answers.defined(answers.Parse("whats a senco", "faq_sen_support", 0.5), library, events) is None


def test_a_bad_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text("entries:\n  - terms: [x]\n    definition: y\n")
    with pytest.raises(ContentError, match="needs terms, definition, source and more"):
        glossary.load(path)


@pytest.mark.parametrize("text", ["what support is there for dyslexia", "what help can we get for dyslexia?", "dyslexia"])
def test_asking_what_help_there_is_for_a_term_gets_its_short_answer(text):
    outcome = answers.defined(answers.Parse(text, "faq_university_dsa", 0.16), content.load())
    assert outcome is not None and outcome.entry == "sen_support"
    assert "no diagnosis" in outcome.messages[0].text


def test_help_for_a_child_with_a_need_is_not_a_glossary_question():
    assert glossary.load().lookup("help for my son with adhd") is None


@pytest.mark.parametrize("text", ["can i get help finding a job", "is there help finding work", "help getting a job"])
def test_help_into_work_is_answered_even_when_read_as_out_of_scope(text):
    outcome = answers.out_of_scope(answers.Parse(text, "out_of_scope", 0.9), None, content.load(), "only SEND")
    assert outcome.entry == "internships_apprenticeships"
    assert "Jobcentre Plus" in outcome.messages[0].text
