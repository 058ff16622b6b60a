"""The vocabulary the intent rules read: the nouns and verbs of each domain, and the rest.

Every set holds lower-case words. They are general English for calendars, mail,
alarms and lists — not sentences of any corpus.
"""

from __future__ import annotations

__all__ = [
    "ADD_VERBS",
    "ALARM_NOUNS",
    "CALENDAR_NOUNS",
    "CONTACT_NOUNS",
    "CREATE_VERBS",
    "DATE_WORDS",
    "DETAIL_KINDS",
    "EMAIL_NOUNS",
    "EVENT_NOUNS",
    "FILLERS",
    "FREQUENCY_WORDS",
    "FUNCTION_WORDS",
    "GROCERIES",
    "HARD_OFF_TOPIC",
    "LIST_NOUNS",
    "LIST_TOPICS",
    "MEAL_WORDS",
    "MONTHS",
    "MOVE_VERBS",
    "NUMBER_WORDS",
    "OFF_TOPIC",
    "ONE_THING_PAIRS",
    "ORDINALS",
    "QUERY_WORDS",
    "RELATIONS",
    "REMINDER_WORDS",
    "REMOVE_VERBS",
    "SEND_VERBS",
    "TASK_VERBS",
    "TIME_OF_DAY",
    "VERBS",
    "WEEKDAYS",
    "wordset",
]


def wordset(text: str) -> frozenset[str]:
    """The set of the space-separated words of `text`."""
    return frozenset(text.split())


# Wake words and politeness that carry no meaning for routing.
FILLERS = wordset("olly siri alexa google cortana bixby hey hi ok okay please pls kindly")

WEEKDAYS = wordset(
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun "
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays"
)
MONTHS = wordset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Words that name a day or a span of days on their own or after this/next/last.
DATE_WORDS = wordset(
    "today tomorrow yesterday tonight's today's tomorrow's yesterday's weekend weekends "
    "week weeks month months year years fortnight day days"
)
TIME_OF_DAY = wordset("morning afternoon evening night tonight noon midday midnight dawn")
NUMBER_WORDS = wordset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand "
    "half quarter oh"
)
ORDINALS = wordset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
    "twentieth thirtieth"
)
FREQUENCY_WORDS = wordset("daily weekly monthly yearly annually hourly nightly")
MEAL_WORDS = wordset("breakfast lunch dinner supper")

# Domain anchors: a request names at least one of these or is declined.
CALENDAR_NOUNS = wordset(
    "calendar calender calendars schedule schedules scheduled agenda diary planner plan plans planned "
    "event events appointment appointments appt appts meeting meetings mtg mtgs meetup cal"
)
REMINDER_WORDS = wordset(
    "remind reminds reminded reminding reminder reminders alerts notifications remainder remainders"
)
ALARM_NOUNS = wordset("alarm alarms wakeup timer timers")
EMAIL_NOUNS = wordset(
    "email emails e-mail e-mails mail mails inbox mailbox emailed emailing gmail outlook unread"
)
CONTACT_NOUNS = wordset("contact contacts addressbook")
LIST_NOUNS = wordset("list lists todo todos to-do to-dos checklist checklists task tasks")
# What lists are for, when a request names the list by it ("take milk off the groceries").
LIST_TOPICS = wordset("grocery groceries shopping todo to-do todos chores errands")
# Kinds of a contact detail said between its owner and it ("dad's work number").
DETAIL_KINDS = wordset("new old current home work mobile cell office personal")
# Everyday things bought in a shop: wanting, needing or no longer needing them is a list's business.
GROCERIES = wordset(
    "milk eggs egg bread butter cheese yogurt yoghurt cereal flour sugar salt pepper rice pasta "
    "coffee tea juice water apples apple bananas banana oranges grapes lemons potatoes onions "
    "tomatoes carrots lettuce garlic chicken beef pork fish ham bacon sausages tofu beans "
    "soap shampoo toothpaste detergent batteries tissues napkins diapers paper towels foil "
    "cookies biscuits chips crackers jam honey oil vinegar ketchup mustard mayo wine beer"
)
# Things whose everyday name is "X and Y": one item on a list, never two.
ONE_THING_PAIRS = frozenset(
    {
        "mac and cheese",
        "macaroni and cheese",
        "fish and chips",
        "bread and butter",
        "peanut butter and jelly",
        "pb and j",
        "salt and vinegar",
        "sweet and sour",
        "surf and turf",
        "bangers and mash",
        "cookies and cream",
        "rice and beans",
        "pork and beans",
        "chips and salsa",
        "nuts and bolts",
        "odds and ends",
        "arts and crafts",
        "pros and cons",
    }
)
# Verbs a to-do item starts with: "call mom and dad" is one task, not "call mom" and "dad".
TASK_VERBS = wordset(
    "buy get pick call ring phone text email mail pay fix repair book clean wash water walk "
    "feed take bring return renew check finish send visit make cook order write read pack "
    "sort tidy vacuum mow paint plan prepare print sign submit file ask tell meet see"
)
# Things people put in a calendar; used for titles and as weaker calendar anchors.
EVENT_NOUNS = wordset(
    "meeting meetings appointment appointments event events call calls party parties "
    "birthday birthdays bday anniversary anniversaries conference interview interviews "
    "class classes lesson lessons practice test exam exams match game concert show "
    "tournament wedding marriage vacation holiday trip flight session seminar workshop "
    "webinar presentation review standup stand-up sync catchup catch-up checkup "
    "brunch shift training lecture ceremony reunion visit deadline graduation recital rehearsal "
    "haircut surgery consultation gathering hangout get-together playdate retreat dentist doctor "
    "therapist vet physio chiropractor program programme payday picnic barbecue bbq funeral "
    "christening baptism prom gig recital musical opera ballet marathon workout "
    "gym yoga pilates course quiz therapy massage manicure retirement camping "
    "hike parade celebration reception banquet gala fundraiser sleepover "
    "babysitting"
)

