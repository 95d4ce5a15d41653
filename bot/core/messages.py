"""The message catalogue: every word the bot says, keyed by message id.

Templates are plain text; ``t`` escapes them into the core's markup and then fills in the
parameters, which are markup already (mentions, escaped user text). A message whose words
depend on a number is a ``Plural`` with a form per plural category (gettext's ``ngettext``);
``t`` picks the form for ``count`` by the language's rule and also offers ``{count}``.

English is the source. Other languages are gettext catalogues (``bot/locale``, see
``bot.core.language``): ``t`` words a message in the current voice, the one the step set for
the reader (``language.speaking``); the language's own plural rule picks the form (English:
one/other; the ``Plural`` entry gives the English forms, the catalogue as many as the language
has). Typed-command descriptions (``command.*``) are plain text for ``plain``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import language as _language
from bot.core.refs import escape

DEFAULT_LANGUAGE = _language.SOURCE


@dataclass(frozen=True, slots=True)
class Plural:
    """A message in plural forms: ``one`` for a count of one, ``other`` for the rest (the CLDR
    categories English and Swedish use; a language with more adds fields)."""

    one: str
    other: str

    def form(self, category: str) -> str:
        return self.one if category == "one" else self.other

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.one, self.other)


Entry = str | Plural

ENGLISH: dict[str, Entry] = {
    # Words
    "word.nobody": "nobody",
    "word.none_yet": "none yet",
    "word.not_recorded": "(not recorded)",
    "word.or": " or ",
    "word.erased": "[erased at the member's request]",
    # Durations (time left, offsets)
    "duration.days": Plural(one="{count} d", other="{count} d"),
    "duration.hours": Plural(one="{count} h", other="{count} h"),
    "duration.hours_minutes": "{hours} h {minutes} min",
    "duration.minutes": Plural(one="{count} min", other="{count} min"),
    # Date patterns (CLDR, as Babel reads them): how a date and a meeting time are written
    "date.day": "EEE d MMM y",
    "date.when": "EEE d MMM y, HH:mm",
    # Usage lines, one per verb
    "usage.line": "Usage: `{usage}`",
    "usage.see_help": "Type `/set help` for the list of commands.",
    "usage.did_you_mean": "Did you mean `{usage}`?",
    "usage.create": "/set create <name>",
    "usage.join": "/set join",
    "usage.leave": "/set leave",
    "usage.schedule": "/set schedule <YYYY-MM-DD HH:MM> [every <N>w] | off | skip",
    "usage.start": "/set start",
    "usage.here": "/set here [bid]",
    "usage.next": "/set next",
    "usage.status": "/set status",
    "usage.report": "/set report [<n>] <done|partly|not> <account>",
    "usage.commit": "/set commit <action> [by <YYYY-MM-DD>]",
    "usage.end": "/set end",
    "usage.actions": "/set actions [mine]",
    "usage.checkins": "/set checkins <offsets> | pause | resume | all pause | all resume",
    "usage.timebox": "/set timebox <stage> <minutes> | auto on|off",
    "usage.facilitator": "/set facilitator <@member>",
    "usage.progress": "/set progress <on-track|stuck|done|snooze> [note]",
    "usage.quiet": "/set quiet <HH:MM-HH:MM> [Area/City] | off",
    "usage.timezone": "/set timezone <Area/City>",
    "usage.export": "/set export [<set name>]",
    "usage.forget-me": "/set forget-me [<set name>]",
    "usage.help": "/set help [command]",
    "usage.programme": "/set programme create <name> | join <code> | leave | coordinator "
                       "<@user> | code",
    "usage.programme create": "/set programme create <name>",
    "usage.programme join": "/set programme join <code>",
    "usage.programme leave": "/set programme leave",
    "usage.programme coordinator": "/set programme coordinator <@user>",
    "usage.programme code": "/set programme code",
    "usage.org": "/set org <name>",
    "usage.announce": "/set announce [--all] <text>",
    "usage.digest": "/set digest [csv | weekly <Mon..Sun> <HH:MM>]",
    "usage.share": "/set share <insight>",
    "usage.apologies": "/set apologies [<YYYY-MM-DD>] [note] | off [<YYYY-MM-DD>]",
    "usage.members": "/set members",
    "usage.summaries": "/set summaries [<n>]",
    "usage.summary": "/set summary <meeting number>",
    "usage.action": "/set action <n> <new text> | <n> due <YYYY-MM-DD> | <n> drop <reason>",
    "usage.away": "/set away until <YYYY-MM-DD> | off",
    "usage.holidays": "/set holidays <country>[-<subdivision>] | off",
    "usage.link": "/set link <https-url> | off",
    "usage.calendar": "/set calendar",
    "usage.language": "/set language <code> [mine]",
    "usage.programme language": "/set programme language <code>",
    # Help, one line per verb
    "help.title": "Revans: the /set commands",
    "help.title_verb": "/set {verb}",
    "help.create": "make this channel a set's home; you become its first member and facilitator",
    "help.join": "join the set, accepting its ground rules",
    "help.leave": "leave the set (your commitments stay yours)",
    "help.schedule": "the next meeting and how often, in the set's wall-clock time (DST-proof); "
                     "`off` clears it, `skip` skips the next one",
    "help.start": "start a meeting now",
    "help.here": "say you are here; add `bid` to ask for time to present",
    "help.next": "move the meeting on (facilitator or presenter)",
    "help.status": "stage, presenter, time left",
    "help.report": "report back on one of your commitments during the review (`n` as numbered "
                   "on the review card; a report can be corrected while the review runs)",
    "help.commit": "commit to an action, when presenting (due at the next meeting by default)",
    "help.end": "close the meeting and post the summary (facilitator)",
    "help.actions": "the set's open commitments, or `mine`",
    "help.checkins": "when check-ins go out, e.g. `7d,-2d` (units s m h d w; minus counts back "
                     "from the due date); pause / resume your own; `all pause` / `all resume` "
                     "the whole set's (facilitator)",
    "help.timebox": "change a stage's time box in minutes; `auto on` moves on by itself when "
                    "time is up (facilitator)",
    "help.facilitator": "hand the facilitator role on (facilitator); while a meeting runs and "
                        "the facilitator hasn't said they're here, a member who is here may "
                        "take it for the meeting",
    "help.progress": "answer a check-in: on-track, stuck, done or snooze",
    "help.quiet": "your quiet hours (no check-ins then), in your own time zone if you name it "
                  "(e.g. `22:00-07:00 Europe/Paris`; default: the set's), or off",
    "help.timezone": "the set's time zone (facilitator)",
    "help.export": "your own record, as a Markdown file by DM (members and former members; "
                   "in a DM, name the set if you were in several)",
    "help.forget-me": "erase what you said in this set, everywhere it is stored; counts stay "
                      "(members and former members; in a DM, name the set)",
    "help.help": "this list, or one command's usage",
    "help.programme": "programmes of sets across organisations: create, join, leave, "
                      "coordinator, code",
    "help.programme create": "in a shared channel: make it a programme's channel; you become "
                             "its coordinator and get a join code privately",
    "help.programme join": "in a set's channel: the set joins a programme (facilitator)",
    "help.programme leave": "in a set's channel: the set leaves its programme (facilitator)",
    "help.programme coordinator": "add a coordinator (coordinator)",
    "help.programme code": "a fresh join code, privately; the old one stops working "
                           "(coordinator)",
    "help.org": "the organisation you come from (counted, never named, in the digest)",
    "help.announce": "post to the programme's channel; `--all` also to every member set "
                     "(coordinator)",
    "help.digest": "the programme digest now (it also goes out weekly); `csv` as a file; "
                   "`weekly Mon 09:00` moves the weekly one (coordinator)",
    "help.share": "share one learning with the programme, without your name or your set's",
    "help.language": "the language I speak in the set (facilitator); with `mine`, in your own "
                     "DMs and private answers",
    "help.programme language": "the language I speak in the programme's channel (coordinator)",
    "help.aliases": "You can also type these words in {language}: {aliases}",
    "command.settings language": "The language I speak in this set, or with mine in your own "
                                 "DMs",
    "command.settings language.code": "A language code, e.g. en or sv",
    "command.settings language.mine": "Only your own DMs and private answers",
    "command.programme language": "The language I speak in the programme's channel "
                                  "(coordinator)",
    "command.programme language.code": "A language code, e.g. en or sv",
    # Typed commands (Discord's app commands): a description each, at most 100 characters
    "command.set": "Revans: run your action learning set",
    "command.programme": "Programmes: sets from several organisations",
    "command.create": "Make this channel a set's home; you become its facilitator",
    "command.create.name": "The set's name",
    "command.join": "Join this set, accepting its ground rules",
    "command.leave": "Leave this set (your commitments stay yours)",
    "command.schedule": "The next meeting and how often; off clears it, skip skips the next one",
    "command.schedule.when": "YYYY-MM-DD HH:MM (e.g. 2026-12-01 14:00), or off, or skip",
    "command.schedule.every": "Repeat every N weeks (1 to 26)",
    "command.start": "Start a meeting now",
    "command.here": "Say you're here; bid to ask for time to present",
    "command.here.bid": "Ask for time to present",
    "command.next": "Move the meeting on (facilitator or presenter)",
    "command.status": "Stage, presenter, time left",
    "command.report": "Report back on one of your commitments, during the review",
    "command.report.number": "Which commitment, as numbered on the review card",
    "command.report.outcome": "How it went",
    "command.report.outcome.done": "done",
    "command.report.outcome.partly": "partly",
    "command.report.outcome.not": "not",
    "command.report.account": "What happened, and what you learned",
    "command.commit": "Commit to an action, when presenting",
    "command.commit.action": "The action you will take",
    "command.commit.by": "Due date as YYYY-MM-DD (default: the next meeting)",
    "command.end": "Close the meeting and post the summary (facilitator)",
    "command.actions": "The set's open commitments, or only yours",
    "command.actions.mine": "Only your own",
    "command.checkins": "When check-ins go out; pause or resume",
    "command.checkins.setting": "7d,-2d, pause, resume, all pause, all resume",
    "command.timebox": "Change a stage's time box (facilitator)",
    "command.timebox.stage": "The stage",
    "command.timebox.stage.review": "review",
    "command.timebox.stage.presentation": "presentation",
    "command.timebox.stage.questioning": "questioning",
    "command.timebox.stage.commitment": "commitment",
    "command.timebox.stage.closing": "closing",
    "command.timebox.minutes": "Minutes, 1 to 180",
    "command.settings autoadvance": "Move on by itself when a stage's time is up (facilitator)",
    "command.settings autoadvance.setting": "on or off",
    "command.facilitator": "Hand the facilitator role on, or take it when the facilitator is away",
    "command.settings autoadvance.setting.on": "on",
    "command.settings autoadvance.setting.off": "off",
    "command.facilitator.member": "The member who takes over",
    "command.progress": "Answer a check-in: on track, stuck, done or snooze",
    "command.progress.answer": "How it is going",
    "command.progress.answer.on-track": "on-track",
    "command.progress.answer.stuck": "stuck",
    "command.progress.answer.done": "done",
    "command.progress.answer.snooze": "snooze",
    "command.progress.note": "A few words (optional)",
    "command.my quiet": "Your quiet hours (no check-ins then), or off",
    "command.my quiet.hours": "HH:MM-HH:MM [Area/City], e.g. 20:00-08:00 Europe/Paris, or off",
    "command.settings timezone": "The set's time zone (facilitator)",
    "command.settings timezone.zone": "Area/City, e.g. Europe/London",
    "command.export": "Your own record, as a Markdown file by DM",
    "command.forget-me": "Erase what you said in this set; counts stay",
    "command.export.set": "In a DM: the set, if you were in several",
    "command.forget-me.set": "In a DM: the set, if you were in several",
    "command.help": "The commands, or one command's usage",
    "command.help.command": "A command, e.g. schedule",
    "command.programme create": "Make this shared channel a programme's channel",
    "command.programme create.name": "The programme's name",
    "command.programme join": "This set joins a programme (facilitator)",
    "command.programme join.code": "The join code a coordinator gave you",
    "command.programme leave": "This set leaves its programme (facilitator)",
    "command.programme coordinator": "Add a coordinator (coordinator)",
    "command.programme coordinator.member": "The new coordinator",
    "command.programme code": "A fresh join code, privately (coordinator)",
    "command.org": "The organisation you come from (counted, never named)",
    "command.org.name": "Your organisation",
    "command.programme announce": "Post to the programme's channel (coordinator)",
    "command.programme announce.text": "What to announce",
    "command.programme announce.all": "Also post to every member set's channel",
    "command.programme digest": "Post the programme digest now (coordinator)",
    "command.programme digest.csv": "The same numbers as a CSV file",
    "command.programme digest.weekly": "When it goes out each week: <weekday> <HH:MM>, e.g. mon "
                                       "09:00",
    "command.share": "Share one learning, anonymised, with the programme",
    "command.share.insight": "What you learned",
    "command.my": "Your own things",
    "command.record": "The set's record",
    "command.settings": "The set's settings",
    "command.my apologies": "Apologies for the next meeting (or one on a date)",
    "command.my apologies.date": "YYYY-MM-DD (default: the next meeting)",
    "command.my apologies.note": "A note (optional)",
    "command.my apologies.off": "Withdraw them",
    "command.record members": "Who is in the set",
    "command.record summaries": "The last meeting summaries, privately",
    "command.record summaries.count": "How many (default 3)",
    "command.record summary": "One meeting's summary, privately",
    "command.record summary.meeting": "Meeting number",
    "command.my action": "Change one of your open actions",
    "command.my action.number": "Its number in actions mine",
    "command.my action.text": "New text",
    "command.my action.due": "New due date",
    "command.my action.drop": "Drop it: why",
    "command.my away": "Hold your check-ins while away",
    "command.my away.until": "Last day away, YYYY-MM-DD, or off",
    "command.settings holidays": "Move pings off a country's holidays (facilitator)",
    "command.settings holidays.region": "e.g. GB-ENG or SE, or off",
    "command.settings link": "The video link (facilitator)",
    "command.settings link.url": "An http(s) link, or off",
    "command.my calendar": "The meetings as a calendar file",
    "help.apologies": "send apologies for the next meeting (or the one on a date), with an "
                      "optional note; `off` withdraws them",
    "help.members": "who is in the set, since when, the facilitator, who is away",
    "help.summaries": "the set's last stored meeting summaries (3 unless you say), privately",
    "help.summary": "one stored meeting summary in full, by meeting number, privately",
    "help.action": "change one of your open commitments (numbers as in `/set actions mine`): "
                   "new text, a new due date, or drop it with a reason",
    "help.away": "hold your check-ins while you are away; one catch-up check-in the morning "
                 "after; `off` when you are back early",
    "help.holidays": "weekends and public holidays of a country (e.g. GB-ENG, SE) move "
                     "check-ins and reminders to the next working morning (facilitator)",
    "help.link": "the set's video link, shown on reminders and the opening card (facilitator)",
    "help.calendar": "the meetings as a calendar file (.ics), privately; updated files follow "
                     "schedule changes",
    # Parse errors
    "error.wrapper": "{text}",
    "error.unknown_verb": "I don't know the command “{word}”.",
    "error.no_arguments": "That command takes no arguments.",
    "error.missing_argument": "Something is missing.",
    "error.bad_argument": "I don't understand “{argument}”.",
    "error.unknown_flag": "There is no option “{flag}”.",
    "error.name_too_long": "A set's name can be at most {limit} characters.",
    "error.too_long": "That is longer than I can take ({limit} characters).",
    "error.bad_outcome": "Say how it went: done, partly or not.",
    "error.missing_account": "Add a few words on what happened and what you learned.",
    "error.bad_stage": "“{argument}” is not a stage with a time box: review, presentation, "
                       "questioning, commitment or closing.",
    "error.bad_minutes": "Give the minutes as a whole number from 1 to 180 (e.g. 15).",
    "error.bad_mention": "Name the member with an @mention.",
    "error.missing_language": "Which language? I speak {available}.",
    "error.unknown_language": "I don't speak “{code}”. I speak {available}.",
    "error.bad_number": "Give the commitment's number as on the review card, e.g. "
                        "`/set report 2 done …`.",
    "error.bad_progress": "Say on-track, stuck, done or snooze.",
    "format.datetime": "Give the date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-01 14:00.",
    "format.cadence": "Give the cadence as `every <N>w`, e.g. every 4w (1 to 26 weeks).",
    "format.date": "Give the date as YYYY-MM-DD, e.g. 2026-12-01.",
    "format.time": "Give the time as HH:MM, e.g. 14:00.",
    "format.offset": "Give offsets like 7d,-2d: a number and a unit (s, m, h, d, w); a minus "
                     "counts back from the due date. At most six.",
    "format.offset_range": "{offset} is out of range: an offset runs from 1s to 26w (e.g. "
                           "7d or -2d).",
    "format.no_such_day": "There is no such day as {day}. Check the day and the month.",
    "format.due": "Give the due date as YYYY-MM-DD (e.g. 2026-12-04), today, tomorrow, a "
                  "weekday (Friday) or a day and month (4 Dec).",
    "format.timezone_abbreviation": "{typed} is an abbreviation, and abbreviations are "
                                    "ambiguous and ignore daylight saving. Give the Area/City "
                                    "name, e.g. {example}.",
    "format.quiet": "Give quiet hours as HH:MM-HH:MM, e.g. 20:00-08:00, or off.",
    "format.timezone": "Give a time zone as Area/City, e.g. Europe/London or America/New_York.",
    "format.away": "Say until when: `/set away until <YYYY-MM-DD>`, e.g. away until 2026-12-24 "
                   "(or `/set away off` when you are back).",
    "format.region": "Give a country code, with a subdivision if you like: e.g. `GB-ENG` or "
                     "`SE` (or `off`).",
    "format.link": "Give the video link as an http or https address, e.g. "
                   "https://meet.example.org/our-set.",
    "error.link_too_long": "That link is longer than {limit} characters.",
    "error.bad_count": "Give a whole number from 1 to {most}.",
    "error.missing_reason": "Say why you are dropping it: `/set action <n> drop <reason>`.",
    # Where and who
    "set.not_a_set": "This channel isn't a set's home yet. Start one with `/set create <name>`.",
    "set.not_member": "You're not a member of {name} yet. Type `/set join` to join "
                      "(being in the channel doesn't make you a member).",
    "direct.no_set": "You're not in any set yet. Type `/set join` in your set's channel.",
    "direct.channel_only": "Use `/set {verb}` in your set's channel.",
    "perm.facilitator": "Only the facilitator ({who}) can use `/set {verb}`.",
    "perm.take_over": "{who} hasn't said they're here: a member who is here can take over "
                      "with the Take over button or `/set facilitator <@member>`.",
    "perm.facilitator_or_presenter": "Only the facilitator or the presenter ({who}) can use "
                                     "`/set {verb}`.",
    "member.unreachable": "I can no longer send {who} direct messages (they may have removed or "
    "blocked me), so their check-ins for {name} are not reaching them. Could you let them know?",
    "home.lost": "I was removed from the home channel of {name}{by}, so I can't post its cards, "
    "reminders or check-ins. I'm holding them until someone adds me back to that channel.",
    "home.lost.by": " (by {who})",
    "home.regained": "I'm back in the home of {name}: its reminders and check-ins go out again.",
    "button.gone": "That button no longer applies.",
    "button.no_set": "That button doesn't belong to a set here: this channel isn't a set's home. "
                     "Start one with `/set create <name>`, or type `/set help` for the commands.",
    "button.meeting_over": "That meeting is over, so its buttons no longer work.",
    # Buttons
    "button.next": "Next stage",
    "button.here": "I'm here",
    "button.bid": "I'm here and I'd like time",
    "button.report": "Report back",
    "button.present": "Present",
    "button.insight": "Record an insight",
    "button.commit": "Commit to an action",
    "button.join": "Join this set",
    "button.unbid": "Withdraw my bid",
    "button.takeover": "Take over",
    "button.close_commitment": "Close it instead",
    "button.on-track": "On track",
    "button.stuck": "Stuck",
    "button.done": "Done",
    "button.snooze": "Snooze",
    "button.ask_help": "Ask my set for help",
    "button.apologies": "Send apologies",
    "button.change": "Change it",
    "form.change.title": "Change your action",
    "form.change.text": "New text (leave empty to keep it)",
    "form.change.due": "New due date (optional)",
    "form.change.drop": "Or drop it: why?",
    "button.org_on": "Show it to my set",
    "button.org_off": "Hide it from my set",
    # Ground rules and set life
    "rules.text": "(1) what is said in the set stays in the set; (2) we ask "
                  "questions, we don't give advice; (3) we act on what we commit to and report "
                  "back at the next meeting.",
    "create.title": "Action learning set: {name}",
    "create.body": "{who} made this channel the set's home and is its facilitator.\n"
                   "Ground rules: {rules}\n"
                   "Join with the button or `/set join`.",
    "create.exists": "This channel is already the home of {name}.",
    "create.in_dm": "Create a set in the channel that will be its home, not in a DM.",
    "join.already": "You're already a member of {name}.",
    "join.posted": "{who} joined the set. Welcome!",
    "join.welcome": "You've joined {name}. By joining you accept the ground rules:\n{rules}",
    "leave.posted": "{who} left the set. Their commitments stay theirs.",
    "leave.done": "You've left {name}. You can rejoin with `/set join`.",
    "facilitator.passed": "{who} is now the facilitator.",
    "facilitator.posted": "{who} is now the facilitator (handed on by {by}).",
    "facilitator.not_member": "{who} is not a member of this set.",
    "facilitator.first_in": "{who} is the set's facilitator now (nobody else is in it).",
    "facilitator.only_standing": "Only the facilitator ({who}) can hand the role on. While a "
                                 "meeting runs and the facilitator hasn't said they're here, a "
                                 "member who is here can take it for the meeting.",
    "facilitator.is_here": "{who} is facilitating and has said they're here, so only they can "
                           "hand the role on.",
    "facilitator.say_here_first": "Say you're here first (`/set here`), then you can take "
                                  "over or hand the role to someone who is here.",
    "facilitator.target_not_here": "{who} hasn't said they're here, so they can't facilitate "
                                   "this meeting.",
    "facilitator.already": "{who} is already facilitating this meeting.",
    "facilitator.taken": "{who} is facilitating this meeting: {away} hasn't said they're here.",
    "facilitator.given": "{who} is facilitating this meeting (handed on by {by}); {away} hasn't "
                         "said they're here.",
    "facilitator.back_next": "{who} facilitates again from the next meeting.",
    "schedule.posted": "Next meeting: {when}. I'll remind the channel 24 hours and 1 hour before.",
    "schedule.too_far": "That is too far ahead: schedule the next meeting within a year (until "
                        "{latest}).",
    "schedule.past": "That time has passed (it is now {now}). Give a time in the future.",
    "schedule.not_held": "No meeting was held on {when}. Next meeting: {next}.",
    "schedule.none": "not scheduled (use `/set schedule`)",
    "schedule.nothing": "No meeting is scheduled. `/set schedule <YYYY-MM-DD HH:MM> [every "
                        "<N>w]` sets one.",
    "schedule.off": "{who} cleared the schedule: no next meeting and no reminders until "
                    "`/set schedule` sets one.",
    "schedule.skipped": "{who} skipped the meeting on {when}. Next meeting: {next}.",
    "schedule.when_every": Plural(one="{when}, then every week",
                                  other="{when}, then every {count} weeks"),
    "timezone.posted": "The set's time zone is now {zone}. Next meeting: {when}.",
    "timezone.kept_local": "The set's time zone is now {zone} (was {old}). The meeting keeps "
                           "its local time of day: next meeting {when}.",
    "timebox.posted": "The {stage} time box is now {minutes} min.",
    "timebox.auto_on": "When a stage's time is up, the meeting will now move on by itself.",
    "timebox.auto_off": "When a stage's time is up, the meeting waits for the facilitator or "
                        "the presenter to move on.",
    "timebox.review_posted": "The review time box is now {minutes} min for each member.",
    "checkins.posted": "Check-ins for open commitments: {offsets}.",
    "checkins.paused": "Check-ins are paused. `/set checkins resume` turns them back on.",
    "checkins.resumed": "Check-ins are back on: {offsets}.",
    "checkins.mine_paused": "Your check-ins are paused. `/set checkins resume` turns them back "
                            "on.",
    "checkins.mine_resumed": "Your check-ins are back on.",
    "checkins.mine_already_paused": "Your check-ins are already paused.",
    "checkins.mine_not_paused": "Your check-ins are not paused.",
    # Apologies
    "apologies.posted": "{who} sent apologies for the meeting on {when}.",
    "apologies.noted": "Noted: your apologies for the meeting on {when}{note}. `/set apologies "
                       "off` withdraws them.",
    "apologies.with_note": " ({note})",
    "apologies.withdrawn_posted": "{who} will be at the meeting on {when} after all.",
    "apologies.withdrawn": "Your apologies for {when} are withdrawn.",
    "apologies.none_to_withdraw": "You have no apologies to withdraw for that meeting.",
    "apologies.no_schedule": "No meeting is scheduled, so there is nothing to send apologies "
                             "for yet.",
    "apologies.no_meeting_that_day": "There is no meeting on {day}. Meetings are on: {dates}.",
    "apologies.already_here": "You're marked as here in the meeting that is running.",
    "apologies.note_too_long": "Keep the note under {limit} characters.",
    # Your own commitments
    "action.none_open": "You have no open commitments to change. Only an action's owner may "
                        "change it (`/set actions` shows whose each one is).",
    "action.no_such": "You have no open commitment number {number}: you have {count}. Only an "
                      "action's owner may change it; `/set actions mine` shows yours numbered.",
    "action.not_yours": "Only {who}, whose action it is, may change it.",
    "action.closed": "That commitment is no longer open.",
    "action.same_text": "That is what it says already.",
    "action.form_empty": "Nothing to change: give a new text, a new due date, or a reason to "
                         "drop it.",
    "action.same_date": "It is due then already.",
    "action.past_date": "That date has passed (today is {today}). Give a due date from today "
                        "on.",
    "action.edited": "Changed: {line}. It stays in its history for the review.",
    "action.moved": "Moved: {line}. Check-ins follow the new date.",
    "action.dropped": "Dropped, because: {reason}. The set will see it at the next review.",
    "history.edited": "edited {day} (was: {before})",
    "history.moved": "moved {day} from {before} to {after}",
    "history.dropped": "dropped {day}: {reason}",
    "review.dropped_title": "Dropped since the last meeting",
    "review.dropped_line": "{who}: {text} — {reason}",
    # Away and holidays
    "away.noted": "You're away until {until}. I'll hold your check-ins and send one catch-up "
                  "check-in {back}.",
    "away.back": "Welcome back: your check-ins are on again.",
    "away.not_away": "You're not marked as away.",
    "away.out_of_range": "Give a date from {first} to {last} (up to a year ahead).",
    "away.catch_up_title": "Welcome back to {name}",
    "away.catch_up_body": "While you were away, these stayed open:\n{lines}\nHow is "
                          "“{first}” going?",
    "holidays.posted": "Check-ins and reminders that fall on a weekend or a public holiday in "
                       "{region} now move to the next working morning.",
    "holidays.off": "Check-ins and reminders no longer move for weekends and holidays.",
    "holidays.unknown": "I don't know the holidays of “{region}”. Give a country code, with a "
                        "subdivision if you like: e.g. `GB-ENG` or `SE`.",
    "holidays.unchanged": "That is the setting already.",
    # Members and the record
    "members.title": "Members of {name} ({count})",
    "members.since": "since {day}",
    "members.facilitator": "facilitator",
    "members.org": "from {org}",
    "members.away": "(away until {until})",
    "members.paused": "check-ins paused",
    "summaries.title": "Meeting summaries of {name}",
    "summaries.none": "No meeting summaries are stored yet.",
    "summaries.more": "(the last {shown} of {total}; `/set summary <number>` shows one)",
    "summaries.no_such": "There is no stored summary of meeting {number}. Stored: meetings "
                         "{held}.",
    "org.shown": "Your set sees your organisation in `/set members`.",
    "org.hidden": "Your set does not see your organisation (only the programme counts it).",
    "org.none": "Tell me your organisation first: `/set org <name>`.",
    # Link and calendar
    "link.line": "Video link: {link}",
    "link.posted": "The set's video link is now {link}. It goes on reminders and the opening "
                   "card.",
    "link.off": "The set's video link is removed.",
    "link.unchanged": "That is the link already.",
    "calendar.dm": "The meetings of {name} for your calendar: {when}. Open the attached file "
                   "to add them; I'll send an updated one if the schedule changes.",
    "calendar.sent": "I've sent the calendar file to you as a DM.",
    "calendar.no_schedule": "No meeting is scheduled yet. `/set schedule <YYYY-MM-DD HH:MM> "
                            "[every <N>w]` sets one.",
    "calendar.updated": "The meetings of {name} have changed: {when}. Here is the updated "
                        "calendar file (it replaces the old one).",
    "calendar.cancelled": "The meetings of {name} are off the schedule. This file takes them "
                          "out of your calendar.",
    "quiet.on": "Your quiet hours are {start}–{end} ({zone}). I won't start a DM then.",
    "quiet.off": "Quiet hours are off: check-ins may come at any hour.",
    "language.set": "{who} set the set's language: from now on I speak {language} here. Each "
                    "of you can choose your own for DMs and private answers with "
                    "`/set language <code> mine`.",
    "language.mine": "From now on your DMs and private answers are in {language}.",
    "language.programme": "From now on I speak {language} in the programme's channel.",
    "export.dm": "Your record in {name} is attached.",
    "export.sent": "I've sent your record to you as a DM.",
    "forget.done": "Erased from {name}: {what}. Wherever I stored or posted them they now read "
                   "“[erased at the member's request]”. Your check-ins have stopped. Counts "
                   "stay, and so does your membership (`/set leave` to go).",
    "forget.done_former": "Erased from {name}: {what}. Wherever I stored or posted them they "
                          "now read “[erased at the member's request]”. Your check-ins have "
                          "stopped. Counts stay.",
    "record.none": "I hold no record of yours: you have never been a member of a set. "
                   "(`/set export` and `/set forget-me` are for members and former members.)",
    "record.none_named": "You have never been a member of a set called “{set}”, so I hold no "
                         "record of yours there.",
    "record.never_member": "You have never been a member of {name}, so I hold no record of "
                           "yours here. (`/set export` and `/set forget-me` are for its members "
                           "and former members.)",
    "record.which": "You are or were in several sets: {sets}. Say which one, e.g. "
                    "`/set {verb} {example}`.",
    "record.other_set": "This is the channel of {name}. For another set, type the command in a "
                        "DM with me, naming the set.",
    "forget.nothing": "There is nothing left to erase in {name}: what you said there has "
                      "already been erased, and you get no check-ins from it.",
    "forget.count.presentations.one": "{count} presentation",
    "forget.count.presentations.many": "{count} presentations",
    "forget.count.questions.one": "{count} question",
    "forget.count.questions.many": "{count} questions",
    "forget.count.learnings.one": "{count} closing learning",
    "forget.count.learnings.many": "{count} closing learnings",
    "forget.count.insights.one": "{count} insight you recorded",
    "forget.count.insights.many": "{count} insights you recorded",
    "forget.count.commitments.one": "{count} commitment",
    "forget.count.commitments.many": "{count} commitments",
    "forget.count.reports.one": "{count} report",
    "forget.count.reports.many": "{count} reports",
    "forget.count.notes.one": "{count} check-in note",
    "forget.count.notes.many": "{count} check-in notes",
    "forget.count.shares.one": "{count} shared learning",
    "forget.count.shares.many": "{count} shared learnings",
    "forget.count.org": "the name of your organisation (still counted)",
    # Meeting
    "meeting.started": "{who} started a meeting of {name}. Facilitator: {facilitator}. Say "
                       "you're here with the buttons or `/set here` (`/set here bid` to present).",
    "meeting.already_running": "A meeting is already running (stage: {stage}). `/set status` "
                               "shows where it is.",
    "meeting.none_running": "No meeting is running. `/set start` starts one.",
    "meeting.here_noted": "Noted: you're here.",
    "meeting.bid_noted": "Noted: you're here and you'd like time (number {position} in the "
                         "queue).",
    "meeting.already_here": "You're already marked as here.",
    "meeting.already_bid": "You've already asked for time. Changed your mind? Withdraw it "
                           "before your turn.",
    "meeting.is_scheduled": "This is the meeting scheduled for {when}. Next meeting: {next}.",
    "meeting.is_extra": "This is an extra meeting; the scheduled one ({when}) stays as it is.",
    "meeting.facilitator_not_here": "{facilitator} hasn't said they're here yet. If they don't "
                                    "come, a member who is here can take over with the Take "
                                    "over button.",
    "meeting.bid_closing": "The meeting is in closing: there is no time left to present in it. "
                           "Ask for time at the next meeting.",
    "meeting.unbid_done": "Your bid is withdrawn.",
    "meeting.unbid_too_late": "Your turn has come, so the bid can't be withdrawn now.",
    "meeting.unbid_none": "You haven't asked for time in this meeting.",
    "meeting.already_presented": "You've already presented in this meeting.",
    "meeting.moved_on": "The meeting has already moved on: it is now in {stage}.",
    "card.title": "Meeting {number} of {name} — {stage}",
    "card.presenter": "Presenter: {who} ({turn} of {of})",
    "card.presenter.field": "Presenter",
    "card.facilitator": "Facilitator",
    "card.set_facilitator": "Facilitator",
    "card.time": "Time",
    "card.here": "Here",
    "card.apologies": "Apologies",
    "card.link": "Video link",
    "card.bids": "Asked for time",
    "card.questions": "Questions",
    "card.questions.value": "{count} · askers {members}",
    "card.commitments": "Commitments",
    "card.next_meeting": "Next meeting",
    "card.open_commitments": "Open commitments",
    "card.ended_title": "Meeting {number} has ended",
    "card.ended_body": "The summary is below.",
    "stage_name.opening": "opening",
    "stage_name.review": "review",
    "stage_name.presentation": "presentation",
    "stage_name.questioning": "questioning",
    "stage_name.commitment": "commitment",
    "stage_name.closing": "closing",
    "stage_name.ended": "ended",
    "stage.opening.what": "Opening: say you're here, and ask for time if you'd like to present.",
    "stage.review.what": "Review: each member with open commitments reports back in turn — "
                         "done, partly or not, what happened, what you learned "
                         "(`/set report` or Report back). Your check-in notes stay yours: "
                         "`/set actions mine` shows them to you alone.",
    "stage.presentation.what": "Presentation: the presenter states the problem — the question, "
                               "the background, what they have tried.",
    "stage.questioning.what": "Questioning: everyone else asks open questions. Questions, not "
                              "advice.",
    "stage.commitment.what": "Commitment: the presenter commits to one or more actions "
                             "(`/set commit <action> [by YYYY-MM-DD]`).",
    "stage.closing.what": "Closing: each member says one thing they learned.",
    "stage.ended.what": "The meeting has ended.",
    "stage.needed.report": "Reporting back happens in the review stage",
    "stage.needed.commit": "Only the presenter commits, in the commitment stage",
    "stage.needed.present": "The presenter presents in the presentation stage",
    "stage.needed.insight": "The set records what it agreed in the review stage",
    "stage.wrong": "{needed}. The meeting is in {stage} now. {now} {movers} can move it on "
                   "with Next stage.",
    "stage.wrong_no_meeting": "{needed}, during a meeting, and none is running. `/set start` "
                              "starts one.",
    "announce.review": "Review: {who}, please report back ({minutes} min).",
    "announce.presentation": "Presentation: over to {who} ({minutes} min). State your question, "
                             "the background and what you have tried.",
    "announce.questioning": "Questioning: open questions for {who} ({minutes} min). Questions, "
                            "not advice.",
    "announce.commitment": "Commitment: {who}, what will you do? ({minutes} min) "
                           "`/set commit <action> [by YYYY-MM-DD]`",
    "announce.closing": "Closing ({minutes} min): each of you, one thing you learned.",
    "status.running": "Meeting {number} is in {stage}.",
    "status.idle": "No meeting is running.",
    "status.no_timebox": "no time box",
    "status.time_left": "{left} left (until {until})",
    "status.time_up": "time is up",
    "timer.warning": "Two minutes left for {stage}.",
    "timer.not_asked": "Not asked a question yet: {who}.",
    "timer.ended": "Time is up for {stage}. {who} can move on with Next stage.",
    "questioning.nudge": "That reads more like advice than a question. Could you turn it into "
                         "an open question — what, how, who, when? (Only you can see this.)",
    "review.posted": "{who} reported back: {outcome} — {text}. {account}",
    "review.corrected": "{who} corrected their report: {outcome} — {text}. {account}",
    "review.which": "Which commitment? Add its number: `/set report <n> <done|partly|not> "
                    "<account>`.\n{choices}",
    "review.no_such_number": "You have no commitment number {number} to report on. "
                             "Yours:\n{choices}",
    "review.carried": "Kept open for the next meeting, with its check-ins: {due}",
    "review.closed": "Closed: {text}. It won't come up again.",
    "review.reported_carried": "reported: {outcome}, carried forward",
    "review.reported": "reported: {outcome}",
    "review.checkins": "check-ins: {answers}",
    "review.checkin": "{day} {answer}{note}",
    "review.nothing_owed": "You have no commitments from earlier meetings to report on.",
    "commit.posted": "Committed: {line}",
    "commit.posted_after": "Added to meeting {number} after it ended: {line}",
    "commit.form_after_end": "The meeting ended before your commitment arrived, so it isn't "
                             "saved yet. Add it with `/set commit <action> [by <YYYY-MM-DD>]` "
                             "within 48 hours of the meeting.",
    "commit.not_presenter": "Only the presenter ({who}) commits in this stage.",
    "commit.too_far": "{day} is too far ahead: a due date can be at most a year away (until "
                      "{latest}).",
    "commit.past_date": "That date has passed (today is {today}). Give a due date from today "
                        "on.",
    "commitment.line": "{owner}{text} — due {due}{progress}",
    "present.title": "{who} presents",
    "present.background": "Background: {text}",
    "present.tried": "Tried so far: {text}",
    "present.not_presenter": "Only the presenter can present now.",
    "present.no_question": "The question is missing.",
    "outcome.done": "done",
    "outcome.partly": "partly done",
    "outcome.not": "not done",
    # Summary
    "summary.title": "Meeting summary",
    "summary.heading": "Meeting {number} of {name}, {day}",
    "summary.attendance": "Here: {who}",
    "summary.apologies": "Apologies: {who}",
    "summary.absent": "Absent: {who}",
    "summary.learning": "What we learned:",
    "summary.learning_line": "• {who}: {text}",
    "summary.reviews": "Reviews:",
    "summary.insights": "Agreed at review:",
    "summary.carried": "{outcome}, carried forward",
    "summary.closed_itself": "This meeting closed itself: nobody moved it on for {hours} hours.",
    "summary.everyone_left": "This meeting closed: everyone in it has left the set.",
    "summary.review_line": "• {who}: {text} — {outcome}",
    "summary.not_reported": "Did not report back: {who}",
    "summary.presenters": "Presenters:",
    "summary.presenter_line": "• {who}: {question} — questions {count} · askers {members}",
    "summary.commitments": "Commitments:",
    "summary.no_commitments": "No commitments were made.",
    "summary.next": "Next meeting: {when}",
    # Actions and export
    "actions.title": "Open commitments in {name}",
    "actions.mine_title": "Your open commitments (only you see this)",
    "actions.none": "No open commitments.",
    "actions.numbered": "{number}. {line}",
    "export.heading": "# {who} — record in {name}",
    "export.generated": "Exported {day}. Only your own words are in this file.",
    "export.commitments": "## Commitments",
    "export.commitment": "- {text} (due {due})",
    "export.checkin": "  - check-in {day}: {answer}{note}",
    "export.report": "  - reported back: {outcome} — {account}",
    "export.presentations": "## What you presented",
    "export.learning": "## What you learned",
    "export.questions": "## Questions you asked",
    "export.insights": "## Insights you recorded",
    "export.apologies": "## Apologies",
    "export.apology": "- meeting on {day}{note}",
    "export.change.edit": "  - edited {day}: was “{before}”, now “{after}”",
    "export.change.due": "  - moved {day}: from {before} to {after}",
    "export.change.drop": "  - dropped {day}: {after}",
    "export.ics_dm": "Your open commitments' due dates, for your calendar.",
    "export.none": "- (none)",
    # Check-ins
    "checkin.title": "Check-in from {name}",
    "checkin.body": "How is this going?\n{line}",
    "checkin.privacy": "Your set sees only your answer (on track, stuck, done); a note stays "
                       "yours unless you ask the set for help.",
    "checkin.noted.on-track": "Thanks — noted as on track.",
    "checkin.noted.done": "Well done — noted as done. You'll report back at the next review.",
    "checkin.noted.missed": "Noted.",
    "checkin.noted.stuck": "Noted as stuck.",
    "checkin.noted.snooze": "Snoozed.",
    "checkin.snoozed": "Snoozed: I'll ask again {when}.",
    "checkin.stuck": "Noted as stuck. Would you like to ask your set for help? I'll post your "
                     "commitment to the set's channel.",
    "checkin.not_yours": "That check-in is someone else's.",
    "checkin.closed": "That commitment has already been reported on.",
    "checkin.none_open": "You have no open commitments to check in on.",
    "progress.on-track": "on track",
    "progress.stuck": "stuck",
    "progress.done": "done",
    "progress.snooze": "snoozed",
    "progress.missed": "missed (the bot was offline)",
    "help_request.title": "A request for help",
    "help_request.body": "{who} is stuck on: {text}{note}\nAny open questions or offers of help "
                         "are welcome.",
    "help_request.note": "\nWhat's in the way: {note}",
    "help_request.already": "You've already asked {name} for help with this; it's in the "
                            "set's channel.",
    "help_request.sent": "I've asked {name} for help in its channel.",
    "reminder.day": "Reminder: {name} meets tomorrow, {when}.",
    "reminder.hour": "Reminder: {name} meets in an hour, {when}.",
    # Programmes
    "error.bad_code": "Give the join code a coordinator sent you, e.g. ABCD-1234.",
    "format.weekly": "Give the weekly digest's day and time, e.g. `/set digest weekly Mon 09:00`.",
    "programme.created_title": "Programme: {name}",
    "programme.created_body": "{who} made this channel the programme's shared channel and "
                              "coordinates it. A set joins when its facilitator types "
                              "`/set programme join <code>` in the set's own channel. "
                              "Coordinators see counts only — never what is said in a set.",
    "programme.code": "Join code for {name}: `{code}` (valid until {until}; any number of sets "
                      "may use it). `/set programme code` makes a new one and retires this one.",
    "programme.channel_taken": "This channel is already the programme {name}'s shared channel.",
    "programme.not_here": "This is a programme's channel: `/set {verb}` works in a set's own "
                          "channel.",
    "programme.coordinators_only": "Only the programme's coordinators can use `/set {verb}`.",
    "programme.not_a_coordinator": "You don't coordinate a programme. A programme is made with "
                                   "`/set programme create <name>` in its shared channel.",
    "programme.use_programme_channel": "`/set {verb}` is for coordinators, in the programme's "
                                       "channel or in a DM with me.",
    "programme.already_coordinator": "{who} is already a coordinator.",
    "programme.coordinator_added": "{who} is now a coordinator (added by {by}).",
    "programme.timezone": "The programme's time zone is now {zone}.",
    "programme.already_in": "This set is already in the programme {name}. "
                            "`/set programme leave` first.",
    "programme.bad_code": "That join code isn't valid or has expired. Ask a coordinator for a "
                          "fresh one (`/set programme code`).",
    "programme.set_joined": "This set has joined the programme {name}. Its coordinators will "
                            "see counts (meetings, attendance, commitments) — never what is said "
                            "here. `/set share` shares a learning, anonymised.",
    "programme.set_joined_there": "The set {set} has joined the programme.",
    "programme.not_in": "This set is not in a programme.",
    "programme.set_left": "This set has left the programme {name}.",
    "programme.set_left_there": "The set {set} has left the programme.",
    "org.noted": "Noted: you come from {org}. The programme digest counts organisations; it "
                 "never names them.",
    "announce.title": "From the coordinators of {name}",
    "announce.sent": Plural(one="Posted to {count} channel.",
                            other="Posted to {count} channels."),
    "digest.title": "Digest of {name}: {since} to {until}",
    "digest.totals": "sets {sets} · meetings {meetings} · attendance {attendance} · "
                     "commitments {made} made, {reviewed} reviewed · learnings shared {shared} "
                     "· sets flagged {flagged}",
    "digest.no_sets": "No sets have joined yet.",
    "digest.set_line": "meetings {meetings} · attendance {attendance} · commitments {made} "
                       "made, {reviewed} reviewed · organisations {orgs}",
    "digest.flag_quiet": "no meeting for six weeks",
    "digest.flag_attendance": "attendance under half",
    "digest.flag_unreviewed": "commitments never reviewed: {count}",
    # The digest's CSV: column headers
    "digest.csv.set": "set",
    "digest.csv.meetings": "meetings",
    "digest.csv.attended": "attended",
    "digest.csv.possible_attendance": "possible_attendance",
    "digest.csv.attendance_rate": "attendance_rate",
    "digest.csv.commitments_made": "commitments_made",
    "digest.csv.commitments_reviewed": "commitments_reviewed",
    "digest.csv.never_reviewed": "never_reviewed",
    "digest.csv.organisations": "organisations",
    "digest.csv.last_meeting": "last_meeting",
    "digest.csv.flags": "flags",
    "digest.csv_dm": "The digest of {name} as CSV.",
    "digest.csv_sent": "I've sent you the digest as a CSV file by DM.",
    "digest.weekly_moved": "The weekly digest now goes out on that day and time; next: {when}.",
    "share.no_programme": "Sharing is for sets in a programme, and this set is not in one.",
    "share.preview_title": "Share with {name}? This is exactly what will be posted",
    "share.body": "“{text}”",
    "share.posted_title": "A learning shared from one of the sets",
    "share.sent": "Thank you. It will be posted to the channel of {name} with the next weekly "
                  "digest, {when}, together with the other learnings shared this week, without "
                  "your name or your set's.",
    "share.already": "You've already shared that.",
    "share.cancelled": "Not shared.",
    "button.share": "Share it",
    "button.unshare": "Don't share",
    # Platform troubles the adapters report in their own words
    "platform.failed": "Something went wrong on my side and it has been logged. Please try "
                       "again in a moment.",
    "platform.done": "Done.",
    "platform.form_too_late": "I took too long to open the form. Press the button again, or use "
                              "the `/set` command instead.",
    "platform.discord.dms_closed": "I tried to send you a direct message (a check-in, a nudge or "
                                   "your export) but Discord refused it: your DMs are closed to "
                                   "me. Nothing is lost: your commitments come up at the next "
                                   "review. To get check-ins by DM, allow direct messages from "
                                   "server members (Server menu → Privacy Settings); meanwhile "
                                   "you can answer with `/set progress`.",
    "platform.discord.missing_permissions": "I can't post in this channel: I'm missing "
                                            "permissions. Ask an admin to let me View Channel, "
                                            "Send Messages, Embed Links, Attach Files and Read "
                                            "Message History here.",
    "platform.slack.not_in_channel": "I'm not in this channel, so I can't post here. Invite me "
                                     "with /invite @{bot} and try again.",
    "platform.slack.archived": "This channel is archived, so I can't post in it.",
    "platform.slack.cannot_dm": "I couldn't send you a direct message. Check that direct "
                                "messages from apps are allowed in this workspace.",
    "platform.slack.rate_limited": "Slack asked me to slow down, so my answer didn't get "
                                   "through. Please try again in a minute.",
    "platform.matrix.keys": "React to press: {keys}",
    "platform.matrix.key": "{emoji} {label}",
    "platform.matrix.key_separator": " · ",
    "platform.matrix.form_ask": "{user} {title}: answer with one reply in this thread.",
    "platform.matrix.form_lines": "Start each part on its own line with its name:",
    "platform.matrix.form_optional": "(optional)",
    "platform.matrix.form_choices": "one of {choices}",
    "platform.matrix.dm_unencrypted": "This direct chat is not end-to-end encrypted: I can't "
                                      "read encrypted messages yet. Your check-ins and private "
                                      "answers come here.",
    "platform.matrix.room_encrypted": "This room is end-to-end encrypted, and I can't read "
                                      "encrypted messages yet, so I don't see commands or what "
                                      "is said here. A set needs a room without encryption (a "
                                      "room's encryption cannot be turned off, so make a new "
                                      "room for the set and invite me there).",
    # The console (a terminal stand-in for a chat platform)
    "console.help": (
        "Console commands:\n"
        "  alice> /set help             type as any member in the set's channel (#set)\n"
        "  alice> I wonder what ...     write in the channel as alice\n"
        "  alice (dm)> /set progress    write in alice's DM with the bot\n"
        "  alice #other> /set ...       write in another channel\n"
        "  alice> /press 3              press button [3] as alice\n"
        "  alice (dm)> /press Done      press the newest button labelled \"Done\" in alice's DM\n"
        "  alice> /form a=... | b=...   fill in the form the bot opened for alice\n"
        "  /clock +2h                   move the clock on (s, m, h, d, w) so that due pings "
        "fire\n"
        "  /clock                       show the clock\n"
        "  /help, /quit"
    ),
    # Calendar files
    "calendar.description": "{name}: action learning set meeting",
    "console.welcome": "Revans console. Type `alice> /set create My set` to begin; /help for "
                       "more.",
    "console.unknown_command": "Unknown console command. /help lists them.",
    "console.clock_usage": "Move the clock on with /clock +<number><unit>, units s m h d w, up to "
                           "ten years: e.g. /clock +7d.",
    "console.type_as_member": "Type as a member: `alice> /set help` (or `/help` for the "
                              "console).",
    "console.no_button": "There is no button {label} here.",
    "console.no_form": "{name} has no form open: press a button that opens one.",
    "console.unknown_member_command": "Unknown console command {word}: try /set help.",
    "console.form_title": "Form: {title}",
    "console.form_optional": "(optional)",
    "console.form_choices": "one of {choices}",
    "console.form_answer": "Answer with: /form {example}",
    # Forms
    "form.present.title": "Present a problem",
    "form.present.question": "Your question",
    "form.present.background": "Background",
    "form.present.tried": "What you have tried",
    "form.commit.title": "Commit to an action",
    "form.commit.action": "The action",
    "form.commit.by": "Due date (default: the next meeting)",
    "form.commit.by_hint": "YYYY-MM-DD",
    "form.insight.title": "Record an insight",
    "form.insight.text": "A practice or insight the set agreed",
    "insight.posted": "Recorded for the summary: {text}",
    "insight.empty": "Write the insight to record.",
    "form.report.title": "Report back",
    "form.report.number": "Which commitment (its number)?",
    "form.report.outcome": "How did it go? (done, partly, not)",
    "form.report.account": "What happened, and what you learned",
    "form.report.outcome.done": "done",
    "form.report.outcome.partly": "partly",
    "form.report.outcome.not": "not",
    "form.submit": "Submit",
}

def template(key: str, *, count: int | None = None) -> str:
    """The template for ``key`` in the current voice (``language.speaking``; English outside
    a step), in the plural form ``count`` needs by that language's rule. Raises ``KeyError``
    for an unknown key; a translation missing at run time gives the English (and the catalogue
    loader logs a line)."""
    entry = ENGLISH[key]
    voice = _language.current()
    if isinstance(entry, Plural):
        if count is None:
            raise TypeError(f"{key} has plural forms: give a count")
        if voice is _language.ENGLISH:
            return entry.one if count == 1 else entry.other
        return voice.plural(key, entry.one, entry.other, count)
    return entry if voice is _language.ENGLISH else voice.text(key, entry)


def _english(key: str, count: int | None) -> str:
    entry = ENGLISH[key]
    if isinstance(entry, Plural):
        return entry.one if count == 1 else entry.other
    return entry


def t(key: str, /, *, count: int | None = None, **params: object) -> str:
    """The catalogue text for ``key`` as markup, in the current voice, with ``params`` (markup
    already) filled in; ``count`` picks a plural form and is offered as ``{count}``.

    A translation whose placeholders do not fit gives the English text: never an error in
    front of a member.
    """
    if count is not None:
        params["count"] = count
    try:
        return escape(template(key, count=count)).format(**params)
    except (KeyError, IndexError, ValueError):
        if key not in ENGLISH:
            raise
        return escape(_english(key, count)).format(**params)


def plain(key: str, /, *, count: int | None = None, **params: object) -> str:
    """The catalogue text for ``key`` as plain text, in the current voice, for what a platform
    shows without markup (Discord's command descriptions, the console's help)."""
    if count is not None:
        params["count"] = count
    try:
        return template(key, count=count).format(**params)
    except (KeyError, IndexError, ValueError):
        if key not in ENGLISH:
            raise
        return _english(key, count).format(**params)
