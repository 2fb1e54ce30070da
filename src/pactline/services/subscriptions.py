"""Subscriptions: provision, read, change, cancel, pay, migrate and preview, always inside the
caller's environment. Each public method opens one unit of work and commits at most once.

`follow_publish` is the hook the plan and add-on services call when a version is published:
with ALL_CUSTOMERS it moves the live subscriptions to the new version in the same unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pactline.domain.catalog import Feature, validate_id
from pactline.domain.charges import DEFAULT_CURRENCY, PricingType
from pactline.domain.currency import UnknownCurrency, currency
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
)
from pactline.domain.ids import new_id
from pactline.domain.pagination import CreatedRange, Page, PageRequest
from pactline.domain.periods import Period
from pactline.domain.plans import (
    MAX_GRAPH_WALK,
    AddonVersion,
    MigrationType,
    Package,
    PackageKind,
    PlanVersion,
)
from pactline.domain.subscription_items import AddonOption, charge_key
from pactline.domain.subscription_lifecycle import TrialRequest, canceled, replaced, trial_for
from pactline.domain.subscription_pricing import (
    EffectivePrice,
    InvoicePreview,
    effective_prices,
    recurring_invoice,
)
from pactline.domain.subscription_terms import (
    Catalog,
    ResolvedTerms,
    Terms,
    migration_terms,
    plan_entitlements,
    resolve_terms,
    terms_of,
)
from pactline.domain.subscriptions import (
    CancellationTime,
    CancelReason,
    PaymentCollectionMethod,
    Subscription,
    SubscriptionAddon,
    SubscriptionStatus,
)
from pactline.domain.tenancy import Principal
from pactline.services.entitlements import EntitlementCache
from pactline.services.events import record_event
from pactline.services.ports import Clock, SubscriptionQuery, UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class NewSubscription:
    customer_id: str
    plan_id: str
    id: str | None = None  # None: pactline names it
    terms: Terms = field(default_factory=Terms)
    payment_collection_method: PaymentCollectionMethod = PaymentCollectionMethod.CHARGE
    start_at: datetime | None = None  # None: now
    trial: TrialRequest | None = None  # None: the plan's default trial, if any
    cancellation_at: datetime | None = None
    metadata: Mapping[str, str] | None = None
    billing_id: str | None = None
    billing_country_code: str | None = None
    invoice_days_until_due: int | None = None


@dataclass(frozen=True)
class SubscriptionView:
    """A subscription as of the instant the request was served, with its prices."""

    subscription: Subscription
    at: datetime
    prices: tuple[EffectivePrice, ...]
    contract_id: str | None = None  # the contract holding it

    @property
    def status(self) -> SubscriptionStatus:
        return self.subscription.status(self.at)

    @property
    def billing_period(self) -> Period | None:
        """The current billing period (the first one before the start); None once ended."""
        if self.subscription.ended(self.at):
            return None
        return self.subscription.billing_period_at(self.at)


@dataclass(frozen=True)
class Preview:
    immediate: InvoicePreview  # the first billing period (nothing to pay during a trial)
    recurring: InvoicePreview  # the full billing period after it


# PATCH keys (SubscriptionService.update) and the API field each is sent as.
CHANGES = {
    "addons": "addons",
    "entitlements": "entitlements",
    "price_overrides": "priceOverrides",
    "charges": "charges",
    "billing_period": "billingPeriod",
    "metadata": "metadata",
    "trial_end_at": "trialEndDate",
    "cancellation_at": "cancellationDate",
    "invoice_days_until_due": "billingInformation.invoiceDaysUntilDue",
}


class SubscriptionService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, cache: EntitlementCache | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)  # told when entitlements change

    # --- reads -----------------------------------------------------------------------------

    def get(self, caller: Principal, subscription_id: str) -> SubscriptionView:
        now = self._clock.now()
        with self._uow() as uow:
            return _view(uow, _load(uow, caller, subscription_id), now)

    def ensure_exists(self, caller: Principal, subscription_id: str) -> None:
        with self._uow() as uow:
            _load(uow, caller, subscription_id)

    def list_subscriptions(
        self,
        caller: Principal,
        page: PageRequest,
        customer_id: str | None = None,
        plan_id: str | None = None,
        pricing_types: frozenset[PricingType] = frozenset(),
        statuses: frozenset[SubscriptionStatus] = frozenset(),
        created: CreatedRange | None = None,
    ) -> Page[SubscriptionView]:
        now = self._clock.now()
        query = SubscriptionQuery(
            at=now,
            customer_id=customer_id,
            plan_id=plan_id,
            pricing_types=pricing_types,
            statuses=statuses,
            created=created or CreatedRange(),
        )
        with self._uow() as uow:
            found = uow.subscriptions.list(caller.environment_id, query, page)
            versions = _Versions(uow, caller.environment_id)
            holders = uow.contracts.holding(caller.environment_id, [s.id for s in found.items])
            views = [_view(uow, s, now, versions, holders) for s in found.items]
        return Page(items=views, next=found.next, prev=found.prev)

    # --- provisioning ----------------------------------------------------------------------

    def provision(self, caller: Principal, new: NewSubscription) -> SubscriptionView:
        now = self._clock.now()
        if new.id is not None:
            problems = validate_id(new.id)
            if "/" in new.id or new.id in (".", ".."):
                problems.append(
                    FieldProblem("id", "must not contain '/' or be '.' or '..'", "invalid")
                )
            if problems:
                raise InvalidArgument(problems)
        with self._uow() as uow:
            env = caller.environment_id
            if new.id is not None and uow.subscriptions.get(env, new.id) is not None:
                raise DuplicatedEntityNotAllowed("Subscription", new.id)
            subscription = _build(uow, caller, new, new.id or new_id("sub", now), now)
            uow.subscriptions.add(subscription)
            record_event(
                uow,
                env,
                "subscription.created",
                {
                    "id": subscription.id,
                    "customerId": subscription.customer_id,
                    "planId": subscription.plan_id,
                    "versionNumber": subscription.plan_version,
                    "status": subscription.status(now).value,
                },
                now,
            )
            if not subscription.awaiting_payment:
                _replace_others(uow, subscription, now)
            self._cache.note(uow, EntitlementChange.customer(env, subscription.customer_id))
            uow.commit()
            self._cache.forget_customer(env, subscription.customer_id)
            return _view(uow, subscription, now)

    def preview(self, caller: Principal, new: NewSubscription) -> Preview:
        """The invoices a subscription would get, computed without creating anything."""
        now = self._clock.now()
        with self._uow() as uow:
            subscription = _build(uow, caller, new, "preview", now, require_values=False)
            prices = _view(uow, subscription, now).prices
        first = subscription.billing_period_at(subscription.start_at)
        quantities = subscription.unit_quantities
        code = subscription.currency
        if subscription.trial_end_at is not None:
            immediate = InvoicePreview(code, first, ())
        else:
            immediate = recurring_invoice(prices, quantities, code, first)
        following = subscription.billing_period_at(first.end)
        return Preview(immediate, recurring_invoice(prices, quantities, code, following))

    # --- changes ---------------------------------------------------------------------------

    def update(
        self, caller: Principal, subscription_id: str, changes: Mapping[str, Any]
    ) -> SubscriptionView:
        """`changes` keys (CHANGES): list fields replace the whole list, except `charges`,
        whose quantities replace those of the charges they name; `cancellation_at` None drops
        a scheduled cancellation."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, subscription_id, for_update=True)
            if not changes:
                return _view(uow, current, now)
            _still_running(current, now)
            version = _plan_version(uow, current)
            terms = _changed_terms(current, version, changes)
            catalog = _catalog(uow, version, terms, current.addons, current.currency)
            catalog = replace(catalog, billing_country_code=current.billing_country_code)
            resolved, problems = resolve_terms(catalog, terms, now)
            updated, more = _dated_changes(current, changes, now)
            problems += more
            if problems or resolved is None:
                raise InvalidArgument(problems)
            updated = _with_terms(updated, resolved, version, now)
            if "metadata" in changes:
                updated = replace(updated, metadata=dict(changes["metadata"] or {}))
            if "invoice_days_until_due" in changes:
                updated = replace(updated, invoice_days_until_due=changes["invoice_days_until_due"])
            uow.subscriptions.update(updated)
            record_event(
                uow,
                caller.environment_id,
                "subscription.updated",
                {"id": subscription_id, "changes": sorted(CHANGES[k] for k in changes)},
                now,
            )
            self._cache.note(
                uow, EntitlementChange.customer(caller.environment_id, updated.customer_id)
            )
            uow.commit()
            self._cache.forget_customer(caller.environment_id, updated.customer_id)
            return _view(uow, updated, now)

    def cancel(
        self,
        caller: Principal,
        subscription_id: str,
        time: CancellationTime = CancellationTime.END_OF_BILLING_PERIOD,
        end_date: datetime | None = None,
        revoke_entitlements: bool = False,
    ) -> SubscriptionView:
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, subscription_id, for_update=True)
            if revoke_entitlements and time is not CancellationTime.IMMEDIATE:
                raise InvalidArgument.single(
                    "cancellationAction",
                    "REVOKE_ENTITLEMENTS before the subscription ends is not supported: "
                    "cancel IMMEDIATE to revoke now",
                    "not_supported",
                )
            updated, problems = canceled(current, time, end_date, now)
            if problems:
                raise InvalidArgument(problems)
            if updated is not current:
                uow.subscriptions.update(updated)
                record_event(
                    uow,
                    caller.environment_id,
                    "subscription.canceled",
                    {
                        "id": subscription_id,
                        "reason": _reason(updated),
                        "effectiveEndDate": _iso(updated.ends_at),
                    },
                    now,
                )
                self._cache.note(
                    uow, EntitlementChange.customer(caller.environment_id, updated.customer_id)
                )
                uow.commit()
                self._cache.forget_customer(caller.environment_id, updated.customer_id)
            return _view(uow, updated, now)

    def mark_paid(self, caller: Principal, subscription_id: str) -> str:
        """Mark the latest invoice paid: a subscription awaiting payment becomes active."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, subscription_id, for_update=True)
            if current.paid_at is not None:
                return subscription_id  # paid already (a retried request)
            if not current.payment_required:
                raise InvalidArgument.single(
                    "id",
                    f"subscription '{subscription_id}' has no invoice awaiting payment "
                    f"(payment collection {current.payment_collection_method.value})",
                    "no_open_invoice",
                )
            _still_running(current, now)
            paid = replace(current, paid_at=now, updated_at=now)
            uow.subscriptions.update(paid)
            record_event(uow, caller.environment_id, "subscription.paid", {"id": paid.id}, now)
            _replace_others(uow, paid, now)
            self._cache.note(
                uow, EntitlementChange.customer(caller.environment_id, paid.customer_id)
            )
            uow.commit()
            self._cache.forget_customer(caller.environment_id, paid.customer_id)
            return subscription_id

    def migrate(self, caller: Principal, subscription_id: str) -> SubscriptionView:
        """Move to the plan's latest published version and the add-ons' latest versions."""
        now = self._clock.now()
        with self._uow() as uow:
            current = _load(uow, caller, subscription_id, for_update=True)
            _still_running(current, now)
            env = caller.environment_id
            latest = uow.plans.latest_published(env, current.plan_id)
            assert latest is not None, "a subscribed plan has a published version"
            newest = {
                a.addon_id: uow.addons.latest_published(env, a.addon_id) for a in current.addons
            }
            pinned = {k: v for k, v in newest.items() if v is not None}
            if latest.version_number == current.plan_version and all(
                pinned[a.addon_id].version_number == a.version_number for a in current.addons
            ):
                return _view(uow, current, now)
            moved = _moved(uow, current, latest, pinned, now)
            uow.subscriptions.update(moved)
            _migrated_event(uow, current, moved, now)
            self._cache.note(
                uow, EntitlementChange.customer(caller.environment_id, moved.customer_id)
            )
            uow.commit()
            self._cache.forget_customer(caller.environment_id, moved.customer_id)
            return _view(uow, moved, now)


# --- the publish hook -----------------------------------------------------------------------


def follow_publish(
    uow: UnitOfWork, package: Package, migration: MigrationType, at: datetime
) -> None:
    """A version was published: with ALL_CUSTOMERS its live subscriptions move to it."""
    number = package.published_version
    if migration is not MigrationType.ALL_CUSTOMERS or number is None:
        return
    env = package.environment_id
    if package.kind is PackageKind.PLAN:
        version = uow.plans.get_version(env, package.id, number)
        assert version is not None, "the version was just published"
        for subscription in uow.subscriptions.live_on_plan(env, package.id, at):
            if subscription.plan_version != number:
                moved = _moved(uow, subscription, version, {}, at, blocking=True)
                uow.subscriptions.update(moved)
                _migrated_event(uow, subscription, moved, at)
        return
    addon = uow.addons.get_version(env, package.id, number)
    assert addon is not None, "the version was just published"
    for subscription in uow.subscriptions.live_with_addon(env, package.id, at):
        held = next(a for a in subscription.addons if a.addon_id == package.id)
        if held.version_number != number:
            plan = _plan_version(uow, subscription)
            moved = _moved(uow, subscription, plan, {package.id: addon}, at, blocking=True)
            uow.subscriptions.update(moved)
            _migrated_event(uow, subscription, moved, at)


def plan_chain(uow: UnitOfWork, version: PlanVersion) -> tuple[PlanVersion, ...]:
    """The plan version and its ancestors' latest published versions, ancestors first."""
    chain = [version]
    seen = {version.plan_id}
    parent = version.parent_plan_id
    while parent is not None and parent not in seen and len(chain) < MAX_GRAPH_WALK:
        found = uow.plans.latest_published(version.environment_id, parent)
        if found is None:
            break
        chain.append(found)
        seen.add(parent)
        parent = found.parent_plan_id
    return tuple(reversed(chain))


