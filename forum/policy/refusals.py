"""Why the policy refuses: each reason in words fit to show the viewer, with its HTTP status."""

from dataclasses import dataclass
from datetime import datetime

from forum.errors import DomainError


@dataclass(frozen=True)
class Reason:
    """Why an action is refused. `status` 404 means "answer as if it did not exist"."""

    code: str
    message: str
    status: int = 403


class Refusal(DomainError):
    """The policy refused; `reason` says why, and the message is the reason's words."""

    def __init__(self, reason: Reason):
        self.reason = reason
        super().__init__(reason.message, status=reason.status)


def _when(moment: datetime) -> str:
    return f"{moment:%d %B %Y, %H:%M} UTC"


NOT_FOUND = Reason("not_found", "There is nothing here.", 404)
SIGN_IN = Reason("sign_in", "Please sign in first.")
NOT_ADMIN = Reason("not_admin", "Only site admins can do that.")
MEMBERS_ONLY = Reason("members_only", "The discussions in this space are for its members only.")
NOT_A_MEMBER = Reason("not_a_member", "Only members of this space can do that. Join it first.")
ALREADY_MEMBER = Reason("already_member", "You are already a member of this space.")
REQUEST_WAITING = Reason("request_waiting", "Your request to join is waiting for a moderator.")
NOT_OPEN = Reason("not_open", "This space is not open to join: it takes requests or invitations.")
NOT_BY_REQUEST = Reason("not_by_request", "This space does not take requests to join.")
NOT_STAFF = Reason("not_staff", "Only the space's moderators can do that.")
NOT_OWNER = Reason("not_owner", "Only the space's owners may change roles.")
OWNERS_LOOSEN = Reason(
    "owners_loosen",
    "Only the space's owners (or a site admin) may open it up: make it more visible, show "
    "usernames, or change or clear the required label. Nothing was saved; ask an owner.",
)
NOT_YOURSELF = Reason("not_yourself", "You cannot do that to your own membership.")
NOT_MODERATOR = Reason(
    "not_moderator", "Only moderators of a space (and site admins) can open the moderation queue."
)
OUTRANKED = Reason("outranked", "You may not moderate this member.")
LOCKED = Reason("locked", "This thread is locked: it takes no new replies.")
POST_GONE = Reason(
    "post_gone", "That post was deleted or removed, so it takes no replies or edits."
)
POST_WAITING = Reason(
    "post_waiting", "That post is waiting for a moderator: it takes replies once approved."
)
NOT_AUTHOR = Reason("not_author", "Only the post's author can do that.")
OWN_POST = Reason("own_post", "You cannot report your own post.")
NOT_REPORTABLE = Reason(
    "not_reportable", "This post cannot be reported: it is waiting for review, removed or deleted."
)
RULES_NOT_ACCEPTED = Reason(
    "rules_not_accepted",
    "This space's rules have changed since you joined. Please read them and tick the box to "
    "accept them; what you wrote is kept below.",
    400,  # a box left unticked on the form, like any other field to fill in
)


def suspended(until: datetime) -> Reason:
    return Reason("suspended", f"Your account is suspended until {_when(until)}.")


def banned(until: datetime | None) -> Reason:
    ending = f" until {_when(until)}" if until else ""
    return Reason("banned", f"You are banned from this space{ending}.")


def muted(until: datetime | None) -> Reason:
    ending = f" until {_when(until)}" if until else ""
    return Reason("muted", f"You are muted in this space{ending}: you can read it, not post.")


def sanction_stays(until: datetime | None) -> Reason:
    ending = f" It ends {_when(until)}." if until else ""
    return Reason(
        "sanction_stays",
        f"You cannot leave this space while a moderator's mute or ban on you is in force.{ending}",
    )


def label_required(label: str) -> Reason:
    return Reason(
        "label_required",
        f"Only people holding the verified label “{label}” can join this space. Labels are "
        "granted by the site's admins.",
    )


NOT_YOUR_DECISION = Reason("not_your_decision", "A different moderator must decide this appeal.")
NOT_APPEALABLE = Reason("not_appealable", "That decision cannot be appealed.")
SECOND_ADMIN = Reason("second_admin", "A second, different site admin must decide on this request.")
ABOUT_YOURSELF = Reason(
    "about_yourself", "This request is about your own pseudonym: another admin must decide it."
)
NOT_THE_ASKER = Reason(
    "not_the_asker",
    "Only the site admin who asked sees the account, and only once another admin approved.",
)


def appeal_window_passed(days: int) -> Reason:
    return Reason(
        "appeal_window_passed",
        f"The time to appeal this decision has passed: appeals are taken within {days} days "
        "of the decision.",
    )
