"""What crosses from the control plane into a collectivity goes through these registries.

Tenant apps fill them in their AppConfig.ready(); provisioning and billing call them inside the
collectivity's schema, without importing any tenant app. Every callable must be idempotent.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Registry:
    entries: dict[str, Any] = field(default_factory=dict)

    def register(self, name: str, entry: Any) -> None:
        self.entries.setdefault(name, entry)

    def items(self):
        return list(self.entries.items())


@dataclass
class SeedRegistry(Registry):
    def run(self, **context) -> None:
        for _name, seeder in self.items():
            seeder(**context)


@dataclass(frozen=True)
class UsageCounter:
    label: Any
    count: Callable[[], int]


@dataclass(frozen=True)
class TemplatePart:
    """Configuration a collectivity template carries (never citizens' data)."""

    export: Callable[[], Any]  # returns JSON-serialisable data, in the source collectivity's schema
    apply: Callable[[Any], None]  # applies it, in the new collectivity's schema


# Run for every new collectivity, in its schema, with `collectivity`: defaults a city needs.
city_seeders = SeedRegistry()
# Run for every demo collectivity, in its schema, with `collectivity` and `accounts` (role → User).
demo_seeders = SeedRegistry()
# Counted in each collectivity's schema for the console and billing: name → UsageCounter.
usage_counters = Registry()
# Saved into and applied from collectivity templates: name → TemplatePart.
template_parts = Registry()
