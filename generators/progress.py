"""A progress bar for the training commands: tqdm's when it is installed, else a plain
one that prints a line every ``every`` steps (a bare GPU host may lack tqdm)."""

from __future__ import annotations

import time


class _PlainBar:
    def __init__(self, iterable, desc: str = "", disable: bool = False, every: int = 1000):
        self.iterable, self.desc, self.disable, self.every = iterable, desc, disable, every
        self.postfix = ""

    def __iter__(self):
        start = time.perf_counter()
        for i, item in enumerate(self.iterable):
            if not self.disable and i % self.every == 0:
                print(f"{self.desc}: step {i} ({time.perf_counter() - start:.0f} s) {self.postfix}")
            yield item

    def set_postfix(self, **values):
        self.postfix = " ".join(f"{k}={v}" for k, v in values.items())

    def write(self, line: str):
        print(line)


def bar(iterable, desc: str = "", disable: bool = False):
    """tqdm(iterable) when tqdm is installed, else a bar printing every 1,000 steps."""
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(iterable, desc, disable)
    return tqdm(iterable, desc=desc, disable=disable, mininterval=2)
