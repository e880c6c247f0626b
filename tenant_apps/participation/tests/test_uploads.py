"""Attachments: the type comes from the content; images are re-encoded without metadata (no database)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from shared_apps.core.errors import Invalid
from tenant_apps.participation.uploads import MAX_IMAGE_SIDE, MAX_UPLOAD_BYTES, upload_clean

GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 8.0)}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg_with_gps(size=(40, 20), orientation: int = 1) -> bytes:
    """A photo as a phone takes it: GPS position, camera make and serial number in its EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.BodySerialNumber] = "SN-4815162342"
    exif[ExifTags.Base.GPSInfo] = GPS
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_photo_loses_its_gps_position_and_camera_details():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has them

    clean = upload_clean(upload("IMG_0042.jpg", original, "image/jpeg"))

    assert (clean.kind, clean.content_type, clean.original_name) == ("image", "image/jpeg", "IMG_0042.jpg")
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.format == "JPEG" and (stored.width, stored.height) == (clean.width, clean.height) == (40, 20)
    assert len(stored.getexif()) == 0 and "exif" not in stored.info
    assert b"SN-4815162342" not in clean.content and b"Canon" not in clean.content
    assert stored.getpixel((20, 10))[0] > 150  # still the same picture


def test_a_photo_taken_sideways_is_stored_upright():
    clean = upload_clean(upload("portrait.jpg", jpeg_with_gps(size=(40, 20), orientation=6)))
    assert (clean.width, clean.height) == (20, 40)


def test_a_png_loses_its_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jeanne Secret")
    info.add_itxt("Comment", "rue des Lilas, 12", lang="fr")
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    assert b"Jeanne Secret" in out.getvalue()

    clean = upload_clean(upload("plan.png", out.getvalue()))

    assert clean.content_type == "image/png"
    assert b"Jeanne Secret" not in clean.content and b"Lilas" not in clean.content
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.text == {} and stored.mode == "RGBA" and stored.getpixel((0, 0)) == (0, 0, 255, 128)


def test_a_palette_image_is_kept_as_an_image():
    out = io.BytesIO()
    Image.new("P", (10, 10), 3).save(out, "PNG")
    clean = upload_clean(upload("icone.png", out.getvalue()))
    assert clean.kind == "image" and (clean.width, clean.height) == (10, 10)


def test_a_large_photo_is_scaled_down():
    out = io.BytesIO()
    Image.new("RGB", (MAX_IMAGE_SIDE * 2, 100)).save(out, "JPEG")
    clean = upload_clean(upload("panorama.jpg", out.getvalue()))
    assert clean.width == MAX_IMAGE_SIDE and clean.height == 50


def test_a_decompression_bomb_is_refused_before_decoding():
    # A tiny PNG whose header claims 20 000 x 20 000 pixels (400 million, well beyond the limit).
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    small = out.getvalue()
    ihdr = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    bomb = small[:8] + _png_chunk(b"IHDR", ihdr) + small[8 + 25:]

    with pytest.raises(Invalid) as refused:
        upload_clean(upload("bombe.png", bomb))
    assert refused.value.code in {"image_too_large", "file_damaged"}
    assert "bombe.png" in refused.value.message


def test_an_image_just_over_the_pixel_limit_is_refused_as_too_large():
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, "PNG")
    small = out.getvalue()
    bomb = small[:8] + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 8000, 6000, 8, 0, 0, 0, 0)) + small[33:]
    with pytest.raises(Invalid) as refused:
        upload_clean(upload("grand.png", bomb))
    assert refused.value.code == "image_too_large"


def test_a_pdf_is_kept_as_it_is():
    clean = upload_clean(upload("dossier.pdf", PDF, "application/pdf"))
    assert (clean.kind, clean.content_type, clean.content) == ("pdf", "application/pdf", PDF)


@pytest.mark.parametrize(("name", "content", "code"), [
    ("photo.jpg", b"Bonjour, ceci est un fichier texte.\n", "file_damaged"),
    ("photo.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "file_damaged"),
    ("tronque.pdf", b"%PDF-1.4\n1 0 obj <<", "file_damaged"),
    ("vide.jpg", b"", "file_empty"),
])
def test_a_file_that_is_not_what_it_claims_is_refused(name, content, code):
    with pytest.raises(Invalid) as refused:
        upload_clean(upload(name, content, "image/jpeg"))
    assert refused.value.code == code and name in refused.value.message


def test_a_gif_is_refused_even_though_it_is_an_image():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    with pytest.raises(Invalid) as refused:
        upload_clean(upload("anim.gif", out.getvalue()))
    assert refused.value.code == "file_type"


def test_a_file_over_ten_megabytes_is_refused():
    with pytest.raises(Invalid) as refused:
        upload_clean(upload("lourd.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES))
    assert refused.value.code == "file_too_large"
