"""Common first names in England and Wales (children's and parents'), for spotting a name without a cue.

A listed name is taken as a name when it is written with a capital ("Harry has autism") or right
after a word such as "my son" ("my son oscar"). Names that are also everyday words (will, may,
grace) count only with a capital or after a naming cue ("called max").
"""
from __future__ import annotations

_NAMES = """
aaliyah aaron abdul abdullah abigail ada adam adrian ahmed aidan aiden aisha ajay alan albert albie alex
alexander alexandra alexis alfie alfred ali alice alicia alisha alison amanda amara amber amelia amelie amina
amir amira amy ana andrea andrew andy angela anika anna anne annie anthony antonio archer archie arjun arlo
arthur aryan asha ashley ashton aston aubrey austin ava axel ayaan ayesha barbara barney beatrice bella ben
benjamin bethany betty beverley billy blake bobby bonnie bradley brandon brooke bruno caleb callum cameron
carl carlos caroline carol carter casey cassie charles charlie charlotte chelsea chloe christopher claire
clara cleo colin connor conor craig daisy daniel daniela danny darcey darcie darcy darren dave david dean
deborah debbie dev dexter diana dominic donna dylan eddie eden edward eleanor elena eli elijah elise elisha
eliza elizabeth ella ellie elliot elliott elsie emily emma eric erin esme ethan eva evan evelyn evie ezra
faisal farah fatima felix finley finn florence frankie freddie frederick freya gabriel gary gemma george
georgia georgina gracie graham hamza hannah harley harper harriet harris harrison harry harvey hassan hayden
heather heidi helen henry holly hollie hugo hussain ian ibrahim imogen isaac isabel isabella isabelle isla
ismail ivy izzy jack jackson jacob jade jaden jake james jamie jan jane jasmine jason jay jayden jenna
jennifer jess jessica jim jimmy joanne jodie joe joel john jonathan jordan joseph josh joshua josie jude
julia julie justin kacper kai karen kate katie kayden kayla keira kelly kerry kevin khadija kian kieran kim
kirsty kyle laila lacey lana laura lauren layla leah lee leighton lena leo leon leonardo lewis lexi liam
lily lisa logan lola louie louis louise lucas lucy luca luke lydia maisie maja malik marcus maria mariam
marie marley martha martin mary maryam mason matilda matthew maya megan melissa mia michael michelle mila milan
millie milo mohammed mohammad muhammad molly morgan musa nadia naomi natalie nathan neil niamh nicola
nicole noah nora oakley olive oliver olivia ollie omar oscar owen paige patrick paul paula penelope peter
phoebe poppy priya rachel rahul reggie rebecca reuben rhys richard riley robert robyn rohan ronnie rory
rosie ruby rupert ryan sadie safa sam samantha samuel sana sara sarah scarlett sean sebastian shannon sharon
sienna simon sofia sophia sophie stanley stephen steve steven stella stuart susan tanya teddy theo theodore
thomas toby tom tommy tracey tyler valentina victoria vinnie violet wendy william willow xavier yasmin yusuf
zac zach zachary zain zainab zara zayn zeke zoe zofia
"""

# Also everyday words: a name only when capitalised or after a naming cue ("called max").
EVERYDAY = frozenset("""
will mark may june april august summer autumn hope faith joy dawn eve bill pat sue ray frank grant chase
hunter sky star angel rich don art guy rose grace max jack ruby amber jade holly
""".split())
# Capitalised on their own, these are more often a month or a word opening a sentence than a name.
NOT_ALONE = frozenset("""
will may june april august summer autumn hope faith joy dawn eve bill pat sue ray frank grant chase hunter
sky star angel rich don art guy mark
""".split())

FIRST_NAMES = frozenset(_NAMES.split()) | EVERYDAY


def listed(word: str) -> bool:
    """A listed first name, where it follows a cue: everyday words count only with a capital."""
    lowered = word.lower()
    return lowered in FIRST_NAMES and (word[:1].isupper() or lowered not in EVERYDAY)


def alone(word: str) -> bool:
    """A capitalised listed name that is a name even with no cue ("Harry has autism")."""
    return word[:1].isupper() and word.lower() in FIRST_NAMES and word.lower() not in NOT_ALONE
