"""usage: reported usage and raw events

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_event_matches",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("feature_id", sa.String(length=255), nullable=False),
        sa.Column(
            "occurred_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("value", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.Column("unique_key", sa.Text(), nullable=True),
        sa.Column("match_count", sa.BigInteger(), nullable=False),
        sa.Column("match_total", pactline.adapters.db.types.DecimalText(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_usage_event_matches")),
    )
    with op.batch_alter_table("usage_event_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_usage_event_matches_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            "ix_usage_event_matches_series",
            ["customer_id", "feature_id", "environment_id", "occurred_at", "seq"],
            unique=False,
        )

    op.create_table(
        "usage_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("event_name", sa.String(length=255), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("resource_id", sa.String(length=255), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column(
            "occurred_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "recorded_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_usage_events")),
        sa.UniqueConstraint("id", name=op.f("uq_usage_events_id")),
        sa.UniqueConstraint(
            "idempotency_key",
            "environment_id",
            "customer_id",
            name="uq_usage_events_idempotency_key",
        ),
    )
    op.create_table(
        "usage_records",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("feature_id", sa.String(length=255), nullable=False),
        sa.Column("value", pactline.adapters.db.types.DecimalText(), nullable=False),
        sa.Column("update_behavior", sa.String(length=10), nullable=False),
        sa.Column(
            "occurred_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "recorded_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("resource_id", sa.String(length=255), nullable=True),
        sa.Column("dimensions", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("delta_total", pactline.adapters.db.types.DecimalText(), nullable=False),
        sa.Column("set_value", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.Column("set_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("set_delta_total", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_usage_records")),
        sa.UniqueConstraint("id", name=op.f("uq_usage_records_id")),
        sa.UniqueConstraint(
            "idempotency_key",
            "environment_id",
            "customer_id",
            "feature_id",
            name="uq_usage_records_idempotency_key",
        ),
    )
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_records_series",
            ["customer_id", "feature_id", "environment_id", "occurred_at", "seq"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_records_series")

    op.drop_table("usage_records")
    op.drop_table("usage_events")
    with op.batch_alter_table("usage_event_matches", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_event_matches_series")
        batch_op.drop_index(batch_op.f("ix_usage_event_matches_event_id"))

    op.drop_table("usage_event_matches")
