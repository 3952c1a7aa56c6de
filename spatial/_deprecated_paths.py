"""Import paths of the 0.1 packages that were renamed in 0.2, kept for one release with a DeprecationWarning.

In 0.1 ``spatial.render``, ``spatial.fit``, ``spatial.generate`` and ``spatial.export`` were both packages and
functions. In 0.2 the verbs are only functions and the packages are nouns (``spatial.rendering``,
``spatial.fitting``, ``spatial.generation``, ``spatial.exporting``). ``from spatial.render.api import render``
still works until 0.3: this finder answers the old module name with the new module (the same object, so
classes stay identical) and warns once per name.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings

#: old package -> new package
RENAMED = {
    "spatial.render": "spatial.rendering",
    "spatial.fit": "spatial.fitting",
    "spatial.generate": "spatial.generation",
    "spatial.export": "spatial.exporting",
}

#: the names on ``spatial`` that are functions and were packages in 0.1
VERBS = frozenset(old.rsplit(".", 1)[1] for old in RENAMED)


def new_name(fullname: str) -> str | None:
    """The 0.2 module name of a 0.1 module name, or None when ``fullname`` was not renamed."""
    for old, new in RENAMED.items():
        if fullname == old or fullname.startswith(old + "."):
            return new + fullname[len(old):]
    return None


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):  # the target module is already executed
        pass


class RenamedModuleFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        target_name = new_name(fullname)
        if target_name is None:
            return None
        warnings.warn(f"{fullname} was renamed {target_name} in spatial 0.2; the old path goes in 0.3",
                      DeprecationWarning, stacklevel=3)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name))


def install() -> None:
    if not any(isinstance(f, RenamedModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, RenamedModuleFinder())
