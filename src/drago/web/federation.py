"""The federation overview: every athlete of the attached lake (`drago lake attach DIR`) on
their latest day, read from the lake's Parquet results; its JSON twin is /api/federation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from drago.errors import UsageError
from drago.web.api import DEFAULT_LIMIT, ERRORS, LabDep, Limit, Offset, Page, page
from drago.web.app import templates
from drago.web.pages import BAND_CLASS

router = APIRouter()


@router.get("/api/federation", response_model=Page, responses=ERRORS, tags=["api"])
def federation_api(
    request: Request, lab: LabDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> Response:
    """Each athlete of the attached lake on their latest day: CTL, ATL, TSB, rolling ACWR and
    its band, EWMA ACWR, the last 7 days' load and the latest readiness verdict (400 when no
    lake is attached)."""
    return page(request, lab.lake.overview(), limit, offset)


@router.get("/federation", response_class=HTMLResponse, include_in_schema=False)
def federation_page(request: Request, lab: LabDep) -> HTMLResponse:
    """The federation overview page (a hint when no lake is attached)."""
    hint: str | None = None
    try:
        rows = lab.lake.overview().to_dicts()
        results = lab.lake.attached()
    except UsageError as exc:
        rows, results, hint = [], None, str(exc)
    for row in rows:
        row["band_class"] = BAND_CLASS.get(row.get("acwr_band") or "", "none")
    return templates.TemplateResponse(
        request,
        "federation.html",
        {"title": "Federation", "rows": rows, "results": results, "hint": hint},
    )
