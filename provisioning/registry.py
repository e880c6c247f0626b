"""What crosses from the control plane into a collectivity goes through these registries.

Tenant apps fill them in their AppConfig.ready(); provisioning calls them inside the new
collectivity's schema, without importing any tenant app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SeedRegistry:
    seeders: list[tuple[str, Callable[..., Any]]] = field(default_factory=list)

    def register(self, name: str, seeder: Callable[..., Any]) -> None:
        if name not in {existing for existing, _ in self.seeders}:
            self.seeders.append((name, seeder))

    def run(self, **context) -> None:
        for _name, seeder in self.seeders:
            seeder(**context)


# Run for every demo collectivity, in its schema, with `collectivity` and `accounts` (role → User).
demo_seeders = SeedRegistry()
