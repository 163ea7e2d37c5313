"""The demo's past convention: mobility in 2024, answered in 2025, now in its follow-up.

It goes through every phase with the same services as the pages, each step dated on its day
(`backdating.happened_on`): a pool of volunteers drawn in public (`mobility_recruitment`),
invitations answered (two declines, replaced), hearings and sessions with their attendance,
recommendations drafted, amended, discussed and voted in secret and named ballots, the public's
judgment, two editions of the report, the Métropole's answers of every kind and their follow-up.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app

from convention.assembly import services as assembly
from convention.assembly.hearings import publish_hearing
from convention.assembly.models import Convention, PhaseKind, WorkingGroup
from convention.auth.models import Commune, Role, User
from convention.ballots import encryption
from convention.demo import accounts
from convention.demo import mobility_content as text
from convention.demo import mobility_recruitment as recruitment
from convention.demo.backdating import at, happened_on
from convention.demo.guarantors import hold_ceremony
from convention.discussion import services as discussion
from convention.discussion.models import Comment, Stance, TargetKind
from convention.extensions import db
from convention.guarantors import services as guarantors
from convention.proposals import amendments
from convention.proposals import services as proposals
from convention.proposals.models import Choice, Recommendation
from convention.publication import services as publication
from convention.sittings import services as sittings
from convention.votes import adoption, consultation, rules


@dataclass
class Cast:
    """What the past convention takes from the rest of the demo."""

    admin: User
    staff: User
    communes: dict[str, Commune]
    public: list[User]  # residents who comment and judge: the other convention's people


def load(cast: Cast) -> Convention:
    """Create the mobility convention and take it through to its follow-up."""
    with happened_on(at(text.CALENDAR[PhaseKind.RECRUITMENT][0], 8)):
        convention = _set_up(cast)
    run = recruitment.draw(cast.staff, convention)
    members = recruitment.answers(cast.staff, cast.communes, convention, run)
    hearings = _learning(cast, convention)
    _sessions(cast, convention, hearings)
    recs = _deliberation(cast, convention, members, hearings)
    _members_vote(cast, convention, recs)
    _consultation(cast, convention, recs)
    _publication(cast, convention, recs, members)
    return convention


def _open(staff: User, convention: Convention, kind: PhaseKind) -> None:
    """Open `kind`, the next phase, on its planned first day."""
    with happened_on(at(text.CALENDAR[kind][0], 8)):
        assembly.open_next_phase(staff, convention, expected=convention.current_phase)
    assert convention.current_phase == kind


def _set_up(cast: Cast) -> Convention:
    convention = assembly.create_convention(
        cast.admin,
        slug=text.SLUG,
        title=text.TITLE,
        question=text.QUESTION,
        description=text.DESCRIPTION,
        authority="Montpellier Méditerranée Métropole",
    )
    staff = cast.staff
    assembly.appoint(cast.admin, convention, staff, Role.STAFF)
    for kind, (start, end) in text.CALENDAR.items():
        assembly.set_phase_dates(staff, convention, kind, at(start, 8), at(end, 8))
    montpellier = cast.communes["Montpellier"]
    facilitator = accounts.person(*text.FACILITATOR, Role.FACILITATOR, montpellier)
    assembly.appoint(staff, convention, facilitator, Role.FACILITATOR)
    for first, last in (text.GUARANTOR, *text.MORE_GUARANTORS):
        guarantor = accounts.person(first, last, Role.GUARANTOR, cast.communes["Lattes"])
        assembly.appoint(staff, convention, guarantor, Role.GUARANTOR)
    for name, description in text.THEMES:
        theme = assembly.add_theme(staff, convention, name, description)
        assembly.add_group(staff, convention, f"Groupe {name}", theme, facilitator)
    return convention


# --- learning and sessions ------------------------------------------------------------------


def _learning(cast: Cast, convention: Convention) -> list:
    _open(cast.staff, convention, PhaseKind.LEARNING)
    hearings = []
    for title, expert, role, day, summary, interests in text.HEARINGS:
        with happened_on(at(day, 17)):
            hearings.append(
                publish_hearing(
                    cast.staff,
                    convention,
                    title=title,
                    expert=expert,
                    expert_role=role,
                    held_on=at(day, 10),
                    summary=summary,
                    declared_interests=interests,
                    documents="",
                )
            )
    return hearings


def attendance(members: list[User], n: int) -> dict[int, str]:
    """Nearly everyone present; each session someone excused and, now and then, an absence."""
    statuses = {member.id: "present" for member in members}
    statuses[members[(5 * n + 3) % len(members)].id] = "excused"
    if n % 2:
        statuses[members[(7 * n + 11) % len(members)].id] = "absent"
    return statuses


def _sessions(cast: Cast, convention: Convention, hearings: list) -> None:
    groups = sorted(convention.working_groups, key=lambda g: g.id)
    members = assembly.members_of(convention)
    with happened_on(at("2024-05-27", 10)):
        sittings.set_daily_allowance(cast.staff, convention, text.DAILY_ALLOWANCE_CENTS)
        made = []
        for title, first, last, place, agenda in text.SITTINGS:
            sitting = sittings.create_sitting(
                cast.staff,
                convention,
                title=title,
                starts_on=date.fromisoformat(first),
                ends_on=date.fromisoformat(last),
                place=place,
            )
            db.session.flush()
            for item in agenda:
                kind, _, index = item.partition(":")
                if kind == "hearing":
                    hearing = hearings[int(index)]
                    sittings.add_agenda_item(
                        cast.staff,
                        sitting,
                        title=f"Audition de {hearing.expert}",
                        hearing_id=hearing.id,
                    )
                elif kind == "group":
                    group = groups[int(index)]
                    sittings.add_agenda_item(
                        cast.staff, sitting, title="Rédaction en atelier", group_id=group.id
                    )
                else:
                    sittings.add_agenda_item(cast.staff, sitting, title=item)
            made.append((sitting, last))
    for n, (sitting, last) in enumerate(made):
        with happened_on(at(last, 18)):
            sittings.record_attendance(cast.staff, sitting, attendance(members, n))


# --- deliberation ---------------------------------------------------------------------------


def _group_members(convention: Convention, group: WorkingGroup) -> list[User]:
    return [
        m.user
        for m in sorted(group.memberships, key=lambda m: m.id)
        if m.user.role_in(convention.id) == Role.MEMBER
    ]


def _deliberation(
    cast: Cast, convention: Convention, members: list[User], hearings: list
) -> list[Recommendation]:
    _open(cast.staff, convention, PhaseKind.DELIBERATION)
    themes = convention.themes
    groups = {g.theme_id: g for g in convention.working_groups}
    with happened_on(at("2024-09-20", 19)):
        ideas = [
            proposals.post_idea(cast.public[5 + n], convention, themes[t], title, body)
            for n, (t, title, body, _rec) in enumerate(text.IDEAS)
        ]
    recs = []
    for n, (t, title, problem, proposal, impact, carried_by, cost, *_vote) in enumerate(
        text.RECOMMENDATIONS
    ):
        group = groups[themes[t].id]
        authors = _group_members(convention, group)
        with happened_on(at("2024-10-05", 14) + timedelta(minutes=20 * n)):
            rec = proposals.draft_recommendation(
                authors[n % 3],
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
                hearing_ids=[hearings[t + 1].id],
                ideas=[
                    idea for idea, entry in zip(ideas, text.IDEAS, strict=True) if entry[3] == n
                ],
            )
        with happened_on(at("2024-10-12", 10) + timedelta(minutes=10 * n)):
            proposals.publish(authors[n % 3], rec, convention)
        recs.append(rec)
    _amend(convention, recs)
    _discuss(cast, convention, recs)
    with happened_on(at("2024-11-23", 16)):
        rec_index, opinion = text.MINORITY_OPINION
        rec = recs[rec_index]
        proposals.set_minority_opinion(
            _group_members(convention, rec.group)[4], rec, convention, opinion
        )
        for rec in recs:
            facilitator = rec.group.facilitator
            assert facilitator is not None  # every group of the demo has one
            proposals.submit_to_vote(facilitator, rec, convention)
    return recs


def _amend(convention: Convention, recs: list[Recommendation]) -> None:
    for n, (rec_index, field, addition, reason, accepted) in enumerate(text.AMENDMENTS):
        rec = recs[rec_index]
        voters = _group_members(convention, rec.group)
        facilitator = rec.group.facilitator
        assert facilitator is not None
        with happened_on(at("2024-10-19", 10) + timedelta(hours=2 * n)):
            amendment = amendments.propose_amendment(
                voters[3], rec, convention, {field: getattr(rec, field) + addition}, reason
            )
            amendments.open_vote(facilitator, amendment, convention)
            choices = [Choice.FOR] * 6 if accepted else [Choice.AGAINST] * 5 + [Choice.FOR] * 2
            for voter, choice in zip(voters, choices, strict=False):
                amendments.cast_vote(voter, amendment, convention, choice)
            amendments.decide(facilitator, amendment, convention)


def _discuss(cast: Cast, convention: Convention, recs: list[Recommendation]) -> None:
    members = assembly.members_of(convention)
    posted: list[Comment] = []
    for n, (rec_index, who, index, stance, body, reply_to) in enumerate(text.COMMENTS):
        author = members[index] if who == "member" else cast.public[index]
        thread = discussion.thread_for(convention, TargetKind.RECOMMENDATION, recs[rec_index].id)
        parent = posted[reply_to] if reply_to is not None else None
        with happened_on(at("2024-10-20", 18) + timedelta(days=n, hours=n % 4)):
            posted.append(discussion.post_comment(author, thread, body, Stance(stance), parent))


# --- votes ----------------------------------------------------------------------------------


def _members_vote(cast: Cast, convention: Convention, recs: list[Recommendation]) -> None:
    _open(cast.staff, convention, PhaseKind.MEMBERS_VOTE)
    members = assembly.members_of(convention)
    opened, closes = at("2024-12-07", 15), at("2024-12-08", 16)
    # The guarantors' key, made the week before: their secret files go to the instance
    # folder, so that anyone trying the demo can run the tool as one of them.
    folder = Path(
        current_app.config.get("DEMO_GUARANTORS_DIR")
        or Path(current_app.instance_path) / "demo-garants"
    )
    # A new demo, new guarantors: the files of an earlier demo would only confuse the tool.
    shutil.rmtree(folder / text.SLUG, ignore_errors=True)
    # The demo's guarantors decrypt in this process, which encrypted the ballots: they do not
    # check again, ballot by ballot, what this process just proved (a real guarantor's tool,
    # run on their own computer, checks every ballot).
    trusting, encryption.remember_own_ballots = encryption.remember_own_ballots, True
    with happened_on(opened - timedelta(days=6)):
        keyholders = hold_ceremony(
            cast.staff, convention, guarantors.guarantors_of(convention), 2, folder / text.SLUG
        )
    for n, rec in enumerate(recs):
        secret = text.RECOMMENDATIONS[n][7]
        with happened_on(opened + timedelta(minutes=30 * n)):
            rules.update_rules(
                cast.staff,
                convention,
                quorum_percent=50,
                threshold="1/2",
                abstentions_count=False,
                secret=secret,
                ungraded_as_reject=True,
                results_hidden_until_close=True,
            )
            facilitator = rec.group.facilitator
            assert facilitator is not None
            ballot = adoption.open_ballots(
                facilitator, convention, [rec], closes, now=opened + timedelta(minutes=30 * n)
            )[0]
            votes_for, against, abstain = text.VOTES[n]
            choices = (
                [adoption.Choice.FOR] * votes_for
                + [adoption.Choice.AGAINST] * against
                + [adoption.Choice.ABSTAIN] * abstain
            )
            # The members in a different order for each ballot: nobody always votes first.
            order = members[n:] + members[:n]
            for m, (member, choice) in enumerate(zip(order, choices, strict=False)):
                cast_at = opened + timedelta(minutes=30 * n + 1 + m)
                adoption.cast_vote(member, ballot, choice, now=cast_at)
        with happened_on(closes + timedelta(minutes=n)):
            adoption.close_ballot(
                facilitator, ballot, convention, now=closes + timedelta(minutes=n)
            )
        if secret:
            with happened_on(closes + timedelta(hours=2, minutes=n)):
                assert ballot.packet is not None
                keyholders.decrypt(ballot.packet)
        assert ballot.adopted == text.RECOMMENDATIONS[n][8], rec.title
    encryption.remember_own_ballots = trusting


def _consultation(cast: Cast, convention: Convention, recs: list[Recommendation]) -> None:
    _open(cast.staff, convention, PhaseKind.CONSULTATION)
    start, end = at("2025-01-13", 9), at("2025-02-23", 22)
    with happened_on(start):
        opened = consultation.open_consultation(cast.staff, convention, end, now=start)
    # A week of judgments at a time; each judgment keeps its own moment.
    step = (end - start) / (len(cast.public) + 1)
    weekly = len(cast.public) // 6 + 1
    for week in range(0, len(cast.public), weekly):
        with happened_on(start + step * (week + 1)):
            for j in range(week, min(week + weekly, len(cast.public))):
                grades: dict[int, int | None] = {
                    recs[r].id: cycle[(3 * j + r) % len(cycle)] for r, cycle in text.GRADES.items()
                }
                consultation.judge(cast.public[j], opened, grades, now=start + step * (j + 1))
    with happened_on(end):
        consultation.close_consultation(cast.staff, opened, now=end)


# --- publication and follow-up --------------------------------------------------------------


def _edition(cast: Cast, convention: Convention, when: datetime) -> None:
    # The report says when it was made, on its day, and the journal records its fingerprint.
    with happened_on(when):
        publication.publish_report(cast.staff, convention)


def _publication(
    cast: Cast, convention: Convention, recs: list[Recommendation], members: list[User]
) -> None:
    _open(cast.staff, convention, PhaseKind.PUBLICATION)
    _edition(cast, convention, at("2025-03-17", 11))
    answered_on = date.fromisoformat(text.ANSWERED_ON)
    answers = []
    for n, (rec_index, kind, service, public_text, reasons, due) in enumerate(text.ANSWERS):
        with happened_on(at("2025-05-12", 10) + timedelta(days=n)):
            answers.append(
                publication.record_answer(
                    cast.staff,
                    recs[rec_index],
                    kind=kind,
                    service=service,
                    public_text=public_text,
                    reasons=reasons,
                    due_on=date.fromisoformat(due) if due else None,
                    today=answered_on - timedelta(days=10 - n),
                )
            )
    with happened_on(at(text.ANSWERED_ON, 10)):
        publication.publish_answers(cast.staff, answers)
    with happened_on(at("2025-06-02", 18)):
        for n, member in enumerate(members):
            for a, answer in enumerate(answers):
                grade = (4, 8, 6, 9, 7, 3, 5, 8, 7, 6)[(n + 2 * a) % 10]
                publication.assess_answer(member, answer, convention, grade)
    _edition(cast, convention, at("2025-06-27", 11))
    _open(cast.staff, convention, PhaseKind.FOLLOW_UP)
    for rec_index, day, progress, update in text.FOLLOW_UPS:
        with happened_on(at(day, 12)):
            publication.post_follow_up(
                cast.staff,
                recs[rec_index],
                happened_on=date.fromisoformat(day),
                progress=progress,
                text=update,
            )
