"""Domain errors: InvalidArgument reports every field problem in a stable shape."""

from __future__ import annotations

from pactline.domain.errors import (
    DomainError,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
    StaleVersion,
)


def test_invalid_argument_carries_every_field_problem_in_details() -> None:
    error = InvalidArgument(
        [
            FieldProblem("url", "must be an absolute URL"),
            FieldProblem("eventTypes[0]", "must be 1 to 100 characters", "too_long"),
            FieldProblem("version", "is required", "required"),
        ]
    )

    assert error.details == {
        "errors": [
            {"field": "url", "message": "must be an absolute URL", "code": "invalid"},
            {
                "field": "eventTypes[0]",
                "message": "must be 1 to 100 characters",
                "code": "too_long",
            },
            {"field": "version", "message": "is required", "code": "required"},
        ]
    }
    assert error.code == "InvalidArgument"
    assert isinstance(error, DomainError)


def test_invalid_argument_message_names_each_field() -> None:
    error = InvalidArgument(
        [FieldProblem("url", "must be an absolute URL"), FieldProblem("limit", "is too big")]
    )

    assert error.message == "url: must be an absolute URL; limit: is too big"
    assert str(error) == error.message


def test_invalid_argument_keeps_an_explicit_message_but_still_lists_the_fields() -> None:
    error = InvalidArgument([FieldProblem("url", "bad")], message="Request is invalid")

    assert error.message == "Request is invalid"
    assert error.details == {"errors": [{"field": "url", "message": "bad", "code": "invalid"}]}


def test_invalid_argument_single_reports_one_problem() -> None:
    error = InvalidArgument.single("limit", "must be between 1 and 100", "out_of_range")

    assert error.problems == (FieldProblem("limit", "must be between 1 and 100", "out_of_range"),)
    assert error.details == {
        "errors": [
            {"field": "limit", "message": "must be between 1 and 100", "code": "out_of_range"}
        ]
    }
    assert error.message == "limit: must be between 1 and 100"


def test_entity_not_found_names_the_entity_and_id() -> None:
    error = EntityNotFound("WebhookEndpoint", "whe_1")

    assert error.message == "WebhookEndpoint 'whe_1' was not found"
    assert error.details == {"entity": "WebhookEndpoint", "id": "whe_1"}


def test_stale_version_reports_sent_and_current_versions() -> None:
    error = StaleVersion("WebhookEndpoint", "whe_1", expected=3, current=4)

    assert error.details == {
        "entity": "WebhookEndpoint",
        "id": "whe_1",
        "sentVersion": 3,
        "currentVersion": 4,
    }
