"""Imports every module that declares kinds (the registry imports this once, at its end)."""

from . import legacy  # noqa: F401
from . import arch_castle  # noqa: F401
from . import arch_asian  # noqa: F401
from . import arch_rural  # noqa: F401
from . import nature_trees  # noqa: F401
from . import nature_flowers  # noqa: F401
from . import nature_terrain  # noqa: F401
from . import vehicles  # noqa: F401
from . import urban_street  # noqa: F401
from . import urban_transit  # noqa: F401
from . import interior_kitchen_bath  # noqa: F401
from . import interior_living  # noqa: F401
from . import interior_public  # noqa: F401
from . import props  # noqa: F401
from . import nature_animals  # noqa: F401
