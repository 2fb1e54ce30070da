"""Request dependencies: the container, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from pactline.api.envelope import page_request
from pactline.bootstrap import Container
from pactline.domain.errors import PermissionDenied
from pactline.domain.pagination import DEFAULT_LIMIT, PageRequest
from pactline.domain.tenancy import KeyKind, Principal


def container(request: Request) -> Container:
    app_container: Container = request.app.state.container
    return app_container


ContainerDep = Annotated[Container, Depends(container)]


def any_key(
    request: Request,
    app: ContainerDep,
    x_api_key: Annotated[str | None, Header(alias="X-API-KEY")] = None,
) -> Principal:
    principal = app.tenancy.authenticate(x_api_key)
    request.state.principal = principal
    return principal


def server_key(principal: Annotated[Principal, Depends(any_key)]) -> Principal:
    if principal.kind is not KeyKind.SERVER:
        raise PermissionDenied(
            "Client keys may only read entitlements; use a server key for this endpoint",
            {"keyKind": principal.kind.value},
        )
    return principal


AnyKey = Annotated[Principal, Depends(any_key)]
ServerKey = Annotated[Principal, Depends(server_key)]


def pagination(
    after: Annotated[str | None, Query(description="Cursor: items after this one")] = None,
    before: Annotated[str | None, Query(description="Cursor: items before this one")] = None,
    limit: Annotated[int, Query(description="Page size, 1 to 100")] = DEFAULT_LIMIT,
) -> PageRequest:
    return page_request(after, before, limit)


Paging = Annotated[PageRequest, Depends(pagination)]
