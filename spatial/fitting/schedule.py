"""The densification schedule both strategies share: the 30,000-step schedules of 3DGS and gsplat's MCMC
compressed to a shorter run, and where a run stands on it."""

from __future__ import annotations

#: the run length the published schedules are laid out for
REFERENCE_STEPS = 30_000


def compressed_schedule(steps: int, stop_fraction: float) -> dict:
    """``refine_start``/``refine_stop``/``refine_every``/``schedule_steps`` for a ``steps``-long run: the
    reference schedule (start 500, every 100, stop at ``stop_fraction`` of the run) scaled by
    ``steps / 30,000`` (identical at 30,000 steps; start >= 50, every 25..100)."""
    f = min(1.0, steps / REFERENCE_STEPS)
    return dict(
        refine_start=max(50, int(500 * f)),
        refine_stop=int(steps * stop_fraction),
        refine_every=max(25, min(100, int(round(100 * max(f, 0.25))))),
        schedule_steps=int(steps),
    )


def schedule_position(step: int, progress: float | None, schedule_steps: int) -> float:
    """Where a run stands on a step schedule laid out for ``schedule_steps``: the step itself, or
    further when ``progress`` (time-based under ``max_seconds``) says more of the run has passed."""
    if progress is None:
        return step
    return max(float(step), float(progress) * schedule_steps)