# Verbs by what they do.
CREATE_VERBS = wordset(
    "add set schedule book make create put plan arrange organize organise setup "
    "note mark marked save store enter insert include register log pencil block fix reserve attend start"
)
ADD_VERBS = wordset("add put include insert append enter write")
REMOVE_VERBS = wordset(
    "cancel cancels delete deletes remove removes clear erase drop wipe unset scrap discard "
    "empty blank stop disable deactivate silence dismiss scratch strike unschedule"
)
MOVE_VERBS = wordset("move reschedule postpone push shift change moved delay bring modify alter edit adjust")
SEND_VERBS = wordset("send write compose draft reply respond forward answer shoot drop mail email message")
QUERY_WORDS = wordset(
    "what what's whats when when's which who who's whom how where is are am do does did "
    "any anything show list tell read check give display find search look open view "
    "see pull bring upcoming next pending"
)

# Relations people name instead of a name.
RELATIONS = wordset(
    "mom mum mother mommy mama dad father daddy papa parents sister sisters brother brothers "
    "sibling siblings wife husband spouse partner girlfriend boyfriend fiance fiancee son "
    "daughter kids children aunt uncle cousin nephew niece grandma grandmother grandpa "
    "grandfather granny grandparents boss manager supervisor friend friends colleague "
    "colleagues coworker coworkers co-worker co-workers team teammates family landlord "
    "doctor dentist teacher assistant secretary neighbor neighbour roommate cfo ceo cto "
    "coo vp director lawyer accountant client clients therapist physio vet coach trainer"
)

# Words that mark a request as another assistant's business, unless a strong anchor
# (calendar, alarm, email, list, remind) says otherwise.
OFF_TOPIC = wordset(
    "weather rain raining rained rainy snow snowing sunny temperature forecast umbrella "
    "storm storms hurricane windy foggy "
    "wear wearing jacket coat shorts gloves layers sunblock sunscreen "
    "play playing song songs music playlist radio podcast podcasts audiobook album artist "
    "volume louder quieter mute lights light lamp bulb brightness thermostat vacuum "
    "coffee kettle plug socket news headlines stock stocks shares currency exchange "
    "recipe recipes cook cooking joke jokes tweet twitter facebook instagram "
    "taxi uber lyft train trains ticket tickets traffic flight flights "
    "restaurant restaurants table takeaway delivery pizza movie movies film films tv television channel "
    "money cash payment pay bill bills "
    "happening nearby local area city town festival festivals won win score scores "
    "theater theatre theaters exhibit exhibits exhibition exhibitions fair fairs venue venues "
    "divided multiplied"
)

# Off-topic words that outweigh even an email, contact or list anchor ("email me the lyrics").
HARD_OFF_TOPIC = wordset(
    "song songs lyrics music playlist radio podcast podcasts album news headlines "
    "tweet twitter facebook instagram train trains taxi uber"
)

# Function words, pronouns and common verbs: never part of a name or a list's name.
FUNCTION_WORDS = wordset(
    """
    a an the this that these those it its it's i i'm i'd i'll i've me my mine myself we
    our us you your yours he him his she her hers they them their theirs there here and
    or but nor so if then than as of at by for from in into on onto to with without
    about above after before below between over under up down out off through until till
    within upon via per around near since during against across along is am are was were
    be been being do does did done have has had having will would shall should can could
    may might must need needs want wants wanted like would get gets got go goes going
    went come comes coming make makes made let lets what what's when which who whom
    whose why how where all any some every each no not one ones other another more most
    much many few lot lots just only also too very now then today tomorrow yesterday
    tonight new old next last first same own please thanks thank yes yeah okay ok hey hi
    hello say says saying said tell tells telling told ask asks asking asked send
    sending sent email emails mail reply write call know see check show stating state
    telling mention mentioning that's there's what's who's set add remove delete cancel
    create schedule book put something anything everything nothing someone anyone
    everyone nobody thing things stuff item items list lists
    """
)

# Verbs that start or steer a request: never a modifier in a title or a list's name.
VERBS = (
    CREATE_VERBS
    | ADD_VERBS
    | REMOVE_VERBS
    | MOVE_VERBS
    | SEND_VERBS
    | QUERY_WORDS
    | wordset(
        "attend go buy get need want read display find clear keep call meet see available old new happy"
    )
)
