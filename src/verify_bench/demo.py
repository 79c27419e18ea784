"""The sample case: a small invented incident built from the bundled media, as an investigator would work it.

Shared by ``verify-bench demo`` and the app's "Open sample case". Everything after the imports goes
through the same core functions the app and the CLI use, so every change is a signed event and the
case passes ``verify``. What it holds, so that every panel has something to show:

- photos and a video, one of them a broken file (a problem to look at);
- duplicates: the same photo received twice (a second sighting, no second copy) and a downscaled
  re-upload, confirmed as the same picture;
- an incident with a location claim (accepted) and a witness's claim that disagrees;
- a weapon-fragment tag with markings, on the fragment photo, linked to the incident;
- the fragment photo, checked and awaiting a lead's review; the camera photo in progress with its checks.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from . import fragments, geo, workflow
from .case import Case
from .errors import VerifyBenchError
from .ingest.pipeline import ImportOptions, run_import
from .ingest.progress import FileOutcome, ImportProgress, ImportSummary
from .resources import samples_dir
from .similarity.decisions import decide

MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".mp4", ".mov", ".webm", ".json"}
INCIDENT = "Strike near the market (sample)"
REUPLOAD = "reupload_1651239845.jpg"
PHOTO = "DSCN0010.jpg"
FRAGMENT_PHOTO = "fragment_tail_fin.jpg"
VIDEO = "android-with-gps.mp4"
FORWARDED = "IMG-20240507-WA0003.jpg"  # DSCN0010.jpg as received again


def sample_files() -> list[Path]:
    """The bundled sample media (and the sidecar beside the re-upload), in name order."""
    return sorted(p for p in samples_dir().iterdir() if p.suffix.lower() in MEDIA_SUFFIXES)


def build_demo_case(target: Path | str, *, progress: Callable[[ImportProgress], None] | None = None,
                    on_file: Callable[[FileOutcome], None] | None = None,
                    cancel: Callable[[], bool] = lambda: False) -> tuple[ImportSummary, ImportSummary]:
    """Create the sample case at ``target``: import the samples, receive one photo again, then work it.

    Returns the two import summaries.
    """
    samples = samples_dir()
    with Case.create(target, actor="demo", title="Demo case: strike near the market (sample)") as case:
        first = run_import(case, [os.fspath(p) for p in sample_files()],
                           options=ImportOptions(note="bundled sample media"),
                           progress=progress, on_file=on_file, cancel=cancel)
        with tempfile.TemporaryDirectory(prefix="vb-sample-") as inbox:
            forwarded = Path(inbox) / FORWARDED  # as a messaging app saves a forwarded photo
            shutil.copyfile(samples / PHOTO, forwarded)
            again = run_import(case, [os.fspath(forwarded)], options=ImportOptions(
                source_url="https://example.org/forwarded/DSCN0010.jpg", note="the same photo received again"),
                progress=progress, on_file=on_file, cancel=cancel)
        if not cancel():
            work_the_case(case)
    return first, again


def work_the_case(case: Case) -> None:
    """What an investigator records on the samples: a duplicate decision, places, a fragment, reviews."""
    photo, reupload = _item(case, PHOTO), _item(case, REUPLOAD)
    fragment_photo, video = _item(case, FRAGMENT_PHOTO), _item(case, VIDEO)
    decide(case, [(photo, reupload)], "confirmed", note="the re-upload is a downscaled copy of the camera original")

    lat, lon = case.find_item(photo)["gps_lat"], case.find_item(photo)["gps_lon"]
    incident = geo.record_incident(case, INCIDENT, time="2024-05-07T07:40", lat=lat - 0.0004, lon=lon + 0.0012,
                                   precision_m=300, note="invented for the sample case")
    geo.link_items(case, incident.incident_id, [photo, reupload, fragment_photo])
    geo.claim_location(case, photo, geo.parse_point(f"{lat + 0.0009}, {lon + 0.0006}"), precision_m=60,
                       method="landmark_match", direction_deg=40,
                       note="church tower and the bend in the road match the satellite view", accept=True)
    geo.claim_location(case, photo, geo.parse_point(f"{lat - 0.012}, {lon - 0.011}"), precision_m=150,
                       method="witness", note="as told by the sender; 1.6 km from the file's own GPS")

    fragments.tag_fragment(
        case, fragment_photo, fragments.polygon([(300, 250), (900, 190), (1010, 560), (420, 700)]), grid="upright",
        fields={"category": "aircraft-bomb", "component": "tail-kit", "markings": "FIN ASSY / LOT 7 MFD 03/21 / SER 004512",
                "lot": "7", "manufactured": "2021-03", "serial": "004512", "confidence": "possible",
                "note": "stencilled markings legible; the scale bar is 10 cm"})

    workflow.start(case, [photo])
    for check, result, note in (
        ("source", "pass", "camera original; the sender forwarded it the same day"),
        ("earliest_upload", "pass", f"{REUPLOAD} was posted later and is a downscaled copy"),
        ("date_time", "unknown", "the camera clock is not corroborated yet"),
        ("location", "pass", "landmarks match; the file's GPS agrees within 110 m"),
    ):
        workflow.record_check(case, photo, check, result, note=note)
    workflow.add_comment(case, photo, "The time is still open: look for the shadow of the tower.")

    for check, result, note in (
        ("source", "pass", "taken by our contact at the site"),
        ("location", "pass", "EXIF position 300 m from the incident"),
        ("content", "pass", "markings legible, scale bar in frame"),
    ):
        workflow.record_check(case, fragment_photo, check, result, note=note)
    workflow.submit(case, [fragment_photo], comment="fragment tagged; please review the markings")
    workflow.add_comment(case, video, "Unrelated footage forwarded with the others: find where it was first posted.")

def _item(case: Case, display_name: str) -> str:
    row = case.conn.execute("SELECT id FROM items WHERE display_name = ? ORDER BY imported_seq LIMIT 1",
                            (display_name,)).fetchone()
    if row is None:
        raise VerifyBenchError(f"the sample case lacks {display_name}: the bundled samples are incomplete")
    return str(row[0])
