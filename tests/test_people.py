import textwrap

import pytest

from bot import people
from bot.yamlfile import ContentError


def test_handoff_names_sendiass_the_forum_and_the_sen_team_with_links():
    text = people.handoff_message()
    for name in ("SENDIASS", "Medway Parents and Carers Forum", "SEN team"):
        assert name in text
    assert text.count("https://") >= 3
    assert "999" in text


def test_every_entry_records_its_source():
    assert all(person.source for person in people.load().people)


def test_a_missing_field_names_the_line(tmp_path):
    path = tmp_path / "people.yml"
    path.write_text(textwrap.dedent("""\
        intro: hi
        outro: bye
        people:
          - id: x
            name: Somebody
            what: helps
            how: call
            source: a page
        """))
    with pytest.raises(ContentError) as caught:
        people.load(path)
    problem = caught.value.problems[0]
    assert "'url'" in problem.message and problem.line == 4
