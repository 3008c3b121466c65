"""The sample Medway directory: made-up services for trying the assistant, clearly marked as such.

Nothing here is a real service. Phone numbers are in 01632 960xxx, the range Ofcom keeps for
drama, and email and web addresses use example.org. Real details come from an import of the
council's feed or spreadsheet. `python -m bot directory sample` rewrites the CSV from these
templates; `generate(n)` makes any number of services for benchmarks.
"""
from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Iterator

from bot.directory.spreadsheet import COLUMNS
from bot.paths import content_dir

SOURCE = "sample"
TOWNS = {  # town: (postcode district, latitude, longitude) near but not at the centre
    "Chatham": ("ME4", 51.3760, 0.5300), "Gillingham": ("ME7", 51.3870, 0.5510),
    "Rochester": ("ME1", 51.3860, 0.5040), "Strood": ("ME2", 51.3960, 0.4930),
    "Rainham": ("ME8", 51.3610, 0.6090), "Hoo Peninsula": ("ME3", 51.4180, 0.5620),
    "Walderslade": ("ME5", 51.3450, 0.5230), "Lordswood": ("ME5", 51.3370, 0.5470),
}
# (needs, name pattern, description, minimum_age, maximum_age, cost, cost_amount, how to access)
TEMPLATES = [
    ("autism; parent_groups", "{town} Autism Parent Support Group",
     "A friendly monthly group for parents and carers of autistic children, with or without a diagnosis. Share experiences, hear from visiting speakers and find out about local services.",
     0, 25, "Free", "0", "Just come along; no referral needed."),
    ("autism", "{town} Autism Outreach Team",
     "Specialist teachers who advise schools and families on supporting autistic pupils, including sensory needs and social communication.",
     4, 16, "Free", "0", "Referral by your child's school SENCO."),
    ("autism; short_breaks", "{town} Autism-Friendly Saturday Club",
     "A calm Saturday club for autistic children and young people: games, crafts and a quiet room, with trained staff.",
     5, 17, "£4 a session", "4", "Self-referral: fill in the club's booking form."),
    ("adhd", "{town} ADHD Family Workshops",
     "Six-week workshops for parents of children with ADHD or suspected ADHD: routines, sleep, behaviour and working with school.",
     0, 18, "Free", "0", "Self-referral by email."),
    ("adhd; parent_groups", "{town} ADHD Parents' Coffee Morning",
     "An informal coffee morning for parents and carers of children with ADHD. Meet others who understand.",
     0, 25, "Free", "0", "Just come along."),
    ("speech_language; early_years", "{town} Speech and Language Drop-in",
     "A drop-in with speech and language therapists for parents worried about their young child's talking, listening or understanding.",
     0, 5, "Free", "0", "No referral needed: drop in during opening times."),
    ("speech_language", "{town} Children's Speech and Language Therapy",
     "NHS speech and language therapy (SALT) for children with speech, language, communication or swallowing needs, in clinics and schools.",
     0, 18, "Free (NHS)", "0", "Referral by a GP, health visitor, school or parent."),
    ("speech_language; hearing", "{town} Makaton Signing Class",
     "Learn Makaton signs and symbols to support communication at home. Suitable for parents, carers and siblings.",
     0, 25, "£10 for the course", "10", "Book a place by phone."),
    ("semh", "{town} Young People's Wellbeing Service",
     "Early help for children and young people with low mood, anxiety or worries: one-to-one sessions and groups. Not an emergency service.",
     5, 18, "Free", "0", "Self-referral, or referral by school or GP."),
    ("semh; parent_groups", "{town} Parenting Anxious Children Course",
     "A course for parents of anxious children: understanding anxiety and practical ways to help.",
     4, 16, "Free", "0", "Book through the children's centre."),
    ("semh", "{town} Counselling for Teenagers",
     "Confidential counselling for 11 to 18 year olds, in person or online.",
     11, 18, "Free", "0", "Young people can refer themselves."),
    ("hearing", "{town} Deaf Children's Family Group",
     "A family group for deaf children and their families: play, BSL taster sessions and advice.",
     0, 18, "Free", "0", "Just come along."),
    ("hearing; early_years", "{town} Hearing Support for Under-Fives",
     "Qualified teachers of the deaf visit families of babies and young children with hearing loss at home and in nursery.",
     0, 5, "Free", "0", "Referral by audiology or a health visitor."),
    ("visual", "{town} Vision Support Service",
     "Qualified teachers of children with vision impairment support pupils, families and schools: mobility, braille and equipment.",
     0, 19, "Free", "0", "Referral by an eye clinic, school or parent."),
    ("visual; short_breaks", "{town} Sight Loss Activity Days",
     "Activity days for blind and partially sighted children: sport, music and trips with sighted guides.",
     6, 18, "£5 a day", "5", "Self-referral."),
    ("multi_sensory", "{town} Multi-Sensory Impairment Advice",
     "Advice and home visits for children with both hearing and vision loss (deafblind) and their families.",
     0, 25, "Free", "0", "Referral by a professional or parent."),
    ("multi_sensory; early_years", "{town} Sensory Play Sessions",
     "Sensory play for babies and young children with sensory processing differences, in a sensory room.",
     0, 5, "£2 a session", "2", "Book by phone."),
    ("physical", "{town} Children's Occupational Therapy",
     "Occupational therapy (OT) for children with physical or coordination difficulties: everyday skills, equipment and seating.",
     0, 18, "Free (NHS)", "0", "Referral by a GP or school."),
    ("physical; short_breaks", "{town} Wheelchair Sports Club",
     "Inclusive sports for children who use wheelchairs or have limited mobility: basketball, boccia and more.",
     6, 19, "£3 a session", "3", "Self-referral."),
    ("physical", "{town} Children's Physiotherapy Clinic",
     "NHS physiotherapy for children with conditions such as cerebral palsy, hypermobility or delayed walking.",
     0, 18, "Free (NHS)", "0", "Referral by a GP, health visitor or consultant."),
    ("learning", "{town} Learning Disability Youth Group",
     "A youth club for young people with learning disabilities: cooking, music, trips and independence skills.",
     11, 25, "£2 a session", "2", "Self-referral."),
    ("learning", "{town} Dyslexia Support Sessions",
     "Small-group sessions for children with dyslexia or literacy difficulties, and advice for parents.",
     6, 16, "Free", "0", "Self-referral by email."),
    ("learning; parent_groups", "{town} Down Syndrome Family Group",
     "A support group for families of children with Down syndrome: play sessions and parent talks.",
     0, 25, "Free", "0", "Just come along."),
    ("short_breaks", "{town} Holiday Club for Disabled Children",
     "A holiday club in the school holidays for disabled children and children with SEND, with one-to-one support where needed.",
     5, 17, "Free with a short breaks assessment", "0", "Apply through the short break self-assessment form."),
    ("short_breaks", "{town} After-School Inclusive Play",
     "An after-school play scheme where children with and without SEND play together, with trained playworkers.",
     5, 14, "£6 a session", "6", "Book through the play scheme."),
    ("short_breaks; parent_groups", "{town} Overnight Short Breaks",
     "Overnight stays for disabled children so families can have a break. Needs a social care assessment.",
     8, 18, "Free after assessment", "0", "Referral through children's social care."),
    ("early_years", "{town} Portage Home Visiting",
     "Portage: home visits for pre-school children with SEND, using play to help learning and development.",
     0, 5, "Free", "0", "Referral by a health visitor, doctor or parent."),
    ("early_years; parent_groups", "{town} Stay and Play for Little Ones with SEND",
     "A stay and play group for babies and toddlers with additional needs and their parents.",
     0, 4, "Free", "0", "Just come along."),
    ("parent_groups", "{town} Parent Carers' Peer Support",
     "Peer support for parent carers: coffee mornings, a WhatsApp group and help with forms and meetings.",
     0, 25, "Free", "0", "Contact the group by email."),
    ("parent_groups; semh", "{town} Carers' Wellbeing Walks",
     "Gentle walks and a chat for parents and carers of disabled children, to look after your own wellbeing.",
     0, 25, "Free", "0", "Just come along."),
]
AREAS = ["All of Medway", "Medway and nearby", "Families living in Medway"]
DAYS = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"]


