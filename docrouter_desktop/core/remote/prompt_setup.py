"""Finding, or creating, the app's schema, prompt and tag in a DocRouter workspace (or the
prompt a user chose instead), so that an upload with the tag is read by the prompt.

Everything is found by name first, so running this again (another batch, another machine)
reuses what is there; DocRouter makes a new version when a schema or prompt of an existing
name is posted, never a second one.
"""

from __future__ import annotations

import logging
from typing import Any

from docrouter_desktop.client import APIError, BadRequest, DocRouterClient
from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.prompts import PromptDef, prompt_for
from docrouter_desktop.core.remote.answers import PromptRef
from docrouter_desktop.core.remote.registry import PromptChoice

log = logging.getLogger(__name__)

TAG_COLOR = "#2b6cb0"


def prepare_prompt(
    client: DocRouterClient, org: str, processor: str, choice: PromptChoice | None = None
) -> PromptRef:
    """The prompt that reads documents sent with ``processor`` to workspace ``org``."""
    if choice is not None:
        return _chosen(client, org, processor, choice)
    spec = prompt_for(processor)
    tag = _tag(
        client, org, spec.tag, f"Documents DocRouter Desktop sends to be read as {spec.processor}s"
    )
    schema = _schema(client, org, spec)
    prompt = _prompt(client, org, spec, schema, tag["id"])
    return PromptRef(
        prompt_revid=str(prompt["prompt_revid"]),
        prompt_id=str(prompt.get("prompt_id") or prompt["prompt_revid"]),
        name=spec.name,
        processor=spec.processor,
        tag_id=str(tag["id"]),
    )


def _named(items: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    wanted = name.casefold()
    return next((i for i in items if str(i.get("name", "")).casefold() == wanted), None)


def _tag(client: DocRouterClient, org: str, name: str, description: str) -> dict[str, Any]:
    found = _named(client.tags(org, name_search=name), name)
    if found is not None:
        return found

    def made() -> dict[str, Any] | None:
        return _named(client.tags(org, name_search=name), name)

    try:
        return client.create_tag(org, name, TAG_COLOR, description, reconcile=made)
    except BadRequest:  # made meanwhile by another batch: take that one
        found = _named(client.tags(org, name_search=name), name)
        if found is None:
            raise
        return found


def _schema(client: DocRouterClient, org: str, spec: PromptDef) -> dict[str, Any]:
    wanted = spec.response_format()
    found = _named(client.schemas(org, name_search=spec.name), spec.name)
    if found is not None and _same_schema(found.get("response_format"), wanted):
        return found
    # Missing, or changed (by someone, or by a newer app): post it; an existing name gets a
    # new version.

    def made() -> dict[str, Any] | None:
        again = _named(client.schemas(org, name_search=spec.name), spec.name)
        return again if again and _same_schema(again.get("response_format"), wanted) else None

    return client.create_schema(org, spec.name, wanted, reconcile=made)


def _same_schema(have: Any, want: dict[str, Any]) -> bool:
    try:
        return bool(have["json_schema"]["schema"] == want["json_schema"]["schema"])
    except (KeyError, TypeError):
        return False


def _prompt(
    client: DocRouterClient, org: str, spec: PromptDef, schema: dict[str, Any], tag_id: str
) -> dict[str, Any]:
    config = {
        "name": spec.name,
        "content": spec.content,
        "schema_id": schema["schema_id"],
        "schema_version": schema["schema_version"],
        "tag_ids": [tag_id],
    }
    found = _named(client.prompts(org, name_search=spec.name), spec.name)
    if found is not None and (
        tag_id in (found.get("tag_ids") or [])
        and found.get("schema_id") == schema["schema_id"]
        and found.get("schema_version") == schema["schema_version"]
    ):
        return found
    if found is not None:
        tags = sorted({*(found.get("tag_ids") or []), tag_id})
        updated = {**config, "tag_ids": tags}
        if found.get("model"):
            updated["model"] = found["model"]
        try:
            return client.update_prompt(org, str(found.get("prompt_id")), updated)
        except APIError as exc:
            # A server whose prompts are fixed (docrouter-desktop serve): use it as it is;
            # the runner asks for its answer itself when the tag did not run it.
            log.info("prompt %s kept as it is: %s", spec.name, exc.message)
            return found

    def made() -> dict[str, Any] | None:
        again = _named(client.prompts(org, name_search=spec.name), spec.name)
        return again if again and tag_id in (again.get("tag_ids") or []) else None

    return client.create_prompt(org, config, reconcile=made)


def _chosen(client: DocRouterClient, org: str, processor: str, choice: PromptChoice) -> PromptRef:
    found = None
    try:
        found = client.prompt(org, choice.prompt)
    except APIError:
        found = _named(client.prompts(org, name_search=choice.prompt), choice.prompt)
    if not found:
        raise UsageError(
            f"The workspace {org} has no prompt '{choice.prompt}' (by id or name). See its "
            "prompts in DocRouter, or go back to the app's own with: docrouter-desktop remote "
            "prompt NAME --org ORG --processor PROC --reset"
        )
    tags = found.get("tag_ids") or []
    return PromptRef(
        prompt_revid=str(found["prompt_revid"]),
        prompt_id=str(found.get("prompt_id") or found["prompt_revid"]),
        name=str(found.get("name") or choice.prompt),
        processor=processor if processor in ("invoice", "receipt") else "invoice",
        mapping=dict(choice.mapping),
        tag_id=str(tags[0]) if tags else None,
    )
