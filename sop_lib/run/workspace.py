"""`sop init`: a new workspace, for a package installed without the repository.

    <workspace>/
      README.txt    what to do next
      company/      the company folder to fill: the sample company's files as a template,
                    data-contract.md beside them, scenarios/ and decisions/
      schedule/     a cron line, a systemd service and timer running `sop run` monthly
      reports/      made by the first run
"""
from __future__ import annotations

import shlex
import shutil
import sys
import sysconfig
from pathlib import Path

from sop_lib.core.errors import ParameterError
from sop_lib.data.contract import SCENARIO_FOLDER
from sop_lib.data.decisions import DECISIONS_FOLDER
from sop_lib.data.sources import SOURCES_FILE
from sop_lib.run.resources import DATA_CONTRACT, SAMPLE_DIR
from sop_lib.run.schedule import cron_line, service_unit, timer_unit, unit_name

COMPANY, REPORTS, SCHEDULE, README = "company", "reports", "schedule", "README.txt"
CRONTAB, LOG = "crontab", "sop-run.log"
UNWANTED = shutil.ignore_patterns(".*", "__pycache__")


def make_workspace(folder: Path | str, *, sop: list[str] | None = None) -> Path:
    """Make a workspace in `folder` (new or empty, else ParameterError); its absolute path.
    `sop` is the command its schedule and README name (default: `sop_command()`)."""
    root = Path(folder).expanduser().resolve()
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ParameterError(f"{root} is not an empty folder: `sop init` makes a new workspace "
                             "and writes over nothing. Give it a new or empty folder.")
    company = root / COMPANY
    shutil.copytree(SAMPLE_DIR, company, ignore=UNWANTED, copy_function=shutil.copyfile,
                    dirs_exist_ok=True)
    shutil.copyfile(DATA_CONTRACT, company / DATA_CONTRACT.name)
    for subfolder in (SCENARIO_FOLDER, DECISIONS_FOLDER):
        (company / subfolder).mkdir(exist_ok=True)
    sop = sop or sop_command()
    run = [*sop, "run", "--cycle", "auto", "--data", str(company), "--out", str(root / REPORTS)]
    schedule, unit = root / SCHEDULE, unit_name(root)
    schedule.mkdir()
    (schedule / CRONTAB).write_text(cron_line(run, root, root / LOG) + "\n", encoding="utf-8")
    (schedule / f"{unit}.service").write_text(service_unit(run, root), encoding="utf-8")
    (schedule / f"{unit}.timer").write_text(timer_unit(root), encoding="utf-8")
    (root / README).write_text(readme(sop, root), encoding="utf-8")
    return root


def sop_command() -> list[str]:
    """The installed `sop` beside this Python, else this Python running the CLI module."""
    script = Path(sysconfig.get_path("scripts")) / "sop"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sop_lib.cli"]


def readme(sop: list[str], root: Path) -> str:
    """The workspace's README: what is where, and what to do next, in plain words."""
    tool, unit = shlex.join(sop), unit_name(root)
    units = " ".join(shlex.quote(str(root / SCHEDULE / f"{unit}.{kind}"))
                     for kind in ("service", "timer"))
    return f"""\
S&OP workspace, made by `sop init`
==================================

What is here
  {COMPANY}/      your company's data. For now it holds the sample company's files as a
                template: replace them with your own exports in the same format.
                {DATA_CONTRACT.name} says what each file and column holds.
                {SCENARIO_FOLDER}/ holds the scenarios for the pre-S&OP meeting (the sample's
                three as examples), {DECISIONS_FOLDER}/ what each executive meeting decided.
  {REPORTS}/      made by the first run: one folder per cycle; {REPORTS}/index.html lists them.
  {SCHEDULE}/     ready examples that run the cycle every month (cron, or systemd).

What to do next
1. Try it on the sample data: in this folder ({root}) run
       {tool} run --data {COMPANY}
   then open {root / REPORTS / "index.html"} in a browser.
2. Put your own data in {COMPANY}/: company.yaml and one file per table, as
   {DATA_CONTRACT.name} describes. Check it with
       {tool} validate {COMPANY}
   which lists every problem with its file, row, column and value. Tables kept in a
   database are read with SQL queries instead of files: put a {SOURCES_FILE} in {COMPANY}/
   ({DATA_CONTRACT.name}, section {SOURCES_FILE}, shows how; the password stays in an
   environment variable, which the schedule's environment needs too). Edit or delete the
   sample's scenarios in {COMPANY}/{SCENARIO_FOLDER}/: they name the sample's families.
3. Every month, after the books close: refresh the files in {COMPANY}/ and run the cycle
   (step 1's command, or let the schedule run it). It plans the month after the last closed
   month in your data, and publishes the pack in {REPORTS}/<cycle>/ only when every step
   succeeded; after a failure, the failed pages and run.log are in {REPORTS}/.failed/<cycle>/.
4. After the executive meeting: write its decisions to {COMPANY}/{DECISIONS_FOLDER}/<cycle>.yaml
   (the data contract describes the file), check it with `{tool} validate {COMPANY}`,
   then publish the pack as approved:
       {tool} approve --cycle YYYY-MM --data {COMPANY}
5. Let it run every month on its own, on the 3rd working day (Monday to Friday) at 06:00,
   with one of the two examples in {SCHEDULE}/:
   - cron: add the line in {SCHEDULE}/{CRONTAB} to your crontab (`crontab -e`); each run adds
     its output to {root / LOG}.
   - systemd, as root:
       cp {units} /etc/systemd/system/
       systemctl daemon-reload
       systemctl enable --now {unit}.timer
     `systemctl list-timers {unit}.timer` shows the next run, `journalctl -u {unit}` the
     output.
   Both hold the absolute paths of this folder and of this installation of sop: if either
   moves, run `sop init` again in a new folder (or edit them).
"""
