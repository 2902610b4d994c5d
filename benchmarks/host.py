"""The machine a benchmark ran on, written beside every result: date, platform, CPUs, memory,
Python, and how busy the machine was when the run started (other work on it counts)."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime


def machine() -> dict:
    return {"date": datetime.now(UTC).isoformat(timespec="seconds"), "platform": platform.platform(),
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_before": [round(x, 2) for x in os.getloadavg()]}
