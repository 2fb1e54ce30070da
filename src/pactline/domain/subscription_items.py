"""What a subscription buys besides its plan: add-ons (× quantity) and the quantities of the
plan's PER_UNIT charges, checked against the plan version and the add-ons' versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pactline.domain.charges import BillingModel, Charge
from pactline.domain.errors import FieldProblem
from pactline.domain.plans import AddonVersion, PlanVersion
from pactline.domain.subscriptions import SubscriptionAddon, default_quantity


@dataclass(frozen=True)
class AddonOption:
    """An add-on a subscription may hold, as found: its version (None: never published)."""

    addon_id: str
    exists: bool
    archived: bool = False
    version: AddonVersion | None = None
    held: bool = False  # the subscription holds it already: archived or not, it may stay


@dataclass(frozen=True)
class QuantityRequest:
    """One of Stigg's `charges[]`: the quantity of a PER_UNIT charge (by charge or feature id)."""

    charge_id: str
    quantity: Decimal


@dataclass(frozen=True)
class HeldAddons:
    addons: tuple[SubscriptionAddon, ...]
    versions: dict[str, AddonVersion]  # by add-on id
    positions: dict[str, int]  # where each add-on was requested (for error paths)


def resolve_addons(
    plan: PlanVersion,
    options: Mapping[str, AddonOption],
    requested: Sequence[tuple[str, int]],
) -> tuple[HeldAddons, list[FieldProblem]]:
    """Each add-on published, compatible with the plan version, 1..maxQuantity times, with the
    add-ons it depends on requested too."""
    problems: list[FieldProblem] = []
    held: list[SubscriptionAddon] = []
    versions: dict[str, AddonVersion] = {}
    positions: dict[str, int] = {}
    for index, (addon_id, quantity) in enumerate(requested):
        path = f"addons[{index}]"
        if addon_id in positions:
            problems.append(FieldProblem(f"{path}.id", "is listed twice", "duplicate"))
            continue
        positions[addon_id] = index
        version, found = _addon_version(plan, options.get(addon_id), addon_id, path)
        problems += found
        if version is None:
            continue
        top = version.max_quantity
        if quantity < 1 or (top is not None and quantity > top):
            bound = f"1 to {top}" if top is not None else "1 or more"
            problems.append(FieldProblem(f"{path}.quantity", f"must be {bound}", "out_of_range"))
            continue
        held.append(SubscriptionAddon(addon_id, quantity, version.version_number))
        versions[addon_id] = version
    for addon_id, version in versions.items():
        for dependency in version.dependencies:
            if dependency not in positions:
                problems.append(
                    FieldProblem(
                        f"addons[{positions[addon_id]}].id",
                        f"add-on '{addon_id}' needs add-on '{dependency}' too",
                        "missing_dependency",
                    )
                )
    return HeldAddons(tuple(held), versions, positions), problems


def _addon_version(
    plan: PlanVersion, option: AddonOption | None, addon_id: str, path: str
) -> tuple[AddonVersion | None, list[FieldProblem]]:
    at = f"{path}.id"
    if option is None or not option.exists:
        return None, [FieldProblem(at, f"add-on '{addon_id}' does not exist", "not_found")]
    if option.archived and not option.held:
        return None, [FieldProblem(at, f"add-on '{addon_id}' is archived", "archived")]
    if option.version is None:
        message = f"add-on '{addon_id}' has never been published"
        return None, [FieldProblem(at, message, "not_published")]
    if addon_id not in plan.compatible_addon_ids:
        message = (
            f"add-on '{addon_id}' is not compatible with plan '{plan.plan_id}' "
            f"(version {plan.version_number})"
        )
        return None, [FieldProblem(at, message, "not_compatible")]
    return option.version, []


# --- unit quantities ------------------------------------------------------------------------


def per_unit_charges(plan: PlanVersion) -> list[Charge]:
    return [c for c in plan.charges if c.billing_model is BillingModel.PER_UNIT]


def charge_key(plan: PlanVersion, requested: str) -> str:
    """A `charges[].id` as the id of the PER_UNIT charge it names (a charge or feature id)."""
    for charge in per_unit_charges(plan):
        if requested in (charge.id, charge.feature_id):
            return charge.id
    return requested


def resolve_quantities(
    plan: PlanVersion, requests: Sequence[QuantityRequest], unit_quantity: int | None
) -> tuple[dict[str, Decimal], list[FieldProblem]]:
    """The quantity of every PER_UNIT charge of the plan: as given, else its default."""
    charges = {c.id: c for c in per_unit_charges(plan)}
    problems: list[FieldProblem] = []
    given: dict[str, Decimal] = {}
    for index, request in enumerate(requests):
        path = f"charges[{index}]"
        key = charge_key(plan, request.charge_id)
        charge = charges.get(key)
        if charge is None:
            message = f"plan '{plan.plan_id}' has no PER_UNIT charge '{request.charge_id}'"
            problems.append(FieldProblem(f"{path}.id", message, "not_found"))
        elif key in given:
            problems.append(FieldProblem(f"{path}.id", "is listed twice", "duplicate"))
        else:
            found = _quantity_problems(charge, request.quantity, f"{path}.quantity")
            problems += found
            if not found:
                given[key] = request.quantity
    if unit_quantity is not None:
        problems += _unit_quantity(plan, list(charges.values()), unit_quantity, given)
    quantities = {cid: given.get(cid, default_quantity(c)) for cid, c in charges.items()}
    return quantities, problems


def _unit_quantity(
    plan: PlanVersion, charges: list[Charge], quantity: int, given: dict[str, Decimal]
) -> list[FieldProblem]:
    """`unitQuantity` sets the quantity of the plan's one PER_UNIT charge (into `given`)."""
    if not charges:
        message = f"plan '{plan.plan_id}' has no PER_UNIT charge"
        return [FieldProblem("unitQuantity", message, "not_allowed")]
    if len(charges) > 1:
        message = f"plan '{plan.plan_id}' has {len(charges)} PER_UNIT charges: use charges[]"
        return [FieldProblem("unitQuantity", message, "ambiguous")]
    [charge] = charges
    if charge.id in given:
        return [FieldProblem("unitQuantity", "is also given in charges[]", "conflict")]
    found = _quantity_problems(charge, Decimal(quantity), "unitQuantity")
    if not found:
        given[charge.id] = Decimal(quantity)
    return found


def _quantity_problems(charge: Charge, quantity: Decimal, path: str) -> list[FieldProblem]:
    if not quantity.is_finite() or quantity != quantity.to_integral_value():
        return [FieldProblem(path, "must be a whole number of units", "not_integer")]
    low, high = charge.min_unit_quantity, charge.max_unit_quantity
    if (
        quantity < 0
        or (low is not None and quantity < low)
        or (high is not None and quantity > high)
    ):
        bounds = f"{low or 0} to {high if high is not None else 'any number'}"
        return [FieldProblem(path, f"must be {bounds} for charge '{charge.id}'", "out_of_range")]
    return []
