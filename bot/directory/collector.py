"""Pausing Python's cycle collector for bulk work.

An import makes millions of small objects (a record is a dozen dicts) and no reference cycles,
yet each few hundred thousand new objects set off a full collection that walks every object the
process holds: about a tenth of a long import's time, for nothing. Memory is still freed as
usual (by reference counting); collection resumes when the work ends.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
