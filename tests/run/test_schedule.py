"""The monthly schedule: the 3rd working day of each month at 06:00, in cron's and systemd's
words, checked by running the cron line's guard in a shell and by systemd's own calendar."""
import datetime
import re
import shutil
import subprocess

import numpy as np
import pytest

from sop_lib.run.schedule import cron_line, service_unit, timer_unit, unit_name, working_day_dates

MONTHS = [(year, month) for year in range(2024, 2040) for month in range(1, 13)]


def _third_working_day(year: int, month: int) -> datetime.date:
    return np.busday_offset(np.datetime64(f"{year}-{month:02d}-01"), 2, roll="forward").item()


def _days(year: int, month: int) -> list[datetime.date]:
    first = datetime.date(year, month, 1)
    return [first + datetime.timedelta(days) for days in range(31)
            if (first + datetime.timedelta(days)).month == month]


def test_the_working_day_dates_pick_the_third_working_day_of_every_month():
    dates = working_day_dates()
    for year, month in MONTHS:
        picked = [d for d in _days(year, month) if d.isoweekday() in dates.get(d.day, ())]
        assert picked == [_third_working_day(year, month)], (year, month)


def test_the_cron_line_runs_the_command_on_the_third_working_day_only(tmp_path):
    stubs, folder, log = tmp_path / "bin", tmp_path / "my workspace", tmp_path / "run.log"
    stubs.mkdir()
    folder.mkdir()
    (stubs / "date").write_text('#!/bin/sh\necho "$FAKE_DATE"\n')
    (stubs / "date").chmod(0o755)
    line = cron_line(["echo", "ran in", "100%"], folder, log)
    minute, hour, days, month, weekday, command = line.split(" ", 5)
    assert (minute, hour, month, weekday) == ("0", "6", "*", "*")
    first, last = map(int, days.split("-"))
    command = command.replace(r"\%", "%")  # what cron hands the shell
    for year, month in MONTHS[:24]:
        for day in _days(year, month)[first - 1:last]:
            log.unlink(missing_ok=True)
            subprocess.run(["sh", "-c", command], check=True, env={
                "PATH": f"{stubs}:/usr/bin:/bin", "FAKE_DATE": f"{day:%d}{day.isoweekday()}"})
            ran = log.exists()
            assert ran == (day == _third_working_day(year, month)), day
            assert not ran or log.read_text() == "ran in 100%\n"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_reads_the_timer_as_the_third_working_day(tmp_path):
    calendars = re.findall(r"^OnCalendar=(.+)$", timer_unit(tmp_path), re.MULTILINE)
    assert len(calendars) == len(working_day_dates())
    for calendar in calendars:
        shown = subprocess.run(["systemd-analyze", "calendar", "--iterations=12", calendar],
                               check=True, capture_output=True, text=True).stdout
        elapses = re.findall(r"(\d{4})-(\d\d)-(\d\d) 06:00:00", shown)
        assert len(elapses) == 12
        for year, month, day in elapses:
            assert datetime.date(int(year), int(month), int(day)) == _third_working_day(
                int(year), int(month))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_verifies_the_service_and_timer(tmp_path):
    folder = tmp_path / "my sop %"
    folder.mkdir()
    name = unit_name(folder)
    (tmp_path / f"{name}.service").write_text(service_unit([shutil.which("sh"), "-c", "true"],
                                                           folder))
    (tmp_path / f"{name}.timer").write_text(timer_unit(folder))
    verified = subprocess.run(["systemd-analyze", "verify", f"{name}.service", f"{name}.timer"],
                              cwd=tmp_path, capture_output=True, text=True)
    assert (verified.returncode, verified.stderr) == (0, "")


def test_the_service_runs_the_command_in_the_folder(tmp_path):
    folder = tmp_path / "50% done"
    service = service_unit(["/opt/my env/bin/sop", "run", 'say "hi"'], folder)
    assert f"WorkingDirectory={str(folder).replace('%', '%%')}\n" in service
    assert 'ExecStart="/opt/my env/bin/sop" "run" "say \\"hi\\""\n' in service
    assert unit_name(folder) == "sop-50-done"
