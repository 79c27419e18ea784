"""read_image_metadata on files generated here: fields, raw entries, hostile and broken input."""

from __future__ import annotations

import random
import struct
from io import BytesIO
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

from verify_bench.media.analysis import FieldValue, MetaEntry
from verify_bench.metadata import exif as exif_module
from verify_bench.metadata.exif import MAX_ENTRIES, MAX_VALUE_CHARS, read_image_metadata

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
FORMATS = ("JPEG", "PNG", "TIFF", "WEBP", "GIF", "HEIF")


def make_exif(ifd0: dict[int, Any] | None = None, exif: dict[int, Any] | None = None,
              gps: dict[int, Any] | None = None) -> bytes:
    e = Image.Exif()
    for tag, value in (ifd0 or {}).items():
        e[tag] = value
    for ifd, tags in ((EXIF_IFD, exif), (GPS_IFD, gps)):
        for tag, value in (tags or {}).items():
            e.get_ifd(ifd)[tag] = value
    return e.tobytes()


def save(fmt: str = "JPEG", exif: bytes | None = None, xmp: bytes | None = None) -> bytes:
    buf = BytesIO()
    kwargs: dict[str, Any] = {k: v for k, v in (("exif", exif), ("xmp", xmp)) if v is not None}
    image = Image.new("RGB", (16, 16), "red")
    if fmt == "HEIF":
        pillow_heif.from_pillow(image).save(buf, **kwargs)
    elif fmt == "PNG" and xmp is not None:  # Pillow writes PNG XMP only as an iTXt chunk
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp.decode(), zip=True)
        image.save(buf, fmt, pnginfo=info, **{k: v for k, v in kwargs.items() if k != "xmp"})
    else:
        image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def fields_of(fields: list[FieldValue], source: str) -> dict[str, Any]:
    return {f.field: f.value for f in fields if f.source == source}


def r(n: int, d: int = 1) -> IFDRational:
    return IFDRational(n, d)


CAMERA = {0x010F: "Canon  ", 0x0110: "EOS 5D", 0x0131: "Firmware 1.1", 0x0112: 6,
          0x010E: "A street", 0x013B: "Jane Doe", 0x0132: "2020:01:02 09:00:00"}


def test_fields_and_raw_entries_from_a_camera_jpeg() -> None:
    data = save(exif=make_exif(CAMERA, {0x9003: "2020:01:02 03:04:05", 0x9291: "12", 0xA434: "EF 50mm"}))
    raw, fields, problems = read_image_metadata(data, "JPEG")
    assert problems == []
    assert fields_of(fields, "exif") == {
        "taken_at": "2020-01-02T03:04:05.120", "make": "Canon", "model": "EOS 5D", "software": "Firmware 1.1",
        "orientation": 6, "lens": "EF 50mm", "description": "A street", "author": "Jane Doe",
    }
    assert MetaEntry("EXIF", "DateTimeOriginal", "2020:01:02 03:04:05") in raw
    assert MetaEntry("Image", "Model", "EOS 5D") in raw
    assert not any(e.source == "note" for e in raw)


def test_offset_only_when_the_file_states_it() -> None:
    stated = save(exif=make_exif(exif={0x9003: "2020:01:02 03:04:05", 0x9011: "+05:30"}))
    unstated = save(exif=make_exif(exif={0x9003: "2020:01:02 03:04:05"}))
    assert fields_of(read_image_metadata(stated, "JPEG")[1], "exif")["taken_at_offset"] == "+05:30"
    assert "taken_at_offset" not in fields_of(read_image_metadata(unstated, "JPEG")[1], "exif")


def test_offset_of_another_date_is_not_borrowed() -> None:
    # OffsetTime belongs to DateTime (last modified), not to DateTimeOriginal.
    data = save(exif=make_exif(CAMERA, {0x9003: "2020:01:02 03:04:05", 0x9010: "+01:00"}))
    assert "taken_at_offset" not in fields_of(read_image_metadata(data, "JPEG")[1], "exif")


