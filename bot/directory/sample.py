"""The sample Medway directory: made-up services for trying the assistant, clearly marked as such.

Nothing here is a real service. Phone numbers are in 01632 960xxx, the range Ofcom keeps for
drama, and email and web addresses use example.org. Real details come from an import of the
council's feed or spreadsheet. `python -m bot directory sample` rewrites the CSV from the
templates in content/directory/sample-templates.yml; `generate(n)` makes any number of services for benchmarks.
"""
from __future__ import annotations

import csv
import io
import random
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from bot import yamlfile
from bot.directory.spreadsheet import COLUMNS
from bot.paths import content_dir

SOURCE = "sample"


@lru_cache(maxsize=1)
def templates() -> dict:
    """content/directory/sample-templates.yml: the made-up services, towns, areas and days."""
    return yamlfile.load(content_dir() / "directory" / "sample-templates.yml")


def _rows(count: int, seed: int) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    data = templates()
    kinds, towns, areas, days = data["templates"], list(data["towns"]), data["areas"], data["days"]
    for number in range(count):
        kind = kinds[number % len(kinds)]
        town = towns[(number // len(kinds) + number) % len(towns)]
        district, latitude, longitude = data["towns"][town]
        low, high = kind["ages"]
        name = kind["name"].format(town=town)
        if number >= len(kinds) * len(towns):
            name += f" {number // (len(kinds) * len(towns)) + 1}"
        yield {
            "id": f"sample-{number + 1:06d}", "name": name, "organisation": f"Sample {town} Family Services",
            "description": kind["description"], "needs": kind["needs"], "minimum_age": str(low),
            "maximum_age": str(high), "cost": kind["cost"], "cost_amount": kind["cost_amount"],
            "how_to_access": kind["how_to_access"],
            "venue": f"Sample community venue, {town}", "address": "", "town": town, "postcode": district,
            "latitude": f"{latitude + rng.uniform(-0.006, 0.006):.4f}", "longitude": f"{longitude + rng.uniform(-0.008, 0.008):.4f}",
            "phone": f"01632 960{number % 1000:03d}", "email": f"sample-{number + 1}@example.org",
            "website": f"https://example.org/sample/{number + 1}",
            "opening_times": f"{days[number % len(days)]}, 10am to 12 noon (sample times)",
            "area_served": areas[number % len(areas)], "last_updated": f"2026-{1 + number % 10:02d}-{1 + number % 27:02d}",
            "status": "active",
        }


def generate(count: int, seed: int = 2014) -> str:
    """`count` sample services as CSV text in the staff spreadsheet format."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_rows(count, seed))
    return out.getvalue()


def default_path() -> Path:
    return content_dir() / "directory" / "sample-services.csv"


SAMPLE_COUNT = 150


def write(path: Path | None = None) -> Path:
    path = path or default_path()
    path.write_text(generate(SAMPLE_COUNT), encoding="utf-8")
    return path
