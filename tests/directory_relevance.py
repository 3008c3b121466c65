"""A realistic, messy directory for judging search relevance (issue 16, problem 7).

Two feeds, made up for this test, shaped like what councils publish: an Open Referral UK 1.0
general community directory with no SEND categories at all (HTML, mis-encoded characters,
zero-width spaces, empty strings, many services that are not about SEND, such as meals, GP
surgeries and adult services), and an ORUK 3.0 feed whose services carry taxonomy terms of the
council's own wording. No name, address or number here is a real service's.

SEARCHES are what parents type, each with the services a parent would find relevant, judged when
the fixture was written, before any search was run on it.
"""
from __future__ import annotations

TOWNS = {"Chatham": ("ME4 4AA", 51.3790, 0.5260), "Gillingham": ("ME7 1AB", 51.3880, 0.5480),
         "Rochester": ("ME1 1AD", 51.3880, 0.5060), "Strood": ("ME2 4AE", 51.3950, 0.4960),
         "Rainham": ("ME8 7AF", 51.3620, 0.6080), "Walderslade": ("ME5 9AG", 51.3440, 0.5270),
         "Hoo": ("ME3 9AH", 51.4200, 0.5600), "Lordswood": ("ME5 8AJ", 51.3380, 0.5450)}

# ORUK 1.0: (id, name, description, minimum age, maximum age, town, audience or None)
V1 = [
    ("v1-meals", "Meals at Home", "<p>Hot meals delivered to your door every day, with low salt and diabetic options.</p>",
     None, None, "Chatham", "Adults"),
    ("v1-bloodcancer", "Blood Cancer Support Line",
     "Emotional support for people affected by blood cancer, and help with communication with your medical team.",
     None, None, "Rochester", "Adults"),
    ("v1-amh", "Adult Mental Health Service", "Talking therapies for adults with anxiety, depression and stress.",
     None, None, "Gillingham", "Adults"),
    ("v1-gp", "Riverside GP Surgery", "A GP surgery for registered patients. The building is wheelchair accessible.",
     None, None, "Strood", None),
    ("v1-library", "Library Rhyme Time", "Songs and rhymes for babies and toddlers with their parents &amp; carers.",
     0, 4, "Chatham", "Families"),
    ("v1-esol", "English Classes for Adults", "Learn English, with advice in a language you can understand.",
     None, None, "Gillingham", "Adults"),
    ("v1-leisure", "Strood Sports Centre", "Swimming pool, gym and physical activity classes for all the family.",
     None, None, "Strood", None),
    ("v1-inclusive-swim", "Splash Inclusive Swimming",
     "Swimming sessions for disabled children and young people, with a pool hoist and changing places toilet.",
     4, 18, "Gillingham", "Children and young people with disabilities"),
    ("v1-salt-nhs", "Children\u00e2\u20ac\u2122s Speech and Language Therapy",
     "NHS speech and language therapy for children with speech, language, communication or swallowing needs.",
     0, 18, "Chatham", "Children"),
    ("v1-stammer", "Stammering Support Group", "A friendly group for children and teenagers who stammer, and their parents.",
     7, 18, "Rochester", "Children"),
    ("v1-autism-parents", "Autism Parent Network",
     "A support group for parents and carers of autistic children, with or without a diagnosis. Monthly meetings.",
     None, None, "Gillingham", "Parents and carers"),
    ("v1-asd-sat", "Spectrum Saturday Club",
     "A calm Saturday club for autistic children: games, crafts and a quiet room.", 5, 16, "Rainham", "Children"),
    ("v1-adhd", "ADHD Parent Workshops",
     "Workshops for parents of children with ADHD: routines, behaviour and working with school.", None, None, "Chatham",
     "Parents"),
    ("v1-camhs", "Children and Young People\u2019s Mental Health Service",
     "<b>CAMHS</b>: help for children and young people with anxiety, low mood, self-harm or other emotional difficulties.",
     0, 18, "Chatham", "Children and young people"),
    ("v1-youth-counselling", "Youth Counselling Service", "Free, confidential counselling for young people.",
     11, 25, "Rochester", "Young people"),
    ("v1-deaf", "Deaf Children\u200b\u2019s Family Day", "Family days for deaf children: play, BSL taster sessions and advice.",
     0, 18, "Gillingham", "Families"),
    ("v1-vision", "Vision Support Team",
     "Qualified teachers of children with vision impairment support pupils, families and schools.",
     0, 19, "Chatham", "Children"),
    ("v1-portage", "Portage Home Visiting", "Portage: home visits for pre-school children with SEND, learning through play.",
     0, 5, "Strood", "Families"),
    ("v1-shortbreaks", "Holiday Playscheme for Disabled Children",
     "A short breaks holiday playscheme for disabled children and children with SEND, with one-to-one support.",
     5, 17, "Walderslade", "Children with disabilities"),
    ("v1-carers-cafe", "Parent Carer Forum Coffee Morning",
     "Coffee mornings and peer support for parent carers of children with SEND.", None, None, "Rochester",
     "Parents and carers"),
    ("v1-foodbank", "Medway Foodbank", "Emergency food parcels with a voucher from a referral agency.",
     None, None, "Chatham", None),
    ("v1-dyslexia", "Dyslexia Drop-in", "Advice and small-group sessions for children with dyslexia.",
     6, 16, "Strood", "Children"),
    ("v1-ot", "Children's Occupational Therapy",
     "Occupational therapy for children with coordination difficulties: everyday skills, equipment and seating.",
     0, 18, "Gillingham", "Children"),
    ("v1-physio", "Children's Physiotherapy",
     "Physiotherapy for children with conditions such as cerebral palsy or delayed walking.", 0, 18, "Chatham", "Children"),
    ("v1-ld-youth", "Friday Youth Club",
     "A youth club for young people with learning disabilities: cooking, music and trips.", 11, 25, "Hoo", "Young people"),
    ("v1-walking", "Health Walks", "Free led walks: gentle physical activity for older people.", None, None, "Rainham",
     "Older people"),
    ("v1-debt", "Debt Advice Service", "Free advice on debt, benefits and budgeting.", None, None, "Chatham", "Adults"),
    ("v1-downs", "Down Syndrome Family Group", "Play sessions and parent talks for families of children with Down syndrome.",
     None, None, "Rainham", "Families"),
    ("v1-makaton", "Makaton Signing for Families", "Learn Makaton signs and symbols to help your child communicate.",
     None, None, "Hoo", "Families"),
    ("v1-sleep", "Sleep Support for Families",
     "Help with sleep problems for children with autism, ADHD or other additional needs.", 2, 18, "Chatham", "Parents"),
]