def test_falls_back_to_datetime_and_notes_it() -> None:
    data = save(exif=make_exif({0x0132: "2019:12:31 23:59:58"}, {0x9003: "0000:00:00 00:00:00", 0x9010: "-03:00"}))
    raw, fields, _ = read_image_metadata(data, "JPEG")
    assert fields_of(fields, "exif")["taken_at"] == "2019-12-31T23:59:58"
    assert fields_of(fields, "exif")["taken_at_offset"] == "-03:00"
    assert MetaEntry("EXIF", "DateTimeOriginal", "0000:00:00 00:00:00") in raw
    assert any(e.source == "note" and "Image DateTime" in e.value for e in raw)


@pytest.mark.parametrize("bad", ["0000:00:00 00:00:00", "    :  :     :  :  ", "", "2021:02:30 10:00:00", "garbage"])
def test_invalid_dates_give_no_taken_at(bad: str) -> None:
    data = save(exif=make_exif({0x010F: "X"}, {0x9003: bad}))
    raw, fields, _ = read_image_metadata(data, "JPEG")
    assert "taken_at" not in fields_of(fields, "exif")
    assert MetaEntry("EXIF", "DateTimeOriginal", bad) in raw  # raw keeps it exactly


def test_gps_signed_degrees_altitude_direction_and_time() -> None:
    gps = {1: "S", 2: (r(33), r(51), r(3054, 100)), 3: "W", 4: (r(151), r(12), r(30)),
           5: b"\x01", 6: r(125, 10), 0x11: r(2705, 10), 7: (r(14), r(27), r(725, 100)), 0x1D: "2008:10:23"}
    _, fields, problems = read_image_metadata(save(exif=make_exif(gps=gps)), "JPEG")
    got = fields_of(fields, "exif")
    assert problems == []
    assert got["gps_lat"] == pytest.approx(-(33 + 51 / 60 + 30.54 / 3600), abs=1e-9)
    assert got["gps_lon"] == pytest.approx(-(151 + 12 / 60 + 30 / 3600), abs=1e-9)
    assert got["gps_alt"] == -12.5
    assert got["gps_direction"] == 270.5
    assert got["gps_time"] == "2008-10-23T14:27:07.250Z"


@pytest.mark.parametrize("gps", [
    {1: "N", 2: (r(33), r(51), r(0, 0)), 3: "E", 4: (r(151), r(12), r(0))},   # 0/0 seconds
    {1: "N", 2: (r(33), r(51), r(0)), 4: (r(151), r(12), r(0))},              # no longitude ref
    {1: "N", 2: (r(95), r(0), r(0)), 3: "E", 4: (r(151), r(12), r(0))},        # latitude beyond 90
    {1: "N", 2: (r(33), r(51), r(0)), 3: "E"},                                 # no longitude
])
def test_unusable_gps_gives_no_position(gps: dict[int, Any]) -> None:
    raw, fields, _ = read_image_metadata(save(exif=make_exif(gps=gps)), "JPEG")
    assert not {"gps_lat", "gps_lon"} & set(fields_of(fields, "exif"))
    assert any(e.source == "GPS" and e.key == "GPSLatitude" for e in raw)


def test_long_values_are_truncated_and_marked() -> None:
    data = save(exif=make_exif({0x010E: "x" * 5000}))
    raw, fields, _ = read_image_metadata(data, "JPEG")
    entry = next(e for e in raw if e.key == "ImageDescription")
    assert len(entry.value) < MAX_VALUE_CHARS + 50 and "truncated: 5000 characters" in entry.value
    assert len(fields_of(fields, "exif")["description"]) == MAX_VALUE_CHARS


def test_entry_counts_are_bounded() -> None:
    n = MAX_ENTRIES + 100
    tiff = b"II*\x00" + struct.pack("<IH", 8, n) + b"".join(
        struct.pack("<HHIHH", 1000 + i, 3, 1, i, 0) for i in range(n)) + bytes(4)
    raw, _, problems = read_image_metadata(tiff, "TIFF")
    assert len(raw) == MAX_ENTRIES and "more than 2000 tags" in problems[0].message
    xmp = XMP_DOC.replace('tiff:Make="Nikon"', " ".join(f'dc:p{i}="v"' for i in range(n)) + ' tiff:Make="Nikon"')
    raw, fields, problems = read_image_metadata(xmp.encode(), "GIF")
    assert len(raw) == MAX_ENTRIES and "only the first 2000 were kept" in problems[0].message
    assert fields_of(fields, "xmp")["make"] == "Nikon"


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF", "TIFF"])
def test_exif_in_other_containers(fmt: str) -> None:
    data = save(fmt, exif=make_exif({0x010F: "Apple"}, {0x9003: "2022:02:16 12:55:41", 0x9011: "+01:00"}))
    _, fields, problems = read_image_metadata(data, fmt)
    assert problems == []
    assert fields_of(fields, "exif") == {
        "make": "Apple", "taken_at": "2022-02-16T12:55:41", "taken_at_offset": "+01:00",
    }


