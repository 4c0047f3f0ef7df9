"""The engine's exception types, each with the exit code the command line returns.

DocRouterError
 ├── UsageError            (exit 2) a command was given wrong arguments
 ├── LibraryError          (exit 3) the library folder or database cannot be used
 └── DocumentError         (exit 1) one document cannot be processed; the message is for the user
      ├── UnsupportedFileError
      ├── EncryptedDocumentError
      └── DamagedFileError
"""


class DocRouterError(Exception):
    exit_code = 1


class UsageError(DocRouterError):
    exit_code = 2


class LibraryError(DocRouterError):
    exit_code = 3


class NotFoundError(DocRouterError):
    exit_code = 1


class DocumentError(DocRouterError):
    """A document cannot be processed. ``str(err)`` is shown to the user as the document's error."""


class UnsupportedFileError(DocumentError):
    pass


class EncryptedDocumentError(DocumentError):
    pass


class DamagedFileError(DocumentError):
    pass
