"""Files citizens attach: the type is read from the content, never from the name or the browser.

Images are decoded and re-encoded from their pixels, which drops every metadata block (EXIF with
GPS position and camera serial, XMP, comments) and defuses polyglot files. PDFs are checked by
their signature and kept as they are.
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shared_apps.core.errors import Invalid

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs before decoding
MAX_IMAGE_SIDE = 2560  # larger photos are scaled down

_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class CleanUpload:
    content: bytes
    content_type: str
    kind: str  # "image" or "pdf"
    original_name: str
    width: int | None = None
    height: int | None = None


def _read(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise Invalid("file_too_large", _("%(name)s is too large (10 MB at most).") % {"name": upload.name})
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid("file_too_large", _("%(name)s is too large (10 MB at most).") % {"name": upload.name})
    if not data:
        raise Invalid("file_empty", _("%(name)s is empty.") % {"name": upload.name})
    return data


def _image(data: bytes, name: str) -> CleanUpload:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in _FORMATS:
                raise Invalid("file_type", _("%(name)s: only JPEG, PNG and WebP images are accepted.") % {"name": name})
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise Invalid("image_too_large", _("%(name)s has too many pixels.") % {"name": name})
            probe.load()
            image = ImageOps.exif_transpose(probe)  # keep the photo upright once its EXIF is gone
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError):
        raise Invalid("file_damaged", _("%(name)s could not be read as an image.") % {"name": name}) from None
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if fmt != "JPEG" else "RGB")
    if fmt == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    # A fresh image from the pixels alone: no info dict, no EXIF, no ICC profile, no text chunks.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    save_options = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 85}}
    clean.save(out, format=fmt, **save_options[fmt])
    return CleanUpload(out.getvalue(), _FORMATS[fmt], "image", name, clean.width, clean.height)


def upload_clean(upload) -> CleanUpload:
    """Validate an uploaded file; return its safe content, or raise Invalid with the reason."""
    name = (getattr(upload, "name", "") or "fichier").rsplit("/", 1)[-1][:200]
    data = _read(upload)
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise Invalid("file_damaged", _("%(name)s is not a complete PDF document.") % {"name": name})
        return CleanUpload(data, "application/pdf", "pdf", name)
    return _image(data, name)
