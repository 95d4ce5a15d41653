"""Tell a question to the presenter from advice, during the questioning stage of a set.

In action learning the members help the presenter by asking questions, not by offering
solutions. :func:`classify` reads one chat message and answers ``QUESTION`` (record it) or
``ADVICE`` (nudge the sender privately). It is a small set of English word patterns, so
that a member who is nudged can be told why, and so the same text always gets the same
answer. No machine learning, no I/O, standard library only.

How a message is read
---------------------
1. Clean-up: Slack/Discord mentions (``<@U123>``, ``<@!123>``, ``<#C1|x>``, ``<!here>``),
   custom emoji and timestamps are removed; links are reduced to their label (bare URLs are
   dropped, so a ``?`` in a URL does not count); HTML entities are unescaped; quoted lines
   (``> ...``) are dropped because they are someone else's words; Markdown emphasis is
   removed; curly quotes and apostrophes become straight ones; case is folded; common
   contractions typed without the apostrophe (``dont``, ``whats``, ``im``) are repaired.
2. The text is split into sentences, and each sentence into clauses at commas, semicolons,
   colons and dashes. Fillers at the start of a clause ("so", "ok", "out of interest",
   "can I ask") are ignored.
3. Any advice-like sentence makes the whole message ``ADVICE``. A sentence is advice-like if
   it contains a suggestion ("how about", "why don't you", "if I were you", "I'd",
   "in my experience", "make sure", "it might be worth"...), if a clause opens with a
   leading question ("Have you tried...", "Have you considered...", "Why not ask...",
   "Couldn't you...", "Wouldn't it be better...") or with an imperative ("Try...",
   "Just...", "Speak to...", "Escalate..."), or if it contains a modal suggestion
   ("you should", "you could", "you need to", "you must", "you ought to"...).
4. A modal suggestion is let through after a hypothetical "if" ("If you could change one
   thing, what would it be?", but not "I wonder if you could...") and inside an open
   question: when the sentence is a question (it has a ``?`` or is an invitation, below)
   and an open word (what, how, why, who, when, where, which, anything, anyone...) comes
   before it in the same clause.
   "What do you think you should do?" is a question; "Do you think you should tell her?"
   and "I wonder if you should tell her" are advice.
5. Otherwise the message is a ``QUESTION`` if at least one sentence has a ``?``, starts with
   an interrogative word (what, how, why, who, when, where, which, could, would, can, do,
   does, did, is, are, was, were, will, have, has...), has a later clause opening with
   "what/how/why/who/which" plus a verb ("Looking back, what would you change") or holds
   an invitation. Otherwise it is a statement with no question, and statements are
   ``ADVICE``.

Decisions
---------
- Invitations are open questions in action learning: "Tell me more about the budget",
  "Say more about that", "Talk me through it", "Help me understand", "I'm curious
  about...", "I wonder...", "I'd be interested to hear..." are ``QUESTION`` with or
  without a ``?``.
- "Why not?" on its own (or "Why not, do you think?") is a genuine question and is
  ``QUESTION``; "Why not ask her?" is a suggestion and is ``ADVICE``.
- Factual closed questions stay questions: "Have you spoken to her?", "Did the family
  know?". Only the leading forms listed above ("have you tried/considered/thought about",
  "couldn't you", "could you just", "wouldn't it be better", "do you not think") are advice.
- Non-advice statements placed before a question are tolerated as context: "That sounds
  hard. How are you feeling?" is a ``QUESTION``.
- Empty or whitespace-only text, or text that is only mentions, links or punctuation, is
  ``ADVICE``: it is not a question so must never be recorded as one. Callers should skip
  empty messages before deciding whether to nudge.

Swedish
-------
``classify(text, "sv")`` reads the same way with Swedish patterns (``_SV_*`` below): the
modals "du borde / bör / måste / behöver / kan ju", leading questions ("Har du provat
att…?", "Har du funderat på…?", "Skulle det inte vara bättre att…?", "Vore det inte…?",
"Varför inte bara…?", "Kan du inte…?", "Borde inte…?", "Är det inte dags…?"), imperatives
("Prova…", "Ring…", "Bara säg…", "Se till att…") and the classics ("om jag var du", "enligt
min erfarenhet", "det du behöver är", "mitt råd är", "det kan vara värt att"). A clause that
opens with a question word (vad, hur, varför, vem, vilken, när) or with a finite verb
followed by its subject ("Tror du…", "Kände du…": Swedish asks with the verb first) is a
question; "Berätta mer…", "Säg lite mer…", "Hjälp mig att förstå…", "Jag undrar…" are
invitations. Any other language code reads as English.

What the Swedish rules still get wrong, besides the English list below:

- Suggestions with no trigger word slip through, as in English: "Vad sägs om ett möte med
  henne?" is caught, but "Hur skulle det vara om du bara sa upp dig?" and "Är handledning ett
  alternativ?" are ``QUESTION``.
- "Var" is both "where" and "was": "Var går gränsen?" is a question, and so is a statement
  that opens with "var" and has no advice word. Its imperative "Var tydlig med…" is advice
  only for a short list of adjectives.
- The verb-first test guesses a finite verb from its ending (-ar, -er, -ir, -de, -te…), so a
  statement that opens with such a word and a subject ("Sedan ringde jag…" is fine, but
  "Ibland känner man…" is not caught) may read as a question.
- Present-tense "Varför pratar du inte…?" is advice and past-tense "Varför pratade du inte…?"
  a question; other verbs than the common ones listed are read as questions.
- Words typed without å, ä, ö ("forsok", "sag nej") are not recognised; chat spellings
  such as "nåt", "nån", "asså" are known only where listed.

Known mistakes
--------------
- English and Swedish only. Other languages are read with the English rules, so they are
  a ``QUESTION`` when they contain ``?`` and ``ADVICE`` otherwise.
- Sarcasm and tone are invisible: "Oh great, and what did you expect?" is a question.
- Suggestions with no trigger word slip through: "What about a meeting with her?",
  "Is supervision an option?", "Could you ask her directly?", "Perhaps it's about
  trust?" and "Do you need to be the one who fixes this?" are all ``QUESTION``.
  Conversely "Would you consider...", "Couldn't you...", "Why can't you...",
  "Why wouldn't you..." and "Have you thought about what you want?" are ``ADVICE`` even
  when a member means them as open questions.
- "Why not?" used as a dare ("just do it") is read as a genuine question.
- Reflections and interpretations that are statements ("It sounds like you feel
  unsupported.") are ``ADVICE`` when they stand alone, although they may be useful; and an
  interpretation followed by a question ("I think it's about trust. Do you agree?") is a
  ``QUESTION`` although it leads the presenter.
- An open question that holds "you should/could/need to" but drops its ``?`` ("What do you
  think you should do") is ``ADVICE``; a statement that opens with a subordinate
  "when/where/how" and has no advice word ("When she left it all changed") is a
  ``QUESTION``.
- Reported speech is read as the member's own words: "She said 'I'd rather not'. How
  did you respond?" is ``ADVICE`` because of "I'd".
- A member's own experience told without a trigger word ("Our team had the same problem
  last year.") is a statement, hence ``ADVICE``, which is right by accident.
- Sentence splitting is naive: abbreviations such as "e.g." split a sentence.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Utterance", "classify"]


class Utterance(StrEnum):
    """What a message sent during questioning is, for the bot's purposes."""

    QUESTION = "question"  # an open or closed question addressed to the presenter: recorded
    ADVICE = "advice"  # advice, a suggestion dressed as a question, or a statement: nudged


