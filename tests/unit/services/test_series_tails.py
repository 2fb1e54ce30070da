"""What a process remembers of the series' last rows, and when it stops trusting it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pactline.domain.metering import MeterRunning, Running, Tail
from pactline.services.series_tails import SeriesTails

AT = datetime(2026, 1, 5, 12, tzinfo=UTC)
ACME = ("acme", "calls")
GLOBEX = ("globex", "calls")


def running(total: int) -> Tail[Running]:
    return Tail(AT, Running(Decimal(total), Decimal(3), AT, Decimal(1)))


def test_rows_written_at_one_version_are_known_to_the_next_claim() -> None:
    tails = SeriesTails()
    tails.remember(
        "env",
        1,
        records={ACME: running(5)},
        matches={ACME: Tail(AT, MeterRunning(2, Decimal("4.5")))},
    )
    assert tails.records("env", 2, [ACME, GLOBEX]) == {ACME: running(5)}
    assert tails.matches("env", 2, [ACME]) == {ACME: Tail(AT, MeterRunning(2, Decimal("4.5")))}
    assert tails.records("other-env", 2, [ACME]) == {}


def test_a_version_written_elsewhere_drops_what_the_environment_remembered() -> None:
    tails = SeriesTails()
    tails.remember("env", 1, records={ACME: running(5)})
    tails.remember("other-env", 1, records={ACME: running(6)})
    assert tails.records("env", 3, [ACME]) == {}  # version 2 was another process's
    # Nor is it trusted again once this process writes version 3: only that write's rows are.
    tails.remember("env", 3, records={GLOBEX: running(7)})
    assert tails.records("env", 4, [ACME, GLOBEX]) == {GLOBEX: running(7)}
    assert tails.records("other-env", 2, [ACME]) == {ACME: running(6)}


def test_a_claim_that_was_rolled_back_leaves_the_memory_current() -> None:
    tails = SeriesTails()
    tails.remember("env", 1, records={ACME: running(5)})
    # Version 2 was claimed and rolled back, so the database's head is at 1 again and the
    # next writer claims 2 once more.
    assert tails.records("env", 2, [ACME]) == {ACME: running(5)}
    assert tails.records("env", 2, [ACME]) == {ACME: running(5)}


def test_a_remembered_row_is_replaced_by_a_later_one() -> None:
    tails = SeriesTails()
    tails.remember("env", 1, records={ACME: running(5), GLOBEX: running(1)})
    tails.remember("env", 2, records={ACME: running(9)})
    assert tails.records("env", 3, [ACME, GLOBEX]) == {ACME: running(9), GLOBEX: running(1)}


def test_past_the_cap_the_least_recently_written_half_is_forgotten() -> None:
    tails = SeriesTails(cap=4)
    keys = [(f"c{n}", "calls") for n in range(5)]
    for version, key in enumerate(keys[:4], start=1):
        tails.remember("env", version, records={key: running(version)})
    tails.remember("env", 5, records={keys[0]: running(50)})  # c0 written again: now the latest
    tails.remember("env", 6, records={keys[4]: running(6)})  # five kept: over the cap
    assert tails.records("env", 7, keys) == {keys[0]: running(50), keys[4]: running(6)}


def test_a_cap_of_zero_remembers_nothing() -> None:
    tails = SeriesTails(cap=0)
    tails.remember("env", 1, records={ACME: running(5)})
    assert tails.records("env", 2, [ACME]) == {}
