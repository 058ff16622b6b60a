"""Schedules: cron triggers in an explicit time zone, and the loop that fires them."""

from __future__ import annotations

from automate.runtime.schedule.cron import cron_problem, fire_times, zone
from automate.runtime.schedule.scheduler import Fired, Scheduler, chained, tick_run_id

__all__ = ["Fired", "Scheduler", "chained", "cron_problem", "fire_times", "tick_run_id", "zone"]
