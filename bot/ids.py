"""Every action_id, callback_id and block_id the app sends and listens for, in one place."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # morning nudge / App Home, value = customer id
    LOG_CALL = "kyc_log_call"
    VOICEMAIL = "kyc_voicemail"
    BRIEF = "kyc_brief"
    SWAP = "kyc_swap"
    # call modal
    ADD_ITEM = "kyc_add_item"
    ADD_KUDOS = "kyc_add_kudos"
    CUSTOMER_SELECT = "kyc_customer"
    # action-item thread, value = action item id
    ITEM_DONE = "kyc_item_done"
    ITEM_REASSIGN = "kyc_item_reassign"
    # the owner's daily digest: snooze (value = item id), a new due date (a datepicker, whose
    # item is its block's: numbered(Block.ITEM_ACTIONS, item id))
    ITEM_SNOOZE = "kyc_item_snooze"
    ITEM_DUE_ON = "kyc_item_due_on"
    # the morning nudge: "Later today" (a static select, value = "YYYY-MM-DDTHH:MM" local)
    # and "Skip today" (value = the local date "YYYY-MM-DD" the nudge was for)
    NUDGE_LATER = "kyc_nudge_later"
    NUDGE_SKIP = "kyc_nudge_skip"
    # App Home
    ADD_CUSTOMER = "kyc_add_customer"
    MY_SETTINGS = "kyc_my_settings"
    PAUSE = "kyc_pause"
    RESUME = "kyc_resume"
    OPEN_CALL = "kyc_open_call"
    # App Home, admins: workspace settings and the roster
    ADMIN_SETTINGS = "kyc_admin_settings"
    ADMIN_PEOPLE = "kyc_admin_people"
    ADMIN_TEAMS = "kyc_admin_teams"
    ADMIN_CUSTOMERS = "kyc_admin_customers"
    # roster pickers (external selects), value = the row's id
    PICK_PERSON = "kyc_pick_person"
    PICK_TEAM = "kyc_pick_team"
    PICK_CUSTOMER = "kyc_pick_customer"
    # follow-up emails: the confirmation DM's recap button (value = contact id); in the email
    # modal, the client select and the link buttons (Slack still sends their clicks):
    # f"{Action.COMPOSE}_{client}" for each client, ICS for the calendar file
    EMAIL_RECAP = "kyc_email_recap"
    EMAIL_CLIENT = "kyc_email_client"
    COMPOSE = "kyc_compose"
    ICS = "kyc_ics"
    # a customer of the executive's (brief modal, App Home week list), value = customer id:
    # remove, pause or move to another executive; an admin's answer to a move
    MANAGE_CUSTOMER = "kyc_manage_customer"
    TRANSFER_ACCEPT = "kyc_transfer_accept"
    TRANSFER_DECLINE = "kyc_transfer_decline"
    # App Home, admins: make someone in Slack an executive
    ENROL_EXECUTIVE = "kyc_enrol_executive"
    # App Home, executives: their delegate set (a users_select modal) or stopped; one picker of
    # their customers to manage (then MANAGE_CUSTOMER's modal)
    SET_DELEGATE = "kyc_set_delegate"
    STOP_DELEGATE = "kyc_stop_delegate"
    MANAGE_PICK = "kyc_manage_pick"
    # App Home, admins: the company holidays modal, and its Remove buttons (value = holiday id)
    ADMIN_HOLIDAYS = "kyc_admin_holidays"
    REMOVE_HOLIDAY = "kyc_remove_holiday"
    # a team's formal customer meeting: "Request a meeting" (the brief, value = customer id);
    # the organiser's "Record the meeting" after it (value = meeting id); a proposed charter
    # revision accepted in one click or edited (value = meeting id)
    REQUEST_MEETING = "kyc_request_meeting"
    RECORD_MEETING = "kyc_record_meeting"
    CHANGE_MEETING = "kyc_change_meeting"  # the organiser's invitation DM: move it
    CANCEL_MEETING = "kyc_cancel_meeting"
    ACCEPT_CHARTER = "kyc_accept_charter"
    EDIT_PROPOSED_CHARTER = "kyc_edit_proposed_charter"
    # App Home, a team member: the team's charter edited, its history shown (value = team id)
    EDIT_CHARTER = "kyc_edit_charter"
    CHARTER_HISTORY = "kyc_charter_history"
    # a customer's history (`/kyc customer`, the brief's History button, value = customer id;
    # Older / Newer in the history modal, value = "customer id:page")
    HISTORY = "kyc_history"
    HISTORY_OLDER = "kyc_history_older"
    HISTORY_NEWER = "kyc_history_newer"
    # back to the floor: App Home's button opening the commitment modal, and its Stop; the
    # host lead's Confirm (value = shift id) and datepicker proposing another day (its block:
    # numbered(Block.FLOOR_SHIFT, shift id)); the leader's Accept of that day and the button
    # opening the after-shift modal (value = shift id)
    FLOOR_SET = "kyc_floor_set"
    FLOOR_STOP = "kyc_floor_stop"
    FLOOR_CONFIRM = "kyc_floor_confirm"
    FLOOR_OTHER_DAY = "kyc_floor_other_day"
    FLOOR_ACCEPT = "kyc_floor_accept"
    FLOOR_REPORT = "kyc_floor_report"
    # a recurring theme put to a team's lead (value = candidate id): make it an action point,
    # dismiss it; the action point's Done in the team thread
    THEME_ACT = "kyc_theme_act"
    THEME_DISMISS = "kyc_theme_dismiss"
    THEME_DONE = "kyc_theme_done"
    # key customers (brief modal), value = customer id: mark or unmark key
    TOGGLE_KEY = "kyc_toggle_key"
    # a key customer's complaint offered to its sponsor, value = the complaint contact's id
    TAKE_OWNERSHIP = "kyc_take_ownership"
    # matchmaking (bot/services/matchmaking/): the guest's invitation (value = pairing id;
    # on App Home, SNOOZE / OPT_OUT / OPT_IN with value "0"), the host's answer, the question
    # after the touchpoint, and the one re-ask after three unanswered invitations
    MATCH_JOIN = "kyc_match_join"
    MATCH_PASS = "kyc_match_pass"
    MATCH_SNOOZE = "kyc_match_snooze"
    MATCH_OPT_OUT = "kyc_match_opt_out"
    MATCH_OPT_IN = "kyc_match_opt_in"
    MATCH_ACCEPT = "kyc_match_accept"
    MATCH_DECLINE = "kyc_match_decline"
    MATCH_LEARN = "kyc_match_learn"
    MATCH_REASK_YES = "kyc_match_reask_yes"
    MATCH_REASK_NO = "kyc_match_reask_no"
    # plain inputs (action ids inside input blocks)
    INPUT = "value"


class View(StrEnum):
    CALL = "kyc_call_modal"
    REACTIVE = "kyc_reactive_modal"
    SWAP = "kyc_swap_modal"
    REASSIGN = "kyc_reassign_modal"
    ADD_CUSTOMER = "kyc_add_customer_modal"
    BRIEF = "kyc_brief_modal"
    EMAIL = "kyc_email_modal"
    SETTINGS = "kyc_settings_modal"
    MY_SETTINGS = "kyc_my_settings_modal"
    PAUSE = "kyc_pause_modal"
    ROSTER_PICK = "kyc_roster_pick_modal"
    PERSON_FORM = "kyc_person_form"
    TEAM_FORM = "kyc_team_form"
    CUSTOMER_FORM = "kyc_customer_form"
    MANAGE_CUSTOMER = "kyc_manage_customer_modal"
    ENROL = "kyc_enrol_modal"
    HOLIDAYS = "kyc_holidays_modal"
    DELEGATE = "kyc_delegate_modal"
    MANAGE_PICK = "kyc_manage_pick_modal"
    MEETING_REQUEST = "kyc_meeting_request_modal"
    MEETING_RECORD = "kyc_meeting_record_modal"
    MEETING_CHANGE = "kyc_meeting_change_modal"
    MEETING_CANCEL = "kyc_meeting_cancel_modal"
    CHARTER = "kyc_charter_modal"
    CHARTER_HISTORY = "kyc_charter_history_modal"
    HISTORY = "kyc_history_modal"
    FLOOR = "kyc_floor_modal"
    FLOOR_REPORT = "kyc_floor_report_modal"
    THEME_ACT = "kyc_theme_act_modal"
    THEME_DISMISS = "kyc_theme_dismiss_modal"
    MATCH_LEARNED = "kyc_match_learned_modal"


class Block(StrEnum):
    CUSTOMER = "customer"
    OUTCOME = "outcome"
    SENTIMENT = "sentiment"
    SCORE = "score"
    SUMMARY = "summary"
    CRITICISM = "criticism"
    STRESSED = "stressed_areas"
    MAKE_GREAT = "make_it_great"
    DETAILS = "details"
    KIND = "touchpoint_kind"  # call, visit, lunch… (Channel.TOUCHPOINTS)
    IN_THEIR_WORDS = "in_their_words"  # the customer's own words (Contact.in_their_words)
    # an insight's theme select, f"{Block.THEME}_{field}" (themes.INSIGHT_FIELDS)
    THEME = "theme"
    FOLLOW_UP_OWNER = "follow_up_owner"
    FOLLOW_UP_ON = "follow_up_on"
    SUCCESS_STORY = "success_story"
    # numbered blocks: f"{Block.ITEM_TEXT}_{n}"
    ITEM_TEXT = "item_text"
    ITEM_OWNER = "item_owner"
    ITEM_TEAM = "item_team"
    ITEM_DUE = "item_due"
    KUDOS_TO = "kudos_to"
    KUDOS_NOTE = "kudos_note"
    ITEM_ACTIONS = "item_actions"  # an item's buttons in its thread reply and in the digest
    # other modals
    REASON = "reason"
    CHANNEL = "channel"
    NEW_OWNER = "new_owner"
    NAME = "name"
    EXTERNAL_ID = "external_id"
    SINCE = "customer_since"
    CONTACT_NAME = "contact_name"
    CONTACT_EMAIL = "contact_email"
    CONTACT_PHONE = "contact_phone"
    WEBSITE = "website"
    OCCURRED_ON = "occurred_on"
    # an executive's own settings (the Person columns) and their pause
    NUDGE_TIME = "nudge_time"
    WORKDAYS = "workdays"
    WEEKLY_QUOTA = "weekly_quota"
    TIMEZONE = "timezone"
    PAUSE_UNTIL = "pause_until"
    PAUSE_REASON = "pause_reason"
    # workspace settings: each field's block is the Settings field's name
    # (bot/tenancy/workspace_settings.EDITABLE); the admins are one more
    ADMINS = "admins"
    # roster forms: each field's block is the CSV column's name (roster_import.SPEC)
    PICK = "pick"
    # a customer removed, paused or moved; an executive enrolled
    CHANGE = "change"
    UNTIL = "until"
    NEW_EXECUTIVE = "new_executive"
    TRANSFER = "transfer"
    ENROL_USER = "enrol_user"
    # the delegate picked on App Home
    DELEGATE_USER = "delegate_user"
    # a delegate's App Home: an executive's customer, f"{FOR}_{executive id}_{customer id}";
    # its buttons are the nudge's (LOG_CALL, VOICEMAIL, SWAP), value = the customer id
    FOR = "for"
    # a company holiday added by an admin (bot/services/holidays.add_holiday's fields)
    HOLIDAY_DATE = "holiday_date"
    HOLIDAY_NAME = "holiday_name"
    HOLIDAY_COUNTRY = "holiday_country"
    # a formal customer meeting requested (bot/views/meetings/requesting.py)
    MEETING_OBJECTIVES = "meeting_objectives"
    MEETING_AGENDA = "meeting_agenda"
    MEETING_ON = "meeting_on"
    MEETING_AT = "meeting_at"
    MEETING_MINUTES = "meeting_minutes"
    MEETING_TEAM = "meeting_team"
    MEETING_CONTACTS = "meeting_contacts"
    MEETING_CUSTOMER_ATTENDEES = "meeting_customer_attendees"
    MEETING_FACILITATOR = "meeting_facilitator"
    MEETING_CANCEL_REASON = "meeting_cancel_reason"
    # after it: its kind; numbered rows f"{MEETING_EXPECTATION}_{n}" with the charter line
    # each matches (f"{MEETING_MATCH}_{n}"); what to simplify or eliminate, numbered too
    MEETING_KIND = "meeting_kind"
    MEETING_EXPECTATION = "meeting_expectation"
    MEETING_MATCH = "meeting_match"
    MEETING_SIMPLIFY = "meeting_simplify"
    # a team's charter: its purpose, and numbered expectation / measure rows
    CHARTER_PURPOSE = "charter_purpose"
    CHARTER_EXPECTATION = "charter_expectation"
    CHARTER_MEASURE = "charter_measure"
    # back to the floor: the commitment's fields; the after-shift modal's (with CRITICISM,
    # STRESSED and MAKE_GREAT of the call modal); a shift's buttons, numbered by shift id
    FLOOR_CADENCE = "floor_cadence"
    FLOOR_PLACE = "floor_place"
    FLOOR_TEAM = "floor_team"
    FLOOR_WEEKDAY = "floor_weekday"
    FLOOR_DID = "floor_did"
    FLOOR_LEARNED = "floor_learned"
    FLOOR_SHIFT = "floor_shift"
    # a theme made an action point: what, who, by when (the dismissal's reason is REASON)
    ACTION_TEXT = "action_text"
    ACTION_OWNER = "action_owner"
    ACTION_DUE = "action_due"
    # matchmaking: "What did you learn?" after meeting a customer
    MATCH_LEARNED = "match_learned"


def numbered(block: Block, n: int) -> str:
    return f"{block.value}_{n}"


def theme_block(field: str) -> str:
    """The theme select beside an insight field of the call modal."""
    return f"{Block.THEME.value}_{field}"


def number_of(block: Block, block_id: str) -> int | None:
    """The n of a numbered block id (None when `block_id` is not one of `block`'s)."""
    prefix = f"{block.value}_"
    rest = block_id.removeprefix(prefix)
    return int(rest) if block_id.startswith(prefix) and rest.isdigit() else None


def acting_block(executive_id: int, customer_id: int) -> str:
    """The block of an executive's customer on their delegate's App Home."""
    return f"{Block.FOR.value}_{executive_id}_{customer_id}"


def executive_of(block_id: str) -> int | None:
    """The executive an `acting_block` is for (None: another block, the actor's own)."""
    parts = block_id.split("_")
    if len(parts) == 3 and parts[0] == Block.FOR.value and parts[1].isdigit():
        return int(parts[1])
    return None
