"""Persistence records, one module per area; importing this package registers them all.

Repositories map records to domain objects; nothing above the adapters sees them.
"""

from pactline.adapters.db.schema.base import Base
from pactline.adapters.db.schema.catalog import *  # noqa: F403
from pactline.adapters.db.schema.changes import *  # noqa: F403
from pactline.adapters.db.schema.contracts import *  # noqa: F403
from pactline.adapters.db.schema.customers import *  # noqa: F403
from pactline.adapters.db.schema.invoices import *  # noqa: F403
from pactline.adapters.db.schema.orders import *  # noqa: F403
from pactline.adapters.db.schema.plans import *  # noqa: F403
from pactline.adapters.db.schema.platform import *  # noqa: F403
from pactline.adapters.db.schema.subscriptions import *  # noqa: F403
from pactline.adapters.db.schema.usage import *  # noqa: F403

__all__ = ["Base"]