# ORUK 3.0: (id, name, description, minimum age, maximum age, town, taxonomy terms)
V3 = [
    ("v3-salt-drop", "Talk Time Drop-in", "A drop-in for parents worried about their young child\u2019s talking.",
     0, 5, "Rainham", ["Speech and Language Therapy", "Early Years"]),
    ("v3-autism-outreach", "Autism Outreach", "Specialist teachers advising schools and families.", 4, 16, "Strood",
     ["Autism"]),
    ("v3-semh", "Wellbeing Hub for Young People", "Drop-in and groups for young people who feel anxious or low.",
     11, 18, "Gillingham", ["Social, emotional and mental health"]),
    ("v3-wheelchair-sports", "Wheelchair Sports Club", "Basketball and boccia for children who use wheelchairs.",
     6, 19, "Chatham", ["Physical disability", "Sport and leisure"]),
    ("v3-respite", "Overnight Short Breaks House", "Overnight stays so families can have a break. Needs an assessment.",
     8, 18, "Walderslade", ["Short breaks and respite"]),
    ("v3-hearing-under5", "Hearing Support for Under-Fives",
     "Teachers of the deaf visit babies and young children with hearing loss.", 0, 5, "Rochester", ["Hearing impairment"]),
    ("v3-sendiass", "SEND Information, Advice and Support Service",
     "Free, impartial advice on SEN support, EHC needs assessments, EHCPs and appeals.", 0, 25, "Chatham",
     ["Advice and information", "Parents and carers"]),
    ("v3-leisure-swim", "Lordswood Leisure Centre Swimming Lessons", "Swimming lessons for all abilities.",
     4, 16, "Lordswood", ["Sport and leisure"]),
    ("v3-sensory-room", "Sensory Play Room", "Sensory play for babies and toddlers with additional needs.",
     0, 5, "Gillingham", ["Sensory needs and sensory play", "Early Years"]),
    ("v3-adult-day", "Adult Day Opportunities", "Day activities for adults with learning disabilities.",
     18, 65, "Rainham", ["Learning disability"]),
    ("v3-dyspraxia", "Handwriting and Coordination Group", "For children with dyspraxia (DCD) or handwriting difficulties.",
     5, 11, "Chatham", ["Learning difficulties"]),
    ("v3-bereavement", "Children\u00e2\u20ac\u2122s Bereavement Support", "One-to-one and group support after a death.",
     5, 18, "Rochester", ["Social, emotional and mental health"]),
    ("v3-toilet", "Children's Continence Service", "Help with toilet training, wetting and soiling.",
     0, 18, "Chatham", ["Health"]),
    ("v3-swim-send", "Dolphins SEND Swimming", "Swimming for children with SEND and physical disabilities.",
     5, 18, "Strood", ["Physical disability", "Short breaks and respite"]),
    ("v3-job", "Supported Internships", "A year of work placements with a job coach, for young people with an EHCP.",
     16, 25, "Chatham", ["Learning difficulties", "Employment"]),
]