# --- helpers --------------------------------------------------------------------------------


class _Versions:
    """Plan and add-on versions read once per request."""

    def __init__(self, uow: UnitOfWork, environment_id: str) -> None:
        self._uow = uow
        self._env = environment_id
        self._plans: dict[tuple[str, int], PlanVersion | None] = {}
        self._addons: dict[tuple[str, int], AddonVersion | None] = {}

    def plan(self, plan_id: str, number: int) -> PlanVersion | None:
        key = (plan_id, number)
        if key not in self._plans:
            self._plans[key] = self._uow.plans.get_version(self._env, plan_id, number)
        return self._plans[key]

    def addon(self, addon_id: str, number: int) -> AddonVersion | None:
        key = (addon_id, number)
        if key not in self._addons:
            self._addons[key] = self._uow.addons.get_version(self._env, addon_id, number)
        return self._addons[key]


def _view(
    uow: UnitOfWork,
    subscription: Subscription,
    at: datetime,
    versions: _Versions | None = None,
    holders: Mapping[str, str] | None = None,
) -> SubscriptionView:
    """`holders`: the contract of each subscription that has one, when already read."""
    versions = versions or _Versions(uow, subscription.environment_id)
    if holders is None:
        holders = uow.contracts.holding(subscription.environment_id, [subscription.id])
    plan = versions.plan(subscription.plan_id, subscription.plan_version)
    addon_versions = {}
    for held in subscription.addons:
        found = versions.addon(held.addon_id, held.version_number)
        if found is not None:
            addon_versions[held.addon_id] = found
    prices: tuple[EffectivePrice, ...] = ()
    if plan is not None:
        prices = effective_prices(
            plan,
            subscription.addons,
            addon_versions,
            subscription.price_overrides,
            subscription.billing_period,
            subscription.currency,
            subscription.billing_country_code,
        )
    return SubscriptionView(subscription, at, prices, holders.get(subscription.id))


