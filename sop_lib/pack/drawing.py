"""Charts to PNG: drawn in one pass, and drawn once per run when a page repeats a chart.

Drawing is most of what a chart costs (layout, text, rasterising). `png` draws a figure once
with its layout engine (savefig lays a figure out in a pass of its own, then draws it again).
A chart function marked `keyed` gives its figures a key of the chart and its inputs; in a
kernel that `sop run` started, CACHE_VARIABLE names the run's chart folder, and a chart whose
key is there already (the executive page repeats two pre-S&OP charts) is not drawn again.
The folder lives in the run's staging folder and goes with it: nothing is kept between runs.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
from pathlib import Path

import matplotlib.image
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

DPI = 90  # the pack's resolution: a point stays a point on screen and paper
CACHE_VARIABLE = "SOP_CHART_CACHE"


def png(fig) -> bytes:
    """The figure as PNG at DPI: one draw, its layout engine run in it (what `savefig` gives,
    pixel for pixel, without savefig's extra pass that only lays the figure out)."""
    fig.set_dpi(DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    matplotlib.image.imsave(buffer, canvas.buffer_rgba(), format="png", origin="upper", dpi=DPI)
    return buffer.getvalue()


def data_uri(fig) -> str:
    """The figure as a data: URI of its PNG, drawn or, when the run drew the same chart of the
    same inputs already, read from the run's chart folder."""
    folder, key = os.environ.get(CACHE_VARIABLE), getattr(fig, "content_key", None)
    if not (folder and key):
        return _uri(png(fig))
    drawn = Path(folder) / f"{key}.png"
    if not drawn.exists():
        partial = drawn.with_suffix(f".{os.getpid()}.partial")  # written in one rename
        partial.write_bytes(png(fig))
        os.replace(partial, drawn)
    return _uri(drawn.read_bytes())


def _uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def keyed(chart):
    """A chart function whose figures carry `content_key`, the key of the chart and its inputs:
    the same chart of the same inputs is the same image."""
    @functools.wraps(chart)
    def keyed_chart(*args, **kwargs):
        fig = chart(*args, **kwargs)
        named = [part for item in sorted(kwargs.items()) for part in item]
        fig.content_key = content_key(chart.__qualname__, *args, *named)
        return fig
    return keyed_chart


def content_key(*values) -> str | None:
    """A hash of the values (frames by their index, columns, types and content; text, numbers
    and None by repr), or None when a value is of another kind."""
    digest = hashlib.sha256()
    for value in values:
        if isinstance(value, pd.DataFrame | pd.Series):
            frame = value.to_frame() if isinstance(value, pd.Series) else value
            digest.update(repr((frame.columns.tolist(), frame.dtypes.tolist())).encode())
            digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        elif value is None or isinstance(value, str | int | float | bool):
            digest.update(repr(value).encode())
        else:
            return None
    return digest.hexdigest()
