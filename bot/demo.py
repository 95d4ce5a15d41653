"""``revans demo``: a whole cycle, scripted, on a temporary database, printed as a transcript."""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_START = datetime(2026, 11, 3, 9, 50, tzinfo=UTC)

DEMO_SCRIPT = """\
# Revans demo: one action learning set, two meetings, check-ins, apologies and an edited
# action in between.
# Alice makes the channel a set's home; Bob and Carol join (accepting the ground rules).
alice> /set create Practice Educators North
bob> /set join
carol> /set join
alice> /set schedule 2026-11-03 10:00 every 4w
#
# Meeting one. Bob and Carol each ask for time.
alice> /set start
bob> /press I'm here and I'd like time
carol> /set here bid
alice> /set next
#
# Bob presents; the others question him (one message reads as advice: a private nudge).
bob> How do I get my team to use supervision for reflection, not just caseload?
alice> /set next
carol> What does reflection look like for you when it works?
alice> You should just put it on the agenda.
alice> What would change for the team if it happened?
/clock +13m
alice> /set next
bob> /set commit Ask the team what they want from supervision
alice> /set next
#
# Carol presents, is questioned and commits, with her own due date.
carol> Our volunteers drift away after three months. What keeps people?
alice> /set next
bob> When did a volunteer last tell you why they stayed?
alice> How do you welcome people in their first week?
alice> /set next
carol> /set commit Phone three volunteers who stayed over a year by 2026-11-27
alice> /set next
#
# Closing: one learning each, then the summary.
bob> I ask more questions when I stop trying to fix things.
carol> Staying is about belonging more than tasks.
alice> /set next
#
# A week later the check-ins arrive by DM. Bob is on track; Carol is stuck and asks for help.
/clock +7d
bob (dm)> /press On track
carol (dm)> /set progress stuck the volunteers I call never answer
carol (dm)> /press Ask my set for help
bob> /set actions
#
# Bob sharpens his action (its history shows at the review). Dave joins, and sends apologies
# for the next meeting: he is listed on the opening card, not called on, and not counted absent.
bob (dm)> /set actions mine
bob (dm)> /set action 1 Ask the team and the two seniors what they want from supervision
dave> /set join
dave> /set apologies at a conference that day
#
# The days before the next meeting: more check-ins, then the reminders.
/clock +16d
carol (dm)> /press Done
/clock +4d
bob (dm)> /press On track
/clock +23h
#
# Meeting two: Alice, the facilitator, is away today. Bob starts the meeting and Carol, who is
# here, takes over for it (Alice facilitates again from the next meeting).
bob> /set start
carol> /set here
carol> /press Take over
carol> /set next
#
# The review shows each commitment, numbered, with the check-ins since. Carol's partly done
# commitment is carried forward to the next meeting with its check-ins.
bob> /set report done The team want fortnightly reflective sessions; we start in January.
carol> /set report partly Reached two of three; both said the first week made them stay.
carol> /press Record an insight
carol> /form insight=Ask the people it is about before deciding for them.
carol> /set status
carol> /set end
"""
