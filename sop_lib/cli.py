"""The `sop` command: validate a company folder, make a sample company, run the monthly cycle."""
from __future__ import annotations

import argparse
import sys

from .errors import DataError, ParameterError, RunError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _validate(args) -> int:
    from .validation import check_company

    _, problems = check_company(args.folder, cycle=args.cycle or None)
    for problem in problems:
        print(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    print(f"{args.folder}: {errors} error(s), {warnings} warning(s)")
    return EXIT_BAD_INPUT if errors else EXIT_OK


def _sample(args) -> int:
    from .sample import write_sample

    folder = write_sample(args.folder, seed=args.seed, skus=args.skus, months=args.months)
    print(f"Wrote a sample company to {folder}")
    return EXIT_OK


def _run(args) -> int:
    from .runner import REPORTS_DIR, SAMPLE_DIR, run_cycle

    run_cycle(data_dir=args.data or SAMPLE_DIR, reports_dir=args.out or REPORTS_DIR,
              cycle=args.cycle or "", horizon=args.horizon)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a company folder, list every problem")
    validate.add_argument("folder")
    validate.add_argument("--cycle", help="month being planned, YYYY-MM (default: after the "
                          "last closed month)")
    validate.set_defaults(handler=_validate)

    sample = commands.add_parser("sample", help="write a deterministic sample company")
    sample.add_argument("folder")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--skus", type=int, default=120)
    sample.add_argument("--months", type=int, default=48)
    sample.set_defaults(handler=_sample)

    run = commands.add_parser("run", help="run the monthly cycle and publish the pack")
    run.add_argument("--cycle", help="month being planned, YYYY-MM (default: after the last "
                     "closed month)")
    run.add_argument("--data", help="company folder (default: the bundled sample)")
    run.add_argument("--out", help="reports folder (default: reports/)")
    run.add_argument("--horizon", type=int, default=0, help="months to plan (default: the "
                     "company's horizon_months)")
    run.set_defaults(handler=_run)
    return parser


def main(argv=None) -> int:
    """Entry point; exit 0 done, 1 a step failed, 2 bad input or parameters."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (DataError, ParameterError) as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT
    except RunError as error:
        print(error, file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
