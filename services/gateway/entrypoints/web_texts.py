"""The web module's words, Dutch (B1) and English, and the obligation status in one sentence.

Wording only: what counts, how many are needed and by when all come from the activities
service; this module just says it in plain words.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from jobmatch.activities.v1 import activities_pb2 as apb

WORDS: dict[str, tuple[str, str]] = {
    "site": ("Werk zoeken", "Finding work"),
    "skip": ("Naar de inhoud", "Skip to content"),
    "menu": ("Menu", "Menu"),
    "feed": ("Vacatures voor u", "Vacancies for you"),
    "applications": ("Mijn sollicitaties", "My applications"),
    "status": ("Hoe sta ik ervoor?", "How am I doing?"),
    "sign_in": ("Inloggen", "Sign in"),
    "sign_out": ("Uitloggen", "Sign out"),
    "other_language": ("English", "Nederlands"),
    "other_language_hint": ("Read this website in English", "Lees deze website in het Nederlands"),
    "feed_intro": (
        "Deze vacatures passen bij wat u zoekt. Bij elke vacature staat waarom.",
        "These vacancies fit what you are looking for. Each one says why.",
    ),
    "feed_empty": (
        "Er zijn nu geen vacatures die bij u passen. Kijk later nog eens.",
        "There are no vacancies that fit you right now. Look again later.",
    ),
    "why": ("Waarom deze vacature?", "Why this vacancy?"),
    "new": ("Nieuw", "New"),
    "hours": ("uur per week", "hours a week"),
    "remote": ("Thuiswerken", "Working from home"),
    "to_vacancy": ("Bekijk de vacature bij de werkgever", "See the vacancy at the employer"),
    "i_applied": ("Ik heb gesolliciteerd", "I applied"),
    "applied_already": ("U heeft hierop gesolliciteerd.", "You applied for this one."),
    "applied_done": (
        "Goed gedaan! We zetten deze sollicitatie in uw lijst. Zo telt ze mee voor uw sollicitatieplicht.",
        "Well done! We add this application to your list. That way it counts towards your duty to apply.",
    ),
    "more": ("Meer vacatures", "More vacancies"),
    "list_intro": (
        "Hier staan de sollicitaties en andere activiteiten die u heeft doorgegeven.",
        "These are the applications and other activities you told us about.",
    ),
    "list_empty": ("U heeft nog niets doorgegeven.", "You have not told us about any yet."),
    "col_date": ("Datum", "Date"),
    "col_employer": ("Werkgever", "Employer"),
    "col_position": ("Functie", "Job"),
    "col_outcome": ("Uitkomst", "Outcome"),
    "col_counts": ("Telt mee?", "Counts?"),
    "yes": ("Ja", "Yes"),
    "no": ("Nee", "No"),
    "save": ("Opslaan", "Save"),
    "outcome_for": ("Uitkomst van de sollicitatie bij", "Outcome of the application at"),
    "outcome_saved": ("De uitkomst is opgeslagen.", "The outcome is saved."),
    "add_title": ("Een sollicitatie toevoegen", "Add an application"),
    "add_intro": (
        "Heeft u gesolliciteerd op een baan die niet in uw lijst met vacatures stond? Vul het hier in.",
        "Did you apply for a job that was not in your list of vacancies? Fill it in here.",
    ),
    "employer": ("Naam van de werkgever", "Name of the employer"),
    "position": ("Functie", "Job"),
    "position_hint": ("Bijvoorbeeld: kok, chauffeur, verzorgende", "For example: cook, driver, carer"),
    "date": ("Datum van de sollicitatie", "Date of the application"),
    "date_hint": ("Bijvoorbeeld: 2026-03-15 (jaar-maand-dag)", "For example: 2026-03-15 (year-month-day)"),
    "channel": ("Hoe heeft u gesolliciteerd?", "How did you apply?"),
    "kind": ("Soort sollicitatie", "Kind of application"),
    "add_button": ("Sollicitatie toevoegen", "Add application"),
    "added": ("De sollicitatie is toegevoegd.", "The application is added."),
    "form_errors": (
        "Niet alles is goed ingevuld. Kijk bij deze vragen:",
        "Not everything is filled in correctly. See:",
    ),
    "status_intro": ("Zo staat uw sollicitatieplicht ervoor in deze periode.", "Your duty to apply in this period."),
    "still_needed": ("Wat moet u nog doen?", "What do you still need to do?"),
    "period": ("Deze periode", "This period"),
    "no_policy": (
        "Er is voor u (nog) geen sollicitatieplicht vastgelegd.",
        "No duty to apply has been set for you (yet).",
    ),
    "sign_in_intro": (
        "Dit is de proefomgeving. Kies een proefpersoon om in te loggen.",
        "This is the test environment. Choose a test person to sign in as.",
    ),
    "sign_in_who": ("Proefpersoon", "Test person"),
    "sign_in_oidc": ("Inloggen met DigiD", "Sign in with DigiD"),
    "sign_in_off": (
        "Inloggen is hier niet ingesteld. Neem contact op met uw gemeente.",
        "Signing in is not set up here. Contact your municipality.",
    ),
    "error_title": ("Dat lukte niet", "That did not work"),
    "back": ("Terug naar Vacatures voor u", "Back to Vacancies for you"),
    "form_expired": ("Het formulier was verlopen. Probeer het opnieuw.", "The form had expired. Try again."),
}
OUTCOMES: dict[int, tuple[str, str]] = {
    apb.OUTCOME_SENT: ("Verstuurd, nog geen antwoord", "Sent, no answer yet"),
    apb.OUTCOME_INVITED: ("Uitgenodigd voor een gesprek", "Invited for an interview"),
    apb.OUTCOME_REJECTED: ("Afgewezen", "Turned down"),
    apb.OUTCOME_HIRED: ("Aangenomen", "Hired"),
    apb.OUTCOME_NO_ANSWER: ("Geen antwoord gekregen", "No answer received"),
}
CHANNELS: dict[int, tuple[str, str]] = {
    apb.CHANNEL_ONLINE: ("Via internet of e-mail", "Online or by e-mail"),
    apb.CHANNEL_LETTER: ("Met een brief", "By letter"),
    apb.CHANNEL_PHONE: ("Telefonisch", "By phone"),
    apb.CHANNEL_IN_PERSON: ("Langsgegaan", "In person"),
}
KINDS: dict[int, tuple[str, str]] = {
    apb.ACTIVITY_TYPE_VACANCY_APPLICATION: ("Op een vacature", "For a vacancy"),
    apb.ACTIVITY_TYPE_OPEN_APPLICATION: ("Open sollicitatie (zonder vacature)", "Open application (no vacancy)"),
}


def words(language: str) -> dict[str, str]:
    index = 1 if language == "en" else 0
    return {key: pair[index] for key, pair in WORDS.items()}


def pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def long_date(value: str, language: str) -> str:
    """ "2026-03-15" as "15 maart 2026" / "15 March 2026"; anything else as it is."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(day, format="long", locale="en_GB" if language == "en" else "nl_NL")


