"""Holiday dates: the `holidays` package's calendars, plus rules for observances it lacks.

Each holiday has a source: a country calendar of the `holidays` package (with the name it
uses there), a day relative to (Western or Orthodox) Easter, a fixed day, the nth weekday
of a month, or a day relative to another holiday. Hebrew-calendar days begin at sundown,
so `eve=True` reads them from the evening before, as calendars for diaspora users do.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["ALIASES", "dates", "spans"]


class Listed(NamedTuple):
    """A holiday as the `holidays` package lists it for one country."""

    country: str
    name: str
    shift: int = 0


class Easter(NamedTuple):
    """A day at an offset from Easter Sunday."""

    offset: int
    orthodox: bool = False


class Fixed(NamedTuple):
    """The same calendar day every year (moved off weekends when `weekday_only`)."""

    month: int
    day: int
    weekday_only: bool = False


class NthWeekday(NamedTuple):
    """The nth given weekday of a month (n=-1 is the last)."""

    month: int
    weekday: int
    n: int


class After(NamedTuple):
    """A day at an offset from another holiday; `until` makes it a span ending at another."""

    base: str
    offset: int = 0
    until: str | None = None
    until_offset: int = 0


Source = Listed | Easter | Fixed | NthWeekday | After

SOURCES: dict[str, Source] = {
    "new year": Fixed(1, 1),
    "new year's eve": Fixed(12, 31),
    "christmas": Listed("US", "Christmas Day"),
    "christmas eve": Fixed(12, 24),
    "boxing day": Fixed(12, 26),
    "thanksgiving": Listed("US", "Thanksgiving Day"),
    "black friday": After("thanksgiving", 1),
    "martin luther king day": Listed("US", "Martin Luther King Jr. Day"),
    "presidents day": Listed("US", "Washington's Birthday"),
    "memorial day": Listed("US", "Memorial Day"),
    "independence day": Listed("US", "Independence Day"),
    "labor day": Listed("US", "Labor Day"),
    "columbus day": Listed("US", "Columbus Day"),
    "veterans day": Listed("US", "Veterans Day"),
    "mother's day": NthWeekday(5, 6, 2),
    "father's day": NthWeekday(6, 6, 3),
    "valentine's day": Fixed(2, 14),
    "st patrick's day": Fixed(3, 17),
    "april fools day": Fixed(4, 1),
    "earth day": Fixed(4, 22),
    "halloween": Fixed(10, 31),
    "boss's day": Fixed(10, 16, weekday_only=True),
    "world vegan day": Fixed(11, 1),
    "groundhog day": Fixed(2, 2),
    "easter": Easter(0),
    "easter monday": Easter(1),
    "good friday": Easter(-2),
    "maundy thursday": Easter(-3),
    "palm sunday": Easter(-7),
    "ash wednesday": Easter(-46),
    "shrove tuesday": Easter(-47),
    "ascension day": Easter(39),
    "pentecost": Easter(49),
    "whit monday": Easter(50),
    "orthodox easter": Easter(0, orthodox=True),
    "orthodox good friday": Easter(-2, orthodox=True),
    "clean monday": Easter(-48, orthodox=True),
    "lazarus saturday": Easter(-8, orthodox=True),
    "yom kippur": Listed("IL", "Yom Kippur", -1),
    "rosh hashanah": Listed("IL", "Rosh Hashanah", -1),
    "hanukkah": Listed("IL", "Hanukkah", -1),
    "passover": Listed("IL", "Pesach", -1),
    "purim": Listed("IL", "Purim", -1),
    "shavuot": Listed("IL", "Shavuot", -1),
    "sukkot": Listed("IL", "Sukkot", -1),
    "shemini atzeret": Listed("IL", "Simchat Torah / Shemini Atzeret", -1),
    "simchat torah": After("shemini atzeret", 1),
    "lag baomer": Listed("IL", "Lag BaOmer", -1),
    "chinese new year": Listed("CN", "Chinese New Year (Spring Festival)"),
    "dragon boat festival": Listed("CN", "Dragon Boat Festival"),
    "mid-autumn festival": Listed("CN", "Mid-Autumn Festival"),
    "eid al-fitr": Listed("AF", "Eid al-Fitr"),
    "eid al-adha": Listed("AF", "Eid al-Adha"),
    "ramadan": After("ramadan start", until="eid al-fitr"),
    "ramadan start": Listed("AF", "First Day of Ramadan"),
    "laylat al-qadr": Listed("GM", "Laylat al-Qadr"),
    "mawlid": Listed("PK", "Prophet's Birthday"),
    "ashura": Listed("PK", "Ashura"),
    "diwali": Listed("IN", "Diwali"),
    "holi": Listed("IN", "Holi"),
    "holika dahan": Listed("IN", "Holika Dahan"),
    "maha shivaratri": Listed("IN", "Maha Shivaratri"),
    "mahavir jayanti": Listed("IN", "Mahavira's Birthday"),
    "chhath": Listed("IN", "Pratihar Shashthi or Surya Shashthi (Chhath Puja)"),
    "dussehra": Listed("IN", "Dussehra"),
    "navaratri": After("dussehra", -10, until="dussehra"),
    "rath yatra": Listed("IN", "Rath Yatra"),
    "vasant panchami": Listed("IN", "Basant Panchami / Shri Panchami"),
    "guru ravidas jayanti": Listed("IN", "Guru Ravi Das's Birthday"),
    "guru nanak jayanti": Listed("IN", "Guru Nanak's Birthday"),
    "ganesh chaturthi": Listed("IN", "Ganesh Chaturthi / Vinayak Chaturthi"),
    "janmashtami": Listed("IN", "Janmashtami (Vaishnava)"),
    "raksha bandhan": Listed("IN", "Raksha Bandhan"),
    "ram navami": Listed("IN", "Ram Navami"),
    "vesak": Listed("SG", "Vesak Day"),
    "king's day": Listed("NL", "King's Day"),
}

# What people call them. Words are matched case-insensitively, "'s" dropped, a final
# "s" optional, and weekday names match their abbreviations.
ALIASES: dict[str, tuple[str, ...]] = {
    "new year": ("new year's day", "new years day"),
    "new year's eve": ("new year's eve", "nye"),
    "christmas": ("christmas", "christmas day", "xmas", "xmas day"),
    "christmas eve": ("christmas eve", "xmas eve"),
    "boxing day": ("boxing day",),
    "thanksgiving": ("thanksgiving", "thanksgiving day"),
    "black friday": ("black friday",),
    "martin luther king day": (
        "martin luther king day",
        "martin luther king jr day",
        "mlk day",
        "mlk",
        "civil rights day",
    ),
    "presidents day": ("presidents day", "president's day", "washington's birthday"),
    "memorial day": ("memorial day",),
    "independence day": ("independence day",),
    "labor day": ("labor day", "labour day"),
    "columbus day": ("columbus day",),
    "veterans day": ("veterans day", "veteran's day"),
    "mother's day": ("mother's day", "mothers day"),
    "father's day": ("father's day", "fathers day"),
    "valentine's day": ("valentine's day", "valentine day", "st valentine's day"),
    "st patrick's day": (
        "st patrick's day",
        "saint patrick's day",
        "st paddy's day",
        "saint paddy's day",
        "st patty's day",
    ),
    "april fools day": ("april fools day", "april fool's day"),
    "earth day": ("earth day",),
    "halloween": ("halloween",),
    "boss's day": ("boss's day", "boss day", "bosses day", "national boss day"),
    "world vegan day": ("world vegan day",),
    "groundhog day": ("groundhog day",),
    "easter": ("easter", "easter sunday"),
    "easter monday": ("easter monday",),
    "good friday": ("good friday", "great friday", "holy friday"),
    "maundy thursday": ("maundy thursday", "holy thursday", "covenant thursday", "thursday of mysteries"),
    "palm sunday": ("palm sunday",),
    "ash wednesday": ("ash wednesday",),
    "shrove tuesday": ("shrove tuesday", "mardi gras", "pancake day"),
    "ascension day": ("ascension day", "ascension"),
    "pentecost": ("pentecost", "whitsunday", "whit sunday"),
    "whit monday": ("whit monday", "pentecost monday"),
    "orthodox easter": ("orthodox easter", "orthodox easter sunday"),
    "orthodox good friday": ("orthodox good friday", "orthodox great friday"),
    "clean monday": ("clean monday", "orthodox shrove monday", "ash monday"),
    "lazarus saturday": ("lazarus saturday",),
    "yom kippur": ("yom kippur",),
    "rosh hashanah": ("rosh hashanah", "rosh hashana", "jewish new year"),
    "hanukkah": ("hanukkah", "chanukah", "hanukah"),
    "passover": ("passover", "pesach"),
    "purim": ("purim",),
    "shavuot": ("shavuot",),
    "sukkot": ("sukkot",),
    "shemini atzeret": ("shemini atzeret",),
    "simchat torah": ("simchat torah",),
    "lag baomer": ("lag baomer", "lag b'omer", "lag ba'omer"),
    "chinese new year": (
        "chinese new year",
        "chinese lunar new year",
        "lunar new year",
        "chinese lunar new year's day",
        "spring festival",
    ),
    "dragon boat festival": ("dragon boat festival",),
    "mid-autumn festival": ("mid autumn festival", "moon festival"),
    "eid al-fitr": ("eid al fitr", "eid ul fitr", "id ul fitr", "eid"),
    "eid al-adha": (
        "eid al adha",
        "eid ul adha",
        "id ul adha",
        "sacrifice feast",
        "feast of sacrifice",
        "bakr id",
        "bakrid",
        "bakra eid",
    ),
    "ramadan": ("ramadan", "ramadhan"),
    "laylat al-qadr": (
        "laylat al qadr",
        "laylat al kadr",
        "lailat al qadr",
        "night of power",
        "night of measures",
        "night of destiny",
    ),
    "mawlid": ("mawlid", "mawlid al nabawi", "mawlid an nabi", "milad un nabi", "prophet's birthday"),
    "ashura": ("ashura", "day of ashura"),
    "diwali": ("diwali", "deepavali", "divali"),
    "holi": ("holi",),
    "holika dahan": ("holika dahan", "chhoti holi", "kamudu pyre"),
    "maha shivaratri": ("maha shivaratri", "mahashivaratri", "maha shivratri", "shivaratri"),
    "mahavir jayanti": (
        "mahavir jayanti",
        "mahaveer jayanti",
        "mahavir janma kalyanak",
        "mahaveer janma kalyanak",
    ),
    "chhath": ("chhath", "chhath puja", "dala puja", "surya shashthi", "dala chhath"),
    "dussehra": ("dussehra", "dasara", "vijayadashami"),
    "navaratri": ("navaratri", "navratri", "durga puja"),
    "rath yatra": ("rath yatra", "ratha yatra", "rathayatra"),
    "vasant panchami": ("vasant panchami", "basant panchami", "saraswati puja"),
    "guru ravidas jayanti": (
        "guru ravidas jayanti",
        "guru ravidass jayanti",
        "guru ravidas birthday",
        "guru ravidass birthday",
    ),
    "guru nanak jayanti": ("guru nanak jayanti", "guru nanak's birthday"),
    "ganesh chaturthi": ("ganesh chaturthi", "vinayaka chaturthi"),
    "janmashtami": ("janmashtami", "krishna janmashtami"),
    "raksha bandhan": ("raksha bandhan", "rakhi"),
    "ram navami": ("ram navami", "rama navami"),
    "vesak": ("vesak", "vaisakha", "buddha day", "buddha purnima", "buddha jayanti", "vesak day"),
    "king's day": ("king's day", "koningsdag", "kings day"),
}


@lru_cache(maxsize=256)
def _country(code: str, year: int) -> dict[str, list[date]]:
    """A country's holidays in a year, by name (observed days left out), each name's days
    in order: built once per country and year, so each holiday is then one lookup."""
    import holidays  # a large package: only loaded when a holiday is named

    calendar: Any = holidays.country_holidays(code)
    cats = calendar.supported_categories
    try:
        table = holidays.country_holidays(code, years=year, language="en_US", categories=cats)
    except (NotImplementedError, ValueError):  # no English names for this calendar
        table = holidays.country_holidays(code, years=year, categories=cats)
    by_name: dict[str, list[date]] = {}
    for day, names in table.items():
        for name in names.split("; "):
            if "(observed)" not in name:
                by_name.setdefault(name.replace(" (estimated)", ""), []).append(day)
    for days in by_name.values():
        days.sort()
    return by_name


def _listed(source: Listed, year: int) -> list[date]:
    days = _country(source.country, year).get(source.name, [])
    # A holiday kept several days in a row starts on the first of them.
    firsts = [d for i, d in enumerate(days) if i == 0 or days[i - 1] != d - timedelta(days=1)]
    return [d + timedelta(days=source.shift) for d in firsts]


def _easter(source: Easter, year: int) -> list[date]:
    from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

    sunday = easter(year, EASTER_ORTHODOX if source.orthodox else EASTER_WESTERN)
    return [sunday + timedelta(days=source.offset)]


def _fixed(source: Fixed, year: int) -> list[date]:
    day = date(year, source.month, source.day)
    if source.weekday_only and day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday()) if day.weekday() == 6 else timedelta(days=-1)
    return [day]


def _nth_weekday(source: NthWeekday, year: int) -> list[date]:
    first = date(year, source.month, 1)
    days = [first + timedelta(days=i) for i in range(31)]
    hits = [d for d in days if d.month == source.month and d.weekday() == source.weekday]
    return [hits[source.n - 1 if source.n > 0 else source.n]]


@lru_cache(maxsize=1024)
def spans(key: str, year: int) -> tuple[tuple[date, date], ...]:
    """[start, end) of each occurrence of a holiday in a year (usually one day)."""
    if not 1 <= year <= 9998:
        return ()
    source = SOURCES.get(key)
    try:
        if isinstance(source, Listed):
            starts = _listed(source, year)
        elif isinstance(source, Easter):
            starts = _easter(source, year)
        elif isinstance(source, Fixed):
            starts = _fixed(source, year)
        elif isinstance(source, NthWeekday):
            starts = _nth_weekday(source, year)
        elif isinstance(source, After):
            base = [s + timedelta(days=source.offset) for s, _ in spans(source.base, year)]
            if source.until is None:
                return tuple((s, s + timedelta(days=1)) for s in base)
            ends = [s for s, _ in spans(source.until, year)]
            return tuple((s, e) for s, e in zip(base, ends, strict=False) if s < e)
        else:
            return ()
    except (KeyError, NotImplementedError, ValueError, OverflowError):
        return ()
    return tuple((s, s + timedelta(days=1)) for s in starts)


def dates(key: str, year: int) -> list[date]:
    """Start days of a holiday's occurrences in a year."""
    return [start for start, _ in spans(key, year)]