# --- clean-up -----------------------------------------------------------------------------

# Slack: <@U123>, <@U123|name>, <#C123|general>, <!here>, <!subteam^S1>.
# Discord: <@123>, <@!123>, <@&123>, <#123>, <:emoji:123>, <a:emoji:123>, <t:1700000000:R>.
_MARKUP = re.compile(r"<(?:[@#!][^>]*|a?:\w+:\d+|t:\d+(?::[a-zA-Z])?)>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_EMPHASIS = re.compile(r"[*_~`]+")
_SPACES = re.compile(r"[^\S\n]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_CHARACTERS = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark, the usual phone apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\uff1f": "?",  # full-width question mark
        "\u2026": "...",
    }
)
# Contractions typed without an apostrophe, so "dont" matches the same rules as "don't".
_BARE_CONTRACTIONS = re.compile(
    r"\b(don|doesn|didn|won|wouldn|couldn|shouldn|can|isn|aren|wasn|weren|haven|hasn|hadn)t\b"
    r"|\b(what|how|who|where|when|it|that)s\b|\b(i)m\b|\b(i|you|we)ve\b|\b(you)re\b|\b(you)d\b"
)


def _repair_contraction(match: re.Match[str]) -> str:
    """Put the apostrophe back into ``dont``, ``whats``, ``im``, ``youve``..."""
    stem_t, stem_s, stem_m, stem_ve, stem_re, stem_d = match.groups()
    if stem_t is not None:
        return "can't" if stem_t == "can" else f"{stem_t}'t"
    if stem_s is not None:
        return f"{stem_s}'s"
    if stem_m is not None:
        return "i'm"
    if stem_ve is not None:
        return f"{stem_ve}'ve"
    if stem_re is not None:
        return "you're"
    return f"{stem_d}'d"


def _normalise(text: str, *, english: bool = True) -> str:
    """Reduce a chat message to lower-case plain words, so the patterns can stay simple."""
    text = _MARKUP.sub(" ", text)
    text = _SLACK_LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = html.unescape(text)
    text = _QUOTED_LINE.sub(" ", text)
    text = _BARE_URL.sub(" ", text)
    text = text.translate(_CHARACTERS)
    text = _EMPHASIS.sub("", text)
    text = _SPACES.sub(" ", text).casefold().strip()
    if not english:
        return text
    # "cant" is a real word too, but in chat it is almost always "can't".
    return _BARE_CONTRACTIONS.sub(_repair_contraction, text)


# --- splitting ----------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|(?<=\?)(?=[^\W\d_])|\s*\n\s*")
_CLAUSE_BREAK = re.compile(r"[,;:()]|\s[-\u2013\u2014]+\s|[\u2013\u2014]")
_LEADING_JUNK = re.compile(r"^[\W_]+")
# Words that open a clause without changing what it is. Repeated: "ok so can I ask...".
_FILLER = re.compile(
    r"^(?:(?:so|and|but|ok|okay|right|well|hmm+|um+|uh+|er+|erm|oh|also|then|now|honestly"
    r"|actually|please|genuinely|sorry|yeah|yes|no|hi|hey|thanks|thank you|quick question"
    r"|(?:just )?out of (?:interest|curiosity)|(?:can|could|may) i ask(?: you)?"
    r"|i guess|i suppose)\b[\W_]*)+"
)


def _sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation and line breaks; drop empty pieces."""
    return [piece.strip() for piece in _SENTENCE_BREAK.split(text) if piece.strip()]


def _clauses(sentence: str, filler: re.Pattern[str]) -> list[str]:
    """Split a sentence at commas, colons, brackets and dashes; strip opening fillers."""
    clauses = []
    for piece in _CLAUSE_BREAK.split(sentence):
        piece = filler.sub("", _LEADING_JUNK.sub("", piece.strip()))
        if piece:
            clauses.append(piece)
    return clauses


# --- English rules --------------------------------------------------------------------------------


def _alternation(patterns: tuple[str, ...], *, anchored: bool) -> re.Pattern[str]:
    """One regex from a readable list of word patterns, each ending at a word boundary."""
    body = "|".join(f"(?:{pattern})" for pattern in patterns)
    return re.compile(("^" if anchored else r"\b") + f"(?:{body})" + r"(?!\w)")


_PERSONAL_CURIOSITY = r"be (?:interested|curious|keen|fascinated|intrigued|glad)"
_WANT_TO_HEAR = r"(?:love|like) to (?:hear|know|understand|learn|explore|find out|ask)"

# Suggestions wherever they appear in a sentence.
_ADVICE_ANYWHERE = _alternation(
    (
        r"why (?:don't|do not|not|wouldn't|won't|can't|cannot|shouldn't) you",
        r"how about",
        r"what about (?:if you|(?!\w*thing\b)\w+ing)",
        r"what if you (?:just|simply|tried|try)",
        r"(?:can|could|can't|couldn't|cannot) you (?:not )?(?:just|simply|always)",
        r"you (?:can|could|might) (?:just|simply|always)",
        r"you(?:'d| had) better",
        r"you(?:'d| would) be better off",
        r"you(?:'re| are) better off",
        r"if i (?:were|was) you",
        r"in my (?:experience|opinion|view)",
        r"my (?:advice|suggestion|recommendation|tip)",
        r"i (?:suggest|recommend|advise)",
        r"i(?:'d| would) (?:(?:like|want) to |just )?(?:suggest|recommend|advise)",
        rf"i(?:'d| would)(?! {_PERSONAL_CURIOSITY}| {_WANT_TO_HEAR}| imagine| guess"
        r"| have (?:thought|assumed|expected))",
        r"what (?:worked|works|helped) for (?:me|us)",
        r"what i (?:did|do|always do)",
        r"when (?:this|that|it|something similar) happened to me",
        r"it(?:'s| is| might be| may be| could be| would be|'d be| will be|'ll be"
        r"| might well be) worth",
        r"(?:is|isn't|would|wouldn't|could|might) it (?:not )?(?:be )?worth",
        r"(?:maybe|perhaps|probably|definitely) worth",
        r"worth a (?:try|go|shot)",
        r"make sure",
        r"(?:don't|do not|never) forget",
        r"remember to",
        r"be sure to",
        r"be careful (?:to|not|about|with)",
        r"(?:one|another|an|the other|the obvious|the best|the only) (?:option|idea|approach"
        r"|suggestion|solution|answer|thing to do) (?:is|would be|might be|could be)",
        r"surely",
        r"(?:if|whether) you(?:'ve| have)? (?:tried|considered|thought (?:about|of))",
    ),
    anchored=False,
)

# Leading questions that carry a suggestion, when they open a clause.
_ADVICE_AT_START = _alternation(
    (
        r"(?:have|haven't|had|hadn't) you (?:not )?(?:ever |already |at least )?"
        r"(?:tried|thought (?:about|of)|considered|explored|looked (?:into|at))",
        r"(?:did|didn't) you (?:not )?(?:ever )?(?:try|think (?:about|of)|consider|explore)",
        r"why not \w+",
        r"(?:couldn't|can't|cannot|wouldn't|won't|shouldn't|don't|aren't) you",
        r"(?:could|can|would|should|do) you not",
        r"(?:could|can|would) you (?:try|consider)",
        r"(?:would|wouldn't) it (?:not )?(?:be (?:better|best|easier|simpler|wise|wiser|good"
        r"|a good idea|helpful|useful|sensible|an idea)|make (?:more )?sense|help (?:to|if))",
        r"(?:is|isn't) it (?:not )?(?:time|better|best|easier|a good idea)",
        r"(?:maybe|perhaps) (?:you|just|try|some|speak|talk|ask|tell|get|go|call|email|ring"
        r"|have a|look|think about|consider|write|raise|escalate|bring|involve|set"
        r"|an? (?!(?:silly|stupid|daft|dumb|naive|obvious|odd|strange|weird|quick)\b)\w+)",
    ),
    anchored=True,
)

# Imperatives that open a clause: "Try...", "Speak to...", "Escalate it."
_IMPERATIVE = _alternation(
    (
        r"try",
        r"just(?! (?:out of|curious|wondering|checking|now|a (?:thought|question)"
        r"|to (?:check|clarify|understand|confirm)))",
        r"consider",
        r"remember",
        r"think about",
        r"focus on",
        r"ask",
        r"tell(?! (?:me|us)\b)",
        r"talk to",
        r"speak (?:to|with)",
        r"reach out",
        r"go (?:to|and|back|with|for|straight|ahead)",
        r"get",
        r"call",
        r"ring",
        r"phone",
        r"e-?mail",
        r"text",
        r"message",
        r"write",
        r"put",
        r"send",
        r"check",
        r"raise",
        r"escalate",
        r"flag",
        r"delegate",
        r"prioriti[sz]e",
        r"challenge",
        r"involve",
        r"share(?! (?:more|a bit|a little|what|how|why)\b)",
        r"bring",
        r"use",
        r"find",
        r"give(?! (?:me|us)\b)",
        r"take(?! (?:me|us)\b)",
        r"leave",
        r"drop",
        r"set",
        r"book",
        r"arrange",
        r"schedule",
        r"contact",
        r"refer",
        r"document",
        r"keep(?! going\b)",
        r"stick",
        r"push",
        r"stop",
        r"avoid",
        r"don't",
        r"do not",
        r"be(?! honest\b)",
        r"say(?! (?:a (?:bit|little) )?more\b)",
        r"make",
        r"let (?:him|her|them|it|go|that|this)",
        r"have a (?:word|chat|conversation|talk|look|think|go|break|rest)",
        r"do (?:what|it|that|this|something|whatever) \w+",
        r"ignore",
        r"accept",
        r"offer",
        r"insist",
        r"negotiate",
        r"step back",
        r"sleep on",
        r"(?:write|note) down",
    ),
    anchored=True,
)

# Modal suggestions: advice unless they sit inside an open question (see module docstring).
_SOFT_ADVICE = re.compile(
    r"(?<!\bdo )(?<!\bdid )\byou(?:'ve)? "
    r"(?:(?:really|probably|definitely|certainly|possibly|perhaps|maybe|honestly|just|also"
    r"|still|then|now|all) )*"
    r"(?:should(?:n't)?|could|need to|must|ought to|have to|got to|gotta"
    r"|might (?:want|wish|like|need) to|may (?:want|wish|need) to|might (?:try|consider)"
    r"|may (?:try|consider))(?!\w)"
    r"|\b(?:would|might|could) (?:it )?help (?:to|if you)(?!\w)"
    r"|\bit (?:might|may|could|would) be (?:good|useful|helpful|an idea) (?:to|if)(?!\w)"
)
# "If you could change one thing..." imagines; "I wonder if you could..." suggests.
_HYPOTHETICAL_IF = re.compile(r"(?<!\bwonder )(?<!\bwondering )(?<!\bsee )(?<!\bask )\bif $")
_OPEN_WORD = re.compile(
    r"\b(?:what|what's|how|why|who|whom|whose|when|where|which"
    r"|anything|anyone|anybody|anywhere)\b"
)

_INTERROGATIVE = _alternation(
    (
        r"what|what's|how|how's|why|who|who's|whom|whose|when|where|where's|which",
        r"could|would|can|do|does|did|is|are|am|was|were|will|shall|should|may|might|must",
        r"have|has|had",
        r"isn't|aren't|wasn't|weren't|doesn't|didn't|hasn't|haven't|hadn't|wouldn't",
    ),
    anchored=True,
)

# A wh-question after an opening phrase: "Looking back, what would you change".
_LATER_WH_QUESTION = re.compile(
    r"^(?:what|how|why|who|which) (?:do|does|did|is|are|was|were|would|could|will|can|might"
    r"|should|has|have|had)\b"
)

# Invitations to speak are open questions in action learning, with or without a "?".
_INVITATION = _alternation(
    (
        r"tell (?:me|us)",
        r"say (?:a (?:bit|little) )?more",
        r"(?:talk|walk|take) (?:me|us) through",
        r"help (?:me|us) (?:to )?understand",
        r"describe",
        r"explain (?:what|how|why|more|a bit|a little)",
        r"share (?:more|a bit|a little|what|how|why)",
        r"give (?:me|us) (?:an example|a (?:bit|little) more|more)",
        r"paint (?:me |us )?a picture",
        r"go on",
        r"keep going",
        r"i(?:'m| am) (?:curious|wondering|interested|intrigued)",
        r"i(?:'m| am| was)? wonder(?:ing)?",
        rf"i(?:'d| would) (?:{_PERSONAL_CURIOSITY}|{_WANT_TO_HEAR})",
        r"i want to (?:understand|know|hear)",
    ),
    anchored=True,
)


# --- Swedish rules ------------------------------------------------------------------------
# Swedish asks yes/no questions with the verb first ("Har du pratat med henne?") and states
# with the verb second, so a clause that opens with a finite verb and a subject is a question.
# Advice comes as modals ("du borde", "du kan ju"), leading questions ("har du provat att",
# "skulle det inte vara bättre att", "varför inte bara"), imperatives ("prova", "ring") and
# the facilitator's classics ("om jag var du", "det du behöver är").

_SV_FILLER = re.compile(
    r"^(?:(?:så|och|men|ok|okej|okey|jo|ja|nej|nä|nja|alltså|asså|hmm+|öh+|eh+|äh+|jaha|aha"
    r"|nu|då|sen|förresten|ärligt talat|faktiskt|snälla|tack|hej|hallå|förlåt|ursäkta"
    r"|en (?:snabb |kort |dum |enkel )?fråga|(?:bara )?av nyfikenhet|(?:bara )?av intresse"
    r"|(?:får|kan|må) jag fråga(?: dig)?|jag antar|jag menar)\b[\W_]*)+"
)

_SV_SUBJECT = r"(?:du|ni|det|den|han|hon|hen|de|dom|man|vi|någon|nån|folk|teamet|chefen)"

_SV_ADVICE_ANYWHERE = _alternation(
    (
        r"varför (?:(?:gör|tar|frågar|pratar|säger|ringer|skriver|provar|testar|försöker|ber"
        r"|går|lyfter|släpper|kan|ska|skulle|vill|borde)) (?:du|ni) inte",
        r"vad sägs om",
        r"hur vore det om",
        r"tänk om (?:du|ni) (?:bara|helt enkelt|provade|testade|försökte)",
        r"(?:kan|kunde|skulle) (?:du|ni) (?:inte )?(?:bara|helt enkelt|alltid)",
        r"(?:du|ni) (?:kan|kunde|får) (?:ju|bara|helt enkelt|alltid)",
        r"om jag (?:var|vore|hade varit) (?:du|dig|ni|er)",
        r"i (?:ditt|ert) ställe",
        r"(?:enligt |av )?min erfarenhet",
        r"(?:mitt|mina) (?:råd|tips|förslag)",
        r"jag (?:föreslår|rekommenderar|råder dig|tipsar om)",
        r"jag skulle (?:(?:vilja|bara) )?(?:föreslå|rekommendera|råda)",
        r"jag skulle(?! (?:vilja (?:veta|höra|förstå|fråga|lära|utforska)"
        r"|gärna (?:höra|veta|förstå)|tro|gissa|tänka mig|bli|vara (?:nyfiken|intresserad|glad)))",
        r"det (?:som )?(?:funkade|fungerade|hjälpte) för (?:mig|oss)",
        r"det jag (?:gjorde|gör|brukar göra)",
        r"när (?:det|samma sak|något liknande) hände (?:mig|oss)",
        r"det (?:är|kan vara|kan nog vara|kunde vara|vore|skulle vara|borde vara) värt",
        r"(?:kanske|nog|säkert|definitivt) värt",
        r"värt (?:ett försök|att prova|att testa)",
        r"se till att",
        r"glöm inte",
        r"kom ihåg att",
        r"var (?:noga|försiktig|säker på att) ",
        r"(?:ett|en|det|det enda|det bästa|det självklara|det enklaste) (?:alternativ|alternativet"
        r"|idé|idén|sätt|sättet|förslag|lösning|lösningen|svaret|du kan göra|ni kan göra)"
        r" (?:är|vore|skulle vara|kan vara)",
        r"det (?:enda |bästa )?(?:du|ni) (?:behöver|borde|bör|måste|ska)(?: göra)? (?:är|vore)",
        r"visst (?:borde|bör|måste|kan|skulle)",
        r"(?:om|huruvida) (?:du|ni) (?:har )?(?:provat|testat|försökt|funderat på|övervägt)",
        r"(?:kanske|nog|då|ju|helt enkelt) (?:borde|bör|skulle|kunde|måste|behöver|får) (?:du|ni)",
        r"det (?:skulle|kan|kunde|vore|kanske) (?:nog |kanske )?(?:hjälpa|vara (?:bra|klokt|smart"
        r"|en idé|en bra idé|hjälpsamt|bäst|läge)) (?:att|om (?:du|ni))",
        r"det vore (?:bra|klokt|smart|en idé|bäst|läge) (?:att|om)",
    ),
    anchored=False,
)

_SV_ADVICE_AT_START = _alternation(
    (
        r"(?:har|hade) (?:du|ni) (?:inte )?(?:redan |någonsin |alls |ens )?(?:provat|testat"
        r"|försökt|funderat på|tänkt på|övervägt|undersökt|tittat på|kollat upp|tänkt tanken)",
        r"(?:provade|testade|försökte|funderade|övervägde|tänkte) (?:du|ni) (?:inte )?"
        r"(?:någonsin )?(?:på |att |med )?",
        r"varför inte \w+",
        r"(?:kan|kunde|skulle|borde|bör|måste|vill|ska|får) (?:du|ni) inte",
        r"(?:borde|bör) (?:\w+ )?inte",
        r"(?:kan|kunde|skulle) (?:du|ni) (?:prova|testa|försöka|överväga|fundera på)",
        r"(?:skulle|vore|blir) det (?:inte )?(?:vara )?(?:bättre|bäst|enklare|lättare|klokt|klokare"
        r"|bra|en bra idé|en idé|hjälpsamt|smart|smartare|vettigt|rimligt|läge)",
        r"(?:skulle|kunde) det (?:inte )?hjälpa (?:att|om)",
        r"är det (?:inte )?dags",
        r"är det inte (?:bättre|bäst|enklare|en bra idé|klokt)",
        r"(?:kanske|möjligen|eventuellt) (?:du|ni|bara|prova|testa|prata|tala|fråga|säg|ta|ring"
        r"|mejla|maila|skriv|lyft|eskalera|involvera|boka|be|ge|gå|kolla|kontakta|sätt"
        r"|en? (?!(?:dum|fånig|konstig|naiv|enkel|snabb|udda|märklig)\b)\w+)",
    ),
    anchored=True,
)

_SV_IMPERATIVE = _alternation(
    (
        r"prova",
        r"testa",
        r"försök",
        r"fundera på",
        r"tänk (?:på|över|igenom)",
        r"överväg",
        r"fokusera på",
        r"fråga",
        r"säg(?! (?:(?:lite|något|nåt) )?mer\b)",
        r"prata (?:med|ihop)",
        r"tala med",
        r"ring",
        r"mejla",
        r"maila",
        r"sms:?a",
        r"skriv",
        r"skicka",
        r"lyft",
        r"ta (?:upp|det|ett|en|hjälp|kontakt|tag|med|bort|ledigt|paus)",
        r"eskalera",
        r"flagga",
        r"delegera",
        r"prioritera",
        r"utmana",
        r"involvera",
        r"dela(?! (?:mer|lite|gärna vad|vad|hur|varför)\b)",
        r"använd",
        r"hitta",
        r"ge (?!(?:mig|oss)\b)",
        r"lämna",
        r"släpp",
        r"boka",
        r"planera",
        r"kontakta",
        r"hänvisa",
        r"dokumentera",
        r"håll",
        r"stå på dig",
        r"sluta",
        r"undvik",
        r"gör (?:det|så|som|något|nåt|vad)",
        r"låt (?:henne|honom|dem|dom|det|bli|bara)",
        r"var (?:tydlig|ärlig|rak|snäll|modig|bestämd|konsekvent|försiktig|noga|öppen)",
        r"bara",
        r"glöm",
        r"kom ihåg",
        r"se till",
        r"strunta i",
        r"acceptera",
        r"erbjud",
        r"kräv",
        r"förhandla",
        r"sov på saken",
        r"skriv ner",
        r"anteckna",
        r"gå (?:till|tillbaka|vidare|direkt|och)",
        r"be (?:henne|honom|dem|dom|om|chefen|någon)",
        r"sätt (?:ner|gränser|upp|en|ett)",
        r"lägg",
        r"vänta",
        r"våga",
        r"satsa",
        r"kolla (?:med|upp)",
        r"ha ett (?:samtal|möte|snack)",
        r"stoppa",
        r"kliv",
        r"backa",
    ),
    anchored=True,
)

# Modals: "du borde", "ni måste", "du kanske borde" (advice unless in an open question).
_SV_SOFT_ADVICE = re.compile(
    r"\b(?:du|ni) (?:(?:verkligen|nog|kanske|ju|bara|också|då|helt enkelt|absolut|definitivt"
    r"|förmodligen|säkert|nu|alltså|faktiskt|nog ändå) )*"
    r"(?:borde|bör|skulle kunna|skulle behöva|kunde|kan|måste|behöver|ska|skall|får lov att"
    r"|vill nog|kanske vill)(?!\w)"
)
_SV_HYPOTHETICAL_IF = re.compile(r"(?<!\bundrar )(?<!\bfunderar )(?<!\bse )(?<!\bfråga )\bom $")
_SV_OPEN_WORD = re.compile(
    r"\b(?:vad|hur|varför|vem|vilka|vems|vilken|vilket|när|var|vart|varifrån|något|någon"
    r"|någonting|nåt|nån)\b"
)
_SV_INTERROGATIVE = re.compile(
    r"^(?:(?:vad|hur|varför|vem|vems|vilken|vilket|vilka|när|vart|varifrån)\b"
    r"|(?:kan|kunde|skulle|vill|ville|ska|har|hade|är|var|gör|gjorde|tror|trodde|tycker|tyckte"
    r"|känner|kände|vet|visste|finns|fanns|blir|blev|får|fick|brukar|behöver|måste|borde"
    r"|märker|märkte|ser|såg|hör|hörde|hjälper|hjälpte|fungerar|funkar|går|gick|pratade"
    r"|sa|sade|frågade|upplever|upplevde|menar|betyder) " + _SV_SUBJECT + r"\b"
    r"|\w+(?:ar|er|ir|or|ur|yr|de|te|dde) " + _SV_SUBJECT + r"\b)"
)
_SV_LATER_WH_QUESTION = re.compile(
    r"^(?:vad|hur|varför|vem|vilken|vilket|vilka|när) (?:\w+ )?" + _SV_SUBJECT + r"\b"
)
_SV_INVITATION = _alternation(
    (
        r"berätta",
        r"säg (?:(?:lite|något|nåt) )?mer",
        r"beskriv",
        r"förklara (?:vad|hur|varför|mer|lite)",
        r"utveckla",
        r"dela (?:mer|lite|gärna vad|vad|hur|varför)",
        r"ge (?:mig|oss) (?:ett exempel|lite mer|mer)",
        r"ta (?:mig|oss) igenom",
        r"hjälp (?:mig|oss) (?:att )?förstå",
        r"måla upp",
        r"fortsätt",
        r"jag är (?:nyfiken|intresserad|fundersam)",
        r"jag undrar",
        r"jag funderar på (?:vad|hur|varför|vem|när)",
        r"jag skulle (?:vilja (?:veta|höra|förstå|fråga)|gärna (?:höra|veta|förstå))",
        r"jag vill (?:förstå|veta|höra)",
    ),
    anchored=True,
)


@dataclass(frozen=True, slots=True)
class _Rules:
    """One language's patterns; the reading (module docstring) is the same for every one."""

    english: bool
    filler: re.Pattern[str]
    advice_anywhere: re.Pattern[str]
    advice_at_start: re.Pattern[str]
    imperative: re.Pattern[str]
    soft_advice: re.Pattern[str]
    hypothetical_if: re.Pattern[str]
    open_word: re.Pattern[str]
    interrogative: re.Pattern[str]
    later_wh_question: re.Pattern[str]
    invitation: re.Pattern[str]


_ENGLISH = _Rules(True, _FILLER, _ADVICE_ANYWHERE, _ADVICE_AT_START, _IMPERATIVE, _SOFT_ADVICE,
                  _HYPOTHETICAL_IF, _OPEN_WORD, _INTERROGATIVE, _LATER_WH_QUESTION, _INVITATION)
_SWEDISH = _Rules(False, _SV_FILLER, _SV_ADVICE_ANYWHERE, _SV_ADVICE_AT_START, _SV_IMPERATIVE,
                  _SV_SOFT_ADVICE, _SV_HYPOTHETICAL_IF, _SV_OPEN_WORD, _SV_INTERROGATIVE,
                  _SV_LATER_WH_QUESTION, _SV_INVITATION)
_RULES = {"en": _ENGLISH, "sv": _SWEDISH}


def _is_advice(sentence: str, clauses: list[str], rules: _Rules) -> bool:
    """True if the sentence suggests a course of action rather than asking about one."""
    if rules.advice_anywhere.search(sentence):
        return True
    for clause in clauses:
        if rules.advice_at_start.match(clause):
            return True
        if rules.imperative.match(clause) and not rules.invitation.match(clause):
            return True
    asks = "?" in sentence or any(rules.invitation.match(clause) for clause in clauses)
    for clause in clauses:
        for match in rules.soft_advice.finditer(clause):
            before = clause[: match.start()]
            if rules.hypothetical_if.search(before):
                continue
            if not (asks and rules.open_word.search(before)):
                return True
    return False


def _is_question(sentence: str, clauses: list[str], rules: _Rules) -> bool:
    """True if the sentence asks something or invites the presenter to say more."""
    if "?" in sentence:
        return True
    if clauses and rules.interrogative.match(clauses[0]):
        return True
    if any(rules.later_wh_question.match(clause) for clause in clauses[1:]):
        return True
    return any(rules.invitation.match(clause) for clause in clauses)


def classify(text: str, language: str = "en") -> Utterance:
    """Say whether a questioning-stage message is a question to record or advice to nudge.

    ``language`` is the set's (``en`` or ``sv``); any other reads as English. Deterministic
    and total: any string, including an empty one, gets an answer. See the module docstring
    for the rules and for what they get wrong.
    """
    rules = _RULES.get(language, _ENGLISH)
    cleaned = _normalise(text, english=rules.english)
    if not _HAS_LETTER.search(cleaned):
        return Utterance.ADVICE
    asked = False
    for sentence in _sentences(cleaned):
        clauses = _clauses(sentence, rules.filler)
        if _is_advice(sentence, clauses, rules):
            return Utterance.ADVICE
        asked = asked or _is_question(sentence, clauses, rules)
    return Utterance.QUESTION if asked else Utterance.ADVICE