# (what a parent types, the services a parent would find relevant)
SEARCHES = [
    ("speech therapy for my 4 year old", {"v1-salt-nhs", "v3-salt-drop", "v1-makaton"}),
    ("speech and language help near Rainham", {"v3-salt-drop", "v1-salt-nhs", "v1-makaton", "v1-stammer"}),
    ("my son stammers, is there a group", {"v1-stammer", "v1-salt-nhs"}),
    ("autism support group for parents in Gillingham", {"v1-autism-parents", "v1-carers-cafe", "v3-autism-outreach"}),
    ("saturday club for my autistic 10 year old", {"v1-asd-sat", "v3-autism-outreach", "v1-shortbreaks"}),
    ("ADHD parenting course", {"v1-adhd", "v1-carers-cafe", "v1-sleep"}),
    ("camhs for my 14 year old", {"v1-camhs", "v1-youth-counselling", "v3-semh", "v3-bereavement"}),
    ("counselling for my 16 year old daughter", {"v1-youth-counselling", "v1-camhs", "v3-semh", "v3-bereavement"}),
    ("anxiety help for my teenager in Gillingham", {"v3-semh", "v1-camhs", "v1-youth-counselling"}),
    ("deaf children's group", {"v1-deaf", "v3-hearing-under5"}),
    ("hearing loss baby", {"v3-hearing-under5", "v1-deaf"}),
    ("visually impaired support for school", {"v1-vision"}),
    ("portage near Strood", {"v1-portage"}),
    ("holiday club for disabled children", {"v1-shortbreaks", "v3-respite", "v1-asd-sat", "v3-swim-send",
                                            "v1-inclusive-swim"}),
    ("respite overnight for my 12 year old", {"v3-respite", "v1-shortbreaks"}),
    ("short breaks Walderslade", {"v1-shortbreaks", "v3-respite", "v3-swim-send"}),
    ("wheelchair accessible swimming", {"v1-inclusive-swim", "v3-swim-send"}),
    ("swimming for my disabled 8 year old", {"v1-inclusive-swim", "v3-swim-send"}),
    ("wheelchair basketball", {"v3-wheelchair-sports"}),
    ("OT for my 6 year old", {"v1-ot", "v3-dyspraxia", "v1-physio"}),
    ("physio for cerebral palsy", {"v1-physio", "v1-ot", "v3-wheelchair-sports"}),
    ("dyslexia help in Strood", {"v1-dyslexia"}),
    ("dyspraxia group for my 7 year old", {"v3-dyspraxia", "v1-ot"}),
    ("down syndrome group", {"v1-downs"}),
    ("learning disability youth club", {"v1-ld-youth"}),
    ("makaton classes", {"v1-makaton"}),
    ("sensory play for my 2 year old", {"v3-sensory-room", "v1-portage"}),
    ("advice about an EHCP", {"v3-sendiass"}),
    ("parent carer coffee morning", {"v1-carers-cafe", "v1-autism-parents"}),
    ("peer support for parents of SEND kids", {"v1-carers-cafe", "v1-autism-parents", "v3-sendiass"}),
    ("supported internship for my 17 year old", {"v3-job"}),
    ("sleep problems autism", {"v1-sleep"}),
    ("bereavement support for my 9 year old", {"v3-bereavement", "v1-camhs"}),
    ("speech therapy Chatham", {"v1-salt-nhs", "v3-salt-drop", "v1-makaton", "v1-stammer"}),
    ("vision impairment ME4", {"v1-vision"}),
    ("things to do for autistic teenagers in Rainham", {"v1-asd-sat", "v1-ld-youth", "v1-shortbreaks"}),
    ("help with my child's behaviour", {"v1-adhd", "v1-camhs", "v3-semh", "v1-youth-counselling", "v1-sleep"}),
    ("activities for disabled children in the holidays", {"v1-shortbreaks", "v3-respite", "v3-swim-send",
                                                          "v1-inclusive-swim", "v1-asd-sat", "v3-wheelchair-sports"}),
    ("sign language for my deaf son", {"v1-deaf", "v1-makaton", "v3-hearing-under5"}),
    ("stay and play for toddlers with additional needs", {"v3-sensory-room", "v1-portage", "v1-library"}),
]


