"""Ballots, votes, judgments and the counters the tallies are read from.

Counters live in SQL and change in the same transaction as the vote they count, so a result
never needs to read the ballots; tests recount from the ballots and compare.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from convention.auth.models import User
from convention.clock import utcnow
from convention.db_types import UTCDateTime, enum_column
from convention.extensions import Model
from convention.guarantors.models import KeyCeremony
from convention.proposals.models import Choice, Idea, Recommendation

# The seven grades of "Voter pour le climat", best first; a grade is stored as its index.
GRADE_COUNT = 7
# Judgment counters are split over this many rows per recommendation (by judgment id), so
# simultaneous judgments on one recommendation rarely wait for the same row lock. The triggers
# of migration 0007 use the same number.
TALLY_SHARDS = 16


class VoteRules(Model):
    """The rules a convention sets for its votes; copied onto each ballot when it opens."""

    __tablename__ = "vote_rules"
    __table_args__ = (
        CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_in_range"),
        CheckConstraint(
            "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
            name="threshold_is_a_fraction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), unique=True
    )
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    threshold_numerator: Mapped[int] = mapped_column(Integer, default=1)
    threshold_denominator: Mapped[int] = mapped_column(Integer, default=2)
    abstentions_count: Mapped[bool] = mapped_column(Boolean, default=False)
    secret: Mapped[bool] = mapped_column(Boolean, default=True)
    ungraded_as_reject: Mapped[bool] = mapped_column(Boolean, default=True)
    results_hidden_until_close: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether the convention's staff (and the site's administrators) may judge in the public
    # consultation they run: off unless the convention decides otherwise.
    staff_may_judge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AdoptionBallot(Model):
    """The members' vote on one recommendation, with the rules frozen when it opened."""

    __tablename__ = "adoption_ballot"
    __table_args__ = (
        CheckConstraint("closes_at > opened_at", name="closes_after_opening"),
        CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND votes_abstain >= 0 AND participants >= 0",
            name="counters_not_negative",
        ),
        CheckConstraint(
            "paper_for >= 0 AND paper_against >= 0 AND paper_abstain >= 0",
            name="paper_not_negative",
        ),
        CheckConstraint("quorum_percent BETWEEN 0 AND 100", name="quorum_in_range"),
        CheckConstraint(
            "threshold_numerator > 0 AND threshold_numerator < threshold_denominator",
            name="threshold_is_a_fraction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), index=True
    )
    # One members' vote per recommendation: a rejected recommendation is not voted again.
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[bool] = mapped_column(Boolean)
    quorum_percent: Mapped[int] = mapped_column(Integer)
    threshold_numerator: Mapped[int] = mapped_column(Integer)
    threshold_denominator: Mapped[int] = mapped_column(Integer)
    abstentions_count: Mapped[bool] = mapped_column(Boolean)
    eligible: Mapped[int] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    participants: Mapped[int] = mapped_column(Integer, default=0)
    paper_for: Mapped[int] = mapped_column(Integer, default=0)
    paper_against: Mapped[int] = mapped_column(Integer, default=0)
    paper_abstain: Mapped[int] = mapped_column(Integer, default=0)
    paper_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    adopted: Mapped[bool | None] = mapped_column(Boolean)
    # SHA-256 of the canonical serialisation (see verify_tally.py), set at the close.
    digest: Mapped[str | None] = mapped_column(String(64))
    # The public export exactly as published at the close, kept and served as it is: later
    # changes to the tables cannot change what was published (PostgreSQL refuses them).
    sealed_export: Mapped[str | None] = mapped_column(Text)
    # A secret ballot: the key ceremony its votes are encrypted to; once voting has ended,
    # when it was handed to the guarantors and in which packet (the result waits for them).
    ceremony_id: Mapped[int | None] = mapped_column(
        ForeignKey("key_ceremony.id", ondelete="RESTRICT")
    )
    counting_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    packet_id: Mapped[int | None] = mapped_column(
        ForeignKey("decryption_packet.id", ondelete="SET NULL"), index=True
    )

    recommendation: Mapped[Recommendation] = relationship()
    packet: Mapped[DecryptionPacket | None] = relationship(back_populates="ballots")
    ceremony: Mapped[KeyCeremony | None] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_counting(self) -> bool:
        """Voting has ended and the guarantors have not yet decrypted the tally."""
        return self.counting_at is not None and self.closed_at is None

    @property
    def paper_total(self) -> int:
        return self.paper_for + self.paper_against + self.paper_abstain


