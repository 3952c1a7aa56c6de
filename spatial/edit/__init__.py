"""Edit operations as data.

* :func:`apply_edit` / :func:`apply_edits`: World in, new World + :class:`Delta` out.
* :func:`parse_op`: validate and normalize an op (JSON object, see docs/edits.md).
* :class:`WorldState`, :func:`compute_delta`: the array-level engine the store uses.
* Errors: :class:`EditError` and its subclasses (all :class:`spatial.ValidationError`).
"""

from .apply import EditResult, apply_edit, apply_edits
from .delta import Delta, MergeConflict
from .errors import EditError, EmptySelectionError, InsertTooLargeError, SelectionRangeError, UnknownOpError
from .ops import EditContext, Limits, compute_delta
from .pick import ray_pick
from .schema import OP_SCHEMA, parse_op, parse_ops, parse_selection
from .select import resolve_selection
from .state import WorldState

__all__ = [
    "Delta", "EditContext", "EditError", "EditResult", "EmptySelectionError", "InsertTooLargeError", "Limits",
    "MergeConflict", "OP_SCHEMA", "SelectionRangeError", "UnknownOpError", "WorldState", "apply_edit", "apply_edits",
    "compute_delta", "parse_op", "parse_ops", "parse_selection", "ray_pick", "resolve_selection",
]
