"""General slot and intent rules of `runtime.nlu.intents`, each on phrasings written for the rule."""

from __future__ import annotations

import pytest

from automate.runtime.nlu.intents import analyze


def slots(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in analyze(text).slots]


def kinds(text: str, kind: str) -> list[str]:
    return [s.text for s in analyze(text).slots if s.type == kind]


class TestPeopleRules:
    def test_a_relation_owning_an_event_is_a_relation(self) -> None:
        """ "dad's retirement party" names the relation even without "my"."""
        assert kinds("when is dad's retirement party", "relation") == ["dad's"]

    def test_no_name_follows_a_possessive_relation(self) -> None:
        """ "my niece's piano recital" is an event of the niece, not a person called piano."""
        found = slots("put my niece's piano recital on friday")
        assert ("relation", "niece's") in found
        assert not kinds("put my niece's piano recital on friday", "person")

    def test_a_past_verb_after_a_name_is_no_surname(self) -> None:
        """ "has priya answered" names Priya alone."""
        assert kinds("has priya answered my mail", "person") == ["priya"]
        assert kinds("did omar write back", "person") == ["omar"]

    def test_an_adverb_between_name_and_verb(self) -> None:
        """ "when did bob last email me" names Bob, not "bob last"."""
        assert kinds("when did bob last email me", "person") == ["bob"]
        assert kinds("has marco already replied", "person") == ["marco"]

    def test_a_name_before_a_personal_day(self) -> None:
        """ "kemi birthday" is Kemi's birthday; "company anniversary" names no person."""
        assert slots("add kemi birthday to my calendar") == [("person", "kemi"), ("event_name", "birthday")]
        assert not kinds("remind me about the company anniversary", "person")

    def test_a_name_after_a_sending_verb_inside_the_request(self) -> None:
        """ "i need to email susan" names Susan."""
        assert kinds("i need to email grace and otto", "person") == ["grace", "otto"]

    def test_to_do_with_is_a_topic(self) -> None:
        """ "emails having to do with invoices" names no person invoices."""
        assert not kinds("find emails having to do with invoices", "person")

    def test_question_words_are_no_names(self) -> None:
        """ "with whoever is free", "sam, whenever works" name no one but Sam."""
        assert not kinds("set a meeting with whoever is free", "person")
        assert kinds("lunch with sam whenever works on friday", "person") == ["sam"]

    def test_a_name_that_comes_or_joins(self) -> None:
        """ "is sarah coming", "will tom join" name the person alone; "the meeting online" no one."""
        assert kinds("is sarah coming to the meeting", "person") == ["sarah"]
        assert kinds("will tom join the call", "person") == ["tom"]
        assert not kinds("is the meeting online", "person")

    def test_three_first_names(self) -> None:
        """ "with mike jim and bob" is three people; "with john smith" is one."""
        assert kinds("lunch with nell tom and ravi on friday", "person") == ["nell", "tom", "ravi"]
        assert kinds("meeting with john smith on friday", "person") == ["john smith"]

    def test_a_name_joined_to_me(self) -> None:
        """ "between me and carol" names Carol."""
        assert kinds("book a call between me and priya on monday", "person") == ["priya"]

    def test_a_name_in_a_contact_request(self) -> None:
        """The name a contact is added, removed or looked up by is a person."""
        assert kinds("add rafael to my contacts", "person") == ["rafael"]
        assert kinds("contact details for imogen", "person") == ["imogen"]

    def test_a_verb_after_an_event_is_no_name(self) -> None:
        """ "when the meeting starts" names no person."""
        assert not kinds("alert me when the meeting starts", "person")

    def test_a_name_after_a_contact_detail(self) -> None:
        """ "the phone number of lisa" names Lisa."""
        assert kinds("give me the mobile number of tariq", "person") == ["tariq"]

    def test_the_address_of_an_event_is_no_contact(self) -> None:
        """ "the address for the party" asks about an event, not a contact card."""
        assert analyze("what is the address for the party on friday").label != "email_querycontact"

    def test_a_relation_owning_a_phone(self) -> None:
        """ "dad's cell" names the relation."""
        assert kinds("what's dad's cell", "relation") == ["dad's"]

    def test_a_kind_of_detail_between_owner_and_detail(self) -> None:
        """ "dad's work number" and "my sister's new address" are contact details of a relation."""
        assert kinds("what's dad's work number", "relation") == ["dad's"]
        assert analyze("remember my sister's new address").label == "email_addcontact"

    def test_a_phone_number_is_no_time(self) -> None:
        """Digit groups with a long one are a phone number."""
        assert not kinds("change mum's number to 555 0199", "time")
        assert kinds("set an alarm for 6 30", "time") == ["6 30"]

    def test_a_mail_folder_is_no_person(self) -> None:
        """ "from junk" is a folder."""
        assert not kinds("show the emails from junk", "person")


