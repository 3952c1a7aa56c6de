"""The embedded, versioned world store (see docs/store.md).

* :class:`Store` - a folder of worlds (SQLite in WAL mode + content-addressed objects).
* :class:`WorldHandle` - one world: ``apply`` edits, ``undo``/``redo``, ``checkout``, ``tag``,
  ``history``, ``world()``, ``preview_png()``.
* Records: :class:`Version`, :class:`WorldInfo`, :class:`Commit`, :class:`CheckReport`.
* Errors: :class:`ConflictError`, :class:`StoreError`, :class:`WorldNotFoundError`,
  :class:`StoreCorruptError`, :class:`ImportTooLargeError`, :class:`InvalidNameError`.
"""

from .errors import (ConflictError, ImportTooLargeError, InvalidNameError, StoreCorruptError, StoreError,
                     WorldNotFoundError)
from .handle import WorldHandle
from .paths import default_store_dir
from .records import CheckReport, Commit, Event, Version, WorldInfo
from .store import Store

__all__ = [
    "CheckReport", "Commit", "ConflictError", "Event", "ImportTooLargeError", "InvalidNameError", "Store",
    "StoreCorruptError", "StoreError", "Version", "WorldHandle", "WorldInfo", "WorldNotFoundError", "default_store_dir",
]
