"""The monthly schedule `sop init` writes: a cron line, and a systemd service and timer, each
running `sop run` on a workspace's company folder into its reports folder on the 3rd working
day of each month (Monday to Friday; public holidays are not known) at 06:00."""
from __future__ import annotations

import getpass
import re
import shlex
from pathlib import Path

WORKING_DAY, HOUR = 3, 6
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def working_day_dates(n: int = WORKING_DAY) -> dict[int, tuple[int, ...]]:
    """Day of the month -> the ISO weekdays (1 Monday) on which that day is the month's n-th
    working day (Monday to Friday): one case per weekday the 1st can fall on."""
    dates: dict[int, set[int]] = {}
    for first in range(7):  # the 1st's weekday, 0 Monday
        day = [d for d in range(1, 32) if (first + d - 1) % 7 < 5][n - 1]
        dates.setdefault(day, set()).add((first + day - 1) % 7 + 1)
    return {day: tuple(sorted(weekdays)) for day, weekdays in sorted(dates.items())}


def cron_line(command: list[str], folder: Path, log: Path) -> str:
    """A crontab line: on the days of the month the working day can fall on, at HOUR, a guard
    on `date +%d%u` (day, ISO weekday) runs `command` in `folder` on the right day only,
    appending its output to `log`."""
    dates = working_day_dates()
    days = "|".join(f"{day:02d}{weekday}" for day, weekdays in dates.items()
                    for weekday in weekdays)
    run = (f"cd {shlex.quote(str(folder))} && {shlex.join(command)} "
           f">> {shlex.quote(str(log))} 2>&1")
    guarded = f'case "$(date +%d%u)" in {days}) {run};; esac'
    return f"0 {HOUR} {min(dates)}-{max(dates)} * * " + guarded.replace("%", r"\%")


def unit_name(folder: Path) -> str:
    """`sop-<the folder's name>`, in the characters a unit's name may hold."""
    return "sop-" + (re.sub(r"[^A-Za-z0-9_.-]+", "-", folder.name).strip("-.") or "workspace")


def service_unit(command: list[str], folder: Path) -> str:
    """A systemd service running `command` once in `folder`, as the user who made it."""
    words = " ".join(_quoted(word) for word in command)
    return (f"[Unit]\nDescription=S&OP monthly cycle of {_escaped(str(folder))}\n\n"
            f"[Service]\nType=oneshot\nUser={getpass.getuser()}\n"
            f"WorkingDirectory={_escaped(str(folder))}\n"
            "# A company reading a database (sources.yaml): its password, one line\n"
            "# SOP_DB_PASSWORD=..., in a file only this user can read:\n"
            "# EnvironmentFile=/etc/sop/sop.env\n"
            f"ExecStart={words}\n")


def timer_unit(folder: Path) -> str:
    """A systemd timer starting the service of the same name on the working day at HOUR (a run
    missed while the machine was off starts when it is back)."""
    calendars = "".join(f"OnCalendar={','.join(WEEKDAYS[w - 1] for w in weekdays)} "
                        f"*-*-{day:02d} {HOUR:02d}:00:00\n"
                        for day, weekdays in working_day_dates().items())
    return (f"[Unit]\nDescription=S&OP monthly cycle of {_escaped(str(folder))}: working day "
            f"{WORKING_DAY} of each month at {HOUR:02d}:00\n\n"
            f"[Timer]\n{calendars}Persistent=true\n\n[Install]\nWantedBy=timers.target\n")


def _escaped(text: str) -> str:
    return text.replace("%", "%%")  # systemd reads % as a specifier


def _quoted(word: str) -> str:
    return '"' + _escaped(word).replace("\\", "\\\\").replace('"', '\\"') + '"'
