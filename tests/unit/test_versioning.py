"""Optimistic concurrency: the version a caller read, from If-Match or the body."""

from __future__ import annotations

import pytest

from pactline.api.versioning import etag, expected_version
from pactline.domain.errors import InvalidArgument


def test_etag_is_the_quoted_version() -> None:
    assert etag(3) == '"3"'


@pytest.mark.parametrize("if_match", ['"3"', 'W/"3"', ' "3" ', "3"])
def test_expected_version_reads_the_if_match_header(if_match: str) -> None:
    assert expected_version(if_match, None) == 3


def test_expected_version_round_trips_an_etag() -> None:
    assert expected_version(etag(42), None) == 42


def test_expected_version_reads_the_body_version() -> None:
    assert expected_version(None, 7) == 7


def test_expected_version_accepts_header_and_body_that_agree() -> None:
    assert expected_version('W/"5"', 5) == 5


def test_expected_version_refuses_header_and_body_that_disagree_naming_version() -> None:
    with pytest.raises(InvalidArgument) as raised:
        expected_version('"3"', 4)

    assert raised.value.details["errors"] == [
        {"field": "version", "message": "disagrees with the If-Match header", "code": "invalid"}
    ]


def test_expected_version_refuses_no_version_at_all_naming_version() -> None:
    with pytest.raises(InvalidArgument) as raised:
        expected_version(None, None)

    assert raised.value.details["errors"] == [
        {
            "field": "version",
            "message": "is required (or an If-Match header) so concurrent edits are detected",
            "code": "required",
        }
    ]


@pytest.mark.parametrize("if_match", ["*", '""', '"abc"', '"-1"', '"3", "4"', '"3.0"'])
def test_expected_version_refuses_an_if_match_that_is_not_our_etag_naming_if_match(
    if_match: str,
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        expected_version(if_match, None)

    assert raised.value.details["errors"] == [
        {"field": "If-Match", "message": "must be an ETag returned by this API", "code": "invalid"}
    ]


def test_expected_version_refuses_a_unicode_digit_that_int_cannot_parse_naming_if_match() -> None:
    # "²".isdigit() is True but int("²") raises ValueError: this must still be a 400.
    with pytest.raises(InvalidArgument) as raised:
        expected_version('"\u00b2"', None)

    assert raised.value.details["errors"] == [
        {"field": "If-Match", "message": "must be an ETag returned by this API", "code": "invalid"}
    ]
