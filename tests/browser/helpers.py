"""What the browser stories share: the demo data they walk, with one password for every demo account."""

from collections.abc import Callable

from lawgov.services import demo_seed
from plans.demo import seed_app as seed_plans

PASSWORD = "demo-pass-1234"


def seed_demo(*seeders: Callable[..., None]) -> None:
    """The demo accounts and plans, then each further app's demo data (``seed_app`` of tasks, assessment…)."""
    demo_seed(password=PASSWORD)
    for seed in (seed_plans, *seeders):
        seed(log=lambda _: None)
