"""Review pages: the queue, and one document beside its draft with every value highlighted.

Everyone logged in may look; reviewers, editors and admins decide. Each form posts, the
decision is written, and the browser is sent back (303) to where it was, so reloading a page
never repeats a decision.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from wpstrack import activities, events, review
from wpstrack.i18n import _
from wpstrack.users import User, has_role
from wpstrack.web.deps import ConnDep, CurrentUser, require_role
from wpstrack.web.templating import render

router = APIRouter(prefix="/review")
Reviewer = Annotated[User, require_role("reviewer", "editor")]


def _back(document_id: int, fragment: str = "") -> Response:
    return RedirectResponse(f"/review/{document_id}{fragment}", status_code=303)


@router.get("")
def queue_page(
    request: Request, conn: ConnDep, user: CurrentUser, cursor: str | None = None
) -> Response:
    page = review.review_queue(conn, cursor)
    context = {
        "title": _("Review queue"),
        "page": page,
        "can_review": has_role(user, "reviewer", "editor"),
    }
    return render(request, "review_queue.html", context)


@router.get("/{document_id}")
def item_page(request: Request, conn: ConnDep, user: CurrentUser, document_id: int) -> Response:
    view = review.review_item(conn, document_id)
    name = (
        view["document"]["title"]
        or view["document"]["filename"]
        or _("Document %(id)s", id=document_id)
    )
    can_review = has_role(user, "reviewer", "editor")
    context = {
        **view,
        "title": _("Review: %(name)s", name=name),
        "name": name,
        "can_review": can_review,
    }
    return render(request, "review_item.html", context)


@router.post("/{document_id}/values/{extraction_id}")
def decide_value(
    conn: ConnDep,
    user: Reviewer,
    document_id: int,
    extraction_id: int,
    decision: Annotated[str, Form()],
    value: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    review.decide(conn, user.username, extraction_id, decision, value, document_id=document_id)
    return _back(document_id, f"#value-{extraction_id}")


@router.post("/{document_id}/add")
def add_value(
    conn: ConnDep,
    user: Reviewer,
    document_id: int,
    field: Annotated[str, Form(max_length=40)],
    value: Annotated[str, Form(max_length=2000)],
) -> Response:
    review.add_value(conn, user.username, document_id, field, value)
    return _back(document_id, "#values")


@router.post("/{document_id}/link")
def link(
    conn: ConnDep,
    user: Reviewer,
    document_id: int,
    activity_id: Annotated[int, Form()],
    plan_item_id: Annotated[int, Form()],
    version: Annotated[int, Form()],
) -> Response:
    activities.link_plan_item(
        conn, user.username, activity_id, plan_item_id, expected_version=version
    )
    return _back(document_id, "#links")


@router.post("/{document_id}/accept")
def accept(
    conn: ConnDep, user: Reviewer, document_id: int, version: Annotated[int, Form()]
) -> Response:
    review.accept_record(conn, user.username, document_id, expected_version=version)
    return _onwards(conn, document_id)


@router.post("/{document_id}/reject")
def reject(
    conn: ConnDep, user: Reviewer, document_id: int, version: Annotated[int, Form()]
) -> Response:
    review.reject_record(conn, user.username, document_id, expected_version=version)
    return _onwards(conn, document_id)


@router.post("/{document_id}/merge")
def merge(
    conn: ConnDep,
    user: Reviewer,
    document_id: int,
    activity_id: Annotated[int, Form()],
    into: Annotated[int, Form()],
) -> Response:
    """The draft reports the same event as activity ``into``: joined into it."""
    events.merge(conn, user.username, into, activity_id)
    return RedirectResponse(f"/activities/{into}", status_code=303)


@router.post("/{document_id}/apart")
def apart(
    conn: ConnDep,
    user: Reviewer,
    document_id: int,
    activity_id: Annotated[int, Form()],
    other: Annotated[int, Form()],
) -> Response:
    events.keep_apart(conn, user.username, activity_id, other)
    return _back(document_id, "#same-event")


def _onwards(conn: ConnDep, document_id: int) -> Response:
    """After a record decision: the next document in the queue, else the previous, else it."""
    around = review.neighbours(conn, document_id)
    target = around["next"] or around["previous"]
    return RedirectResponse(f"/review/{target}" if target else "/review", status_code=303)
