"""Packages that are also the function they are named after (``spatial.render``, ``spatial.fit``).

``spatial.render`` names both a subpackage and the function :func:`spatial.render.render`; importing any
submodule binds the *package* to the attribute, replacing the lazily exported function. Making the
package callable keeps ``spatial.render(splats, cameras)`` working whichever import order happened.
"""

from __future__ import annotations

import sys
import types
from typing import Callable


def make_package_callable(module_name: str, fn: Callable) -> None:
    """Calling the module ``module_name`` calls ``fn`` with the same arguments."""

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return fn(*args, **kwargs)

    _CallableModule.__doc__ = f"Module {module_name}; calling it calls {fn.__qualname__}."
    sys.modules[module_name].__class__ = _CallableModule
