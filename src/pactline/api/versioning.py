"""Optimistic concurrency at the edge: ETag out, If-Match (or a body `version`) in."""

from __future__ import annotations

from pactline.domain.errors import FieldProblem, InvalidArgument


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int:
    """The version the caller read; required, so a blind overwrite is impossible."""
    header_version = None
    if if_match is not None:
        raw = if_match.strip().removeprefix("W/").strip('"')
        if not (raw.isascii() and raw.isdecimal()):
            raise InvalidArgument.single("If-Match", "must be an ETag returned by this API")
        header_version = int(raw)
    if header_version is not None and body_version is not None and header_version != body_version:
        raise InvalidArgument([FieldProblem("version", "disagrees with the If-Match header")])
    version = header_version if header_version is not None else body_version
    if version is None:
        raise InvalidArgument.single(
            "version",
            "is required (or an If-Match header) so concurrent edits are detected",
            "required",
        )
    return version