def _rows(count: int, seed: int) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    towns = list(TOWNS)
    for number in range(count):
        template = TEMPLATES[number % len(TEMPLATES)]
        town = towns[(number // len(TEMPLATES) + number) % len(towns)]
        district, latitude, longitude = TOWNS[town]
        needs, pattern, description, low, high, cost, amount, access = template
        name = pattern.format(town=town)
        if number >= len(TEMPLATES) * len(towns):
            name += f" {number // (len(TEMPLATES) * len(towns)) + 1}"
        yield {
            "id": f"sample-{number + 1:06d}", "name": name, "organisation": f"Sample {town} Family Services",
            "description": description, "needs": needs, "minimum_age": str(low), "maximum_age": str(high),
            "cost": cost, "cost_amount": amount, "how_to_access": access,
            "venue": f"Sample community venue, {town}", "address": "", "town": town, "postcode": district,
            "latitude": f"{latitude + rng.uniform(-0.006, 0.006):.4f}", "longitude": f"{longitude + rng.uniform(-0.008, 0.008):.4f}",
            "phone": f"01632 960{number % 1000:03d}", "email": f"sample-{number + 1}@example.org",
            "website": f"https://example.org/sample/{number + 1}",
            "opening_times": f"{DAYS[number % len(DAYS)]}, 10am to 12 noon (sample times)",
            "area_served": AREAS[number % len(AREAS)], "last_updated": f"2026-{1 + number % 10:02d}-{1 + number % 27:02d}",
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
