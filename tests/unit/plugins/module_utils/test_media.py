# -*- coding: utf-8 -*-

# Copyright: Contributors to the amazon.ai collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Media a request carries: formats from file names, base64 decoded exactly once, files read within a limit."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from ansible_collections.amazon.ai.plugins.module_utils import media
from ansible_collections.amazon.ai.plugins.module_utils.common import BedrockParameterError

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
PNG_B64 = base64.b64encode(PNG).decode()


@pytest.mark.parametrize(
    "kind, name, expected",
    [
        ("image", "a.png", "png"),
        ("image", "/x/photo.JPG", "jpeg"),
        ("image", "s3://bucket/dir/pic.jpeg", "jpeg"),
        ("image", "anim.gif", "gif"),
        ("image", "w.webp", "webp"),
        ("document", "report.pdf", "pdf"),
        ("document", "page.htm", "html"),
        ("document", "notes.markdown", "md"),
        ("document", "sheet.xlsx", "xlsx"),
        ("video", "clip.3gp", "three_gp"),
        ("video", "clip.mp4", "mp4"),
        ("audio", "talk.mp3", "mp3"),
    ],
)
def test_file_format_from_the_extension(kind, name, expected):
    assert media.file_format(kind, name, "images[0]") == expected


@pytest.mark.parametrize(
    "kind, name, fragment",
    [
        ("image", "a.bmp", "has .bmp"),
        ("image", "README", "has no extension"),
        ("document", "report.exe", ".exe"),
        ("image", "report.pdf", ".pdf"),
    ],
)
def test_file_format_refuses(kind, name, fragment):
    with pytest.raises(BedrockParameterError, match=f"^images\\[1\\]: .*{fragment}.*must be a file ending in"):
        media.file_format(kind, name, "images[1]")


@pytest.mark.parametrize(
    "text, expected",
    [
        (PNG_B64, PNG),
        ("aGVs\nbG8=\n", b"hello"),  # As base64 tools wrap it.
        ("  aGVsbG8=  ", b"hello"),
    ],
)
def test_decode_base64(text, expected):
    assert media.decode_base64(text, "m") == expected


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("not base64!", "is not valid base64"),
        ("aGVsbG8", "is not valid base64"),  # Padding missing.
        ("", "is empty"),
        (b"aGVsbG8=", "must be base64 text, not bytes"),
        (None, "must be base64 text, not NoneType"),
    ],
)
def test_decode_base64_refuses(text, fragment):
    with pytest.raises(BedrockParameterError, match=f"^messages\\[0\\]: {fragment}"):
        media.decode_base64(text, "messages[0]")


@PROPERTY_SETTINGS
@given(data=st.binary(min_size=1, max_size=200))
def test_base64_is_decoded_exactly_once(data):
    once = base64.b64encode(data).decode()
    assert media.decode_base64(once, "x") == data
    # Text that is base64 of base64 decodes to the base64 text, never further.
    assert media.decode_base64(base64.b64encode(once.encode()).decode(), "x") == once.encode()


@PROPERTY_SETTINGS
@given(text=st.text(max_size=40))
def test_decode_base64_decodes_or_refuses_naming_the_place(text):
    try:
        data = media.decode_base64(text, "where")
    except BedrockParameterError as e:
        assert str(e).startswith("where: ")
    else:
        assert data


@pytest.mark.parametrize("limit", [None, 18, 100])
def test_read_file_within_the_limit(tmp_path, limit):
    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    assert media.read_file(str(path), "images[0]", "image", limit) == PNG


def test_read_file_refuses_a_file_over_the_limit_missing_or_empty(tmp_path):
    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    with pytest.raises(
        BedrockParameterError, match=r"^x: '.*pixel\.png' is larger than the 17 bytes Bedrock takes for an image$"
    ):
        media.read_file(str(path), "x", "image", 17)
    with pytest.raises(BedrockParameterError, match=r"^x: cannot read '/nonexistent/a\.png': No such file"):
        media.read_file("/nonexistent/a.png", "x", "image")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(BedrockParameterError, match=r"^x: '.*empty\.png' is empty$"):
        media.read_file(str(empty), "x", "image")
    with pytest.raises(BedrockParameterError, match=r"^x: must be a file path$"):
        media.read_file("", "x", "image")


@pytest.mark.parametrize("kind, expected", [("image", "an image"), ("document", "a document"), ("audio", "an audio")])
def test_with_article(kind, expected):
    assert media.with_article(kind) == expected
