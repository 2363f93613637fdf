"""Reading a company from a database against reading it from its CSV files.

    .venv/bin/python -m benchmarks.sources --skus 10000

Not timed: the sample generator writes a company of `--skus` SKUs (48 months of history) as
CSV files, and `write_database_form` writes the same company into SQLite with a sources.yaml.
Timed, each `--repeat` times in this process, the best kept: checking the company
(`check_company`: reading, typing and every rule) from the CSV folder, from the SQLite folder,
and from the SQLite folder while writing the snapshot a run keeps. Printed: seconds and the
ratio of each to the CSV read, with the 1-minute load average before the first measurement.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sop_lib.data.database import write_database_form
from sop_lib.data.sample import write_sample
from sop_lib.data.validation import check_company


def best_seconds(repeat: int, read) -> float:
    """The shortest of `repeat` timings of `read()`, which must give a company."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        company, problems = read()
        times.append(time.perf_counter() - started)
        assert company is not None, [str(p) for p in problems if p.is_error][:3]
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as root:
        files = write_sample(Path(root) / "files", skus=args.skus)
        database = write_database_form(files, Path(root) / "database")
        size = (database / "sample.sqlite").stat().st_size
        print(f"{args.skus:,} SKUs; SQLite database {size / 1e6:.1f} MB; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        csv = best_seconds(args.repeat, lambda: check_company(files))
        timings = {
            "CSV files": csv,
            "SQLite (sources.yaml)": best_seconds(args.repeat, lambda: check_company(database)),
            "SQLite, with the snapshot": best_seconds(args.repeat, lambda: check_company(
                database, snapshot=Path(tempfile.mkdtemp(dir=root)))),
        }
    print("| read from | seconds | against CSV |\n| --- | ---: | ---: |")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.2f} | {seconds / csv:.2f}x |")


if __name__ == "__main__":
    main()