def _location(service_id: str, town: str, version: str) -> dict:
    postcode, latitude, longitude = TOWNS[town]
    address = {"id": f"{service_id}-a", "address_1": "1 Example Road", "city": town, "postal_code": postcode}
    key = "physical_addresses" if version == "1.0" else "addresses"
    return {"id": f"{service_id}-sal", "location": {"id": f"{service_id}-loc", "name": f"{town} venue",
                                                     "latitude": latitude, "longitude": longitude, key: [address]}}


def v1_items() -> list[dict]:
    items = []
    for service_id, name, description, low, high, town, audience in V1:
        item = {"id": service_id, "name": name, "description": description, "url": "", "email": "", "status": "active",
                "fees": "", "service_at_locations": [_location(service_id, town, "1.0")]}
        if low is not None or high is not None:
            item["eligibilitys"] = [{"id": f"{service_id}-e", "minimum_age": low, "maximum_age": high}]
        if audience:
            item["pc_targetAudience"] = [{"id": f"{service_id}-t", "targetAudience": audience}]
        items.append(item)
    return items


def v3_items() -> list[dict]:
    items = []
    for service_id, name, description, low, high, town, terms in V3:
        items.append({"id": service_id, "name": name, "description": description, "status": "active",
                      "minimum_age": low, "maximum_age": high, "fees_description": "Free",
                      "service_at_locations": [_location(service_id, town, "3.0")],
                      "attributes": [{"id": f"{service_id}-at{n}", "taxonomy_term": {"id": f"term-{term.lower()}", "name": term}}
                                     for n, term in enumerate(terms)]})
    return items