def _load(
    uow: UnitOfWork, caller: Principal, subscription_id: str, for_update: bool = False
) -> Subscription:
    found = uow.subscriptions.get(caller.environment_id, subscription_id, for_update)
    if found is None:
        raise EntityNotFound("Subscription", subscription_id)
    return found


def _plan_version(uow: UnitOfWork, subscription: Subscription) -> PlanVersion:
    version = uow.plans.get_version(
        subscription.environment_id, subscription.plan_id, subscription.plan_version
    )
    assert version is not None, "a subscription's plan version is never deleted"
    return version


def _still_running(subscription: Subscription, at: datetime) -> None:
    if subscription.ended(at):
        raise InvalidArgument.single(
            "id",
            f"subscription '{subscription.id}' has ended "
            f"({subscription.status(at).value}) and cannot change",
            "subscription_ended",
        )


def _build(
    uow: UnitOfWork,
    caller: Principal,
    new: NewSubscription,
    subscription_id: str,
    now: datetime,
    require_values: bool = True,
) -> Subscription:
    """The subscription `new` asks for, or InvalidArgument naming every problem."""
    env = caller.environment_id
    # Locked: a concurrent provision for the customer waits, then sees this one.
    customer = uow.customers.get(env, new.customer_id, for_update=True)
    if customer is None:
        raise EntityNotFound("Customer", new.customer_id)
    plan = uow.plans.get(env, new.plan_id)
    if plan is None:
        raise EntityNotFound("Plan", new.plan_id)
    problems = []
    if customer.archived:
        message = f"customer '{customer.id}' is archived"
        problems.append(FieldProblem("customerId", message, "archived"))
    if plan.archived_at is not None:
        problems.append(FieldProblem("planId", f"plan '{plan.id}' is archived", "archived"))
    version = uow.plans.latest_published(env, plan.id)
    if version is None and plan.archived_at is None:
        message = (
            f"plan '{plan.id}' has no published version (only a draft): publish it first "
            f"(POST /api/v1/plans/{plan.id}/publish)"
        )
        problems.append(FieldProblem("planId", message, "plan_not_published"))
    if problems or version is None:
        raise InvalidArgument(problems)
    code, problems = _currency(customer.billing_currency, new.terms)
    catalog = _catalog(uow, version, new.terms, (), code)
    catalog = replace(catalog, billing_country_code=new.billing_country_code)
    resolved, found = resolve_terms(catalog, new.terms, now, require_values)
    problems += found
    start = new.start_at or now
    trial, found = trial_for(start, new.trial, version.default_trial_config)
    problems += found
    if new.cancellation_at is not None and new.cancellation_at <= start:
        message = "must be after the subscription's start"
        problems.append(FieldProblem("cancellationDate", message, "out_of_range"))
    if new.invoice_days_until_due is not None and new.invoice_days_until_due < 0:
        path = "billingInformation.invoiceDaysUntilDue"
        problems.append(FieldProblem(path, "must be 0 or more", "out_of_range"))
    if problems or resolved is None:
        raise InvalidArgument(problems)
    pricing = version.pricing_type or PricingType.FREE
    charge = new.payment_collection_method is PaymentCollectionMethod.CHARGE
    subscription = Subscription(
        id=subscription_id,
        environment_id=env,
        customer_id=customer.id,
        plan_id=plan.id,
        plan_version=version.version_number,
        product_id=plan.product_id,
        pricing_type=pricing,
        billing_period=resolved.billing_period,
        currency=catalog.currency,
        payment_collection_method=new.payment_collection_method,
        start_at=start,
        created_at=now,
        updated_at=now,
        metadata=dict(new.metadata or {}),
        billing_id=new.billing_id,
        billing_country_code=new.billing_country_code,
        invoice_days_until_due=new.invoice_days_until_due,
        trial_end_at=None if trial is None else trial.end_at,
        trial_end_behavior=None if trial is None else trial.end_behavior,
        payment_required=charge and pricing is PricingType.PAID and trial is None,
        end_at=new.cancellation_at,
        cancel_reason=None if new.cancellation_at is None else CancelReason.SCHEDULED_CANCELLATION,
        canceled_at=None if new.cancellation_at is None else now,
    )
    return _with_terms(subscription, resolved, version, now)


