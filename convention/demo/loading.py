"""The demo, loaded by `flask seed-demo` (and `make run`): two conventions of the Montpellier
Métropole. The convention on artificial intelligence is in its deliberation; the one on
mobility (`mobility.py`) went through every phase in 2024 and 2025 and is in its follow-up.

The people are invented; the communes are the 31 of Montpellier Méditerranée Métropole with
rounded populations. Everything is created through the same services as the web pages.
"""

from __future__ import annotations

from datetime import UTC, datetime

from convention.assembly import services
from convention.assembly.models import Convention, PhaseKind
from convention.auth.models import Commune, Role, User
from convention.auth.services import create_account
from convention.demo import content as demo_content
from convention.demo import mobility, mobility_content
from convention.demo.accounts import DOMAIN, PASSWORDS, email, person, published_passwords
from convention.extensions import db

COMMUNES = [
    ("Baillargues", 8000),
    ("Beaulieu", 1900),
    ("Castelnau-le-Lez", 22000),
    ("Castries", 6400),
    ("Clapiers", 5500),
    ("Cournonsec", 3300),
    ("Cournonterral", 6000),
    ("Fabrègues", 7100),
    ("Grabels", 8300),
    ("Jacou", 6800),
    ("Juvignac", 12000),
    ("Lattes", 17000),
    ("Lavérune", 3300),
    ("Le Crès", 9600),
    ("Montaud", 1000),
    ("Montferrier-sur-Lez", 3900),
    ("Montpellier", 302000),
    ("Murviel-lès-Montpellier", 1900),
    ("Pérols", 9500),
    ("Pignan", 7000),
    ("Prades-le-Lez", 5600),
    ("Restinclières", 2000),
    ("Saint-Brès", 3000),
    ("Saint-Drézéry", 2500),
    ("Saint-Geniès-des-Mourgues", 3000),
    ("Saint-Georges-d'Orques", 5800),
    ("Saint-Jean-de-Védas", 11000),
    ("Saussan", 1600),
    ("Sussargues", 2900),
    ("Vendargues", 6600),
    ("Villeneuve-lès-Maguelone", 10300),
]

QUESTION = "Quelle intelligence artificielle au service des habitants et du territoire ?"
DESCRIPTION = (
    "Quarante habitantes et habitants de la Métropole, tirés au sort parmi plus de 500 000, "
    "se réunissent pendant trois week-ends pour entendre des expertes et des experts, débattre "
    "et formuler des recommandations sur les usages de l'intelligence artificielle dans les "
    "politiques publiques. La Métropole s'engage à répondre publiquement à chacune d'elles."
)

THEMES = [
    ("Santé", "Prévention, accès aux soins, données de santé."),
    ("Mobilités", "Transports publics, circulation, logistique urbaine."),
    ("Transition écologique", "Énergie, eau, déchets, sobriété numérique."),
    ("Justice sociale", "Accès aux droits, inclusion numérique, lutte contre les biais."),
    ("Services publics", "Relation avec les habitants, démarches, transparence des algorithmes."),
]

# (first name, last name, commune): 20 women and 20 men, spread like the population.
MEMBERS = [
    ("Camille", "Roux", "Montpellier"),
    ("Yacine", "Benali", "Montpellier"),
    ("Maëlle", "Fabre", "Castelnau-le-Lez"),
    ("Thierry", "Vidal", "Lattes"),
    ("Inès", "Bouzid", "Montpellier"),
    ("Jean-Pierre", "Granier", "Pignan"),
    ("Léa", "Marty", "Montpellier"),
    ("Karim", "Haddad", "Montpellier"),
    ("Sylvie", "Cabanel", "Juvignac"),
    ("Romain", "Teissier", "Saint-Jean-de-Védas"),
    ("Aïcha", "Diallo", "Montpellier"),
    ("Olivier", "Bonnet", "Pérols"),
    ("Nathalie", "Pujol", "Montpellier"),
    ("Hugo", "Arnaud", "Montpellier"),
    ("Fatima", "El Amrani", "Montpellier"),
    ("Bernard", "Castan", "Castries"),
    ("Élodie", "Mercier", "Villeneuve-lès-Maguelone"),
    ("Mathis", "Lopez", "Montpellier"),
    ("Chantal", "Boyer", "Le Crès"),
    ("Louis", "Nguyen", "Montpellier"),
    ("Sarah", "Cohen", "Montpellier"),
    ("Alain", "Rouquette", "Fabrègues"),
    ("Julie", "Garcia", "Grabels"),
    ("Mehdi", "Saïdi", "Montpellier"),
    ("Monique", "Galtier", "Baillargues"),
    ("Théo", "Bernard", "Montpellier"),
    ("Laura", "Martinez", "Montpellier"),
    ("Didier", "Fournier", "Jacou"),
    ("Amandine", "Salles", "Vendargues"),
    ("Baptiste", "Aubert", "Montpellier"),
    ("Nadia", "Mansouri", "Montpellier"),
    ("Gérard", "Vialla", "Cournonterral"),
    ("Manon", "Guiraud", "Saint-Georges-d'Orques"),
    ("Lucas", "Ferrand", "Montpellier"),
    ("Françoise", "Delmas", "Prades-le-Lez"),
    ("Samuel", "Mendy", "Montpellier"),
    ("Clara", "Estève", "Clapiers"),
    ("Antoine", "Peyre", "Saint-Brès"),
    ("Josiane", "Combes", "Montferrier-sur-Lez"),
    ("Adrien", "Lacroix", "Montpellier"),
]

