"""`python -m bot` as staff run it: exit codes and what they read."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, content_dir=None):
    env = None
    if content_dir:
        import os
        env = dict(os.environ, MEDWAY_CONTENT_DIR=str(content_dir))
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, env=env)


def test_checks_pass_on_the_shipped_content():
    for command in (["safety", "--check"], ["people", "--check"]):
        result = run(*command)
        assert result.returncode == 0, result.stderr
        assert "OK" in result.stdout


def test_trying_a_message_says_which_pattern_matches():
    assert "self_harm" in run("safety", "she", "is", "cutting", "herself").stdout
    assert "no safeguarding pattern" in run("safety", "what is an EHCP").stdout


def test_a_broken_file_fails_with_file_line_and_fix(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "safeguarding.yml"
    path.write_text(path.read_text().replace("pattern: '\\b(suicid", "pattern: '\\b((suicid", 1))
    result = run("safety", "--check", content_dir=content)
    assert result.returncode == 1
    assert f"{path}:" in result.stderr and "not a valid pattern" in result.stderr and "fix:" in result.stderr


def test_invalid_yaml_names_the_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "people.yml").write_text("intro: hi\npeople:\n  - id: x\n   name: bad indent\n")
    result = run("people", "--check", content_dir=content)
    assert result.returncode == 1
    assert "people.yml:4" in result.stderr and "not valid YAML" in result.stderr
    shown = run("people", content_dir=content)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert "people.yml:4" in shown.stderr and "not valid YAML" in shown.stderr


@pytest.mark.model
def test_staff_can_preview_follow_ups_and_try_one():
    shown = run("content", "show", "ehcp_draft_plan").stdout
    assert 'Follow-up: is that working days / ' in shown and 'quoting "calendar days, not working days"' in shown
    tried = run("content", "follow-up", "ehcp_draft_plan", "is", "that", "working", "days?")
    assert tried.returncode == 0, tried.stderr
    assert "Read as a follow-up: ehcp_draft_plan" in tried.stdout and "calendar days, not working days" in tried.stdout
    assert run("content", "follow-up", "no_such_entry", "how", "long").returncode == 2


@pytest.mark.parametrize("argv", [("web", "build", "--port", "9000"), ("content", "check", "ehcp_draft_plan"),
                                  ("content", "show"), ("content", "follow-up", "ehcp_draft_plan")])
def test_an_option_or_argument_that_does_not_belong_to_the_action_is_refused(argv):
    """Each action takes only its own options: a port given to `web build`, or an entry id given to
    `content check`, is an error that says so, not quietly ignored."""
    result = run(*argv)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "usage:" in result.stderr