def test_heif_container_failure_is_reported_when_exifread_cannot_help(monkeypatch: pytest.MonkeyPatch) -> None:
    # exifread's own HEIF parser fails on libheif-written files (AssertionError); the fallback
    # succeeding on a real phone file is checked in the corpus tests.
    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("libheif says no")

    monkeypatch.setattr(pillow_heif, "open_heif", broken)
    _, fields, problems = read_image_metadata(save("HEIF", exif=make_exif({0x010F: "Apple"})), "HEIF")
    assert fields == []
    assert any("HEIF container could not be read" in p.message and "RuntimeError: libheif says no" in p.message
               for p in problems)


@pytest.mark.parametrize("error", [KeyError("x"), UnicodeDecodeError("ascii", b"\xff", 0, 1, "bad"), EOFError()])
def test_any_exifread_exception_becomes_a_problem(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def raising(*_: Any, **__: Any) -> None:
        raise error

    monkeypatch.setattr(exif_module.exifread, "process_file", raising)
    data = save(exif=make_exif({0x010F: "X"}), xmp=XMP_DOC.encode())
    raw, fields, problems = read_image_metadata(data, "JPEG")
    assert [(p.kind, p.stage) for p in problems] == [("metadata", "metadata")]
    assert type(error).__name__ in problems[0].message
    assert fields_of(fields, "xmp")["make"] == "Nikon"  # the XMP is still read


def test_truncated_camera_jpeg_keeps_its_exif() -> None:
    data = (Path(__file__).resolve().parents[2] / "resources" / "samples" / "DSCN0029-truncated.jpg").read_bytes()
    _, fields, problems = read_image_metadata(data, "JPEG")
    got = fields_of(fields, "exif")
    assert problems == [] and (got["make"], got["taken_at"]) == ("NIKON", "2008-10-22T16:46:53")


def _truncations() -> list[bytes]:
    whole = save(exif=make_exif(CAMERA, {0x9003: "2020:01:02 03:04:05"}, {1: "N", 2: (r(1), r(2), r(3))}),
                 xmp=XMP_DOC.encode())
    return [whole[:n] for n in range(0, len(whole), max(1, len(whole) // 60))]


@pytest.mark.parametrize("fmt", FORMATS)
def test_garbage_and_truncated_input_never_raises(fmt: str) -> None:
    rng = random.Random(1234)
    inputs = [b"", bytes(100), bytes(rng.getrandbits(8) for _ in range(4096)),
              b"\xff\xd8\xff\xe1" + bytes(rng.getrandbits(8) for _ in range(512)),
              b"II*\x00" + bytes(rng.getrandbits(8) for _ in range(512)),
              b"\x00\x00\x00\x18ftypheic" + bytes(rng.getrandbits(8) for _ in range(512))]
    for data in inputs + _truncations():
        raw, fields, problems = read_image_metadata(data, fmt)
        assert all(p.kind == "metadata" and p.stage == "metadata" for p in problems)
        assert all(isinstance(e.value, str) for e in raw)


XMP_DOC = """<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xap="http://ns.adobe.com/xap/1.0/"
    xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:stRef="http://ns.adobe.com/xap/1.0/sType/ResourceRef#"
    tiff:Make="Nikon" xap:CreatorTool="Editor 2" xap:CreateDate="2019-01-01T00:00:00Z"
    exif:GPSLatitude="51,30.5N" exif:GPSLongitude="0,7,30W" exif:GPSAltitude="1234/10" exif:GPSAltitudeRef="1">
   <tiff:Model>D850</tiff:Model>
   <photoshop:DateCreated>2018-05-06T07:08:09.5+02:00</photoshop:DateCreated>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Smoke over the port</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>A. Person</rdf:li><rdf:li>B. Person</rdf:li></rdf:Seq></dc:creator>
   <xmpMM:DerivedFrom stRef:instanceID="uuid:1" stRef:documentID="uuid:2"/>
   <exif:Flash rdf:parseType="Resource"><exif:Fired>False</exif:Fired></exif:Flash>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"""


def test_a_jpegs_xmp_is_read_from_its_header_only() -> None:
    """Text that looks like XMP after the picture data (a trailer, an appended image's own XMP) is not this
    picture's XMP; a file whose markers do not lead to the picture data is searched whole."""
    header_xmp = save(xmp=XMP_DOC.encode())
    trailer = save() + XMP_DOC.encode()
    assert fields_of(read_image_metadata(header_xmp, "JPEG")[1], "xmp")["make"] == "Nikon"
    assert not any(e.source == "XMP" for e in read_image_metadata(trailer, "JPEG")[0])
    no_markers = b"\xff\xd8garbage " + XMP_DOC.encode()
    assert fields_of(read_image_metadata(no_markers, "JPEG")[1], "xmp")["make"] == "Nikon"


def test_xmp_attribute_and_element_forms() -> None:
    raw, fields, problems = read_image_metadata(save(xmp=XMP_DOC.encode()), "JPEG")
    assert problems == []
    xmp = {e.key: e.value for e in raw if e.source == "XMP"}
    assert xmp["tiff:Make"] == "Nikon" and xmp["tiff:Model"] == "D850"
    assert xmp["xmp:CreatorTool"] == "Editor 2"  # "xap:" is the same namespace as "xmp:"
    assert xmp["dc:creator"] == "A. Person; B. Person"
    assert xmp["xmpMM:DerivedFrom/stRef:instanceID"] == "uuid:1"
    assert xmp["exif:Flash/exif:Fired"] == "False"
    assert fields_of(fields, "xmp") == {
        "taken_at": "2018-05-06T07:08:09.500", "taken_at_offset": "+02:00",  # photoshop:DateCreated first
        "make": "Nikon", "model": "D850", "software": "Editor 2",
        "description": "Smoke over the port", "author": "A. Person; B. Person",
        "gps_lat": pytest.approx(51 + 30.5 / 60), "gps_lon": pytest.approx(-(7 / 60 + 30 / 3600)),
        "gps_alt": -123.4,
    }


def test_xmp_found_in_heif_and_png_containers() -> None:
    for fmt in ("HEIF", "PNG", "WEBP"):  # PNG: a compressed iTXt, found only through Pillow
        _, fields, problems = read_image_metadata(save(fmt, xmp=XMP_DOC.encode()), fmt)
        assert fields_of(fields, "xmp").get("make") == "Nikon", fmt
        assert problems == []


BOMB = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
BOMB_BODY = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
             'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="&lol3;"/></rdf:RDF>')


@pytest.mark.parametrize(("packet", "reason"), [
    (f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{BOMB}{BOMB_BODY}</x:xmpmeta>', "refused: the packet declares"),
    # declared before the packet: never parsed, so the entity stays undefined
    (f'<?xml version="1.0"?>{BOMB}<x:xmpmeta xmlns:x="adobe:ns:meta/">{BOMB_BODY}</x:xmpmeta>', "undefined entity"),
])
def test_xmp_entity_declarations_are_never_expanded(packet: str, reason: str) -> None:
    raw, fields, problems = read_image_metadata(save(xmp=packet.encode()), "JPEG")
    assert not [e for e in raw if e.source == "XMP"] and fields == []
    assert len(problems) == 1 and problems[0].message.startswith("XMP could not be read")
    assert reason in problems[0].message
    assert "lollol" not in repr((raw, fields, problems))


def test_xmp_without_an_end_is_a_problem() -> None:
    data = save(xmp=XMP_DOC.encode()).replace(b"</x:xmpmeta>", b"</x:xmpmetX>")
    _, _, problems = read_image_metadata(data, "JPEG")
    assert [p.message for p in problems] == [
        "XMP could not be read: ValueError: XMP packet has no end within 2097152 bytes (truncated or oversize)"
    ]