FACILITATORS = [("Hélène", "Rigaud"), ("Marc", "Ollier")]
GUARANTOR = ("Bernadette", "Aurillac")
# Guarantors who hold the key with her: the staff start the key ceremony from the demo.
MORE_GUARANTORS = [("Yves", "Sabatier"), ("Odile", "Fabre"), ("Karim", "Benali"), ("Nadia", "Roux")]
STAFF = ("Service", "Participation citoyenne")

CITIZENS = [
    ("Pauline", "Montpellier"),
    ("Rachid", "Montpellier"),
    ("Émilie", "Lattes"),
    ("Jérôme", "Castelnau-le-Lez"),
    ("Sophie", "Montpellier"),
    ("Nicolas", "Juvignac"),
    ("Valérie", "Montpellier"),
    ("Kevin", "Pérols"),
    ("Anaïs", "Montpellier"),
    ("Patrick", "Le Crès"),
    ("Océane", "Montpellier"),
    ("Stéphane", "Grabels"),
    ("Lina", "Montpellier"),
    ("Christophe", "Saint-Jean-de-Védas"),
    ("Zoé", "Montpellier"),
    ("Frédéric", "Villeneuve-lès-Maguelone"),
    ("Marine", "Montpellier"),
    ("David", "Pignan"),
    ("Sandrine", "Montpellier"),
    ("Mohamed", "Montpellier"),
    ("Chloé", "Jacou"),
    ("Philippe", "Montpellier"),
    ("Jade", "Baillargues"),
    ("Vincent", "Montpellier"),
    ("Audrey", "Fabrègues"),
    ("Éric", "Montpellier"),
    ("Margaux", "Sussargues"),
    ("Laurent", "Montpellier"),
    ("Emma", "Saussan"),
    ("Julien", "Montpellier"),
]

# The calendar of the demo, in UTC: learning and deliberation are over by late 2026.
CALENDAR = {
    PhaseKind.RECRUITMENT: ("2026-06-01", "2026-09-15"),
    PhaseKind.LEARNING: ("2026-09-26", "2026-10-18"),
    PhaseKind.DELIBERATION: ("2026-10-19", "2026-12-13"),
    PhaseKind.MEMBERS_VOTE: ("2026-12-14", "2027-01-10"),
    PhaseKind.CONSULTATION: ("2027-01-18", "2027-02-28"),
    PhaseKind.PUBLICATION: ("2027-03-15", "2027-06-30"),
    PhaseKind.FOLLOW_UP: ("2027-07-01", "2028-06-30"),
}


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(hour=8, tzinfo=UTC)


def load_demo(current_phase: PhaseKind = PhaseKind.DELIBERATION):
    """Create both demo conventions; the database is expected to be empty. `current_phase` is
    the phase the convention on artificial intelligence is left in."""
    with published_passwords():
        communes = {name: Commune(name=name, population=pop) for name, pop in COMMUNES}
        db.session.add_all(communes.values())
        admin = create_account(
            f"admin@{DOMAIN}",
            "Administration",
            PASSWORDS[Role.ADMIN],
            role=Role.ADMIN,
            confirmed=True,
        )
        staff = create_account(
            email("equipe"),
            " ".join(STAFF),
            PASSWORDS[Role.STAFF],
            confirmed=True,
            commune=communes["Montpellier"],
        )
        convention, members, citizens = _load_ai(admin, staff, communes, current_phase)
        past = mobility.load(mobility.Cast(admin, staff, communes, citizens + members))
    return {"admin": admin, "staff": staff, "convention": convention, "past": past}


