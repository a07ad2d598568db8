"""What the demo holds: its accounts, its spaces of every kind, and their conversations."""

from dataclasses import dataclass, field

from forum.models import IdentityMode, JoinPolicy, Premoderation, Visibility
from forum.spaces.settings import SpaceSettings

DEMO_LABELS = ["Police officer", "Researcher", "Youth worker", "Policy maker"]

DEMO_USERS = [
    # username, is_admin, label, what the account shows off
    ("demo_steward", True, None, "site admin; owns most spaces"),
    ("officer_olu", False, "Police officer", "verified Police officer; moderates a space"),
    ("researcher_rae", False, "Researcher", "verified Researcher"),
    ("youthworker_yan", False, "Youth worker", "verified Youth worker; moderates spaces"),
    ("member_mo", False, None, "community member; a request waits in Parents' Circle"),
    ("member_kit", False, None, "community member; moderates Parents' Circle"),
    ("inspector_ines", False, "Police officer", "verified Police officer; owns a space"),
]


@dataclass(frozen=True)
class SpacePlan:
    slug: str
    kind: str
    settings: SpaceSettings
    owner: str
    moderators: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    requests: dict[str, str] = field(default_factory=dict)  # username: their written request


def _settings(name: str, description: str, rules: str, **values) -> SpaceSettings:
    defaults = {
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        "required_label": None,
        "identity_mode": IdentityMode.CHOICE,
        "premoderation": Premoderation.OFF,
        "slow_mode_seconds": 0,
        "flag_hide_threshold": 3,
    }
    return SpaceSettings(name, description, rules, **(defaults | values))


DEMO_SPACES = [
    SpacePlan(
        slug="community-voices",
        kind="public, open to join, name or pseudonym",
        settings=_settings(
            "Community Voices",
            "Residents, police, researchers and youth workers talking openly about what "
            "happens in our neighbourhoods. Anyone can read; post under your name or a pseudonym.",
            "1. **Be respectful.** Challenge ideas, not people.\n"
            "2. **No identifying details** about anyone who is not here to answer: no names, "
            "addresses or photos.\n"
            "3. **No threats or incitement.** Moderators remove them and may ban.\n"
            "4. This forum is not watched around the clock: in an emergency, call the "
            "emergency services.\n",
        ),
        owner="demo_steward",
        moderators=["youthworker_yan"],
        members=["member_mo", "member_kit", "researcher_rae", "officer_olu"],
    ),
    SpacePlan(
        slug="parents-circle",
        kind="members only, join by request, pseudonyms only",
        settings=_settings(
            "Parents' Circle",
            "Parents and carers supporting each other when their children meet the police, "
            "gangs or exclusion. Posts are under pseudonyms only.",
            "1. **What is said here stays here.** Do not repeat others' stories elsewhere.\n"
            "2. **Pseudonyms only**: never guess or ask who someone is.\n"
            "3. **Support, don't judge.** Advice is welcome when it is asked for.\n",
            visibility=Visibility.MEMBERS,
            join_policy=JoinPolicy.REQUEST,
            identity_mode=IdentityMode.PSEUDONYMOUS,
            premoderation=Premoderation.NEW_MEMBERS,
        ),
        owner="demo_steward",
        moderators=["member_kit"],
        members=["youthworker_yan"],
        requests={
            "member_mo": "My son has been stopped and searched twice this month. "
            "I would like to hear from other parents who have been through it."
        },
    ),
    SpacePlan(
        slug="safeguarding-leads",
        kind="hidden, invitation only, named",
        settings=_settings(
            "Safeguarding Leads",
            "A closed room for safeguarding leads from schools, youth services and research "
            "teams to compare notes on cases, anonymised.",
            "1. **Anonymise every case**: no names, schools or places that identify a child.\n"
            "2. **Named posts only**: we know who is speaking.\n"
            "3. Do not share invitation links outside your organisation.\n",
            visibility=Visibility.HIDDEN,
            join_policy=JoinPolicy.INVITE,
            identity_mode=IdentityMode.NAMED,
        ),
        owner="demo_steward",
        moderators=["youthworker_yan"],
        members=["researcher_rae"],
    ),
    SpacePlan(
        slug="police-practitioners",
        kind="members only, join by request, verified Police officers only",
        settings=_settings(
            "Police Practitioners",
            "For verified police officers to discuss community engagement, stop and search "
            "and trust, before bringing questions to the open spaces.",
            "1. **Verified officers only**: labels are checked by the site's admins.\n"
            "2. **No operational details** or information about live cases.\n"
            "3. **Speak for yourself**, not for your force.\n",
            visibility=Visibility.MEMBERS,
            join_policy=JoinPolicy.REQUEST,
            required_label="Police officer",
        ),
        # The owner must hold the label the space requires: a verified officer owns it.
        owner="inspector_ines",
        moderators=["officer_olu"],
    ),
]


