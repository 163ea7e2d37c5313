"""Hearings, citizen ideas and recommendations for the demo convention.

Created through the same services as the web pages, so the demo shows what real use produces:
versions, an accepted and a rejected amendment, a minority opinion, ideas taken up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from convention.assembly import services as assembly
from convention.assembly.hearings import publish_hearing
from convention.assembly.models import Convention, Hearing
from convention.auth.models import Role, User
from convention.extensions import db
from convention.proposals import amendments, services
from convention.proposals.models import Choice
from convention.sittings import services as sittings

HEARINGS = [
    (
        "L'intelligence artificielle dans les services publics : état des lieux",
        "Claire Martin",
        "juriste, Commission nationale de l'informatique et des libertés",
        "2026-09-26",
        "Les obligations de transparence des algorithmes publics (loi pour une "
        "République numérique, 2016) et le **registre** que doivent tenir les administrations.",
        "Aucun lien d'intérêts déclaré.",
        "Présentation | https://www.cnil.fr/fr/intelligence-artificielle",
    ),
    (
        "Santé et données : ce que l'IA change à l'hôpital",
        "Pr Julien Roche",
        "médecin, CHU de Montpellier",
        "2026-10-03",
        "Aide au diagnostic en imagerie, tri des urgences, risques de biais dans les données.",
        "Participe à un projet de recherche financé par un industriel de l'imagerie.",
        "",
    ),
    (
        "Mobilités : prévoir la fréquentation du réseau",
        "Sonia Benhamou",
        "ingénieure, régie des transports",
        "2026-10-10",
        "Modèles de prévision de fréquentation et gratuité des transports.",
        "Salariée de la régie des transports.",
        "",
    ),
]

IDEAS = [
    (
        0,
        "Un guichet humain pour chaque démarche automatisée",
        "Quand une décision est prise par un algorithme, je veux pouvoir parler à quelqu'un.",
    ),
    (
        2,
        "Mesurer l'énergie consommée par les outils d'IA",
        "La Métropole devrait publier la consommation de ses serveurs.",
    ),
    (
        4,
        "Un registre public des algorithmes de la Métropole",
        "Lister tous les algorithmes utilisés, à quoi ils servent et qui en répond.",
    ),
]

RECOMMENDATIONS = [
    (
        4,
        "Publier un registre des algorithmes utilisés par la Métropole",
        "Les habitants ne savent pas quelles décisions les concernant sont aidées par un "
        "algorithme, ni comment le contester.",
        "Créer un **registre public** en ligne listant chaque algorithme, sa finalité, les "
        "données utilisées et le service responsable, mis à jour chaque trimestre.",
        "Plus de confiance ; des recours possibles.",
        "Direction du numérique",
        "2 agents",
    ),
    (
        0,
        "Garantir un avis médical humain pour tout diagnostic assisté par IA",
        "Les outils d'aide au diagnostic peuvent se tromper, surtout pour les personnes mal "
        "représentées dans les données.",
        "Toute décision de soin appuyée par une IA dans les établissements partenaires est "
        "validée par un soignant, et le patient en est informé.",
        "Sécurité des patients.",
        "CHU et Métropole",
        "",
    ),
    (
        1,
        "Ouvrir les données de fréquentation des transports",
        "Les prévisions de fréquentation restent internes.",
        "Publier en données ouvertes les fréquentations anonymisées, arrêt par arrêt.",
        "Meilleure information des usagers.",
        "Régie des transports",
        "Faible",
    ),
    (
        2,
        "Évaluer l'empreinte énergétique de chaque projet d'IA",
        "L'IA consomme de l'énergie et de l'eau.",
        "Aucun projet d'IA sans bilan énergétique préalable publié.",
        "",
        "",
        "",
    ),
    (
        3,
        "Former les habitants éloignés du numérique aux outils d'IA",
        "La fracture numérique s'aggrave.",
        "Ateliers gratuits dans les médiathèques des 31 communes.",
        "",
        "Médiathèques",
        "",
    ),
]


#: (title, first day, last day, place, agenda: a title, or "hearing:<n>", or "groups"); the
#: sessions already held have their attendance.
SITTINGS = [
    (
        "Premier week-end : découvrir l'IA",
        "2026-09-26",
        "2026-09-27",
        "Hôtel de Métropole, Montpellier",
        ["Accueil et présentation de la convention", "hearing:0", "Questions aux garants"],
    ),
    (
        "Deuxième week-end : auditions",
        "2026-10-03",
        "2026-10-04",
        "Médiathèque centrale, Montpellier",
        ["hearing:1", "hearing:2", "Constitution des groupes de travail"],
    ),
    (
        "Troisième week-end : rédiger",
        "2026-11-14",
        "2026-11-15",
        "Hôtel de Métropole, Montpellier",
        ["groups", "Mise en commun des propositions"],
    ),
    (
        "Quatrième week-end : finaliser",
        "2026-12-12",
        "2026-12-13",
        "Hôtel de Métropole, Montpellier",
        ["Amendements en suspens", "Préparation des votes d'adoption"],
    ),
]
HELD = 3
DAILY_ALLOWANCE_CENTS = 9000


def _day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(hour=9, tzinfo=UTC)


def load(convention: Convention, staff: User, citizens: list[User]) -> None:
    """Add the demo content; the convention must be in its deliberation phase."""
    hearings = [
        publish_hearing(
            staff,
            convention,
            title=t,
            expert=e,
            expert_role=r,
            held_on=_day(d),
            summary=s,
            declared_interests=i,
            documents=docs,
        )
        for t, e, r, d, s, i, docs in HEARINGS
    ]
    themes = convention.themes
    ideas = [
        services.post_idea(citizens[n % len(citizens)], convention, themes[t], title, body)
        for n, (t, title, body) in enumerate(IDEAS)
    ]
    groups = {g.theme_id: g for g in convention.working_groups}
    recs = []
    for theme_index, title, problem, proposal, impact, carried_by, cost in RECOMMENDATIONS:
        group = groups[themes[theme_index].id]
        members = [
            m.user for m in group.memberships if m.user.role_in(convention.id) == Role.MEMBER
        ]
        linked = [i for i in ideas if i.theme_id == themes[theme_index].id]
        rec = services.draft_recommendation(
            members[0],
            convention,
            group,
            {
                "title": title,
                "problem": problem,
                "proposal": proposal,
                "impact": impact,
                "carried_by": carried_by,
                "cost": cost,
            },
            hearing_ids=[hearings[0].id] if theme_index == 4 else [],
            ideas=linked,
        )
        recs.append((rec, group, members))
    # Four of the five are published; the last stays a draft of its group.
    for rec, _group, members in recs[:4]:
        services.publish(members[0], rec, convention)
    rec, group, members = recs[0]
    facilitator = group.facilitator
    if facilitator is None:  # the demo gives every group one (demo/loading.py)
        raise RuntimeError(f"the demo group {group.name!r} has no facilitator")
    accepted = amendments.propose_amendment(
        members[1],
        rec,
        convention,
        {"proposal": rec.proposal + " Chaque fiche indique comment contester une décision."},
        "Le registre doit aussi servir aux recours.",
    )
    amendments.open_vote(facilitator, accepted, convention)
    for member, choice in zip(
        members, [Choice.FOR] * 5 + [Choice.AGAINST, Choice.ABSTAIN], strict=False
    ):
        amendments.cast_vote(member, accepted, convention, choice)
    amendments.decide(facilitator, accepted, convention)
    rejected = amendments.propose_amendment(
        members[2],
        rec,
        convention,
        {"cost": "Aucun coût supplémentaire"},
        "Le registre peut être tenu par les équipes actuelles.",
    )
    amendments.open_vote(facilitator, rejected, convention)
    for member, choice in zip(members, [Choice.AGAINST] * 4 + [Choice.FOR] * 2, strict=False):
        amendments.cast_vote(member, rejected, convention, choice)
    amendments.decide(facilitator, rejected, convention)
    services.set_minority_opinion(
        members[3],
        rec,
        convention,
        "Deux membres estiment qu'un registre ne suffit pas sans contrôle indépendant.",
    )
    health, _group, health_members = recs[1]
    amendments.propose_amendment(
        health_members[1],
        health,
        convention,
        {"impact": "Sécurité des patients et égalité d'accès aux soins."},
        "L'égalité d'accès compte autant.",
    )
    _sessions(convention, staff, hearings)


def _sessions(convention: Convention, staff: User, hearings: list[Hearing]) -> None:
    """The four weekends, their agenda, and who came to the three already held."""
    sittings.set_daily_allowance(staff, convention, DAILY_ALLOWANCE_CENTS)
    members = assembly.members_of(convention)
    groups = sorted(convention.working_groups, key=lambda g: g.id)
    for n, (title, first, last, place, agenda) in enumerate(SITTINGS):
        sitting = sittings.create_sitting(
            staff,
            convention,
            title=title,
            starts_on=date.fromisoformat(first),
            ends_on=date.fromisoformat(last),
            place=place,
        )
        db.session.flush()
        for item in agenda:
            if item.startswith("hearing:"):
                hearing = hearings[int(item.partition(":")[2])]
                sittings.add_agenda_item(
                    staff, sitting, title=f"Audition de {hearing.expert}", hearing_id=hearing.id
                )
            elif item == "groups":
                for group in groups:
                    sittings.add_agenda_item(
                        staff, sitting, title="Rédaction en atelier", group_id=group.id
                    )
            else:
                sittings.add_agenda_item(staff, sitting, title=item)
        if n < HELD:
            statuses = {member.id: "present" for member in members}
            for k in range(n + 1):  # a few excused, one absence at the last
                statuses[members[(11 * n + 7 * k) % len(members)].id] = "excused"
            if n == HELD - 1:
                statuses[members[5].id] = "absent"
            sittings.record_attendance(staff, sitting, statuses)