class TestTimeRules:
    @pytest.mark.parametrize(
        ("text", "span"),
        [
            ("pause the alarm for twenty minutes", "twenty minutes"),
            ("keep three hours free on monday", "three hours"),
        ],
    )
    def test_a_length_keeps_its_unit(self, text: str, span: str) -> None:
        """A number with a unit of time is one time slot, unit included."""
        assert span in kinds(text, "time")

    def test_a_length_from_now_keeps_from_now(self) -> None:
        """ "ten minutes from now" stays one slot."""
        assert kinds("wake me ten minutes from now", "time") == ["ten minutes from now"]

    def test_a_counted_number_is_no_time(self) -> None:
        """ "for 6 guests" counts guests; the clock time is the other number."""
        assert kinds("plan a dinner for 6 guests at 8pm", "time") == ["8pm"]

    def test_every_hour_is_a_frequency(self) -> None:
        """ "every hour" says how often."""
        assert kinds("ping me every hour", "general_frequency") == ["every hour"]

    def test_weekdays_after_an_article(self) -> None:
        """ "the weekdays" is a date slot."""
        assert "weekdays" in kinds("set my alarm for the weekdays at six", "date")

    def test_a_name_before_a_sending_verb_and_me(self) -> None:
        """ "whether lena wrote me" names Lena."""
        assert kinds("see whether lena wrote me", "person") == ["lena"]


