"""Real photos in all 8 EXIF orientations: a tag drawn on the upright view lands on the same stored pixels."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageOps

from verify_bench import fragments as fr
from verify_bench.case import Case
from verify_bench.media.image import TRANSPOSE
from verify_bench.ingest.pipeline import ImportOptions, run_import

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
ORIENTATION = CORPUS / "exif-samples" / "jpg" / "orientation"
NAMES = [f"{kind}_{n}.jpg" for kind in ("landscape", "portrait") for n in range(1, 9)]

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def oriented_case(tmp_path_factory: pytest.TempPathFactory):
    if not ORIENTATION.is_dir():
        pytest.skip("../shared/corpus is not present")
    case = Case.create(tmp_path_factory.mktemp("corpus") / "orientation.vbcase")
    run_import(case, [str(ORIENTATION / name) for name in NAMES], options=ImportOptions(workers=1, time_limit=60))
    yield case
    case.close()


@pytest.mark.parametrize("name", NAMES)
def test_a_tag_on_the_upright_view_covers_the_same_pixels_of_the_stored_original(oriented_case: Case,
                                                                                   name: str) -> None:
    case = oriented_case
    item = case.conn.execute("SELECT * FROM items WHERE display_name = ?", (name,)).fetchone()
    assert item is not None, f"{name} was not imported"
    item_id = item[0]
    stored = Image.open(case.root / case.find_item(item_id)["stored_path"])
    stored.load()
    upright = ImageOps.exif_transpose(stored)   # Pillow's own reading of the orientation: the oracle
    orientation = int(name.rsplit("_", 1)[1][0])
    geometry = fr.item_geometry(case, item_id)
    assert geometry.orientation == orientation
    assert (geometry.upright_width, geometry.upright_height) == upright.size
    w, h = upright.size
    box = (w // 5, h // 3, w // 5 + w // 4, h // 3 + h // 5)       # off-centre, not square
    result = fr.tag_fragment(case, item_id, fr.rect(box[0], box[1], box[2] - box[0], box[3] - box[1]),
                             grid="upright")
    expected = upright.crop(box)
    on_stored = stored.crop(fr.crop_box(result.region, *stored.size))
    if orientation in TRANSPOSE:
        on_stored = on_stored.transpose(TRANSPOSE[orientation])
    assert on_stored.tobytes() == expected.tobytes()
    assert Image.open(result.crop).convert(expected.mode).tobytes() == expected.tobytes()
