"""The questioning-stage classifier: open questions are recorded, advice is nudged."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from bot.core import questions
from bot.core.questions import Utterance, classify

Q = Utterance.QUESTION
A = Utterance.ADVICE

# (message, expected) from social work, management and voluntary sector sets.
EXAMPLES: list[tuple[str, Utterance]] = [
    # --- open and closed questions -------------------------------------------------------
    ("What's stopping you from raising it with your manager?", Q),
    ("How did the family respond when you told them?", Q),
    ("What would success look like for you?", Q),
    ("How did that feel?", Q),
    ("What have you tried so far", Q),
    ("I wonder what the real question is?", Q),
    ("Who else is affected if the contract isn't renewed?", Q),
    ("When did you first notice the change in his behaviour?", Q),
    ("What support do you need to feel safe going back in there?", Q),
    ("What do you think you should do?", Q),
    ("Is there anything you could do differently next time?", Q),
    ("Did the trustees know about the shortfall before the AGM?", Q),
    ("Have you spoken to her since the supervision?", Q),
    ("Do you have to decide before the panel meets?", Q),
    ("Where does your own responsibility end in this?", Q),
    ("Which part of this keeps you awake at night?", Q),
    ("Why not?", Q),
    ("What would your best self do here?", Q),
    ("If you could change one thing about the service, what would it be?", Q),
    # invitations are open questions, with or without a question mark
    ("Tell me more about the budget", Q),
    ("Say more about what 'stuck' means for you.", Q),
    ("Talk me through what happened at the core group meeting", Q),
    ("I'm curious about how the volunteers see it", Q),
    ("I\u2019d be interested to hear how the team reacted", Q),
    ("Help me understand what the commissioners are asking for.", Q),
    # tricky: curly apostrophes, mentions, several sentences, fillers, no question mark
    ("<@U04ABCDEF> what\u2019s the worst that could happen?", Q),
    ("<@!123456789012> how are you feeling about the inspection", Q),
    ("That sounds really hard. How are you looking after yourself?", Q),
    ("Just out of interest, what did the foster carer say?", Q),
    ("Maybe a daft question, but who actually owns the risk register?", Q),
    ("Looking back, what would you do differently", Q),
    ("Be honest, what do you really want from this job?", Q),
    ("Have you asked yourself why this matters so much to you?", Q),
    ("Why couldn't you tell him at the time?", Q),
    ("ok so whats the one thing you'd change if you could", Q),
    ("> I feel like I'm failing the team\nWhat does failing look like to you?", Q),
    # --- advice --------------------------------------------------------------------------
    ("You should escalate this to safeguarding.", A),
    ("Have you tried a supervision session with her?", A),
    ("Why don't you just say no?", A),
    ("Have you tried talking to HR?", A),
    ("Have you considered asking the board for a six-month extension?", A),
    ("Have you thought about a phased return to work?", A),
    ("Why not ask the family what they want?", A),
    ("How about putting it on the agenda for the next team meeting?", A),
    ("What about trying a restorative conversation?", A),
    ("Wouldn't it be better to get legal advice first?", A),
    ("Couldn't you just delegate the rota to Sam?", A),
    ("If I were you I'd go straight to the chief executive.", A),
    ("In my experience funders respond well to honesty.", A),
    ("Try writing down what you want to say before the meeting.", A),
    ("Just tell him it's not acceptable.", A),
    ("Make sure you document everything.", A),
    ("Don't forget the data protection side of it.", A),
    ("It might be worth speaking to the LADO.", A),
    ("Consider a mediation session between the two managers?", A),
    ("Do you think you should tell her before the review?", A),
    ("I wonder if you could speak to the volunteer coordinator", A),
    ("You need to set some boundaries with that trustee.", A),
    ("My advice would be to put it in writing.", A),
    # tricky: curly apostrophes, mentions, several sentences, statements, no question mark
    ("Why don\u2019t you just say no?", A),
    ("<@U04ABCDEF> have you tried a case conference?", A),
    ("That sounds awful. Have you tried raising a grievance?", A),
    ("What's the deadline? You could ask for an extension.", A),
    ("Escalate it. What's stopping you?", A),
    ("I had exactly the same problem with our funders last year.", A),
    ("It sounds like the team is burnt out", A),
    ("Surely the safeguarding lead should be handling this?", A),
    ("Speak to your line manager?", A),
    ("dont you think its time to move on", A),
    ("What do you think you should do. You must involve the parents.", A),
]


def test_the_table_is_big_and_balanced() -> None:
    """At least 40 examples, neither side under a third of them."""
    expected = [label for _, label in EXAMPLES]
    assert len(EXAMPLES) >= 40
    assert expected.count(Q) >= len(EXAMPLES) // 3
    assert expected.count(A) >= len(EXAMPLES) // 3
    assert len({text for text, _ in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_classify(text: str, expected: Utterance) -> None:
    assert classify(text) is expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "<@U123>", "<@123> <#C42|general>", "???"])
def test_empty_or_mention_only_is_advice_so_it_is_never_recorded(text: str) -> None:
    assert classify(text) is Utterance.ADVICE


@pytest.mark.parametrize(
    "text",
    [
        "What have you tried so far?",
        "WHAT HAVE YOU TRIED SO FAR?",
        "   what have you tried so far?   ",
        "What  have\tyou tried so far?",
    ],
)
def test_case_and_whitespace_do_not_matter(text: str) -> None:
    assert classify(text) is Utterance.QUESTION


@pytest.mark.parametrize(
    "text",
    [
        "Why don't you ask her?",
        "Why don\u2019t you ask her?",
        "Why dont you ask her?",
        "Why don&#39;t you ask her?",
        "*Why don't you ask her?*",
    ],
)
def test_apostrophe_and_markup_variants_give_the_same_answer(text: str) -> None:
    assert classify(text) is Utterance.ADVICE


def test_any_advice_sentence_makes_the_message_advice() -> None:
    question = "What did the family say?"
    assert classify(question) is Utterance.QUESTION
    assert classify(f"{question} You should refer them on.") is Utterance.ADVICE
    assert classify(f"You should refer them on. {question}") is Utterance.ADVICE
    assert classify(f"{question}\nHave you tried early help?") is Utterance.ADVICE


def test_a_question_mark_inside_a_link_is_not_a_question() -> None:
    assert classify("See https://example.org/guide?page=2") is Utterance.ADVICE
    assert classify("<https://example.org/guide?page=2|the guide>") is Utterance.ADVICE
    assert classify("What did you make of <https://example.org/guide?p=2|the guide>?") is (
        Utterance.QUESTION
    )


def test_quoted_presenter_words_are_ignored() -> None:
    assert classify("> you should have told me\nHow did that land?") is Utterance.QUESTION
    assert classify("&gt; what should I do?\nTell her no.") is Utterance.ADVICE


def test_utterance_is_a_string_enum_with_stable_values() -> None:
    assert [member.value for member in Utterance] == ["question", "advice"]
    assert Utterance("question") is Utterance.QUESTION
    assert f"{classify('You should rest.')}" == "advice"


def test_classify_is_deterministic() -> None:
    texts = [text for text, _ in EXAMPLES]
    assert [classify(text) for text in texts] == [classify(text) for text in texts]


def test_public_api_is_exactly_utterance_and_classify() -> None:
    assert questions.__all__ == ["Utterance", "classify"]


def test_module_imports_only_the_standard_library() -> None:
    source = Path(questions.__file__).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would reach outside the module"
            assert node.module is not None
            imported.add(node.module.split(".")[0])
    assert imported, "expected at least the re import"
    assert "re" in imported
    not_stdlib = sorted(name for name in imported if name not in sys.stdlib_module_names)
    assert not_stdlib == []
