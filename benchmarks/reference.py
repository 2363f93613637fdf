"""statsforecast's Dynamic Optimized Theta on histories given in a .npz file, for
`benchmarks.accuracy`.

statsforecast requires pandas < 3 and the project runs on pandas 3, so `make bench` installs
it in a separate virtualenv (.venv-reference) and runs this file there:

    .venv-reference/bin/python benchmarks/reference.py IN.npz OUT.npz

IN holds `histories` (object array of 1-D arrays), `horizon` and `season`; OUT gets
`forecast` (series x horizon) and `seconds` (the second of two runs: the first compiles).
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import DynamicOptimizedTheta


def dotm(histories, horizon: int, season: int) -> tuple[np.ndarray, float]:
    frame = pd.concat([pd.DataFrame({"unique_id": k, "ds": np.arange(len(x)), "y": x})
                       for k, x in enumerate(histories)], ignore_index=True)
    for _ in range(2):
        started = time.perf_counter()
        model = StatsForecast(models=[DynamicOptimizedTheta(season_length=season)], freq=1,
                              n_jobs=1)
        result = model.forecast(df=frame, h=horizon)
        seconds = time.perf_counter() - started
    result = result.sort_values(["unique_id", "ds"])
    return result["DynamicOptimizedTheta"].to_numpy().reshape(len(histories), horizon), seconds


if __name__ == "__main__":
    given = np.load(sys.argv[1], allow_pickle=True)
    forecast, seconds = dotm(list(given["histories"]), int(given["horizon"]),
                             int(given["season"]))
    np.savez(sys.argv[2], forecast=forecast, seconds=seconds)
