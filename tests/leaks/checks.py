"""What must never be in a response that shows a pseudonymous post, and how to look for it.

Each check returns findings (strings with a snippet of the page around the leak) so that an
assertion failure says exactly where the account showed through.
"""

import re
from dataclasses import dataclass, field

from tests.leaks import inspect_html

# CSRF tokens are random base64: a run of digits inside one could match an id by chance.
# A CSRF token's value (signed with the time, so it changes from one second to the next), and a
# signed cookie's time stamp and signature: answers are compared without them.
CSRF_VALUE = re.compile(r'(name="[^"]*csrf_token"[^>]*value=")[^"]+')
SIGNATURE = re.compile(r"^([^=]+=[^;]*)\.[^.;]+\.[^.;]+(?=;|$)")
CSRF_INPUT = re.compile(r"<input[^>]*name=\"[^\"]*csrf_token\"[^>]*>")


@dataclass
class Secrets:
    """What ties an account to a person: none of it may travel with their pseudonymous posts."""

    username: str
    email: str
    user_id: int
    handles: dict[str, str]  # space slug → the account's pseudonym there
    # Text written only into the account's pseudonymous posts, and their threads' titles.
    pseudonymous_texts: list[str] = field(default_factory=list)
    # True when no other row the pages show (post, thread, persona, space, membership) has
    # this id, so finding the bare number anywhere on a page is a leak, not a coincidence.
    id_is_distinctive: bool = False

    def other_handles(self, slug: str | None) -> list[str]:
        return [handle for space, handle in self.handles.items() if space != slug]


def _snippet(text: str, start: int, end: int) -> str:
    return text[max(0, start - 80) : end + 80].replace("\n", " ")


def _search(text: str, needle: str, what: str) -> list[str]:
    """Case-insensitive search, also for the URL- and slug-encoded spellings of the needle."""
    lowered = text.lower()
    spellings = {needle.lower()}
    if " " in needle:
        for joiner in ("%20", "+", "-", "_", "&#32;"):
            spellings.add(needle.lower().replace(" ", joiner))
    if "@" in needle:
        spellings |= {needle.lower().replace("@", "%40"), needle.lower().replace("@", "&#64;")}
    findings = []
    for spelling in spellings:
        at = lowered.find(spelling)
        if at >= 0:
            findings.append(f"{what} {needle!r}: …{_snippet(text, at, at + len(spelling))}…")
    return findings


def id_patterns(user_id: int) -> re.Pattern:
    """The account id where it could only be an account id: URLs, attributes, CSS names."""
    n = str(user_id)
    return re.compile(
        "|".join(
            [
                rf"/u/{n}(?!\d)",  # a profile link by id
                rf"/users?/{n}(?!\d)",
                rf"user(?:_?id)?[\"']?\s*[=:]\s*[\"']?{n}(?!\d)",  # user_id=7, "user": 7
                rf"(?:user|author|account|member|persona|avatar|owner)[-_]?(?:id)?[-_]?{n}(?!\d)",
                rf"data-(?!reply-to)[\w-]+=\"[^\"]*(?<!\d){n}(?!\d)[^\"]*\"",  # data-user="7"
            ]
        ),
        re.IGNORECASE,
    )


def find_username(text: str, secrets: Secrets) -> list[str]:
    return _search(text, secrets.username, "the username")


def find_email(text: str, secrets: Secrets) -> list[str]:
    domain = secrets.email.partition("@")[2]
    return _search(text, secrets.email, "the e-mail") + _search(text, domain, "the e-mail domain")


def find_handles(text: str, handles: list[str]) -> list[str]:
    return [finding for handle in handles for finding in _search(text, handle, "the handle")]


def find_pseudonymous_texts(text: str, secrets: Secrets) -> list[str]:
    return [
        finding
        for needle in secrets.pseudonymous_texts
        for finding in _search(text, needle, "a pseudonymous post's text")
    ]