def _currency(billing_currency: str | None, terms: Terms) -> tuple[str, list[FieldProblem]]:
    """The subscription's currency: the customer's billing currency, else usd (a price
    override naming another currency is refused); override currencies must be ISO 4217."""
    problems = []
    for index, override in enumerate(terms.price_overrides):
        if override.currency is None:
            continue
        try:
            currency(override.currency)
        except UnknownCurrency as error:
            problems.append(
                FieldProblem(
                    f"priceOverrides[{index}].currency",
                    error.problems[0].message,
                    "unknown_currency",
                )
            )
    return (billing_currency or DEFAULT_CURRENCY).lower(), problems


def _catalog(
    uow: UnitOfWork,
    version: PlanVersion,
    terms: Terms,
    held: Sequence[SubscriptionAddon],
    code: str,
    latest: bool = True,
    pinned: Mapping[str, AddonVersion] | None = None,
) -> Catalog:
    """What `terms` name: the plan chain, features, and add-ons (an add-on held keeps its
    version unless `pinned` names another; others come at their latest published version)."""
    env = version.environment_id
    chain = plan_chain(uow, version)
    feature_ids = {s.feature_id for s in terms.entitlements} | set(plan_entitlements(chain))
    features: dict[str, Feature] = {}
    for feature_id in sorted(feature_ids):
        feature = uow.features.get(env, feature_id)
        if feature is not None:
            features[feature_id] = feature
    versions = {a.addon_id: a.version_number for a in held}
    options: dict[str, AddonOption] = {}
    for addon_id in _unique([a for a, _ in terms.addons] + list(versions)):
        package = uow.addons.get(env, addon_id)
        if package is None:
            options[addon_id] = AddonOption(addon_id, exists=False)
            continue
        if pinned is not None and addon_id in pinned:
            found: AddonVersion | None = pinned[addon_id]
        elif addon_id in versions and not latest:
            found = uow.addons.get_version(env, addon_id, versions[addon_id])
        else:
            found = uow.addons.latest_published(env, addon_id)
        options[addon_id] = AddonOption(
            addon_id,
            exists=True,
            archived=package.archived_at is not None,
            version=found,
            held=addon_id in versions,
        )
    return Catalog(plan_chain=chain, features=features, addons=options, currency=code)


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def _with_terms(
    subscription: Subscription, resolved: ResolvedTerms, version: PlanVersion, now: datetime
) -> Subscription:
    return replace(
        subscription,
        plan_version=version.version_number,
        pricing_type=version.pricing_type or PricingType.FREE,
        billing_period=resolved.billing_period,
        addons=resolved.addons,
        entitlements=resolved.entitlements,
        price_overrides=resolved.price_overrides,
        unit_quantities=resolved.unit_quantities,
        updated_at=now,
    )


