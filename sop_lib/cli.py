"""The `sop` command: validate a company folder, make a sample company, run the monthly cycle,
approve a cycle's pack, forecast any file, backfill the archive."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sop_lib.core.errors import ApprovedPackError, DataError, ParameterError, SopError
from sop_lib.core.months import to_month
from sop_lib.run.parameters import CELL_TIMEOUT
from sop_lib.store.lock import LockedError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_LOCKED = 0, 1, 2, 3


def _validate(args) -> int:
    from sop_lib.data.validation import check_company
    from sop_lib.presop.scenarios import check_scenarios
    from sop_lib.run.runner import REPORTS_DIR
    from sop_lib.store.pack_decisions import check_decision_files

    company, problems = check_company(args.folder, cycle=args.cycle or None)
    if company is not None:
        problems += check_scenarios(company, cycle=args.cycle or None)[1]
    problems += check_decision_files(args.folder, args.out or REPORTS_DIR)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{args.folder}: {errors} error(s), {warnings} warning(s)")
    return EXIT_BAD_INPUT if errors else EXIT_OK


def _sample(args) -> int:
    from sop_lib.data.sample import write_sample

    folder = write_sample(args.folder, seed=args.seed, skus=args.skus, months=args.months)
    print(f"Wrote a sample company to {folder}")
    return EXIT_OK


def _init(args) -> int:
    from sop_lib.run.workspace import README, make_workspace

    root = make_workspace(args.folder)
    print(f"Made a new workspace in {root}; what to do next is in {root / README}")
    return EXIT_OK


def _run(args) -> int:
    from sop_lib.run.runner import REPORTS_DIR, SAMPLE_DIR, run_cycle

    _use_executor(args)
    run_cycle(data_dir=args.data or SAMPLE_DIR, reports_dir=args.out or REPORTS_DIR,
              cycle=args.cycle or "", horizon=args.horizon, resume=args.resume,
              cell_timeout=args.cell_timeout, replace_approved=args.replace_approved)
    return EXIT_OK


def _approve(args) -> int:
    from sop_lib.run.approval import approve_cycle
    from sop_lib.run.runner import REPORTS_DIR, SAMPLE_DIR

    approve_cycle(data_dir=args.data or SAMPLE_DIR, reports_dir=args.out or REPORTS_DIR,
                  cycle=args.cycle)
    return EXIT_OK


def _forecast(args) -> int:
    from sop_lib.data.series_io import read_series, write_table
    from sop_lib.engine import forecast_frame

    _use_executor(args)
    series = read_series(args.input, id_col=args.id_col, time_col=args.time_col,
                         target_col=args.target_col)
    count = series["unique_id"].nunique()
    print(f"Forecasting {count:,} series, {args.horizon} months ahead ...", flush=True)
    started = time.perf_counter()
    result = forecast_frame(series, args.horizon, season_length=args.season_length,
                            measure=args.measure, quantiles=tuple(args.quantiles),
                            combine=not args.no_combine, progress=_show_progress)
    write_table(result.rename(columns={"unique_id": args.id_col, "ds": args.time_col}), args.out)
    print(f"Wrote {args.out} in {time.perf_counter() - started:.1f} s; methods chosen:")
    for method, number in result.groupby("method")["unique_id"].nunique().items():
        print(f"  {method}: {number:,} series")
    return EXIT_OK


def _show_progress(done: int, total: int) -> None:
    print(f"  {done:,} of {total:,} series ({done / total:.0%})", flush=True)


def _use_executor(args) -> None:
    """Hand --workers and --scheduler to the engine through the environment, which the
    notebooks' kernels inherit; connect to the scheduler now, so a bad address fails here."""
    from sop_lib.engine.parallel import SCHEDULER_VARIABLE, WORKERS_VARIABLE, DaskCluster

    if args.workers:
        os.environ[WORKERS_VARIABLE] = str(args.workers)
    if args.scheduler:
        DaskCluster(args.scheduler).connect()
        os.environ[SCHEDULER_VARIABLE] = args.scheduler


def _backfill(args) -> int:
    from sop_lib.data.validation import load_company
    from sop_lib.demand.backfill import backfill
    from sop_lib.run.runner import REPORTS_DIR, SAMPLE_DIR

    _use_executor(args)
    company = load_company(args.data or SAMPLE_DIR)
    backfill(company, Path(args.out or REPORTS_DIR), first=to_month(args.first),
             last=to_month(args.last), horizon=args.horizon or None)
    return EXIT_OK


def _quantiles(text: str) -> list[float]:
    values = [float(v) for v in text.split(",")]
    if not all(0 < v < 1 for v in values):
        raise argparse.ArgumentTypeError("quantiles are fractions between 0 and 1")
    return values