class TestIntentRules:
    @pytest.mark.parametrize(
        ("text", "label"),
        [
            ("anything happening on sunday", "calendar_query"),
            ("what is going on tonight", "calendar_query"),
            ("what's my week like next week", "calendar_query"),
            ("we need to drop the car at the garage at 8", "calendar_set"),
            ("i have to go to the post office on monday", "calendar_set"),
            ("block off thursday morning", "calendar_set"),
            ("shift my 10 o'clock to 11", "calendar_set"),
            ("see whether lena wrote me", "email_query"),
            ("did the council write back", "email_query"),
            ("has marco already replied", "email_query"),
            ("store this number under grace", "email_addcontact"),
            ("i want to see the optician next tuesday at ten", "calendar_set"),
            ("we'll be visiting the grandparents on sunday", "calendar_set"),
            ("at what time is my massage", "calendar_query"),
            ("call off the rehearsal", "calendar_remove"),
            ("wipe out next friday", "calendar_remove"),
            ("give me details about the seminar on monday", "calendar_query"),
            ("tell me to bring the charger tomorrow", "calendar_set"),
            ("whom am i seeing on thursday", "calendar_query"),
            ("have i got anything on saturday", "calendar_query"),
            ("what's the date of the workshop", "calendar_query"),
            ("which day is the exam", "calendar_query"),
            ("switch my alarm off", "alarm_remove"),
            ("buzz me at quarter past six", "alarm_set"),
            ("i have to be awake by 5", "alarm_set"),
            ("set a timer for 12 minutes", "alarm_set"),
            ("set an alert for 6 pm", "alarm_set"),
            ("set an alert for my dentist appointment", "calendar_set"),
            ("we don't need the alarm on sunday", "alarm_remove"),
            ("make sure i'm up by six", "alarm_set"),
            ("let me know the time of my first alarm", "alarm_query"),
            ("let me know the evening before the recital", "calendar_set"),
            ("let me know when the webinar begins", "calendar_set"),
            ("send a card to", "email_sendemail"),
            ("forward nadia the minutes", "email_sendemail"),
            ("what did the garage say about the brakes", "email_query"),
            ("invite ann and joe to the barbecue", "calendar_set"),
            ("would you mind scheduling the plumber for monday", "calendar_set"),
            ("do not let me forget the recital", "calendar_set"),
            ("how about dinner with raj on friday", "calendar_set"),
            ("look at my calendar for monday and book a haircut", "calendar_set"),
            ("alter my dentist appointment to 4pm", "calendar_set"),
            ("where should i be at noon on friday", "calendar_query"),
            ("check my cal for tomorrow", "calendar_query"),
            ("any mtgs today", "calendar_query"),
            ("how many people are coming to the barbecue", "calendar_query"),
            ("what did i do last weekend", "calendar_query"),
            ("birthday party for my son which is on saturday", "calendar_set"),
            ("dinner with the hendersons who are visiting on friday", "calendar_set"),
            ("tell me which meetings i have today", "calendar_query"),
            ("my cousins are visiting next weekend", "calendar_set"),
            ("the electrician is coming tomorrow at 10", "calendar_set"),
            ("i'm not going to the recital anymore", "calendar_remove"),
            ("the barbecue is off", "calendar_remove"),
            ("forget about the dentist appointment", "calendar_remove"),
            ("i won't be attending the seminar on friday", "calendar_remove"),
            ("don't remind me about the rent", "calendar_remove"),
            ("unschedule the call", "calendar_remove"),
            ("don't forget the meeting", "calendar_set"),
            ("is the meeting off", "calendar_query"),
            ("mark friday as a rest day", "calendar_set"),
            ("save saturday morning for the garden", "calendar_set"),
            ("where does nadia live", "email_querycontact"),
            ("message my landlord that the tap leaks", "email_sendemail"),
            ("i need to write to my teacher", "email_sendemail"),
            ("answer sarah's email", "email_sendemail"),
            ("send priya's number to tom", "email_sendemail"),
            ("email the plumber's address to my wife", "email_sendemail"),
            ("add priya's number to my contacts", "email_addcontact"),
            ("let omar know the parcel arrived", "email_sendemail"),
            ("write to the landlord", "email_sendemail"),
            ("inform the team that the launch moved", "email_sendemail"),
            ("notify my manager that i am sick", "email_sendemail"),
            ("reach out to my accountant about taxes", "email_sendemail"),
            ("get in touch with yusuf", "email_sendemail"),
            ("notify me when the webinar starts", "calendar_set"),
            ("do i have a number for the electrician", "email_querycontact"),
            ("info on the seminar tomorrow", "calendar_query"),
            ("how long is the ceremony", "calendar_query"),
            ("i need a reminder for when the courier comes", "calendar_set"),
            ("are you able to put a session in for tuesday", "calendar_set"),
            ("do you think you could plan a call with lee", "calendar_set"),
            ("are there any reminders set for friday", "calendar_query"),
            ("do i need to set an alarm", "alarm_query"),
            ("what time do i collect the kids", "calendar_query"),
            ("when do we leave for the wedding", "calendar_query"),
            ("what's on my agenda at the festival", "calendar_query"),
            ("give me a reminder at half past four", "calendar_set"),
            ("make a note that the boiler service is on monday", "calendar_set"),
            ("keep reminding me every hour", "calendar_set"),
            ("when the match starts remind me", "calendar_set"),
            ("give me my reminders for today", "calendar_query"),
            ("add a note to call the bank", "calendar_set"),
            ("sara's graduation party", "calendar_set"),
            ("am i working on sunday", "calendar_query"),
            ("what's next for me this afternoon", "calendar_query"),
            ("how is my week looking", "calendar_query"),
            ("which evenings are booked this week", "calendar_query"),
            ("remind me to email the plumber tomorrow", "calendar_set"),
            ("email the plumber and remind him about tuesday", "email_sendemail"),
        ],
    )
    def test_calendar_mail_and_contacts_without_their_nouns(self, text: str, label: str) -> None:
        """Questions about one's time, plans, moves and senders route without naming the domain."""
        assert analyze(text).label == label

    @pytest.mark.parametrize(
        "text",
        [
            "what's happening in lisbon tomorrow",
            "anything going on in the city tonight",
            "move the lights to blue at 9pm",
            "what do you know about the statue of liberty",
            "i want to see a film tonight",
            "what day does my birthday fall on in 2030",
            "what's the date today",
            "what did you say",
            "what did the forecast say about rain",
            "where should i eat tonight",
            "check the train schedule",
            "set the thermostat to 70 at 5pm",
            "book a table for two at 8",
            "a storm is coming tomorrow",
            "call mom",
            "how many people live in china",
            "when is the parcel coming",
            "how long is the drive to boston",
            "the weather tomorrow",
        ],
    )
    def test_the_world_around_is_not_the_calendar(self, text: str) -> None:
        """A place or another assistant's topic keeps such a question declined."""
        assert analyze(text).label == "none"


