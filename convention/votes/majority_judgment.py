"""Majority judgment (Balinski and Laraki), from grade counts only.

Grades are indexes from 0 (Excellent) to 6 (À rejeter). Everything here works on the seven
counts of a recommendation, never on individual ballots, so ranking costs the same for a
hundred judgments as for millions. No Flask import: this module is tested and benchmarked alone.

Majority grade: the lower median. With the judgments sorted from best to worst, it is the one
at position n // 2 (0-based), i.e. the best grade that more than half of the judgments reach
or exceed. When n is even this is the worse of the two middle grades.

Tie-break, the majority value: remove one judgment at the majority grade, take the new majority
grade, and repeat; the sequence of grades so obtained is compared in order, best first. Two
recommendations with the same grade counts are tied; `rank` keeps their given order by id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cmp_to_key
from typing import Any

GRADES = 7


def majority_grade(counts: Sequence[int]) -> int | None:
    """The index of the lower-median grade, or None when there is no judgment."""
    total = sum(counts)
    return _lower_median(counts, total) if total else None


def _lower_median(counts: Sequence[int], total: int) -> int:
    seen = 0
    for grade, count in enumerate(counts):
        seen += count
        if 2 * seen > total:
            return grade
    raise AssertionError("unreachable: the counts add up to the total")


def _runs(counts: Sequence[int], start: int, stop: int, step: int, skip: int) -> list[list[int]]:
    """Run-length list [grade, count] of the judgments from grade `start` towards `stop`,
    leaving out the first `skip` judgments met."""
    runs = []
    for grade in range(start, stop, step):
        count = counts[grade]
        if skip:
            taken = min(skip, count)
            count -= taken
            skip -= taken
        if count:
            runs.append([grade, count])
    return runs


def majority_value(counts: Sequence[int]) -> list[tuple[tuple[int, ...], int]]:
    """The majority value as chunks (pattern, repeats), best compared first.

    Sorted best to worst, the judgments removed one median at a time are: the lower median,
    then alternately one from the worse side and one from the better side moving outwards
    (the worse side first when n is odd, the better side first when n is even). Each side
    is at most seven runs, so the whole sequence is at most fifteen chunks.
    """
    total = sum(counts)
    if total == 0:
        return []
    median = _lower_median(counts, total)
    below_median = sum(counts[:median])  # judgments better than the median grade
    position = total // 2  # the median's position, 0-based, best first
    # Judgments at the median grade that sit before the median position (better side).
    same_before = position - below_median
    same_after = counts[median] - same_before - 1
    better = _runs(counts, median - 1, -1, -1, 0)
    if same_before:
        better.insert(0, [median, same_before])
    worse = _runs(counts, median + 1, GRADES, 1, 0)
    if same_after:
        worse.insert(0, [median, same_after])
    first, second = (worse, better) if total % 2 else (better, worse)
    chunks: list[tuple[tuple[int, ...], int]] = [((median,), 1)]
    while first and second:
        pairs = min(first[0][1], second[0][1])
        chunks.append(((first[0][0], second[0][0]), pairs))
        for side in (first, second):
            side[0][1] -= pairs
            if side[0][1] == 0:
                side.pop(0)
    for grade, count in first + second:
        # At most one side is left, and with at most one judgment: the sides differ by one.
        chunks.append(((grade,), count))
    return chunks


class _Cursor:
    """Walks a chunked sequence, able to skip a whole periodic stretch at once."""

    def __init__(self, chunks):
        self.chunks = chunks
        self.index = 0
        self.offset = 0  # elements already consumed in the current chunk

    def remaining_in_chunk(self) -> int:
        pattern, repeats = self.chunks[self.index]
        return len(pattern) * repeats - self.offset

    def peek(self, n: int) -> tuple[int, ...]:
        pattern = self.chunks[self.index][0]
        return tuple(pattern[(self.offset + i) % len(pattern)] for i in range(n))

    def done(self) -> bool:
        return self.index >= len(self.chunks)

    def advance(self, n: int) -> None:
        self.offset += n
        if self.offset == len(self.chunks[self.index][0]) * self.chunks[self.index][1]:
            self.index += 1
            self.offset = 0


def compare_values(a: list, b: list) -> int:
    """-1 when majority value `a` is better (lexicographically smaller grades), 1 when worse,
    0 when equal up to the shorter one."""
    left, right = _Cursor(a), _Cursor(b)
    while not left.done() and not right.done():
        stretch = min(left.remaining_in_chunk(), right.remaining_in_chunk())
        # Both stretches have period 1 or 2, so their first two elements decide them entirely.
        width = min(stretch, 2)
        head_left, head_right = left.peek(width), right.peek(width)
        if head_left != head_right:
            return -1 if head_left < head_right else 1
        left.advance(stretch)
        right.advance(stretch)
    return 0


def rank(grade_counts: Mapping[Any, Sequence[int]]) -> list:
    """The ids best first. Recommendations with no judgment come last; exact ties keep the
    order of their ids."""
    values = {key: majority_value(counts) for key, counts in grade_counts.items()}

    def order(a, b) -> int:
        va, vb = values[a], values[b]
        if not va or not vb:
            return (not va) - (not vb) or _by_id(a, b)
        return compare_values(va, vb) or _by_id(a, b)

    return sorted(grade_counts, key=cmp_to_key(order))


def _by_id(a, b) -> int:
    return (a > b) - (a < b)
