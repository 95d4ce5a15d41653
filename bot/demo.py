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

# The same cycle in Swedish: a set of social workers (``revans demo --language sv``). The command
# words stay English; the members use the Swedish aliases (här, nästa, åtagande, rapport).
DEMO_SCRIPT_SV = """\
# Revans demo på svenska: en lärgrupp, två möten, avstämningar mellan mötena.
# Alice gör kanalen till gruppens hemvist och väljer svenska; Bob och Carol går med.
alice> /set create Socialsekreterare Norr
alice> /set language sv
bob> /set join
carol> /set join
alice> /set schedule 2026-11-03 10:00 every 4w
#
# Möte ett. Bob och Carol ber båda om tid.
alice> /set start
bob> /press Jag är här och vill ha tid
carol> /set här bid
alice> /set nästa
#
# Bob presenterar; de andra ställer frågor (ett inlägg låter som ett råd: en privat knuff).
bob> Hur får jag gruppen att använda handledningen till reflektion, inte bara ärendegenomgång?
alice> /set nästa
carol> Hur ser reflektion ut för dig när den fungerar?
alice> Har du provat att bara sätta upp det på dagordningen?
alice> Vad skulle hända i gruppen om det blev så?
/clock +13m
alice> /set nästa
bob> /set åtagande Fråga gruppen vad de vill ha ut av handledningen
alice> /set nästa
#
# Carol presenterar, får frågor och åtar sig något, med ett eget slutdatum.
carol> Våra kontaktpersoner slutar efter tre månader. Vad får folk att stanna?
alice> /set nästa
bob> När berättade en kontaktperson senast varför hen stannade?
alice> Hur tar ni emot nya den första veckan?
alice> /set nästa
carol> /set åtagande Ringa tre kontaktpersoner som stannat mer än ett år by 2026-11-27
alice> /set nästa
#
# Avslutning: en lärdom var, sedan sammanfattningen.
bob> Jag ställer fler frågor när jag slutar försöka laga saker.
carol> Att stanna handlar mer om tillhörighet än om uppgifter.
alice> /set nästa
#
# En vecka senare kommer avstämningarna i DM. Bob följer planen; Carol har fastnat.
/clock +7d
bob (dm)> /press Enligt plan
carol (dm)> /set progress stuck de jag ringer svarar aldrig
carol (dm)> /press Be min grupp om hjälp
bob> /set actions
#
# Dagarna före nästa möte: fler avstämningar, sedan påminnelserna.
/clock +16d
carol (dm)> /press Klart
/clock +4d
bob (dm)> /press Enligt plan
/clock +23h
#
# Möte två: återkopplingen visar varje åtagande med avstämningarna sedan dess.
alice> /set start
bob> /set här
carol> /set här
alice> /set nästa
bob> /set rapport done Gruppen vill ha reflekterande träffar varannan vecka; vi börjar i januari.
carol> /set rapport partly Nådde två av tre; båda sa att första veckan fick dem att stanna.
alice> /press Anteckna en insikt
alice> /form insight=Fråga dem det gäller innan vi bestämmer åt dem.
alice> /set status
alice> /set end
"""

SCRIPTS = {"en": DEMO_SCRIPT, "sv": DEMO_SCRIPT_SV}
