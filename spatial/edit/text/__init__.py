"""Text edits: one sentence -> one ordinary edit op (data, recorded in the history, undoable).

``spatial.edit_text(world, "put three barrels next to the cart", at=(x, y, z), facing=yaw_deg)``
reads the sentence (:mod:`.parse`), works out the op against the world (:mod:`.plan`) and applies it.
A sentence it cannot do changes nothing and gets a one-line answer saying what was understood and
what could not be done. See docs/edits.md ("Text edits").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .parse import Intent, parse_sentence
from .plan import Refusal, plan

MAX_SENTENCE_CHARS = 400


@dataclass
class TextPlan:
    """What a sentence means for a world: ``op`` (None when refused) and a one-line ``answer``."""

    sentence: str
    intent: Intent
    op: dict | None
    answer: str
    ok: bool

    def to_dict(self) -> dict:
        return {"sentence": self.sentence, "ok": self.ok, "answer": self.answer, "op": self.op, "understood": self.intent.to_dict()}


@dataclass
class TextEditResult:
    """:func:`edit_text`'s result: the new world (the input when refused), the op, the delta and the answer."""

    world: Any
    plan: TextPlan
    delta: Any = None
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.plan.ok

    @property
    def answer(self) -> str:
        return self.plan.answer

    @property
    def op(self) -> dict | None:
        return self.plan.op


def _understood(it: Intent) -> str:
    bits = [it.action if it.action != "unknown" else "an edit I could not classify"]
    if it.count:
        bits.append(str(it.count))
    if it.noun:
        bits.append(it.noun if it.action != "unknown" else f"about '{it.noun}'")
    if it.relation:
        bits.append(it.relation.replace("_", " ") + (f" {it.target}" if it.target else ""))
    return " ".join(bits)


def plan_text(state, sentence: str, at=None, facing=None) -> TextPlan:
    """Read ``sentence`` and work out its op against ``state`` (a :class:`~spatial.edit.WorldState`).
    Never raises for a sentence it cannot do: ``ok`` is False and ``answer`` says why."""
    from ..errors import EditError
    from ..schema import parse_op

    if not isinstance(sentence, str) or len(sentence) > MAX_SENTENCE_CHARS:
        it = Intent(problems=[f"the edit must be a sentence of at most {MAX_SENTENCE_CHARS} characters"])
        return TextPlan(str(sentence)[:80], it, None, f"Not done: {it.problems[0]}. Nothing changed.", False)
    it = parse_sentence(sentence)
    if it.action == "unknown" and not it.problems:
        it.problems.append("I did not find what to do (add, remove, make ... bigger/blue, more/fewer ..., make it night)")
    try:
        op, what = plan(state, it, at, facing)
        op["note"] = f"text: {sentence.strip()[:200]}"
        op = parse_op(op)
    except (Refusal, EditError) as e:
        return TextPlan(sentence, it, None, f"Understood: {_understood(it)}. Not done: {e}. Nothing changed.", False)
    return TextPlan(sentence, it, op, f"Done: {what}.", True)


def edit_text(world, sentence: str, at=None, facing=None, **ctx_kwargs) -> TextEditResult:
    """Apply one edit sentence to ``world`` (a :class:`spatial.World`); returns a :class:`TextEditResult`.

    ``at``: the viewer's feet position (x, y, z), default the spawn; ``facing``: the view's yaw in
    degrees (0 looks along -Z, positive turns left), default the spawn's. The input world is never
    modified; a refused sentence returns it unchanged with ``ok`` False.
    """
    from ..apply import EditResult  # noqa: F401  (same contract as apply_edit)
    from ..ops import EditContext, compute_delta
    from ..state import WorldState

    state = WorldState.from_world(world)
    tp = plan_text(state, sentence, at, facing)
    if not tp.ok:
        return TextEditResult(world, tp)
    from ..errors import EditError

    try:
        delta = compute_delta(state, tp.op, EditContext(**ctx_kwargs))
    except EditError as e:
        tp = TextPlan(sentence, tp.intent, None, f"Understood: {_understood(tp.intent)}. Not done: {e}. Nothing changed.", False)
        return TextEditResult(world, tp)
    return TextEditResult(delta.apply(state).to_world(preview=None), tp, delta)


__all__ = ["Intent", "TextEditResult", "TextPlan", "edit_text", "parse_sentence", "plan_text"]
