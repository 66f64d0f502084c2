"""The front page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from wpstrack.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html", {"title": "Women, Peace and Security tracker"})
