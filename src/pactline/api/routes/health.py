from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from pactline import __version__
from pactline.api.deps import ContainerDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """Liveness: the process answers. Needs no key and touches no database, so it runs on the
    event loop instead of taking a worker thread (it is the ceiling the checks are held to)."""
    return {"status": "ok", "version": __version__}


@router.get("/ready")
def ready(app: ContainerDep) -> JSONResponse:
    """Readiness: the database answers and its schema is at the code's revision."""
    report = app.readiness()
    return JSONResponse(report, status_code=200 if report["ready"] else 503)
