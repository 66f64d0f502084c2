"""The web shell: HTML pages and the JSON API over the domain modules.

Build it with :func:`create_app`. Adding a resource follows one recipe:

1. a domain function ``list_x(conn, filters, cursor, limit) -> Page[X]`` (and ``get_x``)
   whose writes go through :mod:`wpstrack.audit` (``insert`` / ``update`` with
   ``expected_version`` / ``delete``), raising :mod:`wpstrack.errors` exceptions;
2. ``web/api/x.py``: a router using ``ConnDep``, ``PageParams`` + ``list_response`` (JSON
   pages or ``?format=csv``), ``require_role(...)`` for writes, ``If-Match`` on edits;
3. ``web/pages/x.py``: a page calling the same domain function and ``render``; forms are
   CSRF-checked by the pages router, so they only need ``{{ csrf() }}``;
4. register both (``create_api``, ``pages_router``) and add rows to the permission matrix
   in ``tests/test_api.py``.
"""

from wpstrack.web.app import create_app
from wpstrack.web.deps import AdminUser, ConnDep, CurrentUser, OptionalUser, require_role

__all__ = ["AdminUser", "ConnDep", "CurrentUser", "OptionalUser", "create_app", "require_role"]
