"""The package's layers, bottom to top, stated once; docs/architecture.md draws the same.

A package may import packages of lower layers only: never one above it, never a neighbour
in its own layer (so no two packages import each other). Every import is read from the
source (ast), lazy ones inside functions included, and a test fails naming the offending
file, line and import.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "interpreter_register"

LAYERS = (
    ("config", "extensions"),                # settings and the unbound Flask extensions
    ("core",),                               # what every area shares; no domain in it
    ("auth",),                               # identity and logging in
    ("organisations",),                      # requesting organisations, services
    ("register",),                           # people, languages, certificates, tracks
    ("bookings",),                           # requests, offers, bookings; matching inside
    ("calendar",),                           # iCalendar events and feeds
    ("notifications", "sheets"),             # mails about requests and bookings;
                                             # completion sheets after the work
    # tariffs and invoices; messages and documents on requests; feedback, complaints,
    # renewals
    ("billing", "collaboration", "quality"),
    # the areas built on all of the above; api: the systems of organisations and services;
    # webhooks: telling those systems what happened (beside api: neither needs the other)
    ("jobs", "reports", "users", "home", "api", "webhooks"),
    ("demo",),                               # the demo world, through the services
    ("cli",),                                # flask commands
    ("__init__",),                           # create_app: wires it all together
)
LAYER_OF = {name: level for level, names in enumerate(LAYERS) for name in names}


def _area(path: Path) -> str:
    """The layer unit of a module: its top-level package or module under the package."""
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def _imported_areas(module: Path, source: str):
    """(line, area imported, the import as written) for every import of the package's own
    modules in a file; ``module`` is its path inside the package."""
    package = list(module.parent.parts)     # where "from . import" starts
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if not (node.module or "").startswith("interpreter_register."):
                    continue
                target = node.module.split(".")[1:]
            else:
                base = package[:len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module
                                   else [node.names[0].name])]
            yield node.lineno, target[0], ast.unparse(node)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("interpreter_register."):
                    yield node.lineno, alias.name.split(".")[1], ast.unparse(node)


def _violations():
    for path in sorted(PACKAGE.rglob("*.py")):
        area = _area(path)
        if area not in LAYER_OF:
            yield f"{path.relative_to(PACKAGE.parent)}: '{area}' is in no layer"
            continue
        module = path.relative_to(PACKAGE)
        for line, imported, text in _imported_areas(module, path.read_text()):
            if imported == area or imported not in LAYER_OF:
                continue
            if LAYER_OF[imported] >= LAYER_OF[area]:
                where = "above" if LAYER_OF[imported] > LAYER_OF[area] else "beside"
                yield (f"{path.relative_to(PACKAGE.parent)}:{line}: {area} imports {imported}, "
                       f"which is {where} it: {text}")


def test_every_area_imports_only_the_layers_below_it():
    found = list(_violations())
    assert not found, "\n".join(found)


def test_every_area_of_the_package_has_a_layer():
    areas = {_area(p) for p in PACKAGE.rglob("*.py")}
    assert areas <= set(LAYER_OF), areas - set(LAYER_OF)
    assert set(LAYER_OF) - {"__init__"} <= areas | {"__init__"}, "a layer names a lost area"


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("register/views/people.py", "from ...bookings.models import Booking", "bookings"),
    ("register/views/people.py", "from ..services import people", "register"),
    ("bookings/services/booking.py", "from ...core.time import utcnow", "core"),
    ("register/views/__init__.py", "from . import people", "register"),
    ("cli.py", "from . import config", "config"),
    ("cli.py", "from .calendar import events", "calendar"),
    ("home/views.py", "import interpreter_register.jobs.tasks", "jobs"),
])
def test_the_reader_of_imports_resolves_relative_ones(module, source, expected):
    """The walk itself is right: relative imports resolve to the area they name."""
    [(line, area, _text)] = list(_imported_areas(Path(module), source))
    assert (line, area) == (1, expected)
