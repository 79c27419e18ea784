from dataclasses import asdict

from verify_bench.media.analysis import Analysis, FieldValue, MetaEntry, PerceptualHash, Problem, analysis_to_json


def test_json_form_has_every_field_but_the_binary_blobs():
    a = Analysis("image", "image/jpeg", "JPEG", 4, 3, None, [MetaEntry("EXIF", "Make", "X")],
                 [FieldValue("make", "X", "exif")], [PerceptualHash("phash", "0" * 16, None, "p")], True,
                 b"thumb", b"strip", [Problem("metadata", "m", "metadata")])
    expected = asdict(a)
    del expected["thumbnail_jpeg"], expected["strip_jpeg"]
    assert analysis_to_json(a) == expected
