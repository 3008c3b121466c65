"""Where the project's files live, so every caller finds them the same way."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """The folder of staff-edited content files (override with MEDWAY_CONTENT_DIR)."""
    return Path(os.environ.get("MEDWAY_CONTENT_DIR", PROJECT_ROOT / "content"))
