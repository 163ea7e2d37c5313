"""Small builders for test data, going through the same services as the application: people,
a convention, and the two worlds most tests start from (a convention in deliberation with a
working group, `build_world`; the same in its members' vote, `build_vote_world`)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from convention.assembly import hearings
from convention.assembly import services as assembly
from convention.assembly.models import PhaseKind
from convention.auth.models import CONVENTION_ROLES, SITE_ROLES, Commune, Role
from convention.auth.services import create_account
from convention.demo.guarantors import Keyholders, hold_ceremony
from convention.extensions import db
from convention.proposals import services as proposals
from convention.votes import adoption, consultation, rules

PASSWORD = "correct horse battery"
_serial = count(1)


def commune(name: str | None = None, population: int = 1000) -> Commune:
    place = Commune(name=name or f"Commune {next(_serial)}", population=population)
    db.session.add(place)
    db.session.flush()
    return place


# Roles are per convention: a person made with a convention's role (member, facilitator,
# guarantor, staff) holds it in the test's convention (the last one `convention` made), or, when
# made before it, in the next one made.
_test = {"convention": None, "waiting": []}


def forget_conventions() -> None:
    """Before each test (conftest): no convention yet."""
    _test["convention"], _test["waiting"] = None, []


def user(
    role: Role = Role.CITIZEN,
    *,
    email: str | None = None,
    name: str | None = None,
    first_name: str | None = None,
    confirmed: bool = True,
    place: Commune | None = None,
    convention=None,
):
    n = next(_serial)
    person = create_account(
        email or f"person{n}@test.example",
        name or f"Person {n}",
        PASSWORD,
        role=role if role in SITE_ROLES else Role.CITIZEN,
        first_name=first_name,
        confirmed=confirmed,
        commune=place,
    )
    if role in CONVENTION_ROLES:
        where = convention or _test["convention"]
        if where is not None and where not in db.session:
            where = None  # made in another session (a fixture of another scope)
        if where is None:
            _test["waiting"].append((person, role))
        else:
            assembly.appoint(None, where, person, role)
    return person


def convention(actor=None, **overrides):
    """A convention (slug "test" unless told: `at(convention, path)` builds its addresses),
    created by the platform; `actor` and the people made before it get their roles in it."""
    values = {
        "slug": "test",
        "title": "Convention test",
        "question": "Quelle intelligence artificielle ?",
        "authority": "Métropole",
    }
    values.update(overrides)
    made = assembly.create_convention(
        actor if actor is not None and actor.is_admin else None, **values
    )
    for person, role in _test["waiting"]:
        assembly.appoint(None, made, person, role)
    _test["waiting"] = []
    _test["convention"] = made
    return made


def login(client, email: str, password: str = PASSWORD, follow: bool = True):
    return client.post(
        "/connexion", data={"email": email, "password": password}, follow_redirects=follow
    )


def sign_in(client, person):
    """Sign `person` in on `client` (made by `user`, so with the shared test password)."""
    return login(client, person.email)


def citizens(n: int, *, confirmed: bool = True):
    return [user(Role.CITIZEN, confirmed=confirmed) for _ in range(n)]


def in_hours(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def open_phase(staff, convention, target: PhaseKind):
    """Open the following phases one by one until `target` is the current one."""
    while convention.current_phase != target:
        assembly.open_next_phase(staff, convention, expected=convention.current_phase)


@dataclass
class World:
    """A convention in deliberation with one working group, its facilitator and members."""

    convention: object
    staff: object
    facilitator: object
    group: object
    other_group: object
    members: list
    outsider: object
    citizen: object
    theme: object

    def draft(self, author=None, **fields):
        values = {
            "title": "Un registre public des algorithmes",
            "problem": "Les habitants ne savent pas quels algorithmes les concernent.",
            "proposal": "Publier la liste des algorithmes utilisés par la Métropole.",
        }
        values.update(fields)
        return proposals.draft_recommendation(
            author or self.members[0], self.convention, self.group, values
        )

    def published(self, **fields):
        recommendation = self.draft(**fields)
        proposals.publish(self.members[0], recommendation, self.convention)
        return recommendation

    def hearing(self, title="Audition de la CNIL"):
        return hearings.publish_hearing(
            self.staff,
            self.convention,
            title=title,
            expert="Claire Martin",
            expert_role="juriste",
            held_on=datetime(2026, 10, 3, 9, tzinfo=UTC),
            summary="Les obligations de transparence.",
            declared_interests="Aucun.",
            documents="Support | https://example.org/support.pdf",
        )


def build_world(slug: str = "test") -> World:
    """The convention `slug` (addresses /c/<slug>/…) and its people, each with their role
    in it (and citizens in any other)."""
    site = convention(slug=slug)
    staff = user(Role.STAFF, name="Équipe", convention=site)
    theme = assembly.add_theme(staff, site, "Services publics")
    facilitator = user(Role.FACILITATOR, name="Hélène R.", first_name="Hélène", convention=site)
    group = assembly.add_group(staff, site, "Groupe services publics", theme, facilitator)
    other_group = assembly.add_group(staff, site, "Groupe santé", None, facilitator)
    members = []
    for first in ("Inès", "Karim", "Léa", "Marc", "Nora"):
        member = user(Role.MEMBER, name=f"{first} B.", first_name=first, convention=site)
        assembly.add_member(staff, group, member)
        members.append(member)
    outsider = user(Role.MEMBER, name="Omar K.", first_name="Omar", convention=site)
    assembly.add_member(staff, other_group, outsider)
    citizen = user(Role.CITIZEN, name="Pauline")
    open_phase(staff, site, PhaseKind.DELIBERATION)
    return World(site, staff, facilitator, group, other_group, members, outsider, citizen, theme)


@dataclass
class VoteWorld:
    """A `World` in its members' vote with submitted recommendations (`recs`) and one
    published but not submitted; helpers reach the public consultation."""

    base: World
    recs: list = field(default_factory=list)
    not_submitted: object = None
    keyholders: Keyholders | None = None

    def __getattr__(self, name):
        return getattr(self.base, name)

    @property
    def voters(self):
        """Every member of the convention: the group's five and the other group's one."""
        return self.base.members + [self.base.outsider]

    def guarantors(self, n: int = 3, threshold: int = 2) -> Keyholders:
        """The convention's guarantors and their key, made once (a ceremony of `n`, any
        `threshold` of whom decrypt), their secret files in a temporary folder."""
        if self.keyholders is None:
            people = [
                user(Role.GUARANTOR, name=f"Garant {i}", convention=self.convention)
                for i in range(1, n + 1)
            ]
            self.keyholders = hold_ceremony(
                self.staff, self.convention, people, threshold, Path(tempfile.mkdtemp())
            )
        return self.keyholders

    def close(self, ballot, actor=None, positions=None):
        """Close a ballot; a secret one is then decrypted by the guarantors (the first
        `threshold` unless told) and its result published. Returns the tally."""
        result = adoption.close_ballot(actor or self.facilitator, ballot, self.convention)
        if ballot.secret:
            self.guarantors().decrypt(ballot.packet, positions)
            db.session.refresh(ballot)
            return adoption.tally(ballot)
        return result

    def set_rules(self, **rule_values):
        """The vote rules, changed where told (the threshold "1/2" unless told)."""
        current = rules.rules_for(self.convention)
        values = {
            "quorum_percent": current.quorum_percent,
            "threshold": "1/2",
            "abstentions_count": current.abstentions_count,
            "secret": current.secret,
            "ungraded_as_reject": True,
            "results_hidden_until_close": True,
        }
        values.update(rule_values)
        rules.update_rules(self.staff, self.convention, **values)

    def ballot(self, rec=None, *, secret=None, **rule_values):
        if secret is not False and rules.rules_for(self.convention).secret or secret:
            self.guarantors()
        if secret is not None or rule_values:
            if secret is not None:
                rule_values["secret"] = secret
            self.set_rules(**rule_values)
        return adoption.open_ballots(
            self.facilitator, self.convention, [rec or self.recs[0]], in_hours(8)
        )[0]

    def to_consultation(
        self,
        adopted_count=3,
        *,
        ungraded_as_reject=True,
        results_hidden_until_close=True,
        staff_may_judge=False,
    ):
        """Adopt recommendations through named votes, then open the consultation."""
        rules.update_rules(
            self.staff,
            self.convention,
            quorum_percent=50,
            threshold="1/2",
            abstentions_count=False,
            secret=False,
            ungraded_as_reject=ungraded_as_reject,
            results_hidden_until_close=results_hidden_until_close,
            staff_may_judge=staff_may_judge,
        )
        for rec in self.recs[:adopted_count]:
            ballot = adoption.open_ballots(self.facilitator, self.convention, [rec], in_hours(8))[0]
            for member in self.voters:
                adoption.cast_vote(member, ballot, adoption.Choice.FOR)
            adoption.close_ballot(self.facilitator, ballot, self.convention)
        open_phase(self.staff, self.convention, PhaseKind.CONSULTATION)
        return consultation.open_consultation(self.staff, self.convention, in_hours(24 * 7))


def build_vote_world(n_recs: int = 3, slug: str = "test") -> VoteWorld:
    base = build_world(slug)
    recs = []
    for i in range(n_recs):
        rec = base.published(title=f"Recommandation numéro {i + 1}")
        proposals.submit_to_vote(base.facilitator, rec, base.convention)
        recs.append(rec)
    not_submitted = base.published(title="Publiée mais pas soumise")
    open_phase(base.staff, base.convention, PhaseKind.MEMBERS_VOTE)
    db.session.flush()
    return VoteWorld(base, recs, not_submitted)