def _changed_terms(
    current: Subscription, version: PlanVersion, changes: Mapping[str, Any]
) -> Terms:
    terms = terms_of(current)
    if "charges" in changes:
        merged = {c.charge_id: c for c in terms.charges}
        for request in changes["charges"]:
            merged[charge_key(version, request.charge_id)] = request
        terms = replace(terms, charges=tuple(merged.values()))
    plain = ("addons", "entitlements", "price_overrides", "billing_period")
    return replace(terms, **{k: changes[k] for k in plain if k in changes})


def _dated_changes(
    current: Subscription, changes: Mapping[str, Any], now: datetime
) -> tuple[Subscription, list[FieldProblem]]:
    """The trial end and the scheduled cancellation, changed."""
    updated = current
    problems = []
    if "trial_end_at" in changes:
        end: datetime = changes["trial_end_at"]
        if current.trial_end_at is None or current.trial_end_at <= now:
            message = f"subscription '{current.id}' is not in a trial"
            problems.append(FieldProblem("trialEndDate", message, "not_in_trial"))
        elif end <= current.start_at or end < now:
            message = "must be after the subscription's start and not in the past"
            problems.append(FieldProblem("trialEndDate", message, "out_of_range"))
        else:
            updated = replace(updated, trial_end_at=end)
    if "cancellation_at" in changes:
        date: datetime | None = changes["cancellation_at"]
        if current.cancel_reason is CancelReason.UPGRADE_OR_DOWNGRADE:
            message = "the subscription ends because a newer one to its product replaces it"
            problems.append(FieldProblem("cancellationDate", message, "replaced"))
        elif date is None:
            if current.end_at is not None:
                updated = replace(updated, end_at=None, cancel_reason=None, canceled_at=None)
        elif date <= current.start_at or date < now:
            message = "must be after the subscription's start and not in the past"
            problems.append(FieldProblem("cancellationDate", message, "out_of_range"))
        else:
            reason = CancelReason.SCHEDULED_CANCELLATION
            updated = replace(updated, end_at=date, cancel_reason=reason, canceled_at=now)
    return updated, problems


