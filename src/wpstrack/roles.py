"""The roles an organisation or a person has on an activity, defined once.

Monitoring asks who did the work, who paid for it and who benefited, not only who was
named: who-does-what-where counts the organisations that lead, implement or fund an
activity, and a plan's figures count the activities its government carries out or funds.
The extractor proposes a role where the text states it ("funded by", "implemented by"),
reviewers set it otherwise; the participant rows, the review form, the API, the CLI, the
exports and the 3W matrix all take the vocabulary from :data:`ROLES`.

The lead role keeps the stored code ``principal``: the extractor's principal actors and
every stored participant row already use it, and a code is never shown (labels are).
This module imports nothing from storage, so the extractor may read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """One role: its stored code, labels, and whether it makes its holder one who acts."""

    code: str
    label_en: str
    label_ja: str
    acts: bool  # leads, implements or funds: a "who" of the 3W, an actor for plan scope
    took_part: bool  # present at the activity (people counts, gender shares)

    def label(self, language: str = "en") -> str:
        """The role's label in ``language`` (English unless Japanese is asked for)."""
        return self.label_ja if language == "ja" else self.label_en


ROLES: tuple[Role, ...] = (
    Role("principal", "Lead / host", "主催・主導", acts=True, took_part=True),
    Role("implementer", "Implementer", "実施", acts=True, took_part=False),
    Role("funder", "Funder", "資金提供", acts=True, took_part=False),
    Role("recipient", "Recipient / beneficiary", "受益・受領", acts=False, took_part=False),
    Role("participant", "Participant", "参加", acts=False, took_part=True),
    Role("mentioned", "Mentioned", "言及のみ", acts=False, took_part=False),
)
BY_CODE: dict[str, Role] = {r.code: r for r in ROLES}
CODES: tuple[str, ...] = tuple(BY_CODE)
# Roles whose holder carries out or funds the activity: the 3W "who" and a plan's scope.
ACTING: tuple[str, ...] = tuple(r.code for r in ROLES if r.acts)
# When the text gives one organisation several roles, the one kept is the first here:
# paying for or running the work says more about it than receiving or attending.
PRECEDENCE: tuple[str, ...] = ("funder", "principal", "implementer", "recipient", "participant")


def label_of(code: str, language: str = "en") -> str:
    """The label of a role code (the code itself if unknown, as old rows may hold)."""
    found = BY_CODE.get(code)
    return found.label(language) if found else code


def strongest(codes: list[str]) -> str:
    """The role kept for an organisation the text gives ``codes`` (``mentioned`` if none)."""
    for code in PRECEDENCE:
        if code in codes:
            return code
    return "mentioned"
