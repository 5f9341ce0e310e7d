"""The demo clients c-demo-001 … c-demo-020 as one story the three services tell alike.

Each client has one ESCO occupation, a home place and skills from that occupation; the
vacancies seed puts vacancies of that occupation within reach of home, matching gives the client a profile that wants them, and activities logs applications
for such jobs at such employers. Services never import each other, so the story lives here.

Everything comes from the shipped reference data (ESCO occupations and skills, ISCO-08
groups, Dutch places); employers are neutral phrases "<sector> in <place>" with sector words
that put the ISCO-08 group labels of `isco08_groups.tsv` in Dutch (see PROVENANCE.md).
"""

from __future__ import annotations

import random
from functools import cache

from pydantic import BaseModel, ConfigDict

from services.common.reference import geo, occupations, places, sampling, skills

SEED = 20261125
CLIENT_IDS = tuple(f"c-demo-{i:03d}" for i in range(1, 21))
# One ESCO occupation (by its ESCO code) per client, in client order: jobs a werkplein's
# caseload looks for, with a few ICT ones, the only ones whose ESCO skills the data links.
ESCO_CODES = (
    "2512.4",
    "5223.6",
    "8322.7",
    "5321.1",
    "9112.2",
    "5120.1",
    "4110.1",
    "7411.1",
    "9321.2",
    "3512.1",
    "7231.10",
    "5131.2",
    "2513.5",
    "3313.2",
    "5223.4",
    "8322.2",
    "5321.1.1",
    "5131.1",
    "3512.4",
    "9112.4",
)
# Vacancies per demo client, of their occupation and within reach; the acceptance client
# (c-demo-001, software developer around Utrecht) gets more, as the matching team's test expects.
JOBS_PER_CLIENT = 5
ACCEPTANCE_CLIENT_JOBS = 8
HOUR_WINDOWS = ((24, 36), (32, 40), (16, 32), (20, 40), (24, 40))
TRAVEL_KM = (15, 20, 25, 30)

# Dutch sector words for ISCO-08 groups (longest code prefix wins), our wording of the
# group labels in isco08_groups.tsv, e.g. 83 "Drivers and mobile plant operators" -> transport.
SECTORS = {
    "0": "Defensieonderdeel",
    "11": "Overheidsorganisatie",
    "12": "Zakelijke dienstverlener",
    "13": "Productiebedrijf",
    "14": "Horeca- en winkelbedrijf",
    "21": "Ingenieursbureau",
    "22": "Ziekenhuis",
    "23": "Onderwijsinstelling",
    "24": "Zakelijke dienstverlener",
    "25": "ICT-bedrijf",
    "26": "Maatschappelijke organisatie",
    "31": "Technisch bedrijf",
    "32": "Zorginstelling",
    "33": "Administratiekantoor",
    "34": "Maatschappelijke organisatie",
    "35": "ICT-bedrijf",
    "41": "Kantoororganisatie",
    "42": "Klantcontactcentrum",
    "43": "Administratiekantoor",
    "44": "Kantoororganisatie",
    "51": "Dienstverlenend bedrijf",
    "512": "Horecabedrijf",
    "513": "Horecabedrijf",
    "52": "Winkelbedrijf",
    "53": "Zorginstelling",
    "54": "Beveiligingsbedrijf",
    "6": "Agrarisch bedrijf",
    "71": "Bouwbedrijf",
    "72": "Metaalbedrijf",
    "723": "Garagebedrijf",
    "73": "Drukkerij",
    "74": "Installatiebedrijf",
    "75": "Voedingsmiddelenbedrijf",
    "81": "Productiebedrijf",
    "82": "Assemblagebedrijf",
    "83": "Transportbedrijf",
    "91": "Schoonmaakbedrijf",
    "92": "Agrarisch bedrijf",
    "931": "Bouwbedrijf",
    "932": "Productiebedrijf",
    "933": "Logistiek bedrijf",
    "94": "Horecabedrijf",
    "95": "Marktbedrijf",
    "96": "Afvalinzamelaar",
}
AGENCY = "Uitzendbureau"


