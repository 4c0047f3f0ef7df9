"""The library service: one folder holding the database, the originals and the log.

Every public method opens one session for one operation and returns plain records
(``core.records``), never ORM objects. The methods live in one module per concern, joined
here into the one ``Library``:

- ``organizations``: the workspaces;
- ``settings_store``: the user settings;
- ``registration``: files and uploads registered as documents, their jobs queued;
- ``documents``: reading documents, results, statuses (and the API's fast paths);
- ``changes``: corrections, processing again, cancelling, deleting;
- ``vendors``: the vendor memory, taught by corrections.
"""

from __future__ import annotations

from pathlib import Path

from docrouter_desktop.core.library.changes import ChangesMixin
from docrouter_desktop.core.library.documents import DocumentReadsMixin
from docrouter_desktop.core.library.organizations import DEFAULT_ORG_NAME, OrganizationsMixin
from docrouter_desktop.core.library.registration import RegistrationMixin
from docrouter_desktop.core.library.settings_store import SettingsMixin

__all__ = ["DEFAULT_ORG_NAME", "Library"]


class Library(
    OrganizationsMixin, SettingsMixin, RegistrationMixin, DocumentReadsMixin, ChangesMixin
):
    def __init__(self, root: Path, read_only: bool = False):
        super().__init__(root, read_only)
        self.default_org_id()