def status_sentence(period: apb.ObligationPeriod, language: str) -> str:
    """The current period in one sentence: how many done, how many still needed, by when."""
    en = language == "en"
    end, deadline = long_date(period.end_date, language), long_date(period.deadline_date, language)
    counted, required, needed = period.counted, period.required, period.still_needed
    if period.status == apb.PERIOD_STATUS_EXEMPT:
        return (
            "You do not need to apply for jobs in this period."
            if en
            else "U hoeft in deze periode niet te solliciteren."
        )
    if period.status == apb.PERIOD_STATUS_MET or needed <= 0:
        return (
            f"You have done enough: {counted} of the {required} activities in this period count."
            if en
            else f"U heeft genoeg gedaan: {counted} van de {required} activiteiten in deze periode tellen mee."
        )
    if period.status == apb.PERIOD_STATUS_NOTICE:
        respond = long_date(period.respond_by_date, language)
        return (
            f"You did {counted} of the {required} activities; you may tell us why until {respond}."
            if en
            else f"U deed {counted} van de {required} activiteiten; u mag tot {respond} uitleggen waarom."
        )
    if period.status == apb.PERIOD_STATUS_MISSED:
        return (
            f"You did {counted} of the {required} activities in this period: not enough."
            if en
            else f"U deed {counted} van de {required} activiteiten in deze periode: dat is te weinig."
        )
    if en:
        return (
            f"You have done {counted} of the {required} activities that count. Do {needed} more by {end} "
            f"and tell us by {deadline} at the latest."
        )
    return (
        f"U heeft {counted} van de {required} activiteiten gedaan die meetellen. Doe er nog {needed} vóór of op "
        f"{end} en geef ze uiterlijk {deadline} door."
    )
