from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearsame.loaders import parse_text
from nearsame.normalize import tokenize
from nearsame.segment import segment

SEEDS = Path(__file__).parent.parent / "seeds"


def sentences(text: str, min_words: int = 1) -> list[str]:
    return [text[s.start : s.end] for s in segment(text, min_words=min_words).sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Guyot a parlé. Mme Durand aussi.", ["M. Guyot a parlé.", "Mme Durand aussi."]),
        ("Le Dr. Smith est venu. Il repart.", ["Le Dr. Smith est venu.", "Il repart."]),
        ("The U.S. Army said so. Then it left.", ["The U.S. Army said so.", "Then it left."]),
        ("George W. Bush spoke. People listened.", ["George W. Bush spoke.", "People listened."]),
        ("La hausse atteint 3.5 points. Elle continue.", ["La hausse atteint 3.5 points.", "Elle continue."]),
        ("Il a dit «\u00a0C'est fini. Nous partons\u00a0», a-t-il ajouté. Puis il est parti.",
         ["Il a dit «\u00a0C'est fini. Nous partons\u00a0», a-t-il ajouté.", "Puis il est parti."]),
        ("« C'est fini. » Il est parti.", ["« C'est fini. »", "Il est parti."]),
        ("He said “It is over. We leave” and left. Then silence.",
         ["He said “It is over. We leave” and left.", "Then silence."]),
        ("la violence domestique.Consternant, ce chiffre.", ["la violence domestique.", "Consternant, ce chiffre."]),
        ("a précisé M. Guyot à l'AFP.Aucune décision", ["a précisé M. Guyot à l'AFP.", "Aucune décision"]),
        # scraped text: no space after the stop, before a quote or an elided word
        ("face à l'épidémie.\"Ici on a besoin d'aide\", a déclaré Annick Girardin.L'agence compte 8 décès.",
         ["face à l'épidémie.", "\"Ici on a besoin d'aide\", a déclaré Annick Girardin.",
          "L'agence compte 8 décès."]),
        ("Il a dit \"c'est fini.\"Le lendemain il est parti.", ["Il a dit \"c'est fini.\"", "Le lendemain il est parti."]),
        ("Elle l'a annoncé mardi.«Nous partons», a-t-elle dit.", ["Elle l'a annoncé mardi.", "«Nous partons», a-t-elle dit."]),
        ("He said so.“We leave,” she added.", ["He said so.", "“We leave,” she added."]),
        ("Il a dit \"Nous partons.Demain on revient\" et il est parti.",
         ["Il a dit \"Nous partons.Demain on revient\" et il est parti."]),
        ("Le bilan de la catastrophe\".\"Le gouvernement ment\", ont-ils dit.",
         ["Le bilan de la catastrophe\".", "\"Le gouvernement ment\", ont-ils dit."]),
        # a quotation that lost its opening quote does not shift the pairs of those after it
        ("Il s'agit d'une actualité immédiate\", a souligné son président. Les personnes noires sont "
         "\"surreprésentées\" dans ces métiers. Il a dit \"Nous partons. Demain on revient\" hier.",
         ["Il s'agit d'une actualité immédiate\", a souligné son président.",
          "Les personnes noires sont \"surreprésentées\" dans ces métiers.",
          "Il a dit \"Nous partons. Demain on revient\" hier."]),
        ("Vraiment ? Oui ! Bien…", ["Vraiment ?", "Oui !", "Bien…"]),
    ],
)  # fmt: skip
def test_sentences_end_where_a_reader_would_end_them(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraphs_split_on_blank_lines_and_titles_stay_apart() -> None:
    text = "Titre de l'article\n\nPremier paragraphe. Deuxième phrase.\n \nDernier."
    result = segment(text, min_words=1)
    assert [text[p.start : p.end] for p in result.paragraphs] == [
        "Titre de l'article", "Premier paragraphe. Deuxième phrase.", "Dernier."
    ]  # fmt: skip
    assert [s.paragraph for s in result.sentences] == [0, 1, 1, 2]


def test_hard_wrapped_paragraphs_do_not_cut_at_every_line() -> None:
    line = "word " * 14
    text = "\n".join([line + "and so", line + "the text", line + "goes on.", "End here."])
    found = sentences(text)
    assert len(found) == 2
    assert found[0].endswith("goes on.") and found[1] == "End here."


def test_short_sentences_join_a_neighbour_in_their_paragraph() -> None:
    text = "Oui. Le gouvernement a confirmé la nouvelle mardi soir à Paris.\n\nNon."
    result = sentences(text, min_words=4)
    assert result == ["Oui. Le gouvernement a confirmé la nouvelle mardi soir à Paris.", "Non."]


def test_seed_000_starts_after_its_inline_date_marker() -> None:
    text = (SEEDS / "000_ba787c83ef70fcd0.txt").read_text(encoding="utf-8")
    document = parse_text(text, doc_id="000", path=None)
    assert document.date == "2023-08"
    result = segment(text, start=document.body_start)
    first = result.sentences[0]
    assert text[first.start : first.end].startswith(
        "Le dirigeant nord-coréen Kim Jong-un a effectué"
    )
    assert text[first.start : first.end].endswith("considère comme un exercice pour une invasion.")
    assert "date 2023-08" not in text[first.start :]


def test_seed_003_keeps_quotations_whole_and_cuts_the_photo_caption_into_sentences() -> None:
    text = (SEEDS / "003_792bb7683bd44ead.txt").read_text(encoding="utf-8")
    found = [" ".join(text[s.start : s.end].split()) for s in segment(text).sentences]
    assert "a9748c43bc2a0c233ee060cc16bb67c05f22736fe828b01e00586be4cff87bfc.jpg" in found
    caption = [
        s
        for s in found
        if "photo fournie" in s or "filigrane" in s or "Agence centrale de presse coréenne/" in s
    ]
    assert caption == [
        "Sur cette photo fournie par le gouvernement nord-coréen, le dirigeant nord-coréen Kim Jong-un "
        "s'exprime lors de la cérémonie de lancement d'un nouveau destroyer naval dans le port occidental "
        "de Nampo, en Corée du Nord, le vendredi 25 avril 2025.",
        "Le filigrane en coréen sur l'image, tel que fourni par la source, indique : « KCNA », "
        "abréviation de Korean Central News Agency.",
        "(Agence centrale de presse coréenne/Korea News Service via AP)",
    ]
    assert (
        "Kim Jong-un a exhorté les travailleurs à accélérer davantage la production d'obus d'artillerie, "
        "la qualifiant d'essentielle pour «renforcer l'efficacité au combat» de ses forces armées."
    ) in found
    assert "À VOIR AUSSI | La Corée du Nord a testé un nouveau missile" in found


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('aZé. !?«»"“”\n\u00a0M1,')) | st.characters()),
    st.integers(1, 8),
)
def test_sentence_spans_are_ordered_trimmed_and_inside_their_paragraph(
    text: str, min_words: int
) -> None:
    result = segment(text, min_words=min_words)
    previous = 0
    for sentence in result.sentences:
        paragraph = result.paragraphs[sentence.paragraph]
        assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        assert previous <= sentence.start
        piece = text[sentence.start : sentence.end]
        assert piece == piece.strip() and piece
        previous = sentence.end
    covered = "".join(text[p.start : p.end] for p in result.paragraphs)
    assert "".join(text.split()) == "".join(covered.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Voir le No. 5 de la revue. Ensuite.", ["Voir le No. 5 de la revue.", "Ensuite."]),
        ("Ils étaient sept. Puis huit.", ["Ils étaient sept.", "Puis huit."]),
        (
            "Des pommes, des poires, etc. Le reste suit.",
            ["Des pommes, des poires, etc.", "Le reste suit."],
        ),
        ("Le vent souffle à l'est. Il pleut.", ["Le vent souffle à l'est.", "Il pleut."]),
    ],
)
def test_words_that_are_sometimes_abbreviations_end_sentences_before_a_capital(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "space", ["\n", "\r\n", " \r\n", "\u00a0\n", "\t\r\n", "\u202f\u00a0 ", "\r\n\t"]
)
def test_any_run_of_white_space_after_a_terminal_is_one_space(space: str) -> None:
    lines = [
        "The first sentence of this short paragraph ends here.",
        "The second sentence starts on the next line, as in many feeds.",
        "A third one follows it on its own line as well.",
    ]
    text = space.join(lines)
    assert sentences(text) == lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأمرت النيابة العامة بفتح تحقيق عاجل. وتعد حوادث التسمم متكررة في الصيف.",
         ["وأمرت النيابة العامة بفتح تحقيق عاجل.", "وتعد حوادث التسمم متكررة في الصيف."]),
        ("החשודים יובאו מחר לבית המשפט. הכסף שנגנב טרם נמצא.",
         ["החשודים יובאו מחר לבית המשפט.", "הכסף שנגנב טרם נמצא."]),
        ("On a vu le premier ministre. 中国 a répondu hier.",
         ["On a vu le premier ministre.", "中国 a répondu hier."]),
        ("ผู้ว่าฯ ตรวจพื้นที่น้ำท่วม! ชาวบ้านอพยพแล้ว", ["ผู้ว่าฯ ตรวจพื้นที่น้ำท่วม!", "ชาวบ้านอพยพแล้ว"]),
        ("It rose 3 p.m. yesterday. مرحبا", ["It rose 3 p.m. yesterday.", "مرحبا"]),
        ("Il est venu. puis il est reparti.", ["Il est venu. puis il est reparti."]),
    ],
)  # fmt: skip
def test_a_word_in_a_script_without_case_opens_a_sentence_after_a_terminal(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("气温降至零下十度。专家提醒，余震仍可能发生！群众不要进入房屋？好",
         ["气温降至零下十度。", "专家提醒，余震仍可能发生！", "群众不要进入房屋？", "好"]),
        ("政府は派遣を決めました．住民は避難した｡ 午後に", ["政府は派遣を決めました．", "住民は避難した｡", "午後に"]),
        ("气温为３．５度。", ["气温为３．５度。"]),
        ("हजारों लोग बेघर हो गए हैं। राहत कार्य जारी है॥ अब", ["हजारों लोग बेघर हो गए हैं।", "राहत कार्य जारी है॥", "अब"]),
        ("هل انتهت الأزمة؟ لا أحد يعرف.", ["هل انتهت الأزمة؟", "لا أحد يعرف."]),
        ("حکومت نے اعلان کیا۔ عوام خوش ہیں۔", ["حکومت نے اعلان کیا۔", "عوام خوش ہیں۔"]),
        ("Կառավարությունը հայտարարեց։ Քաղաքացիները գոհ են։", ["Կառավարությունը հայտարարեց։", "Քաղաքացիները գոհ են։"]),
        ("መንግስት አስታወቀ። ሕዝቡ ደስተኛ ነው፧ አዎ", ["መንግስት አስታወቀ።", "ሕዝቡ ደስተኛ ነው፧", "አዎ"]),
        ("အစိုးရက ကြေညာသည်။ ပြည်သူများ ဝမ်းသာကြသည်။", ["အစိုးရက ကြေညာသည်။", "ပြည်သူများ ဝမ်းသာကြသည်။"]),
        ("រដ្ឋាភិបាលបានប្រកាស។ ប្រជាជនរីករាយ៕", ["រដ្ឋាភិបាលបានប្រកាស។", "ប្រជាជនរីករាយ៕"]),
        ("Really‼ Yes⁉ Fine.", ["Really‼", "Yes⁉", "Fine."]),
    ],
)  # fmt: skip
def test_the_sentence_stops_of_other_scripts_end_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Πόσο ασφαλή είναι τα σχολεία της Κρήτης; Οι μηχανικοί θα ελέγξουν.",
         ["Πόσο ασφαλή είναι τα σχολεία της Κρήτης;", "Οι μηχανικοί θα ελέγξουν."]),
        ("Πόσο ασφαλή είναι τα σχολεία\u037e Ένας μηχανικός απαντά.",
         ["Πόσο ασφαλή είναι τα σχολεία\u037e", "Ένας μηχανικός απαντά."]),
        # decomposed: ή as η + U+0301, Ά as Α + U+0301
        ("Είναι ασφαλή τα σχολεία της Κρη\u0301της; \u0391\u0301ραγε ναι.",
         ["Είναι ασφαλή τα σχολεία της Κρη\u0301της;", "\u0391\u0301ραγε ναι."]),
        ("Τι έγινε; είπε ο υπουργός.", ["Τι έγινε; είπε ο υπουργός."]),
        ("The storm was over; Paris was calm again.", ["The storm was over; Paris was calm again."]),
        ("La tempête est passée ; Paris est calme.", ["La tempête est passée ; Paris est calme."]),
        ("Ο δήμαρχος είπε: όχι; NATO", ["Ο δήμαρχος είπε: όχι; NATO"]),
    ],
)  # fmt: skip
def test_a_semicolon_ends_a_sentence_only_as_a_greek_question_mark(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "当地气温已降至零下十几摄氏度，救援人员正在搭建帐篷。专家提醒，震区近期仍可能发生较强余震。",
        "石川県の知事は会見で状況を説明しました。政府は自衛隊の派遣を決めました。",
        "苹果公司发布了 iPhone 15 新手机。消费者在北京排队购买新的产品。",
    ],
)
def test_each_cjk_character_is_a_word_as_tokenize_counts_it(text: str) -> None:
    found = segment(text).sentences
    assert len(found) == 2
    assert text[found[0].start : found[0].end].endswith("。")
    for sentence in found:
        assert sentence.words == len(tokenize(text, sentence.start, sentence.end))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Er sagte wörtlich: „Wir werden helfen.“ Danach reiste er weiter.",
         ["Er sagte wörtlich: „Wir werden helfen.“", "Danach reiste er weiter."]),
        ("Er sprach. „Wir helfen allen.“ Dann ging er. „Gut.“ Er lachte.",
         ["Er sprach.", "„Wir helfen allen.“", "Dann ging er.", "„Gut.“", "Er lachte."]),
        ("Er sprach. »Wir helfen allen.« Dann ging er. »Gut.« Er lachte.",
         ["Er sprach.", "»Wir helfen allen.«", "Dann ging er.", "»Gut.«", "Er lachte."]),
        ("Er sagte: ‚Wir gehen.‘ Dann ging er. ›Gut.‹ Er lachte.",
         ["Er sagte: ‚Wir gehen.‘", "Dann ging er.", "›Gut.‹", "Er lachte."]),
        ("Il a parlé hier. «Nous aiderons.» Puis il est parti.",
         ["Il a parlé hier.", "«Nous aiderons.»", "Puis il est parti."]),
        ("It ended. “We will help.” Then he left. ‘We left,’ she said.",
         ["It ended.", "“We will help.”", "Then he left.", "‘We left,’ she said."]),
        ("The minister left (he was tired.) Then silence. (The rest followed.) End.",
         ["The minister left (he was tired.)", "Then silence.", "(The rest followed.)", "End."]),
        ("知事は説明した。「被害はまだ分からない。」と述べました。『次。』 政府は決めた。",
         ["知事は説明した。", "「被害はまだ分からない。」と述べました。", "『次。』", "政府は決めた。"]),
        ("“我们会帮助所有人。”他说。（记者报道。）随后离开。",
         ["“我们会帮助所有人。”他说。", "（记者报道。）", "随后离开。"]),
        ("He said. “ We", ["He said.", "“ We"]),
        ("他说：“我们会帮助所有人。”", ["他说：“我们会帮助所有人。”"]),
    ],
)  # fmt: skip
def test_closing_quotes_and_brackets_of_every_typography_stay_with_their_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["The Environment Agency issued three severe flood warnings, its highest",
          "level of alert, meaning there is a danger to life."], True),
        (["The Environment Agency issued three severe flood",
          "warnings, its highest level of alert."], True),
        # a title over its text, a list, short lines, a stop or a colon at the end: apart
        (["Heavy rain floods the city of York and forces evacuations",
          "The River Ouse burst its banks on Sunday."], False),
        (["The agency issued these severe flood warnings on Sunday",
          "- the River Ouse at York and the Foss"], False),
        (["Flood warnings in force", "across the north of England"], False),
        (["The Environment Agency issued three severe flood warnings.",
          "more are expected on the coast tonight."], False),
        (["The Environment Agency issued three severe flood warnings:",
          "the River Ouse, the Foss and the Derwent."], False),
        # the second line's first word would have fitted on the first: no wrap there
        (["The Environment Agency issued three",
          "severe flood warnings, its highest level of alert, meaning a danger to life."], False),
    ],
)  # fmt: skip
def test_a_two_line_paragraph_is_joined_only_when_hard_wrapped(
    lines: list[str], joined: bool, newline: str
) -> None:
    text = newline.join(lines)
    expected = [text] if joined else lines
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le volant équipe la Classe E restylée.« Concevoir un volant est un art », dit-il.",
         ["Le volant équipe la Classe E restylée.", "« Concevoir un volant est un art », dit-il."]),
        ("Il a battu le record.« Quel record ! Nous sommes euphoriques », dit-il.",
         ["Il a battu le record.", "« Quel record ! Nous sommes euphoriques », dit-il."]),
        ("« Merci à sa famille et à ses proches. »Elton John a lui aussi réagi.",
         ["« Merci à sa famille et à ses proches. »", "Elton John a lui aussi réagi."]),
        ("Er sprach. »Wir helfen.« Dann ging er. »Gut.« Er lachte.",
         ["Er sprach.", "»Wir helfen.«", "Dann ging er.", "»Gut.«", "Er lachte."]),
        ("He left.“ We stayed,” she said.", ["He left.", "“ We stayed,” she said."]),
        # a French paragraph that closes the quotation of the one before: » spaced is no German
        # opener, and the « … » after it is a French quotation
        ("et nous continuerons le combat. » Le ministre a quitté la salle. Il est parti vite. "
         "Selon lui, « rien n'est joué. Tout reste possible ». La séance a été levée.",
         ["et nous continuerons le combat. »", "Le ministre a quitté la salle.",
          "Il est parti vite.", "Selon lui, « rien n'est joué. Tout reste possible ».",
          "La séance a été levée."]),
        ("Nous verrons bien. » Il est parti. Tous ont applaudi. « Quel discours ! » a lancé un élu.",
         ["Nous verrons bien. »", "Il est parti.", "Tous ont applaudi.",
          "« Quel discours ! » a lancé un élu."]),
        ("Elle a dit : « c'est fini.  » Puis il est parti vers la gare.",
         ["Elle a dit : « c'est fini.  » Puis il est parti vers la gare."]),
    ],
)  # fmt: skip
def test_a_quote_glued_to_a_stop_closes_or_opens_as_the_paragraph_quotes(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der Stark\u00adregen traf Bayern am Dienstag",  # a soft hyphen, as German sites put them
        "zero\u200bwidth and word\u2060joiner and non\u200cjoiner",
        "e\u0301te\u0301 en NFD, puis \u00ad seul entre deux mots",
        "ﾆｭｰｽ ニュース 共1500人 ﾊﾞｽ",
    ],
)
def test_sentences_count_words_as_tokenize_does(text: str) -> None:
    from nearsame.segment import _word_starts

    # the minimum length of a sentence is in words: the same words the rest of nearsame sees
    assert len(_word_starts(text)) == len(tokenize(text))
