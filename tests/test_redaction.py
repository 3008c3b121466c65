"""Personal details are removed; the SEND meaning staff need is kept."""
import pytest

from bot.redaction import redact

REDACTED = [
    ("please email me at jane.smith@example.com", "please email me at [email]"),
    ("my email is JOE_BLOGGS+send@mail.co.uk thanks", "my email is [email] thanks"),
    ("call me on 07700 900123", "call me on [phone]"),
    ("my number is 07700900123", "my number is [phone]"),
    ("ring 01634 960 123 after 3", "ring [phone] after 3"),
    ("mobile +44 7700 900123", "mobile [phone]"),
    ("phone 020 7946 0018 please", "phone [phone] please"),
    ("his NHS number is 943 476 5919", "his NHS number is [NHS number]"),
    ("nhs no: 9434765919", "nhs no: [NHS number]"),
    ("we live at ME7 1AB", "we live at ME7 [postcode]"),
    ("postcode me4 4tb", "postcode ME4 [postcode]"),
    ("our address is ME2 3XY Strood", "our address is ME2 [postcode] Strood"),
    ("his DOB is 03/03/2015", "his DOB is [date of birth]"),
    ("date of birth: 12.06.2016", "date of birth: [date of birth]"),
    ("she was born on 3rd of March 2014", "she was born on [date of birth]"),
    ("my son was born 14 February 2012 and has autism", "my son was born [date of birth] and has autism"),
    ("my son is called Jack and he has ADHD", "my son is called [name] and he has ADHD"),
    ("my daughter is called lily-mae", "my daughter is called [name]"),
    ("my son's name is Oliver Smith", "my son's name is [name]"),
    ("our daughter named Amira needs help", "our daughter named [name] needs help"),
    ("my name is Sarah Jones", "my name is [name]"),
    ("my son is Tom, he is 7", "my son is [name], he is 7"),
    ("my grandson is called Alfie", "my grandson is called [name]"),
    ("my foster son is called Kai", "my foster son is called [name]"),
    ("my twins are 5, my son called Leo is autistic", "my twins are 5, my son called [name] is autistic"),
    ("I'm called Priya", "I'm called [name]"),
    ("email a.b@school.medway.sch.uk or 07700 900 456", "email [email] or [phone]"),
    ("child's name is Noah", "child's name is [name]"),
    ("my child's name is Noah", "my child's name is [name]"),
    ("DOB 1/9/2019, postcode ME8 0QQ, tel 07700900999", "DOB [date of birth], postcode ME8 [postcode], tel [phone]"),
    ("my daughter's name is Grace and her dob is 2/2/2016", "my daughter's name is [name] and her dob is [date of birth]"),
    ("my email address is sam@example.org", "my email address is [email]"),
    ("you can reach me at 07700-900-789", "you can reach me at [phone]"),
    ("I am in ME5 9AB near the library", "I am in ME5 [postcode] near the library"),
    ("my boy is called Reggie", "my boy is called [name]"),
    ("her date of birth is 5th May 2015", "her date of birth is [date of birth]"),
    ("our son is called Musa and he is 11", "our son is called [name] and he is 11"),
    ("my stepdaughter is called Zara", "my stepdaughter is called [name]"),
    ("text me: +447700900321", "text me: [phone]"),
    ("call me on 07700 900123 or my husband on 07700 900124", "call me on [phone] or my husband on [phone]"),
    ("dob: 01-04-2017", "dob: [date of birth]"),
]

KEPT = [
    "my son is called names at school because of his stammer",
    "my son is autistic and has an EHCP",
    "my daughter is 9 and in year 4",
    "I asked for an assessment on 3 March 2026",
    "the decision letter is dated 10/06/2025",
    "how long is 20 weeks from the request",
    "we live in ME7, is there speech therapy near Gillingham",
    "the SENCO said section F is fine",
    "he was born early and has cerebral palsy",
    "my son is in year 6 and moving to secondary",
    "call the SEN team on Monday",
    "the school called me in about his behaviour",
    "my child is Deaf and uses BSL",
    "my son is Autistic and proud of it",
    "my daughter is Year 5",
    "the 0 to 25 disability team",
    "we live in Rochester ME1",
    "he was called into the office",
    "email the SENCO about the review",
    "the tribunal is on 12 March 2027",
    "I called the council on 01/02/2026",
    "my daughter is called out in class a lot",
    "sender test-0123456789abcdef in a log line",  # identifiers and scores are not phone or NHS numbers
    "intent confidence 0.7234567891, request a9434765919f",
    "the EHCP was issued on 4th of June 2024",
    "short breaks number 01634 331 351",  # a service's published number is still a phone number
]


@pytest.mark.parametrize("text, expected", REDACTED)
def test_personal_details_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT[:-1])
def test_ordinary_words_ages_places_and_dates_are_kept(text):
    assert redact(text) == text


def test_phone_numbers_are_redacted_even_when_they_are_a_service_line():
    """Staff see [phone] rather than guessing which numbers are safe: a parent's own could look alike."""
    assert redact(KEPT[-1]) == "short breaks number [phone]"


def test_log_records_are_redacted_before_the_handler_writes_them():
    import io
    import logging

    from bot.redaction import RedactingFilter

    stream = io.StringIO()
    logger = logging.getLogger("test.redaction")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("message %s", "my son is called Jack, email jack@example.com, 07700 900123")
        assert stream.getvalue().strip() == "message my son is called [name], email [email], [phone]"
    finally:
        logger.removeHandler(handler)


# logging.yml set up as `rasa run --logging-config-file` does (Rasa's own functions, in their order), then
# a record like the one Rasa logs for each message at DEBUG. Rasa says nothing if the file cannot be applied.
AS_RASA_RUN = """
import logging
import rasa.utils.common, rasa.utils.io
rasa.utils.common.configure_logging_and_warnings(logging.DEBUG, "logging.yml")
rasa.utils.io.configure_colored_logging(logging.DEBUG)
logging.getLogger("rasa.core.processor").debug("Received user message %r", "I'm Sarah Jones, 07700 900123")
"""


def test_logging_yml_redacts_what_rasa_logs():
    import subprocess
    import sys

    from harness.assistant import ROOT

    result = subprocess.run([sys.executable, "-c", AS_RASA_RUN], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Received user message \"I'm [name], [phone]\"" in result.stderr
    assert "Sarah" not in result.stderr and "900123" not in result.stderr


def test_the_action_server_stops_if_its_logging_file_cannot_be_applied(tmp_path):
    import subprocess
    import sys

    from harness.assistant import ROOT

    broken = tmp_path / "logging.yml"
    broken.write_text("version: 1\nfilters:\n  redact:\n    (): bot.redaction.NoSuchFilter\n")
    result = subprocess.run([sys.executable, "-m", "actions.server", "--port", "1", "--logging-config-file", str(broken)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "NoSuchFilter" in result.stderr


def test_only_texts_without_personal_details_are_remembered():
    # redact() remembers texts it left unchanged (the assistant's answers, saved every turn), never one it changed
    from bot import redaction

    clean = "An EHC plan is a legal document that describes your child's needs."
    private = "Ring me on 07700 900123, my son Oliver Smith is 8"
    assert redaction.redact(clean) == clean
    assert redaction.redact(private) != private
    assert clean in redaction._clean and private not in redaction._clean
    assert redaction.redact(clean) == clean  # and reading it again gives the same
