"""``wpstrack review list | accept | candidates | merge | apart | roles | same-person``: review
from the command line.

A decision made here is recorded exactly like one made in the browser: human extraction
rows with their author, the activity set ``reviewed`` and an audit event. ``--as`` names the
wpstrack user it is made for (who must be allowed to review); without it the audit log names
the operating-system account that typed the command.
"""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import Connection

from wpstrack import activities, actors, events, people, review, roles, users
from wpstrack.cli.common import cli_actor, connect, console, fail, print_json
from wpstrack.errors import PermissionDenied

app = typer.Typer(
    help="Review machine extractions: list the queue, accept drafts, merge one event's sources."
)


def _actor(conn: Connection, username: str | None) -> str:
    """The name decisions are recorded under; a named user must hold a reviewing role."""
    if username is None:
        return cli_actor()
    user = users.get_user(conn, username)
    if not users.has_role(user, "reviewer", "editor"):
        raise PermissionDenied(f"{username} is a {user.role} and may not review")
    return user.username


@app.command("list")
def list_cli(
    limit: int = typer.Option(50, "--limit", min=1, max=500, help="How many documents to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List documents whose activity waits for review, oldest first."""
    with connect() as conn:
        page = review.review_queue(conn, None, limit)
    if as_json:
        print_json([item.model_dump(mode="json") for item in page.items])
        return
    table = Table("document", "title", "type", "date", "values", "lowest conf.")
    for item in page.items:
        low = "—" if item.min_confidence is None else f"{item.min_confidence:.2f}"
        when = item.activity_date.isoformat() if item.activity_date else "—"
        title = (item.title or "")[:40]
        table.add_row(str(item.id), title, item.activity_type, when, str(item.values), low)
    console.print(table)
    if page.next_cursor:
        console.print(f"(more than {limit} waiting; use --limit to see more)")


@app.command("accept")
def accept_cli(
    document_id: int | None = typer.Argument(None, help="The document whose draft to accept."),
    every: bool = typer.Option(False, "--all", help="Accept every draft in the queue."),
    min_confidence: float | None = typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="With --all: accept only the values at least this confident (calibrated: at "
        "0.9, nine in ten were right on every gold set) and the drafts whose values all are; "
        "the rest stay for a reviewer.",
    ),
    as_user: str | None = typer.Option(None, "--as", help="Record the decision for this user."),
) -> None:
    """Accept one document's draft (its values as proposed), or with --all the whole queue."""
    if (document_id is None) == (not every):
        raise fail("give a DOCUMENT_ID or --all (not both)", 2)
    if min_confidence is not None and not every:
        raise fail("--min-confidence goes with --all", 2)
    with connect() as conn:
        actor = _actor(conn, as_user)
        if document_id is not None:
            stored = review.accept_record(conn, actor, document_id)
            console.print(f"Accepted document {document_id}: activity {stored['id']} is reviewed.")
            return
        result = review.accept_all(conn, actor, min_confidence)
    console.print(
        f"Accepted {len(result.accepted)} drafts; {len(result.skipped)} left for a reviewer "
        "(a value below the confidence floor)."
    )
    if min_confidence is not None:
        console.print(
            f"Accepted {result.values_accepted} values at confidence {min_confidence:g} or more; "
            f"{result.values_left} left for review."
        )


@app.command("candidates")
def candidates_cli(
    activity_id: int = typer.Argument(..., help="The activity to find matches for."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List activities that may report the same event as ACTIVITY_ID, with the evidence."""
    with connect() as conn:
        found = events.candidates(conn, activity_id)
    if as_json:
        print_json([c.model_dump(mode="json") for c in found])
        return
    table = Table("activity", "title", "date", "status", "score", "evidence")
    for c in found:
        when = c.date.isoformat() if c.date else "—"
        title = (c.title or "")[:40]
        table.add_row(
            str(c.activity_id), title, when, c.status, f"{c.score:g}", "; ".join(c.evidence)
        )
    console.print(table if found else "No activity within a day of it looks like the same event.")


@app.command("merge")
def merge_cli(
    into: int = typer.Argument(..., help="The activity that is kept (A)."),
    source: int = typer.Argument(..., help="The activity joined into it (B), then removed."),
    as_user: str | None = typer.Option(None, "--as", help="Record the decision for this user."),
) -> None:
    """A and B report the same event: B's sources, values and links join A, B goes."""
    with connect() as conn:
        actor = _actor(conn, as_user)
        events.merge(conn, actor, into, source)
        count = len(events.sources(conn, into))
    console.print(f"Merged activity {source} into {into}: one event with {count} sources.")


@app.command("apart")
def apart_cli(
    activity_id: int = typer.Argument(..., help="One activity (A)."),
    other_id: int = typer.Argument(..., help="The other (B)."),
    as_user: str | None = typer.Option(None, "--as", help="Record the decision for this user."),
) -> None:
    """A and B are different events: neither is offered as the other's match again."""
    with connect() as conn:
        actor = _actor(conn, as_user)
        events.keep_apart(conn, actor, activity_id, other_id)
    console.print(f"Activities {activity_id} and {other_id} are kept apart.")


def _role_pairs(pairs: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for pair in pairs:
        participant, _, role = pair.partition("=")
        if not participant.strip().isdigit() or not role.strip():
            raise fail(f"--set takes PARTICIPANT_ID=ROLE, not {pair!r}", 2)
        found[int(participant)] = role.strip()
    return found


@app.command("roles")
def roles_cli(
    activity_id: int = typer.Argument(..., help="The activity whose roles to show or set."),
    set_: list[str] = typer.Option(
        [],
        "--set",
        help="PARTICIPANT_ID=ROLE (repeatable); roles: " + ", ".join(roles.CODES) + ".",
    ),
    acting_country: str | None = typer.Option(
        None, "--acting-country", help="The acting government (ISO code; '' clears it)."
    ),
    acting_organisation: str | None = typer.Option(
        None, "--acting-organisation", help="The acting organisation (code; '' clears it)."
    ),
    add_organisation: str | None = typer.Option(
        None, "--add-organisation", help="Add this organisation (code) with --role."
    ),
    add_country: str | None = typer.Option(
        None, "--add-country", help="Add this government (ISO code) with --role."
    ),
    role: str | None = typer.Option(None, "--role", help="The role of what --add-* adds."),
    as_user: str | None = typer.Option(None, "--as", help="Record the change for this user."),
) -> None:
    """Show an activity's roles and acting government, or set them (as the review page does)."""
    with connect() as conn:
        if set_ or acting_country is not None or acting_organisation is not None:
            data = actors.RolesIn(
                roles=_role_pairs(set_),
                acting_country=acting_country,
                acting_organisation=acting_organisation,
            )
            actors.set_roles(conn, _actor(conn, as_user), activity_id, data)
        if add_organisation or add_country:
            if role is None:
                raise fail("--add-organisation and --add-country need --role", 2)
            added = actors.ParticipantIn(
                role=role, organisation=add_organisation, country=add_country
            )
            actors.add_participant(conn, _actor(conn, as_user), activity_id, added)
        detail = activities.get_activity(conn, activity_id)
    acting = ", ".join(filter(None, (detail.acting_country, detail.acting_organisation)))
    console.print(f"Activity {activity_id}, whose: {acting or 'not known'}")
    table = Table("participant", "name", "role", "set by")
    for p in detail.participants:
        name = p.name or p.organisation_name or ""
        table.add_row(str(p.id), name, roles.label_of(p.role), p.role_by or "extractor")
    console.print(table)


@app.command("same-person")
def same_person_cli(
    keep: int = typer.Argument(..., help="The person kept (the number of /people/…)."),
    other: int = typer.Argument(..., help="The person who is the same one under another name."),
    as_user: str | None = typer.Option(None, "--as", help="Record the merge for this user."),
) -> None:
    """Record that two people are one (two spellings, English and Japanese), as the person
    page does: their activities, roles and offices are shown together from now on."""
    with connect() as conn:
        merged = people.merge_people(conn, _actor(conn, as_user), keep, other)
    console.print(f"Person {other} is now shown as person {keep} ({merged['name']}).")
