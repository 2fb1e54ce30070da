from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from pactline.api.deps import ContainerDep, Paging, ServerKey
from pactline.api.envelope import Envelope, ListEnvelope, page_out
from pactline.api.filters import comma_ids, comma_list, created_range
from pactline.api.schemas.catalog import FeatureCreate, FeatureOut, FeatureUpdate
from pactline.domain import catalog as c
from pactline.domain.pagination import CreatedRange
from pactline.services.catalog import NewFeature
from pactline.services.ports import FeatureQuery

router = APIRouter(prefix="/api/v1/features", tags=["features"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create_feature(
    body: FeatureCreate, caller: ServerKey, app: ContainerDep
) -> Envelope[FeatureOut]:
    feature = app.catalog.create_feature(
        caller,
        NewFeature(
            id=body.id,
            display_name=body.display_name,
            feature_type=c.FeatureType(body.feature_type),
            description=body.description,
            status=c.FeatureStatus(body.feature_status),
            meter_type=c.MeterType(body.meter_type),
            feature_units=body.feature_units,
            feature_units_plural=body.feature_units_plural,
            metadata=body.metadata,
            meter=None if body.meter is None else body.meter.to_domain(),
            unit_transformation=(
                None if body.unit_transformation is None else body.unit_transformation.to_domain()
            ),
            enum_values=[
                c.EnumValue(e.value, e.display_name) for e in body.enum_configuration or ()
            ],
        ),
    )
    return Envelope(data=FeatureOut.of(feature))


@router.get("")
def list_features(
    caller: ServerKey,
    app: ContainerDep,
    paging: Paging,
    created: Annotated[CreatedRange, Depends(created_range)],
    id: Annotated[str | None, Query(description="Filter by id (comma-separated)")] = None,
    feature_type: Annotated[str | None, Query(alias="featureType")] = None,
    meter_type: Annotated[str | None, Query(alias="meterType")] = None,
    status_filter: Annotated[str | None, Query(alias="status")] = None,
) -> ListEnvelope[FeatureOut]:
    query = FeatureQuery(
        ids=comma_ids(id),
        types=comma_list("featureType", feature_type, c.FeatureType),
        meter_types=comma_list("meterType", meter_type, c.MeterType),
        statuses=comma_list("status", status_filter, c.FeatureStatus),
        created=created,
    )
    page = app.catalog.list_features(caller, query, paging)
    return ListEnvelope(data=[FeatureOut.of(f) for f in page.items], pagination=page_out(page))


@router.get("/{feature_id}")
def get_feature(feature_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[FeatureOut]:
    return Envelope(data=FeatureOut.of(app.catalog.get_feature(caller, feature_id)))


@router.patch("/{feature_id}")
def update_feature(
    feature_id: str, body: FeatureUpdate, caller: ServerKey, app: ContainerDep
) -> Envelope[FeatureOut]:
    feature = app.catalog.update_feature(caller, feature_id, **body.changes())
    return Envelope(data=FeatureOut.of(feature))


@router.post("/{feature_id}/archive")
def archive_feature(feature_id: str, caller: ServerKey, app: ContainerDep) -> Envelope[FeatureOut]:
    return Envelope(data=FeatureOut.of(app.catalog.set_feature_archived(caller, feature_id, True)))


@router.post("/{feature_id}/unarchive")
def unarchive_feature(
    feature_id: str, caller: ServerKey, app: ContainerDep
) -> Envelope[FeatureOut]:
    return Envelope(data=FeatureOut.of(app.catalog.set_feature_archived(caller, feature_id, False)))
