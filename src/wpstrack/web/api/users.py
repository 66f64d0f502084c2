"""``/api/v1/users``: user administration (admins only) and ``/api/v1/me``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from wpstrack import users
from wpstrack.errors import InvalidInput, TooManyAttempts
from wpstrack.users import PasswordChange, User, UserIn, UserUpdate
from wpstrack.web.api.common import (
    ERROR_RESPONSES,
    PageOut,
    PageParams,
    etag,
    list_response,
    parse_if_match,
)
from wpstrack.web.deps import AdminUser, ConnDep, CurrentUser, client_address, require_role
from wpstrack.web.errors import describe

router = APIRouter(
    prefix="/users",
    tags=["users"],
    dependencies=[require_role("admin")],
    responses=ERROR_RESPONSES,
)
me_router = APIRouter(tags=["users"], responses=ERROR_RESPONSES)


class UserCreated(User):
    """The new user and its password, which is shown here and never again."""

    password: str


class PasswordReset(BaseModel):
    """A user's new generated password, shown here and never again."""

    username: str
    password: str


@router.get("", response_model=PageOut[User])
def list_users(conn: ConnDep, page: PageParams) -> Any:
    return list_response(page, lambda c, n: users.list_users(conn, c, n), User, "users")


@router.post("", status_code=201, response_model=UserCreated)
def create_user(conn: ConnDep, admin: AdminUser, data: UserIn, response: Response) -> UserCreated:
    user, password = users.add_user(conn, data, actor=admin.username)
    response.headers["Location"] = f"/api/v1/users/{user.username}"
    response.headers["ETag"] = etag(user.version)
    return UserCreated(**user.model_dump(), password=password)


@router.get("/{username}", response_model=User)
def get_user(conn: ConnDep, username: str, response: Response) -> User:
    user = users.get_user(conn, username)
    response.headers["ETag"] = etag(user.version)
    return user


@router.patch("/{username}", response_model=User)
def update_user(
    conn: ConnDep,
    admin: AdminUser,
    username: str,
    changes: UserUpdate,
    response: Response,
    if_match: Annotated[str | None, Header()] = None,
) -> User:
    """Change role or active flag; ``If-Match`` must carry the ETag you read (else 409)."""
    version = parse_if_match(if_match)
    user = users.update_user(conn, username, changes, admin.username, expected_version=version)
    response.headers["ETag"] = etag(user.version)
    return user


@router.post("/{username}/password", response_model=PasswordReset)
def reset_password(conn: ConnDep, admin: AdminUser, username: str) -> PasswordReset:
    """Give the user a generated password (in the answer, once) and end their web sessions."""
    user, password = users.reset_password(conn, username, actor=admin.username)
    return PasswordReset(username=user.username, password=password)


@me_router.get("/me", response_model=User)
def me(user: CurrentUser) -> User:
    """The user the bearer token belongs to."""
    return user


@me_router.post("/me/password", status_code=204)
def change_password(
    request: Request, conn: ConnDep, user: CurrentUser, change: PasswordChange
) -> Response:
    """Change your own password, giving the current one (422 if wrong; throttled like logins)."""
    try:
        users.change_password(conn, user.username, change, client_address(request))
    except (InvalidInput, TooManyAttempts) as exc:
        # Returned, not raised, so that a wrong current password is committed and counted.
        status, body, headers = describe(exc)
        return JSONResponse(body, status_code=status, headers=headers)
    return Response(status_code=204)
