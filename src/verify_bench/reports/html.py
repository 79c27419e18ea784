"""The HTML report: one self-contained file (images embedded as data URIs, no scripts, no links out)."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

import jinja2

from ..resources import resources_dir
from .presentation import (
    CHECK_RESULT_LABELS, describe_scope, fmt_bytes, fmt_coord, fmt_value, sidecar_lines, time_range, visible,
)

TEMPLATE = "report.html.j2"


def templates_dir() -> Path:
    return resources_dir() / "reports"


def render_html(data: dict[str, Any], report_json_sha256: str, images: dict[str, Path]) -> bytes:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, finalize=visible,
    )
    env.filters.update(bytes=fmt_bytes, coord=fmt_coord, value=fmt_value)
    uris = {rel: _data_uri(path) for rel, path in images.items()}
    html = env.get_template(TEMPLATE).render(
        d=data, report_sha=report_json_sha256, images=uris, scope_text=describe_scope(data),
        sidecar_lines=sidecar_lines, time_range=time_range, results=CHECK_RESULT_LABELS,
        incidents={i["incident_id"]: i for i in data["incidents"]},
    )
    return html.encode("utf-8")


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
