"""The engine's exception types, each with the exit code the command line returns.

AppError
 ├── UsageError            (exit 2) a command was given wrong arguments
 ├── LibraryError          (exit 3) the library folder or database cannot be used
 ├── NotFoundError         (exit 1) no such document, organization or token
 └── DocumentError         (exit 1) one document cannot be processed; the message is for the user
      ├── UnsupportedFileError
      ├── EncryptedDocumentError
      └── DamagedFileError
"""


class AppError(Exception):
    """The base of the app's own errors (the API client's are ``client.DocRouterError``)."""

    exit_code = 1


class UsageError(AppError):
    exit_code = 2


class LibraryError(AppError):
    exit_code = 3


class NotFoundError(AppError):
    exit_code = 1


class DocumentError(AppError):
    """A document cannot be processed. ``str(err)`` is shown to the user as the document's error."""


class UnsupportedFileError(DocumentError):
    pass


class EncryptedDocumentError(DocumentError):
    pass


class DamagedFileError(DocumentError):
    pass
