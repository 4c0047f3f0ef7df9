"""The registry of remote DocRouter servers: names, URLs, the dialect each speaks, which
workspaces have a token, and prompts a user chose; tokens themselves live in the keyring."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from docrouter_desktop.client import Dialect, DocRouterClient
from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.remote.target import remote_target
from docrouter_desktop.core.secrets import RemoteTokenStore
from docrouter_desktop.core.storage.models import Setting

REMOTES_KEY = "remotes"


@dataclass(frozen=True)
class PromptChoice:
    """A prompt of the workspace that a user picked for a processor, instead of the app's own:
    its id (or name), and which of its answer's properties hold which of the app's fields."""

    prompt: str
    mapping: dict[str, str] = field(default_factory=dict)  # app field -> answer property


@dataclass(frozen=True)
class RemoteInfo:
    name: str
    url: str
    org_tokens: tuple[str, ...] = ()  # workspaces with a stored workspace token
    dialect: Dialect | None = None  # as found by ``remote test`` or the first batch
    prompts: dict[str, dict[str, PromptChoice]] = field(default_factory=dict)  # org -> proc

    def target(self, org: str) -> str:
        return remote_target(self.name, org)

    def prompt_choice(self, org: str, processor: str) -> PromptChoice | None:
        return self.prompts.get(org, {}).get(processor)

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"url": self.url, "org_tokens": list(self.org_tokens)}
        if self.dialect:
            value["dialect"] = str(self.dialect)
        if self.prompts:
            value["prompts"] = {
                org: {p: {"prompt": c.prompt, "mapping": dict(c.mapping)} for p, c in by.items()}
                for org, by in self.prompts.items()
            }
        return value

    @classmethod
    def from_json(cls, name: str, value: dict[str, Any]) -> RemoteInfo:
        dialect = value.get("dialect")
        prompts = {
            org: {
                p: PromptChoice(str(c.get("prompt", "")), dict(c.get("mapping") or {}))
                for p, c in (by or {}).items()
            }
            for org, by in (value.get("prompts") or {}).items()
        }
        return cls(
            name,
            value["url"],
            tuple(value.get("org_tokens", ())),
            Dialect(dialect) if dialect in tuple(Dialect) else None,
            prompts,
        )


def remotes(library) -> dict[str, RemoteInfo]:
    with library.db.read() as s:
        row = s.get(Setting, REMOTES_KEY)
        data = dict(row.value) if row and row.value else {}
    return {name: RemoteInfo.from_json(name, v) for name, v in data.items()}


def _save(library, data: dict[str, RemoteInfo]) -> None:
    value = {n: r.to_json() for n, r in data.items()}
    with library.db.write() as s:
        row = s.get(Setting, REMOTES_KEY)
        if row is None:
            s.add(Setting(key=REMOTES_KEY, value=value))
        else:
            row.value = value


def _update(library, name: str, **changes: Any) -> RemoteInfo:
    data = remotes(library)
    if name not in data:
        raise UsageError(f"No remote '{name}'.")
    data[name] = replace(data[name], **changes)
    _save(library, data)
    return data[name]


def check_remote(name: str, url: str) -> None:
    """A usage error when the name or the URL cannot be a remote's."""
    if not name or not all(c.isalnum() or c in "-_." for c in name):
        raise UsageError("A remote's name may hold letters, digits, '-', '_' and '.'.")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"'{url}' is not a URL: it must start with https:// (or http://).")


def add_remote(library, name: str, url: str) -> RemoteInfo:
    check_remote(name, url)
    data = remotes(library)
    old = data.get(name)
    url = url.rstrip("/")
    data[name] = RemoteInfo(
        name,
        url,
        old.org_tokens if old else (),
        old.dialect if old and old.url == url else None,  # a new URL may speak another
        old.prompts if old else {},
    )
    _save(library, data)
    return data[name]


def get_remote(library, name: str) -> RemoteInfo:
    data = remotes(library)
    if name not in data:
        raise UsageError(
            f"No remote '{name}'. Add it with: docrouter-desktop remote add {name} --url URL"
        )
    return data[name]


def remove_remote(library, name: str, store: RemoteTokenStore) -> None:
    data = remotes(library)
    remote = data.pop(name, None)
    if remote is None:
        raise UsageError(f"No remote '{name}'.")
    for org in remote.org_tokens:
        store.delete_token(name, org)
    store.delete_token(name)
    _save(library, data)


def note_org_token(library, name: str, org: str, present: bool) -> None:
    r = get_remote(library, name)
    orgs = set(r.org_tokens)
    (orgs.add if present else orgs.discard)(org)
    _update(library, name, org_tokens=tuple(sorted(orgs)))


def note_dialect(library, name: str, dialect: Dialect) -> RemoteInfo:
    """Remember the dialect a remote was found to speak."""
    return _update(library, name, dialect=dialect)


def choose_prompt(
    library, name: str, org: str, processor: str, choice: PromptChoice | None
) -> RemoteInfo:
    """Use one of the workspace's own prompts for a processor (None: the app's own again)."""
    r = get_remote(library, name)
    prompts = {o: dict(by) for o, by in r.prompts.items()}
    if choice is None:
        prompts.get(org, {}).pop(processor, None)
    else:
        prompts.setdefault(org, {})[processor] = choice
    return _update(library, name, prompts={o: by for o, by in prompts.items() if by})


def client_for(remote: RemoteInfo, store: RemoteTokenStore, **kwargs: Any) -> DocRouterClient:
    account = store.get_token(remote.name)
    org_tokens = {o: t for o in remote.org_tokens if (t := store.get_token(remote.name, o))}
    if not account and not org_tokens:
        raise UsageError(
            f"No token is stored for the remote '{remote.name}'. Set one with: "
            f"docrouter-desktop token set --remote {remote.name} [--org ID]"
        )
    kwargs.setdefault("dialect", remote.dialect)
    return DocRouterClient(remote.url, account, org_tokens=org_tokens, **kwargs)


@dataclass(frozen=True)
class RemoteWorkspaces:
    """The workspaces a user may send documents to on a remote: (id, name) pairs, and why
    the remote could not be asked for their names, when it could not."""

    workspaces: tuple[tuple[str, str], ...]
    problem: str | None = None


def remote_workspaces(remote: RemoteInfo, store: RemoteTokenStore) -> RemoteWorkspaces:
    """The remote's workspaces by name when an account token is stored (the server is asked),
    and every workspace with a stored workspace token (by id, its name when known)."""
    from docrouter_desktop.client import DocRouterError

    named: dict[str, str] = {}
    problem = None
    if store.get_token(remote.name):
        try:
            with client_for(remote, store, timeout=15) as client:
                for org in client.organizations():
                    named[str(org["id"])] = str(org.get("name") or org["id"])
        except (DocRouterError, UsageError) as exc:
            problem = str(exc)
    for org_id in remote.org_tokens:
        named.setdefault(org_id, org_id)
    return RemoteWorkspaces(tuple(sorted(named.items(), key=lambda kv: kv[1].lower())), problem)
