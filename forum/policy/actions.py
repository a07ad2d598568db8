"""Every action the policy answers for, named by what the viewer would do."""

from enum import StrEnum


class Action(StrEnum):
    # Site (no target)
    CREATE_SPACE = "create_space"
    MANAGE_USERS = "manage_users"  # the admin pages: accounts, the list of verified labels
    EDIT_SITE_TEXTS = "edit_site_texts"  # the operator's own words on /about and /privacy
    # Watched words (target: a Space for its own list, None for the site-wide list)
    MANAGE_WATCHED_WORDS = "manage_watched_words"
    VIEW_QUEUE = "view_queue"  # the moderation queue at /mod: staff of a space, site admins
    # A space (target: Space)
    SEE_SPACE = "see_space"  # know it exists: its name, description, rules, join control
    READ_SPACE = "read_space"  # its threads and posts
    JOIN_SPACE = "join_space"  # open spaces: join after accepting the rules
    REQUEST_TO_JOIN = "request_to_join"
    ACCEPT_INVITATION = "accept_invitation"
    ACCEPT_RULES = "accept_rules"  # a member accepts the space's current rules
    MARK_SPACE_READ = "mark_space_read"  # a member marks every thread of the space read
    LEAVE_SPACE = "leave_space"
    VIEW_MEMBERS = "view_members"  # the roster, by username
    REVIEW_REQUESTS = "review_requests"
    MANAGE_INVITATIONS = "manage_invitations"
    EDIT_SPACE_SETTINGS = "edit_space_settings"
    # Open the space up (visibility, identity mode, required label): scheduled after notice.
    LOOSEN_SPACE_SETTINGS = "loosen_space_settings"
    CANCEL_LOOSENING = "cancel_loosening"  # call off a scheduled loosening before its date
    START_THREAD = "start_thread"
    LIST_OWN_POSTS = "list_own_posts"  # the viewer's own posts there, to find and delete them
    # A member of a space (target: Membership)
    MODERATE_MEMBER = "moderate_member"  # remove, ban, unban
    CHANGE_ROLE = "change_role"  # promote, demote
    # A thread (target: Thread)
    READ_THREAD = "read_thread"
    REPLY = "reply"
    LOCK_THREAD = "lock_thread"  # lock and unlock
    PIN_THREAD = "pin_thread"  # pin and unpin
    # A post (target: Post)
    READ_POST = "read_post"
    EDIT_POST = "edit_post"
    DELETE_POST = "delete_post"
    VIEW_REVISIONS = "view_revisions"
    FLAG_POST = "flag_post"  # report it to the space's moderators
    # Decide about a post (approve, remove, sanction its persona's member): its space's staff,
    # and site admins, who read a closed space's posts only through the queue.
    MODERATE_POST = "moderate_post"
    # The trail: the mod log, notifications, appeals and the break-glass reveal (trail.py)
    READ_MODLOG = "read_modlog"  # target: Space
    READ_MODLOG_NOTES = "read_modlog_notes"  # private notes of its entries; target: Space
    READ_NOTIFICATION = "read_notification"  # target: Notification
    APPEAL_DECISION = "appeal_decision"  # target: ModAction, a decision on the viewer's persona
    DECIDE_APPEAL = "decide_appeal"  # target: QueueItem of kind appeal
    REQUEST_REVEAL = "request_reveal"  # no target: ask to see the account behind a pseudonym
    DECIDE_REVEAL = "decide_reveal"  # target: RevealRequest
    SEE_REVEALED = "see_revealed"  # target: RevealRequest, approved: its account's username
    # Resources: a space's library (resources.py)
    ADD_RESOURCE = "add_resource"  # target: Space, by its resource_contributors setting
    READ_RESOURCE = "read_resource"  # target: Resource: its details and its file
    EDIT_RESOURCE = "edit_resource"  # target: Resource: its details and file, by its contributor
    # Events (events.py; target: Event, but ADD_EVENT's: Space)
    ADD_EVENT = "add_event"  # organise one: the space's moderators and owners
    READ_EVENT = "read_event"  # its page, its iCalendar file, the space's list and feed
    # Edit, cancel, see the attendees, decide registrations: the organiser (the account behind
    # the event's persona, while an active member) and the space's staff.
    MANAGE_EVENT = "manage_event"
    REGISTER_FOR_EVENT = "register_for_event"
    WITHDRAW_REGISTRATION = "withdraw_registration"  # the registrant's own, waiting or accepted
    SEE_VENUE = "see_venue"  # the place or meeting link: accepted registrants and organisers


# Actions on the viewer's own words, which outlast their access to the space: someone who left,
# was removed or was banned can still find what they wrote there and delete it.
# Appealing a decision on them is one of those: a banned member may appeal their ban.
OWN_WORDS = frozenset({Action.LIST_OWN_POSTS, Action.DELETE_POST, Action.APPEAL_DECISION})
