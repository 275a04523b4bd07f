"""Worker processes for batch work (every plan exported, a folder of logs imported): how many, and how they start."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from contextlib import contextmanager
from typing import Iterator

from .errors import PhysioError


def worker_count(workers: int | None, error: type[PhysioError]) -> int:
    """`workers` as asked (at least 1), or one per core when not given."""
    if workers is None:
        return os.cpu_count() or 1
    if workers < 1:
        raise error(f"the number of workers must be at least 1 (got {workers}); "
                    f"this computer has {os.cpu_count() or 1} core(s)")
    return workers


def pool_context() -> multiprocessing.context.BaseContext:
    """Linux: workers forked from this process, so they start at once with the PDF, spreadsheet and reading code
    already loaded (they build or read from what they are handed; they touch no lock, thread or database connection
    of ours). Elsewhere: spawn, as Python advises there (a script calling a batch then needs the
    `if __name__ == "__main__":` guard)."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def objects_kept_out_of_workers_collections() -> Iterator[None]:
    """Start forked workers inside this: the objects this process holds then are left out of the workers' cycle
    collections (gc.freeze, as Python's documentation advises before a fork).

    Why: a worker inherits every object of the app or command that started it (libraries, plans, the workspace's
    caches); each full collection in a worker would walk them all again, and touching them copies their memory
    pages. The workers' own objects are collected as usual; this process's objects are unfrozen at once."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