class TestEventRules:
    def test_a_venue_of_an_event_does_not_decline_it(self) -> None:
        """A restaurant or a town the event is at is its place, not another assistant's topic."""
        analysis = analyze("schedule brunch with leo at the corner restaurant at 11")
        assert analysis.label == "calendar_set"
        assert ("place_name", "corner restaurant") in slots(
            "schedule brunch with leo at the corner restaurant at 11"
        )

    def test_a_venue_alone_is_still_declined(self) -> None:
        """Looking for a restaurant is no calendar request."""
        assert analyze("find a restaurant in town for tonight").label == "none"

    def test_the_name_after_called_is_the_title(self) -> None:
        """ "an alarm called swim" is titled swim, without "called"."""
        assert kinds("set an alarm called swim for 6am", "event_name") == ["swim"]
        assert kinds("add an alarm labelled vitamins at 8", "event_name") == ["vitamins"]

    def test_a_room_is_no_event(self) -> None:
        """ "the conference room" names a place, not a conference."""
        assert kinds("meeting at 10 in the conference room", "event_name") == ["meeting"]
        assert "conference" not in kinds("book the conference room at noon", "event_name")

    def test_a_part_of_day_naming_an_event_is_in_its_title(self) -> None:
        """ "the morning standup" is one title; "for the morning" is still a part of day."""
        assert kinds("when is the morning standup", "event_name") == ["morning standup"]
        assert not kinds("when is the morning standup", "timeofday")
        assert kinds("set an alarm for the morning", "timeofday") == ["morning"]

    @pytest.mark.parametrize(
        ("text", "place"),
        [
            ("meeting in the board room at 2", "board room"),
            ("book a catch-up at the office on monday", "office"),
            ("party at maya's house on saturday", "maya's house"),
            ("conference in new delhi next week", "new delhi"),
        ],
    )
    def test_places_named_by_kind_owner_or_two_words(self, text: str, place: str) -> None:
        """Rooms, common places, someone's house and "new ..." cities are place names."""
        assert place in kinds(text, "place_name")

    def test_the_task_may_follow_the_time(self) -> None:
        """ "remind me at 4 to water the lawn" keeps the task."""
        assert kinds("remind me at 4 to water the lawn", "event_name") == ["water the lawn"]
        assert kinds("remind me on friday to renew the passport", "event_name") == ["renew the passport"]

    def test_order_words_are_not_titles(self) -> None:
        """ "the earliest meeting" is titled meeting."""
        assert kinds("what's the earliest meeting on friday", "event_name") == ["meeting"]

    def test_the_first_word_after_a_sending_verb(self) -> None:
        """ "forward nadia the minutes" names Nadia; "send roses to dad" sends roses."""
        assert kinds("forward nadia the minutes", "person") == ["nadia"]
        assert not kinds("send roses to dad", "person")

    def test_the_object_scheduled_is_the_title(self) -> None:
        """With no event noun, what is put on the calendar or reminded of is the title."""
        assert kinds("put choir on wednesday at 7", "event_name") == ["choir"]
        assert kinds("remind me of the recycling pickup on tuesday", "event_name") == ["recycling pickup"]
        assert not kinds("add the following date to my calendar", "event_name")