@dataclass(frozen=True)
class Reply:
    author: str
    identity: str  # "pseudonym" or "named"
    body: str
    replies: list["Reply"] = field(default_factory=list)
    content_warning: str = ""


@dataclass(frozen=True)
class ThreadPlan:
    space: str
    title: str
    starter: Reply
    content_warning: str = ""


P, N = "pseudonym", "named"

DEMO_THREADS = [
    ThreadPlan(
        space="community-voices",
        title="Stop and search near the school gates: what would help?",
        starter=Reply(
            "member_mo",
            P,
            "My son was searched outside his school last week, in front of his friends. "
            "He wasn't told why. **What would make this feel less like a punishment?**",
            [
                Reply(
                    "officer_olu",
                    N,
                    "Thank you for raising it here. Officers should give their name, station "
                    "and the grounds for the search, and offer a record. If that didn't happen, "
                    "it matters.",
                    [
                        Reply(
                            "member_mo",
                            P,
                            "None of that happened. Is there a way to ask for the record "
                            "afterwards?",
                            [
                                Reply(
                                    "officer_olu",
                                    N,
                                    "Yes: you can ask the force for it within three months. "
                                    "I can explain the steps if it helps.",
                                )
                            ],
                        ),
                        Reply(
                            "member_kit",
                            P,
                            "Knowing the grounds is the bit that matters most to the kids I "
                            "know. Without it, it just feels random.",
                        ),
                    ],
                ),
                Reply(
                    "researcher_rae",
                    N,
                    "Our interviews with young people say the same: *being told why* changes "
                    "how a search is remembered more than anything else.",
                    [
                        Reply(
                            "youthworker_yan",
                            P,
                            "Could the findings be shared with the schools nearby? Teachers ask "
                            "us about this all the time.",
                        )
                    ],
                ),
            ],
        ),
    ),
    ThreadPlan(
        space="community-voices",
        title="After the stabbing on Elm Road: how are your young people doing?",
        content_warning="knife violence, grief",
        starter=Reply(
            "youthworker_yan",
            P,
            "A lot of the young people at our club knew him. Some are angry, some won't talk. "
            "How are others supporting them this week?",
            [
                Reply(
                    "member_kit",
                    P,
                    "My daughter hasn't slept properly since. She saw him lying in the street "
                    "and keeps telling us about the blood. We've been keeping the evenings "
                    "quiet and letting her lead.",
                    [
                        Reply(
                            "youthworker_yan",
                            P,
                            "That sounds right. The drop-in on Thursday has a counsellor if "
                            "she wants someone outside the family.",
                        )
                    ],
                    content_warning="what a child saw at the scene",
                )
            ],
        ),
    ),
    ThreadPlan(
        space="parents-circle",
        title="Our children and the first arrest",
        starter=Reply(
            "member_kit",
            P,
            "For anyone facing a first arrest in the family: you are not alone here. Ask anything.",
            [
                Reply(
                    "youthworker_yan",
                    P,
                    "Ask for an appropriate adult if your child is under 18, and for the duty "
                    "solicitor: both are free.",
                )
            ],
        ),
    ),
]