def _load_ai(
    admin: User, staff: User, communes: dict[str, Commune], current_phase: PhaseKind
) -> tuple[Convention, list[User], list[User]]:
    """The convention on artificial intelligence, left in `current_phase`; with its members
    and the residents who take part as citizens."""
    convention = services.create_convention(
        admin,
        slug="ia-montpellier",
        title="Convention citoyenne sur l'intelligence artificielle",
        question=QUESTION,
        description=DESCRIPTION,
        authority="Montpellier Méditerranée Métropole",
    )
    services.appoint(admin, convention, staff, Role.STAFF)
    for kind, (start, end) in CALENDAR.items():
        services.set_phase_dates(staff, convention, kind, _day(start), _day(end))
    themes = [services.add_theme(staff, convention, name, text) for name, text in THEMES]
    facilitators = [
        person(first, last, Role.FACILITATOR, communes["Montpellier"])
        for first, last in FACILITATORS
    ]
    for facilitator in facilitators:
        services.appoint(staff, convention, facilitator, Role.FACILITATOR)
    for first, last in (GUARANTOR, *MORE_GUARANTORS):
        guarantor = person(first, last, Role.GUARANTOR, communes["Castelnau-le-Lez"])
        services.appoint(staff, convention, guarantor, Role.GUARANTOR)
    groups = [
        services.add_group(
            staff, convention, f"Groupe {theme.name}", theme, facilitators[i % len(facilitators)]
        )
        for i, theme in enumerate(themes)
    ]
    members = []
    for i, (first, last, commune) in enumerate(MEMBERS):
        member = person(first, last, Role.MEMBER, communes[commune])
        services.appoint(staff, convention, member, Role.MEMBER)
        services.add_member(staff, groups[i % len(groups)], member)
        members.append(member)
    citizens = [
        create_account(
            email(first, "habitant"),
            first,
            PASSWORDS[Role.CITIZEN],
            confirmed=True,
            commune=communes[commune],
        )
        for first, commune in CITIZENS
    ]
    while convention.current_phase != PhaseKind.DELIBERATION:
        services.open_next_phase(staff, convention, expected=convention.current_phase)
    demo_content.load(convention, staff, citizens)
    while convention.current_phase != current_phase:
        services.open_next_phase(staff, convention, expected=convention.current_phase)
    # Phases already reached were opened on their planned day, not today.
    for phase in convention.phases:
        if phase.opened_at is not None and phase.starts_on is not None:
            phase.opened_at = phase.starts_on
    return convention, members, citizens


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, email, password) for every kind of demo account; members and citizens by example.
    The staff account is staff of both conventions."""
    first, last, _commune = MEMBERS[0]
    ai, past = "IA", "mobilités"
    return [
        ("admin", f"admin@{DOMAIN}", PASSWORDS[Role.ADMIN]),
        ("staff (both)", email("equipe"), PASSWORDS[Role.STAFF]),
        *[
            (f"facilitator ({ai})", email(given, family), PASSWORDS[Role.FACILITATOR])
            for given, family in FACILITATORS
        ],
        (
            f"facilitator ({past})",
            email(*mobility_content.FACILITATOR),
            PASSWORDS[Role.FACILITATOR],
        ),
        (
            f"guarantor ({ai}, x{1 + len(MORE_GUARANTORS)})",
            email(*GUARANTOR),
            PASSWORDS[Role.GUARANTOR],
        ),
        (
            f"guarantor ({past}, x{1 + len(mobility_content.MORE_GUARANTORS)})",
            email(*mobility_content.GUARANTOR),
            PASSWORDS[Role.GUARANTOR],
        ),
        (f"member ({ai}, x40)", email(first, last), PASSWORDS[Role.MEMBER]),
        (
            f"member ({past}, x24)",
            email(*mobility_content.EXAMPLE_MEMBER),
            PASSWORDS[Role.MEMBER],
        ),
        ("citizen (x30)", email(CITIZENS[0][0], "habitant"), PASSWORDS[Role.CITIZEN]),
    ]


def accounts_table() -> str:
    rows = demo_accounts()
    lines = [
        "Demo accounts (every member: firstname.lastname@demo.example, "
        "every citizen: firstname.habitant@demo.example):"
    ]
    lines += [f"  {role:<24} {address:<36} {password}" for role, address, password in rows]
    return "\n".join(lines)
