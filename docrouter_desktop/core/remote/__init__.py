"""Remote processing: sending documents to a DocRouter server's workspace, in either of the
API's dialects, and bringing the results home into the same library."""

from docrouter_desktop.core.remote.registry import (
    PromptChoice,
    RemoteInfo,
    add_remote,
    check_remote,
    choose_prompt,
    client_for,
    get_remote,
    note_dialect,
    note_org_token,
    remote_workspaces,
    remotes,
    remove_remote,
)
from docrouter_desktop.core.remote.rules import (
    KEY_FIELDS,
    RoutingRule,
    add_rule,
    escalations,
    never_remote,
    rules,
    save_rules,
)
from docrouter_desktop.core.remote.runner import RemoteRunner, remote_record
from docrouter_desktop.core.remote.target import RemoteTarget, parse_target, remote_target

__all__ = [
    "KEY_FIELDS",
    "PromptChoice",
    "RemoteInfo",
    "RemoteRunner",
    "RemoteTarget",
    "RoutingRule",
    "add_remote",
    "add_rule",
    "check_remote",
    "choose_prompt",
    "client_for",
    "remote_workspaces",
    "escalations",
    "get_remote",
    "never_remote",
    "note_dialect",
    "note_org_token",
    "parse_target",
    "remote_record",
    "remote_target",
    "remotes",
    "remove_remote",
    "rules",
    "save_rules",
]
