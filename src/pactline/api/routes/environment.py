from __future__ import annotations

from fastapi import APIRouter

from pactline.api.deps import AnyKey, ContainerDep
from pactline.api.envelope import Envelope, OutModel

router = APIRouter(prefix="/api/v1", tags=["environment"])


class CallerOut(OutModel):
    account_id: str
    environment_id: str
    environment: str
    key_id: str
    key_kind: str


@router.get("/environment")
def current_environment(caller: AnyKey, app: ContainerDep) -> Envelope[CallerOut]:
    """Which account, environment and key kind the X-API-KEY belongs to."""
    slug = next((e.slug for e in app.tenancy.environments() if e.id == caller.environment_id), "")
    return Envelope(
        data=CallerOut(
            account_id=caller.account_id,
            environment_id=caller.environment_id,
            environment=slug,
            key_id=caller.key_id,
            key_kind=caller.kind.value,
        )
    )
