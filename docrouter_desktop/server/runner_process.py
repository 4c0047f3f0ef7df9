"""The job runner in a child process of ``serve``, so claiming jobs and storing results never
compete with API requests for the server's interpreter lock, at a lower CPU priority than the
server (see ``core.runner_process``)."""

from __future__ import annotations

from docrouter_desktop.core.runner_process import RUNNER_NICE, RunnerProcess

__all__ = ["RUNNER_NICE", "RunnerProcess"]
