"""A progress bar over the named stages of a pipeline (generate, image -> world): tqdm when asked (the
CLI), silent otherwise."""

from __future__ import annotations


class StageProgress:
    def __init__(self, enabled: bool, total: int, desc: str):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="stage", leave=False)

    def step(self, name: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(name)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