class TestListRules:
    def test_a_bare_add_of_a_thing_goes_on_a_list(self) -> None:
        """ "add dish soap" with no event and no time is a list addition."""
        assert analyze("please add dish soap").label == "lists_createoradd"
        assert analyze("add a dentist visit on monday").label == "calendar_set"

    @pytest.mark.parametrize(
        ("text", "label"),
        [
            ("we need more butter", "lists_createoradd"),
            ("we're out of flour", "lists_createoradd"),
            ("i don't want the yogurt", "lists_remove"),
            ("remove the tissues", "lists_remove"),
            ("delete the second line", "lists_remove"),
            ("cross off the lemons", "lists_remove"),
            ("i bought the shampoo", "lists_remove"),
            ("we have enough rice now", "lists_remove"),
            ("what do we need to buy", "lists_query"),
            ("what do i need from the store", "lists_query"),
            ("read back my groceries", "lists_query"),
            ("i want a list for the picnic", "lists_createoradd"),
            ("jot down lemons", "lists_createoradd"),
        ],
    )
    def test_shopping_said_without_a_list(self, text: str, label: str) -> None:
        """Needing, running out of or no longer wanting a shop item is a list request."""
        assert analyze(text).label == label

    def test_a_reminder_to_shop_goes_on_the_list(self) -> None:
        """ "remind me to buy shampoo" adds to the list; a reminder to do something else does not."""
        assert analyze("remind me to buy shampoo").label == "lists_createoradd"
        assert analyze("remind me to fetch the kids at 3").label == "calendar_set"

    def test_a_shop_item_in_another_topic_is_declined(self) -> None:
        """A question about food is no list request."""
        assert analyze("how much sugar is in a banana").label == "none"
        assert analyze("what should i buy my wife for her birthday").label == "none"
        assert analyze("i bought a new phone").label == "none"

    def test_scratch_removes(self) -> None:
        """ "scratch X from the list" removes it."""
        assert analyze("scratch the yogurt from my grocery list").label == "lists_remove"

    def test_a_list_named_by_its_purpose(self) -> None:
        """ "to groceries", "off my errands" name the list without the word list."""
        assert kinds("add flour to groceries", "list_name") == ["groceries"]
        assert kinds("take stamps off my errands", "list_name") == ["errands"]

    def test_hyphenated_words_are_one_word(self) -> None:
        """ "to-do", "e-mail", "catch-up" are read whole."""
        assert kinds("add oats to my to-do list", "list_name") == ["to-do"]
        assert analyze("send an e-mail to bob").label == "email_sendemail"
        assert kinds("book a catch-up with ines on monday", "event_name") == ["catch-up"]

    def test_a_list_name_after_an_owner_or_a_frequency(self) -> None:
        """ "a list of weekly chores to be done" is named chores; "this specific list" is unnamed."""
        assert kinds("make a list of weekly chores to be done", "list_name") == ["chores"]
        assert kinds("create a list of our camping gear", "list_name") == ["camping gear"]
        assert not kinds("what is on this specific list", "list_name")

    def test_a_list_of_things_to_do(self) -> None:
        """ "films to watch" keeps its purpose."""
        assert kinds("start a list called films to watch", "list_name") == ["films to watch"]


class TestWrittenTimes:
    @pytest.mark.parametrize(
        ("text", "kind", "span"),
        [
            ("remind me on july the ninth", "date", "july the ninth"),
            ("plan a catch-up in a couple of weeks", "date", "a couple of weeks"),
            ("wake me at six fifteen a.m.", "time", "six fifteen a.m"),
        ],
    )
    def test_more_written_dates_and_times(self, text: str, kind: str, span: str) -> None:
        """Month-article-ordinal dates, "a couple of" lengths and dotted meridiems are one slot each."""
        assert span in kinds(text, kind)
