"""The base of the errors a person can fix, and the exit codes of `python -m bot`.

Exit codes, the same for every command: 0 done; 1 a check found errors in the files it read;
2 the command could not do what was asked (a wrong argument, a file or feed it cannot read, a
missing setting). A `MedwayError` that reaches `python -m bot` is printed without a traceback and
ends the command with its `exit_code`.
"""

OK = 0
CHECK_FAILED = 1
CANNOT = 2


class MedwayError(Exception):
    """A problem the person running the command can fix, said in words."""

    exit_code = CANNOT