class VoteParticipation(Model):
    """That a member voted on a ballot: the public roll. No time, no link to the choice."""

    __tablename__ = "vote_participation"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("adoption_ballot.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()


class EncryptedVote(Model):
    """A secret ballot as cast: three encryptions (for, against, abstain) of 0 or 1 with their
    proofs, under the guarantors' joint key; no person, no time. Whoever reads it, the
    database's administrator or a backup included, cannot tell the choice: only k guarantors
    together could decrypt, and they decrypt the tally, never a ballot."""

    __tablename__ = "encrypted_vote"
    __table_args__ = (UniqueConstraint("ballot_id", "tracking_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("adoption_ballot.id", ondelete="CASCADE"), index=True
    )
    # What the member keeps to find their ballot in the published list.
    tracking_code: Mapped[str] = mapped_column(String(64))
    # The ballot as published (records.ballot_json), canonical JSON.
    body: Mapped[str] = mapped_column(Text)


class DecryptionPacket(Model):
    """The secret ballots closed together, handed to the guarantors to decrypt their tallies:
    the packet file exactly as they download it, and its SHA-256, which they sign."""

    __tablename__ = "decryption_packet"

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), index=True
    )
    ceremony_id: Mapped[int] = mapped_column(ForeignKey("key_ceremony.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    ballots: Mapped[list[AdoptionBallot]] = relationship(
        back_populates="packet", order_by="AdoptionBallot.id"
    )
    ceremony: Mapped[KeyCeremony] = relationship()


class PartialDecryptionUpload(Model):
    """A guarantor's partial decryptions of a packet's tallies, signed, as uploaded."""

    __tablename__ = "partial_decryption"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("decryption_packet.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)


class NamedVote(Model):
    """A member's vote in a named ballot: public after the close, changeable until then."""

    __tablename__ = "named_vote"
    __table_args__ = (UniqueConstraint("ballot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("adoption_ballot.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    choice: Mapped[Choice] = mapped_column(enum_column(Choice, "named_vote_choice"))
    # The choice this vote replaced, written by the upsert so the counters can move the vote
    # from one column to the other without reading the row first.
    previous_choice: Mapped[Choice | None] = mapped_column(
        enum_column(Choice, "named_vote_previous")
    )
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class Consultation(Model):
    """The public's judgment of the adopted recommendations, one per convention."""

    __tablename__ = "consultation"
    __table_args__ = (CheckConstraint("closes_at > opened_at", name="closes_after_opening"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(
        ForeignKey("convention.id", ondelete="CASCADE"), unique=True
    )
    ungraded_as_reject: Mapped[bool] = mapped_column(Boolean)
    results_hidden_until_close: Mapped[bool] = mapped_column(Boolean)
    # Copied from the rules at the opening, like the rules above.
    staff_may_judge: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    digest: Mapped[str | None] = mapped_column(String(64))
    # The public export exactly as published at the close, kept and served as it is: later
    # changes to the tables cannot change what was published (PostgreSQL refuses them).
    sealed_export: Mapped[str | None] = mapped_column(Text)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Judgment(Model):
    """A citizen's grade for one recommendation; changeable until the consultation closes."""

    __tablename__ = "judgment"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "citizen_id"),
        CheckConstraint("grade BETWEEN 0 AND 6", name="grade_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    # Deleting an account removes the identity, not the judgment.
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # None: the grade was taken back (kept as a row so a judgment is one ordered upsert).
    grade: Mapped[int | None] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JudgmentTally(Model):
    """Per-recommendation grade counters, one row per shard; the sum over shards is the tally.

    Kept by database triggers (migration 0007) in the statement that inserts, regrades or
    deletes a judgment; a judgment's shard is its id modulo `TALLY_SHARDS`."""

    __tablename__ = "judgment_tally"
    __table_args__ = (
        CheckConstraint(
            " AND ".join(f"grade_{g} >= 0" for g in range(GRADE_COUNT)), name="counts_not_negative"
        ),
    )

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    grade_0: Mapped[int] = mapped_column(Integer, default=0)
    grade_1: Mapped[int] = mapped_column(Integer, default=0)
    grade_2: Mapped[int] = mapped_column(Integer, default=0)
    grade_3: Mapped[int] = mapped_column(Integer, default=0)
    grade_4: Mapped[int] = mapped_column(Integer, default=0)
    grade_5: Mapped[int] = mapped_column(Integer, default=0)
    grade_6: Mapped[int] = mapped_column(Integer, default=0)


class ConsultationParticipant(Model):
    """That a citizen took part; needed to count what they left ungraded."""

    __tablename__ = "consultation_participant"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )


class ConsultationTurnout(Model):
    """Participant counter, one row per shard (citizen id modulo `TALLY_SHARDS`), kept by
    database triggers on `consultation_participant` (migration 0007)."""

    __tablename__ = "consultation_turnout"
    __table_args__ = (CheckConstraint("participants >= 0", name="participants_not_negative"),)

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True
    )
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    participants: Mapped[int] = mapped_column(Integer, default=0)


class IdeaSupport(Model):
    """One support per person and idea, withdrawable."""

    __tablename__ = "idea_support"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    idea: Mapped[Idea] = relationship()
