"""Which subscriptions a contract may hold (Stigg's contract rules).

A contract bills its subscriptions together, so they must be the contract customer's, in the
contract's currency, at most one per product, and custom-priced: a subscription to a CUSTOM plan,
or one with negotiated price overrides. A subscription at the catalogue price is billed by the
plan, not by a contract. "At most one contract per subscription" is enforced by the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pactline.domain.charges import PricingType
from pactline.domain.contract_records import Contract
from pactline.domain.errors import FieldProblem
from pactline.domain.subscriptions import Subscription


def is_custom_priced(subscription: Subscription) -> bool:
    return subscription.pricing_type is PricingType.CUSTOM or bool(subscription.price_overrides)


def membership_problems(
    contract: Contract,
    held: Sequence[Subscription],
    joining: Sequence[tuple[str, Subscription]],
    at: datetime,
) -> list[FieldProblem]:
    """Every problem of adding `joining` (each with the request path that named it) to a
    contract already holding `held`."""
    problems: list[FieldProblem] = []
    products = {s.product_id: s.id for s in held}
    currency = contract.currency_code
    for path, subscription in joining:
        if subscription.customer_id != contract.customer_id:
            message = (
                f"subscription '{subscription.id}' belongs to customer "
                f"'{subscription.customer_id}', not to the contract's '{contract.customer_id}'"
            )
            problems.append(FieldProblem(path, message, "other_customer"))
        if not is_custom_priced(subscription):
            message = (
                f"subscription '{subscription.id}' is billed at catalogue prices: a contract "
                "holds CUSTOM-plan subscriptions or ones with price overrides"
            )
            problems.append(FieldProblem(path, message, "not_custom_priced"))
        if subscription.currency.upper() != currency:
            message = (
                f"subscription '{subscription.id}' is in {subscription.currency.upper()}, "
                f"the contract in {currency}"
            )
            problems.append(FieldProblem(path, message, "currency_mismatch"))
        if subscription.ended(at):
            message = f"subscription '{subscription.id}' has ended"
            problems.append(FieldProblem(path, message, "subscription_ended"))
        other = products.get(subscription.product_id)
        if other is not None and other != subscription.id:
            message = (
                f"the contract already holds subscription '{other}' to product "
                f"'{subscription.product_id}': one subscription per product"
            )
            problems.append(FieldProblem(path, message, "duplicate_product"))
        products.setdefault(subscription.product_id, subscription.id)
    return problems
