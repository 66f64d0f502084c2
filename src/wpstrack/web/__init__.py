"""The web shell: HTML pages and the JSON API over the domain modules.

Build it with :func:`create_app`; route modules use the named dependencies from
:mod:`wpstrack.web.deps`.
"""

from wpstrack.web.app import create_app
from wpstrack.web.deps import AdminUser, ConnDep, CurrentUser, OptionalUser, require_role

__all__ = ["AdminUser", "ConnDep", "CurrentUser", "OptionalUser", "create_app", "require_role"]
