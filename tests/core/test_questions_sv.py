"""The questioning-stage classifier in Swedish: open questions are recorded, advice is nudged."""

from __future__ import annotations

import pytest

from bot.core.questions import Utterance, classify

Q = Utterance.QUESTION
A = Utterance.ADVICE

# (message, expected), as Swedish social workers, managers and welfare staff write in a set.
EXAMPLES: list[tuple[str, Utterance]] = [
    # --- open and closed questions -------------------------------------------------------
    ("Vad skulle hända om du sa nej?", Q),
    ("Hur märker du att familjen litar på dig?", Q),
    ("Vem mer berörs?", Q),
    ("Vad hindrar dig från att ta upp det med din chef?", Q),
    ("Hur reagerade familjen när du berättade det?", Q),
    ("Hur skulle det se ut om det lyckades?", Q),
    ("Hur kändes det?", Q),
    ("Vad har du provat hittills", Q),
    ("Vem mer påverkas om avtalet inte förnyas?", Q),
    ("När märkte du först att något hade förändrats?", Q),
    ("Vilket stöd behöver du för att känna dig trygg?", Q),
    ("Vad tror du att du borde göra?", Q),
    ("Finns det något du skulle kunna göra annorlunda nästa gång?", Q),
    ("Visste styrelsen om underskottet före årsmötet?", Q),
    ("Har du pratat med henne sedan handledningen?", Q),
    ("Måste du bestämma dig innan nämnden sammanträder?", Q),
    ("Var går gränsen för ditt eget ansvar här?", Q),
    ("Vilken del av det här håller dig vaken på nätterna?", Q),
    ("Varför inte?", Q),
    ("Om du kunde ändra en sak i verksamheten, vad skulle det vara?", Q),
    ("Berätta mer om budgeten", Q),
    ("Säg lite mer om vad 'fast' betyder för dig.", Q),
    ("Ta mig igenom vad som hände på nätverksmötet", Q),
    ("Jag är nyfiken på hur volontärerna ser på det", Q),
    ("Jag skulle vilja höra hur arbetsgruppen reagerade", Q),
    ("Hjälp mig att förstå vad beställaren egentligen vill ha.", Q),
    ("<@U04ABCDEF> vad är det värsta som kan hända?", Q),
    ("Det låter tungt. Hur tar du hand om dig själv just nu?", Q),
    ("Bara av nyfikenhet, vad sa familjehemmet?", Q),
    ("Kanske en dum fråga, men vem äger egentligen risken?", Q),
    ("Så här i efterhand, vad skulle du göra annorlunda", Q),
    ("Tror du att hon vet hur du känner?", Q),
    ("Vad betyder det här för dig?", Q),
    ("Hur vet du att det är ditt ansvar?", Q),
    ("> Jag känner att jag sviker gruppen\nHur ser det ut när du sviker någon?", Q),
    ("Kände du dig sedd på mötet?", Q),
    # --- advice, most of it dressed as questions ------------------------------------------
    ("Du borde eskalera det här till socialchefen.", A),
    ("Har du provat att ha ett trepartssamtal?", A),
    ("Varför inte bara säga nej?", A),
    ("Det du behöver är ett tydligare uppdrag från nämnden.", A),
    ("Skulle det inte vara bättre att ta juridisk rådgivning först?", A),
    ("Har du provat att prata med HR?", A),
    ("Har du funderat på en successiv återgång i arbete?", A),
    ("Har du övervägt att be styrelsen om förlängning?", A),
    ("Varför inte fråga familjen vad de vill?", A),
    ("Vad sägs om att sätta upp det på nästa APT?", A),
    ("Vore det inte bättre att vänta till efter semestern?", A),
    ("Kan du inte bara delegera schemat till Sam?", A),
    ("Om jag var du skulle jag gå direkt till förvaltningschefen.", A),
    ("Enligt min erfarenhet uppskattar finansiärer ärlighet.", A),
    ("Prova att skriva ner vad du vill säga innan mötet.", A),
    ("Bara säg att det inte är okej.", A),
    ("Se till att dokumentera allt.", A),
    ("Glöm inte dataskyddet i det här.", A),
    ("Det kan vara värt att prata med barnrättsombudet.", A),
    ("Tror du inte att du borde säga det till henne före uppföljningen?", A),
    ("Jag undrar om du kunde prata med volontärsamordnaren", A),
    ("Du måste sätta gränser mot den ledamoten.", A),
    ("Mitt råd är att ta det skriftligt.", A),
    ("Varför pratar du inte med din chef?", A),
    ("<@U04ABCDEF> har du testat en nätverkskonferens?", A),
    ("Det låter jobbigt. Har du funderat på att göra en avvikelseanmälan?", A),
    ("När är tidsfristen? Du kan ju be om mer tid.", A),
    ("Eskalera det. Vad hindrar dig?", A),
    ("Vi hade exakt samma problem med kommunen förra året.", A),
    ("Det låter som att gruppen är utbränd", A),
    ("Borde inte enhetschefen ta det här?", A),
    ("Prata med din närmaste chef?", A),
    ("Skulle du inte kunna ta upp det på nästa möte?", A),
    ("Kanske du kunde fråga kollegorna först?", A),
    ("Är det inte dags att gå vidare?", A),
    ("Det bästa du kan göra är att vara ärlig.", A),
    ("Vad tror du att du borde göra. Du måste involvera föräldrarna.", A),
]


def test_the_table_is_big_and_half_of_it_advice() -> None:
    """At least 60 examples; at least half of them advice, most of that dressed as questions."""
    expected = [label for _, label in EXAMPLES]
    assert len(EXAMPLES) >= 60
    assert expected.count(A) >= len(EXAMPLES) // 2
    assert expected.count(Q) >= len(EXAMPLES) // 3
    dressed = [text for text, label in EXAMPLES if label is A and text.rstrip().endswith("?")]
    assert len(dressed) >= 20
    assert len({text for text, _ in EXAMPLES}) == len(EXAMPLES)


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_classify_swedish(text: str, expected: Utterance) -> None:
    assert classify(text, "sv") is expected


@pytest.mark.parametrize("text", ["", "  ", "<@U123>", "???"])
def test_empty_or_mention_only_is_advice_in_swedish_too(text: str) -> None:
    assert classify(text, "sv") is Utterance.ADVICE


def test_an_unknown_language_reads_as_english() -> None:
    assert classify("Have you tried talking to HR?", "de") is Utterance.ADVICE
    assert classify("What did the family say?", "de") is Utterance.QUESTION


def test_the_languages_do_not_leak_into_each_other() -> None:
    """Swedish advice words are not English ones: each language reads with its own rules."""
    assert classify("Har du provat att prata med HR?", "sv") is Utterance.ADVICE
    assert classify("Have you tried talking to HR?", "en") is Utterance.ADVICE
    assert classify("Bara säg nej.", "sv") is Utterance.ADVICE
