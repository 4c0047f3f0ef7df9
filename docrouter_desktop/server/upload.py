"""Reading an upload in a bounded way: the size is checked before and while the body arrives.

A ``Content-Length`` over the limit is refused before a byte is read; a body without one is
counted as it streams and refused as soon as it passes the limit. The multipart parser spools
the file part to a temporary file past 1 MiB, so memory stays small whatever is sent. A JSON
body (DocRouter's base64 upload) is read the same way up to its own limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from docrouter_desktop.core.filetypes import sniff, unsupported_error
from docrouter_desktop.core.settings import PROCESSOR_TYPES

MIB = 1 << 20
DEFAULT_MAX_UPLOAD = 50 * MIB
FORM_OVERHEAD = 64 * 1024  # room for the multipart headers and the small fields


class _TooLarge(Exception):
    pass


@dataclass
class Upload:
    file: UploadFile
    name: str
    processor_type: str
    tags: list[str]

    async def close(self) -> None:
        await self.file.close()


@dataclass
class FileForm:
    """A parsed multipart form whose ``file`` part passed the checks (size, empty, type)."""

    form: FormData
    file: UploadFile

    def text(self, key: str) -> str | None:
        value = self.form.get(key)
        return value if isinstance(value, str) else None

    async def close(self) -> None:
        await self.form.close()


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"The upload is larger than the limit of {limit / MIB:g} MiB.")


def base64_limit(limit: int) -> int:
    """The largest JSON body that carries files of ``limit`` bytes as base64."""
    return limit * 4 // 3 + 4 + FORM_OVERHEAD


async def read_body(request: Request, body_limit: int, file_limit: int) -> bytes:
    """The whole request body, refused with 413 as soon as it passes ``body_limit`` (the
    words name ``file_limit``, the size of the files it may carry)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > body_limit:
        raise too_large(file_limit)
    chunks, received = [], 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > body_limit:
            raise too_large(file_limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_file_form(request: Request, limit: int) -> FileForm:
    """A multipart form with a checked file part named ``file``, or an HTTPException (413,
    415, 422). Close it when done."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit + FORM_OVERHEAD:
        raise too_large(limit)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HTTPException(415, "Send the file as multipart/form-data with a part named 'file'.")
    received = 0

    async def bounded():
        nonlocal received
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + FORM_OVERHEAD:
                raise _TooLarge
            yield chunk

    parser = MultiPartParser(request.headers, bounded(), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except _TooLarge:
        raise too_large(limit) from None
    except MultiPartException as exc:
        raise HTTPException(422, f"Cannot read the form: {exc.message}") from None
    file = form.get("file")
    try:
        if not isinstance(file, UploadFile):
            raise HTTPException(422, "The form needs a file part named 'file'.")
        size = file.size if file.size is not None else _size_of(file)
        if size > limit:
            raise too_large(limit)
        if size == 0:
            raise HTTPException(422, "The file is empty (0 bytes): there is nothing to read.")
        file.file.seek(0)
        head = file.file.read(4096)
        file.file.seek(0)
        problem = unsupported_error(sniff(head))
        if problem:
            raise HTTPException(415, problem)
    except HTTPException:
        await form.close()
        raise
    return FileForm(form, file)


async def read_upload(request: Request, limit: int) -> Upload:
    """The form of a seed upload request, or an HTTPException (413, 415, 422)."""
    parsed = await read_file_form(request, limit)
    try:
        processor_type = str(parsed.form.get("processor_type") or "auto").strip() or "auto"
        if processor_type not in PROCESSOR_TYPES:
            raise HTTPException(
                422,
                f"Unknown processor_type '{processor_type}' "
                f"(choose from {', '.join(PROCESSOR_TYPES)}).",
            )
        raw_tags = parsed.form.get("tags")
        tags = [t.strip() for t in str(raw_tags or "").split(",") if t.strip()]
        name = clean_name(parsed.file.filename)
    except HTTPException:
        await parsed.close()
        raise
    return Upload(parsed.file, name, processor_type, tags)


def _size_of(file: UploadFile) -> int:
    file.file.seek(0, 2)
    return file.file.tell()


def clean_name(filename: str | None) -> str:
    """A file name as the library keeps it: no folders, no control characters, 255 at most."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    return name[:255] or "upload"
