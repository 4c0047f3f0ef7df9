"""The engine's exception types, each with the exit code the command line returns.

AppError
 ├── UsageError            (exit 2) a command was given wrong arguments
 │    └── ExportPathError   the export file cannot be written where it was asked
 ├── LibraryError          (exit 3) the library folder or database cannot be used
 │    ├── LibraryFullError       the disk holding it is full (or a file size limit is reached)
 │    ├── LibraryReadOnlyError   it cannot be written: a read-only disk or its permissions
 │    ├── LibraryLockedError     another program held its database past the busy timeout
 │    ├── LibraryDamagedError    its database file is damaged
 │    └── OriginalMissingError   a document's original is gone from ``originals/``
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


class ExportPathError(UsageError):
    """The export file cannot be written: its folder is missing, read-only or full."""


class LibraryError(AppError):
    exit_code = 3


class LibraryFullError(LibraryError):
    pass


class LibraryReadOnlyError(LibraryError):
    pass


class LibraryLockedError(LibraryError):
    pass


class LibraryDamagedError(LibraryError):
    pass


class OriginalMissingError(LibraryError):
    pass


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
