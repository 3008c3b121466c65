"""Running CPU-bound Python over a long list on two cores: part in a forked child, the rest here.

Reading a 100,000-row spreadsheet is pure Python (one core) and takes seconds, while a machine
has at least two. The child starts as a copy of this process (fork), so the items are not sent
to it; only its results come back, pickled. Where fork is missing (Windows, or one core), or
the list is short, everything runs here.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MINIMUM = 10_000  # below this, starting a process costs more than it saves
# The child's share. Both finish together when share * (work + pickling) = (1 - share) * work:
# with a spreadsheet row's work about five times the pickling of its record, a little under half.
# (Unpickling comes after, in this process, whatever the split.)
CHILD_SHARE = 0.45


class ChildFailed(Exception):
    """The child process raised or died; carries what it reported."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_split() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and _cores() >= 2


def map_halves(work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item]) -> list[Result]:
    """work(items), with the first part of items done in a child process at the same time; the
    results in the order of items. `work` must not depend on which process runs it."""
    if len(items) < MINIMUM or not can_split():
        return work(items)
    cut = int(len(items) * CHILD_SHARE)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, items[:cut], receiver, sender), name="directory-reader", daemon=True)
    child.start()
    sender.close()
    try:
        mine = work(items[cut:])
        try:
            payload = receiver.recv_bytes()
        except EOFError:
            raise ChildFailed(f"the reading process ended without an answer (exit code {child.exitcode})") from None
    finally:
        receiver.close()
        child.join()
    failed, theirs = pickle.loads(payload)
    if failed:
        raise ChildFailed(theirs)
    return theirs + mine


def _child(work: Callable, items: Sequence, receiver, sender) -> None:
    receiver.close()  # else a parent that stops reading leaves this process writing forever
    try:
        payload = pickle.dumps((False, work(items)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # reported to the parent, which raises it
        payload = pickle.dumps((True, traceback.format_exc()))
    sender.send_bytes(payload)
    sender.close()
