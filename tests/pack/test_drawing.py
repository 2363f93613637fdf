"""Charts to PNG: one draw gives what savefig gave, pixel for pixel; a run draws the same chart
of the same inputs once, and only the same chart of the same inputs."""
import base64
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from sop_lib.pack import charts, drawing
from sop_lib.pack import display as shown
from tests.pack.test_charts import balance_summary, every_chart

matplotlib.use("Agg")
PNG = drawing.png


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def pixels(image: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(image)))


@pytest.mark.parametrize("name", sorted(every_chart()))
def test_one_draw_gives_the_pixels_savefig_gave(name):
    make = every_chart()[name]
    saved = io.BytesIO()
    make().savefig(saved, format="png", dpi=drawing.DPI)
    assert np.array_equal(pixels(drawing.png(make())), pixels(saved.getvalue()))


def test_the_same_chart_of_the_same_inputs_is_drawn_once_per_run(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(drawing, "png", lambda fig: drawn.append(fig) or PNG(fig))
    out = []
    monkeypatch.setattr(shown, "display", out.append)
    monkeypatch.setenv(drawing.CACHE_VARIABLE, str(tmp_path))
    summary = balance_summary()
    changed = summary.assign(supply=summary["supply"].where(summary.index != 1, 700.0))
    for frame in (summary, summary.copy(), changed):
        shown.figure(charts.demand_vs_supply(frame))
    assert len(drawn) == 2 and len(list(tmp_path.glob("*.png"))) == 2
    first, again, other = (o.data for o in out)
    assert first == again != other
    embedded = base64.b64decode(first.split('"')[1].removeprefix("data:image/png;base64,"))
    assert np.array_equal(pixels(embedded), pixels(PNG(charts.demand_vs_supply(summary))))


def test_without_the_runs_folder_every_chart_is_drawn(monkeypatch):
    monkeypatch.delenv(drawing.CACHE_VARIABLE, raising=False)
    drawn = []
    monkeypatch.setattr(drawing, "png", lambda fig: drawn.append(fig) or PNG(fig))
    for _ in range(2):
        drawing.data_uri(charts.demand_vs_supply(balance_summary()))
    assert len(drawn) == 2


def test_a_content_key_covers_values_types_and_names():
    frame = pd.DataFrame({"units": [1.0, 2.0]})
    keys = {drawing.content_key("chart", frame),
            drawing.content_key("chart", frame.astype("float32")),
            drawing.content_key("chart", frame.rename(columns={"units": "hours"})),
            drawing.content_key("chart", frame.set_axis([5, 6])),
            drawing.content_key("other", frame),
            drawing.content_key("chart", frame, "months", 12)}
    assert len(keys) == 6 and None not in keys
    assert drawing.content_key("chart", frame) == drawing.content_key("chart", frame.copy())
    assert drawing.content_key("chart", object()) is None
