"""The functional edit API: ``apply_edit(world, op) -> EditResult(world, delta)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .delta import Delta
from .ops import EditContext, compute_delta
from .schema import parse_op, parse_ops
from .state import WorldState


@dataclass
class EditResult:
    """The edited world and what changed (``delta.summary()`` for a compact description)."""

    world: Any  # spatial.World
    delta: Delta
    op: dict  # the normalized op


def apply_edit(world, op, ctx: EditContext | None = None, **ctx_kwargs) -> EditResult:
    """Apply one edit op (a dict or JSON string, see docs/edits.md) to ``world``.

    Returns a new World (the input is never modified; unchanged arrays are copied, not shared) and
    the compact :class:`~spatial.edit.delta.Delta`. Bad ops raise :class:`~spatial.edit.errors.EditError`
    subclasses (all :class:`spatial.ValidationError`). ``ctx_kwargs`` build an :class:`EditContext`
    (``asset_roots=[...]``, ``resolve_world=...``, ``limits=...``).
    """
    ctx = ctx or EditContext(**ctx_kwargs)
    norm = parse_op(op)
    state = WorldState.from_world(world)
    delta = compute_delta(state, norm, ctx)
    new_state = delta.apply(state)
    return EditResult(new_state.to_world(preview=None), delta, norm)


def apply_edits(world, ops, ctx: EditContext | None = None, **ctx_kwargs) -> tuple[Any, list[Delta]]:
    """Apply a list of ops in order (all validated first); returns (world, deltas)."""
    ctx = ctx or EditContext(**ctx_kwargs)
    norm = parse_ops(ops)
    state = WorldState.from_world(world)
    deltas = []
    for op in norm:
        d = compute_delta(state, op, ctx)
        state = d.apply(state)
        deltas.append(d)
    return state.to_world(preview=None), deltas
