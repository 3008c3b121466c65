"""The conversation player's file format: conversations separated by blank lines, one message a line."""
from harness.play import conversations


def test_blank_lines_separate_conversations_and_each_line_is_a_message():
    text = "hi\nwhat is sen support\n  \n\n  free if possible  \n/faq_exclusions\n"
    assert conversations(text) == [["hi", "what is sen support"], ["free if possible", "/faq_exclusions"]]