def _workers(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("a whole number of processes, at least 1")
    return int(text)


def _add_executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_workers, metavar="N", help="local processes that "
                        "forecast the SKUs (default: every core; 1: no worker processes); the "
                        "same as setting SOP_WORKERS")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="forecast the SKUs on the Dask "
                        "cluster of this scheduler, e.g. tcp://10.0.0.5:8786; the same as "
                        "setting SOP_DASK_SCHEDULER")


def _month(text: str) -> str:
    try:
        to_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a company folder, list every problem")
    validate.add_argument("folder")
    validate.add_argument("--cycle", help="month being planned, YYYY-MM (default: after the "
                          "last closed month)")
    validate.add_argument("--out", metavar="REPORTS", help="reports folder whose published "
                          "packs the decision registers are checked against (default: "
                          "reports/ in the current folder)")
    validate.set_defaults(handler=_validate)

    sample = commands.add_parser("sample", help="write a deterministic sample company")
    sample.add_argument("folder")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--skus", type=int, default=120)
    sample.add_argument("--months", type=int, default=48)
    sample.set_defaults(handler=_sample)

    init = commands.add_parser("init", help="make a new workspace: a company folder to fill "
                               "(the sample as a template), a README, a monthly schedule")
    init.add_argument("folder", help="a new or empty folder")
    init.set_defaults(handler=_init)

    run = commands.add_parser("run", help="run the monthly cycle and publish the pack")
    run.add_argument("--cycle", help="month being planned, YYYY-MM, or auto (default): the "
                     "month after the last closed month in the data")
    run.add_argument("--data", help="company folder (default: the bundled sample)")
    run.add_argument("--out", help="reports folder (default: reports/ in the current "
                     "folder)")
    run.add_argument("--horizon", type=int, default=0, help="months to plan (default: the "
                     "company's horizon_months)")
    run.add_argument("--resume", action="store_true", help="restart a failed run of the cycle "
                     "at its failed step, reusing the steps before it when the inputs, "
                     "parameters and packages are unchanged")
    run.add_argument("--cell-timeout", type=int, default=CELL_TIMEOUT, metavar="SECONDS",
                     help=f"fail a step when one cell runs longer (default {CELL_TIMEOUT})")
    run.add_argument("--replace-approved", action="store_true", help="replace the cycle's pack "
                     "even when it is approved (it is kept under <out>/<cycle>/.replaced/)")
    _add_executor_options(run)
    run.set_defaults(handler=_run)

    approve = commands.add_parser("approve", help="publish a cycle's pack as approved, from "
                                  "the meeting's decisions/<cycle>.yaml")
    approve.add_argument("--cycle", type=_month, required=True, help="YYYY-MM")
    approve.add_argument("--data", help="company folder (default: the bundled sample)")
    approve.add_argument("--out", help="reports folder (default: reports/ in the current "
                         "folder)")
    approve.set_defaults(handler=_approve)

    forecast = commands.add_parser("forecast", help="forecast any long-format file of monthly "
                                   "series (id, month, quantity)")
    forecast.add_argument("input", help=".csv or .parquet file")
    forecast.add_argument("--horizon", type=int, required=True, help="months to forecast")
    forecast.add_argument("--out", required=True, help="output .csv or .parquet file")
    forecast.add_argument("--season-length", type=int, default=12)
    forecast.add_argument("--quantiles", type=_quantiles, default=[0.1, 0.5, 0.9],
                          help="comma-separated, default 0.1,0.5,0.9")
    forecast.add_argument("--measure", choices=("wape", "mase"), default="wape",
                          help="error measure the backtest selects methods on")
    forecast.add_argument("--no-combine", action="store_true",
                          help="choose single methods only, no combinations")
    forecast.add_argument("--id-col", default="unique_id")
    forecast.add_argument("--time-col", default="ds")
    forecast.add_argument("--target-col", default="y")
    _add_executor_options(forecast)
    forecast.set_defaults(handler=_forecast)

    backfill = commands.add_parser("backfill", help="rebuild past cycles' statistical "
                                   "forecasts from history, for accuracy from the first month")
    backfill.add_argument("--from", dest="first", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--to", dest="last", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--data", help="company folder (default: the bundled sample)")
    backfill.add_argument("--out", help="reports folder (default: reports/ in the current "
                          "folder)")
    backfill.add_argument("--horizon", type=int, default=0, help="months each cycle forecasts "
                          "(default: the company's horizon_months)")
    _add_executor_options(backfill)
    backfill.set_defaults(handler=_backfill)
    return parser


def main(argv=None) -> int:
    """Entry point; exit 0 done, 1 a step or command failed, 2 bad input or parameters,
    3 another run of the cycle is in progress, or its pack is approved."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, ParameterError) as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except (LockedError, ApprovedPackError) as error:
        print(error, file=sys.stderr)
        return EXIT_LOCKED
    except SopError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