def _moved(
    uow: UnitOfWork,
    subscription: Subscription,
    version: PlanVersion,
    pinned: Mapping[str, AddonVersion],
    at: datetime,
    blocking: bool = False,
) -> Subscription:
    """The subscription on another plan version (and the `pinned` add-on versions), or
    InvalidArgument: named by the subscription's fields, or for a publish (`blocking`) by
    `migrationType`, naming the subscription that cannot move."""
    catalog = _catalog(
        uow,
        version,
        terms_of(subscription),
        subscription.addons,
        subscription.currency,
        latest=False,
        pinned=pinned,
    )
    catalog = replace(catalog, billing_country_code=subscription.billing_country_code)
    resolved, problems = resolve_terms(catalog, migration_terms(subscription, catalog), at)
    if problems or resolved is None:
        if blocking:
            problems = [
                FieldProblem(
                    "migrationType",
                    f"subscription '{subscription.id}' cannot move to {version.plan_id} version "
                    f"{version.version_number}: {p.field}: {p.message}",
                    "migration_blocked",
                )
                for p in problems
            ]
        raise InvalidArgument(problems)
    return _with_terms(subscription, resolved, version, at)


def _migrated_event(
    uow: UnitOfWork, before: Subscription, after: Subscription, at: datetime
) -> None:
    record_event(
        uow,
        after.environment_id,
        "subscription.migrated",
        {
            "id": after.id,
            "planId": after.plan_id,
            "fromVersionNumber": before.plan_version,
            "versionNumber": after.plan_version,
            "addons": [{"id": a.addon_id, "versionNumber": a.version_number} for a in after.addons],
        },
        at,
    )