class DemoClient(BaseModel):
    model_config = ConfigDict(frozen=True)

    client_id: str
    occupation: occupations.Occupation
    home: places.Place
    max_travel_km: int
    hours_min: int
    hours_max: int
    skills: tuple[str, ...]  # ESCO essential skills of the occupation; none where ESCO links none
    has_driving_licence: bool


def sector(isco_code: str) -> str:
    for length in range(len(isco_code), 0, -1):
        if isco_code[:length] in SECTORS:
            return SECTORS[isco_code[:length]]
    return "Bedrijf"


def employer_name(isco_code: str, place_name: str) -> str:
    """ "ICT-bedrijf in Utrecht": a neutral phrase, never a made-up company name."""
    return f"{sector(isco_code)} in {place_name}"


def agency_name(place_name: str) -> str:
    return f"{AGENCY} in {place_name}"


def _occupation(esco_code: str) -> occupations.Occupation:
    unit_group = esco_code.split(".")[0]
    return next(o for o in occupations.by_isco_prefix(unit_group) if o.esco_code == esco_code)


@cache
def demo_clients() -> tuple[DemoClient, ...]:
    rng = random.Random(SEED)
    clients = []
    for client_id, esco_code in zip(CLIENT_IDS, ESCO_CODES, strict=True):
        occupation = _occupation(esco_code)
        drawn = sampling.weighted_places(rng, 1)[0]
        # The place its name means (the profile stores the name): Velp is Velp in Gelderland.
        home = places.lookup(drawn.name) or drawn
        hours_min, hours_max = rng.choice(HOUR_WINDOWS)
        travel = rng.choice(TRAVEL_KM)
        essential = skills.skills_for_occupation(occupation.uri)
        # Drawn from the skills the sample vacancies require (the first five), so they meet.
        own = tuple(rng.sample(essential[:5], min(3, len(essential[:5]))))
        clients.append(
            DemoClient(
                client_id=client_id,
                occupation=occupation,
                home=home,
                max_travel_km=travel,
                hours_min=hours_min,
                hours_max=hours_max,
                skills=own,
                has_driving_licence=esco_code.startswith("83") or rng.random() < 0.5,
            )
        )
    # The acceptance client: software developer in Utrecht, 25 km, 24-36 hours.
    utrecht = places.lookup("Utrecht")
    if utrecht is not None:
        clients[0] = clients[0].model_copy(
            update={"home": utrecht, "max_travel_km": 25, "hours_min": 24, "hours_max": 36}
        )
    return tuple(clients)


def by_id(client_id: str) -> DemoClient | None:
    return next((c for c in demo_clients() if c.client_id == client_id), None)


@cache
def places_within_reach(client: DemoClient) -> tuple[places.Place, ...]:
    """Populated places no further than half the client's travel distance from home, nearest
    first (home itself first): where their jobs, employers and applications are."""
    reach = client.max_travel_km / 2
    near = [
        (geo.haversine_km(client.home.latitude, client.home.longitude, p.latitude, p.longitude), p.name, p)
        for p in places.all_places()
        if p.population > 0
    ]
    return tuple(p for km, _, p in sorted(near, key=lambda t: (t[0], t[1])) if km <= reach)


@cache
def job_places(client: DemoClient) -> tuple[places.Place, ...]:
    """Where the client's sample vacancies are, one place per vacancy: home and places within
    reach by turns. Their applications go to employers in these places."""
    reach = places_within_reach(client) or (client.home,)
    count = ACCEPTANCE_CLIENT_JOBS if client.client_id == CLIENT_IDS[0] else JOBS_PER_CLIENT
    return tuple(reach[k % len(reach)] if k % 2 else client.home for k in range(count))
