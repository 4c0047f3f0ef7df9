"""A child for the supervisor's tests: says hello with its pid, echoes commands, ends on stop
or when its parent goes away."""

from __future__ import annotations

import os


def echo_child(commands, messages, greeting: str) -> None:
    messages.send(("hello", os.getpid(), greeting))
    while True:
        try:
            command = commands.recv()
        except EOFError:  # the parent is gone
            return
        if command == "stop":
            return
        messages.send(("echo", command))
