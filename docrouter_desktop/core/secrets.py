"""API tokens in the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker).

Tokens are never written to the library, settings, logs or exception messages. When no
keyring backend is usable (a bare Linux session), ``KeyringUnavailable`` says so plainly and
how to fix it; a caller may then choose a store that keeps tokens in memory for this session
only. There is no plaintext fallback.
"""

from __future__ import annotations

import sys

from docrouter_desktop.core.errors import AppError

SERVICE = "DocRouterDesktop"


class KeyringUnavailable(AppError):
    exit_code = 3


def _fix_hint() -> str:
    if sys.platform.startswith("linux"):
        return (
            "On Linux this needs a Secret Service provider (GNOME Keyring or KWallet) running in "
            "your desktop session: install it (for example 'sudo apt-get install gnome-keyring'), "
            "log out and in again, and retry."
        )
    if sys.platform == "darwin":
        return "Check that the login keychain is unlocked (Keychain Access), and retry."
    return "Check that Windows Credential Manager is available to your account, and retry."


def _account_key(remote: str) -> str:
    return f"{remote}:account"


def _org_key(remote: str, org: str) -> str:
    return f"{remote}:org:{org}"


class RemoteTokenStore:
    """Account and workspace tokens per remote server, in the OS keyring (or, when asked
    explicitly, in memory for this session only)."""

    def __init__(self, session_only: bool = False):
        self.session_only = session_only
        self._memory: dict[str, str] = {}

    # -- backend

    @staticmethod
    def check() -> str:
        """The keyring backend's name, or KeyringUnavailable saying what to do."""
        try:
            import keyring
            from keyring.backends import fail
        except Exception as exc:  # pragma: no cover - keyring is a dependency
            raise KeyringUnavailable(f"The keyring library cannot be loaded ({exc}).") from None
        backend = keyring.get_keyring()
        name = type(backend).__module__ + "." + type(backend).__name__
        usable = not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0
        if getattr(backend, "backends", None) == []:
            usable = False
        if "null" in name.lower() or "fail" in name.lower():
            usable = False
        if not usable:
            raise KeyringUnavailable(
                "No system keyring is available to keep API tokens safely. " + _fix_hint() + " "
                "Or keep the token for this session only (it is forgotten when the app closes)."
            )
        return name

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except KeyringUnavailable:
            raise
        except Exception as exc:  # keyring errors: locked, D-Bus gone, access denied
            raise KeyringUnavailable(
                f"The system keyring refused the request ({type(exc).__name__}). " + _fix_hint()
            ) from None

    def _set(self, key: str, secret: str) -> None:
        if self.session_only:
            self._memory[key] = secret
            return
        import keyring

        self.check()
        self._call(keyring.set_password, SERVICE, key, secret)

    def _get(self, key: str) -> str | None:
        if self.session_only:
            return self._memory.get(key)
        import keyring

        self.check()
        return self._call(keyring.get_password, SERVICE, key)

    def _delete(self, key: str) -> bool:
        if self.session_only:
            return self._memory.pop(key, None) is not None
        import keyring
        from keyring.errors import PasswordDeleteError

        self.check()
        try:
            keyring.delete_password(SERVICE, key)
            return True
        except PasswordDeleteError:
            return False
        except Exception as exc:
            raise KeyringUnavailable(
                f"The system keyring refused the request ({type(exc).__name__}). " + _fix_hint()
            ) from None

    # -- tokens

    def set_token(self, remote: str, token: str, org: str | None = None) -> None:
        token = token.strip()
        if not token:
            raise AppError("The token is empty.")
        self._set(_org_key(remote, org) if org else _account_key(remote), token)

    def get_token(self, remote: str, org: str | None = None) -> str | None:
        return self._get(_org_key(remote, org) if org else _account_key(remote))

    def delete_token(self, remote: str, org: str | None = None) -> bool:
        return self._delete(_org_key(remote, org) if org else _account_key(remote))