def _replace_others(uow: UnitOfWork, subscription: Subscription, at: datetime) -> None:
    """A product without multiple subscriptions: the customer's other live subscription to it
    ends when this one starts."""
    env = subscription.environment_id
    product = uow.products.get(env, subscription.product_id)
    if product is None or product.multiple_subscriptions:
        return
    for other in uow.subscriptions.for_customer(env, subscription.customer_id):
        if other.id == subscription.id or other.product_id != subscription.product_id:
            continue
        ends = other.ends_at
        if ends is not None and ends <= subscription.start_at:
            continue
        ended = replaced(other, subscription.start_at, at)
        uow.subscriptions.update(ended)
        record_event(
            uow,
            env,
            "subscription.canceled",
            {
                "id": other.id,
                "reason": _reason(ended),
                "effectiveEndDate": _iso(ended.ends_at),
                "replacedBy": subscription.id,
            },
            at,
        )


def _reason(subscription: Subscription) -> str | None:
    reason = subscription.end_reason
    return None if reason is None else reason.value


def _iso(instant: datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


__all__ = [
    "CHANGES",
    "NewSubscription",
    "Preview",
    "SubscriptionService",
    "SubscriptionView",
    "follow_publish",
    "plan_chain",
]


def provision_in(
    uow: UnitOfWork, caller: Principal, new: NewSubscription, now: datetime
) -> SubscriptionView:
    """Provision inside the caller's unit of work, as `SubscriptionService.provision` does, for
    a use case that creates subscriptions together with something else (a contract, all or
    nothing). The caller commits, and tells the entitlement cache about the customer."""
    if new.id is not None:
        problems = validate_id(new.id)
        if "/" in new.id or new.id in (".", ".."):
            problems.append(FieldProblem("id", "must not contain '/' or be '.' or '..'", "invalid"))
        if problems:
            raise InvalidArgument(problems)
    env = caller.environment_id
    if new.id is not None and uow.subscriptions.get(env, new.id) is not None:
        raise DuplicatedEntityNotAllowed("Subscription", new.id)
    subscription = _build(uow, caller, new, new.id or new_id("sub", now), now)
    uow.subscriptions.add(subscription)
    record_event(
        uow,
        env,
        "subscription.created",
        {
            "id": subscription.id,
            "customerId": subscription.customer_id,
            "planId": subscription.plan_id,
            "versionNumber": subscription.plan_version,
            "status": subscription.status(now).value,
        },
        now,
    )
    if not subscription.awaiting_payment:
        _replace_others(uow, subscription, now)
    return _view(uow, subscription, now)


def view_in(uow: UnitOfWork, subscription: Subscription, at: datetime) -> SubscriptionView:
    """The subscription with its prices, read inside the caller's unit of work."""
    return _view(uow, subscription, at)
