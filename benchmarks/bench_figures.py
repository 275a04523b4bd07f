"""Print how long the exercise pictures take: drawing (first and cached) and each backend."""

from __future__ import annotations

import statistics
import time

import physio
from physio.figures import _CACHE, exercise_figure, exercise_frames, to_drawing, to_png, to_svg
from physio.figures.draw import _SCENES


def _ms(fn, n: int = 20) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    lib = physio.load_library()
    ids = list(lib.poses)
    t = time.perf_counter()
    _CACHE.clear()
    _SCENES.clear()
    figs = [exercise_figure(i, library=lib) for i in ids]
    first = (time.perf_counter() - t) * 1000 / len(ids)
    print(f"draw, first time:     {first:6.2f} ms per exercise ({len(ids)} exercises)")
    _SCENES.clear()  # each picture posed afresh, as the first time
    t = time.perf_counter()
    for i in ids:
        exercise_frames(i, library=lib)
    print(f"two frames, first:    {(time.perf_counter() - t) * 1000 / len(ids):6.2f} ms per exercise")
    print(f"draw, cached:         {_ms(lambda: exercise_figure('cat-camel', library=lib), 200):6.3f} ms")
    fig = figs[ids.index("board-traction-supine")]
    print(f"to_svg:               {_ms(lambda: to_svg(fig)):6.2f} ms")
    print(f"to_drawing:           {_ms(lambda: to_drawing(fig, 200, 120)):6.2f} ms")
    from physio.figures.backends import _render_png

    print(f"to_png (360 px):      {_ms(lambda: _render_png(fig, 360), 10):6.2f} ms (uncached; cached: "
          f"{_ms(lambda: to_png(fig), 50):.3f} ms)")


if __name__ == "__main__":
    main()