def find_user_id(text: str, secrets: Secrets) -> list[str]:
    """The id in any id-like place; the bare number anywhere when it is distinctive."""
    text = CSRF_INPUT.sub("<input csrf>", text)
    findings = [
        f"the user id in {m.group(0)!r}: …{_snippet(text, m.start(), m.end())}…"
        for m in id_patterns(secrets.user_id).finditer(text)
    ]
    if secrets.id_is_distinctive:
        for m in re.finditer(rf"(?<!\d){secrets.user_id}(?!\d)", text):
            findings.append(f"the bare user id: …{_snippet(text, m.start(), m.end())}…")
    return findings


def headers_text(response) -> str:
    """The response headers as text, but Set-Cookie: the viewer's own signed session."""
    return "\n".join(
        f"{name}: {value}"
        for name, value in response.headers.items()
        if name.lower() != "set-cookie"
    )


def find_in_headers(response, secrets: Secrets, handles: list[str]) -> list[str]:
    text = headers_text(response)
    return [
        f"in a header: {finding}"
        for finding in (
            find_username(text, secrets)
            + find_email(text, secrets)
            + find_handles(text, handles)
            + [
                f"the user id in {m.group(0)!r}"
                for m in id_patterns(secrets.user_id).finditer(text)
            ]
        )
    ]


def handle_in_forms(page: str, handle: str) -> list[str]:
    """Another viewer's forms (identity choices above all) must never offer this handle."""
    return [
        f"in a form: {finding}"
        for form in inspect_html.forms(page)
        for finding in find_handles(form, [handle])
    ]


def author_scope(page: str) -> str:
    """On the author's own pages, the part that must not name them: <main> without its forms.

    The site header names the signed-in person, and the author's own identity choice
    ("Under your username (…)") is theirs to see; everything else in <main> must not.
    """
    root = inspect_html.parse(page)
    mains = inspect_html.find_all(root, "main")
    return inspect_html.without_forms(page, mains[0] if mains else root)


# Lists of separate items (threads from several spaces, say) may hold two of one account's
# pseudonyms as two unrelated entries; any smaller element holding both ties them together.
LIST_CONTAINERS = {"#document", "html", "body", "main", "ol", "ul"}


def pseudonyms_together(page: str, handles: list[str]) -> list[str]:
    """Findings where two of the account's pseudonyms share an element (a post, an item, a row,
    a form, a paragraph), or where a page shows them outside separate list items."""
    lowered = page.lower()
    spots = {
        handle: [m.start() for m in re.finditer(re.escape(handle.lower()), lowered)]
        for handle in handles
    }
    root = inspect_html.parse(page)
    findings = []
    for index, first_handle in enumerate(handles):
        for second_handle in handles[index + 1 :]:
            for first in spots[first_handle]:
                for second in spots[second_handle]:
                    start, end = sorted((first, second))
                    container = inspect_html.common_container(root, start, end)
                    if container.tag not in LIST_CONTAINERS:
                        findings.append(
                            f"two pseudonyms of one account, {first_handle!r} and "
                            f"{second_handle!r}, in one <{container.tag}>: "
                            f"…{_snippet(page, start, end)}…"
                        )
    return findings


def posts_page(response, secrets: Secrets, *, author_view: bool, space: str | None) -> list[str]:
    """The rules for any response that may show the account's pseudonymous posts in `space`:
    no username, e-mail, id, or pseudonym from another space; on the author's own view the
    username only in their identity choice; on anyone else's, the pseudonym in no form."""
    body = response.get_data(as_text=True)
    findings = find_in_headers(response, secrets, list(secrets.handles.values()))
    findings += find_email(body, secrets) + find_user_id(body, secrets)
    findings += find_username(author_scope(body) if author_view else body, secrets)
    if space is not None:
        findings += find_handles(body, secrets.other_handles(space))
    for form in inspect_html.forms(body):
        if author_view:
            if find_username(form, secrets) and 'name="identity"' not in form:
                findings.append(f"the username in a form other than the identity choice: {form}")
        elif space in secrets.handles:
            findings += [
                f"in a form: {finding}" for finding in find_handles(form, [secrets.handles[space]])
            ]
    return findings


def names_nobody(fragment: str, secrets: Secrets) -> list[str]:
    """A message (an error, a notice) that names none of the account's identities."""
    return (
        find_username(fragment, secrets)
        + find_email(fragment, secrets)
        + find_user_id(fragment, secrets)
        + find_handles(fragment, list(secrets.handles.values()))
    )
