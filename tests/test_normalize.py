"""Normalize: boilerplate lines and repeated paragraphs go, the body is split
into sentences, and every sentence is kept once."""

from __future__ import annotations

import pytest

from builder.model import Source, SourceError
from builder.normalize import clean


def sentences(text: str) -> list[str]:
    return [s.text for s in clean(Source("sources/a.txt", "txt", text, {})).sentences]


def test_a_paragraph_repeated_by_the_scraper_is_kept_once():
    first = "The ferry line to Orsk resumed on Tuesday. Two boats sailed before noon."
    second = "Harbour staff said the timetable would hold until autumn."
    text = "\n\n".join([first, second, first, second]) + "\n"

    document = clean(Source("sources/a.txt", "txt", text, {}))

    assert [s.text for s in document.sentences] == [
        "The ferry line to Orsk resumed on Tuesday.",
        "Two boats sailed before noon.",
        "Harbour staff said the timetable would hold until autumn.",
    ]
    assert document.dropped >= 2


def test_every_sentence_appears_once_even_when_repeated_inside_another_paragraph():
    text = ("The ferry line to Orsk resumed on Tuesday. Two boats sailed before noon.\n\n"
            "Harbour staff were pleased. The ferry line to Orsk resumed on Tuesday.\n\n"
            "Two  boats sailed\nbefore noon.\n")

    found = sentences(text)

    assert found == ["The ferry line to Orsk resumed on Tuesday.", "Two boats sailed before noon.",
                     "Harbour staff were pleased."]


def test_repeats_are_found_whatever_the_line_breaks_and_spacing():
    once = "Two boats sailed before noon, the harbour master said."
    text = f"{once}\n\nTwo boats sailed\nbefore   noon, the harbour master said.\n"

    assert sentences(text) == [once]


@pytest.mark.parametrize("line", ["Advertisement", "ADVERTISEMENT", "Share this article", "Share", "Read more: ferry news",
                                  "Subscribe to our newsletter", "© 2025 Example Wire", "Skip to content"])
def test_boilerplate_lines_are_dropped(line):
    text = f"The ferry line to Orsk resumed on Tuesday.\n\n{line}\n\nTwo boats sailed before noon.\n"

    found = sentences(text)

    assert found == ["The ferry line to Orsk resumed on Tuesday.", "Two boats sailed before noon."]


def test_boilerplate_line_inside_a_paragraph_is_dropped_and_the_rest_kept():
    text = "The ferry line to Orsk resumed on Tuesday.\nAdvertisement\nTwo boats sailed before noon.\n"

    assert sentences(text) == ["The ferry line to Orsk resumed on Tuesday.", "Two boats sailed before noon."]


def test_sentences_that_only_mention_boilerplate_words_are_kept():
    text = ("Officials agreed to share water data with the delegation.\n\n"
            "The advertisement campaign for the ferry began in spring.\n")

    assert sentences(text) == ["Officials agreed to share water data with the delegation.",
                               "The advertisement campaign for the ferry began in spring."]


@pytest.mark.parametrize("expected", [
    ["Mr. Okafor met the U.S. Secretary of State in Lagos on Monday.", "They spoke for an hour."],
    ["Dr. Alvarez of the U.N. agency took notes.", "Mrs. Alvarez did not."],
    ["J. R. Mensah, the envoy, joined them later.", "He left at noon."],
    ["The envoy, Gen. T. Bako, arrived on Jan. 5 with St. Clair.", "No statement followed."],
    ["Did the talks fail?", "Nobody would say!", "The ministry was silent."],
    ["“We will return,” she said.", "The delegation left on Friday."],
    ["Aid reached 2.5 million people.", "More is needed."],
])
def test_sentence_splitting_is_not_fooled_by_abbreviations_and_initials(expected):
    assert sentences(" ".join(expected)) == expected


def test_sentence_offsets_point_into_the_cleaned_text():
    text = ("Mr. Okafor met the U.S. envoy.  Talks went on.\n\nAdvertisement\n\n"
            "A second  round is planned.\nNo date was set.\n")

    document = clean(Source("sources/a.txt", "txt", text, {}))

    assert [s.index for s in document.sentences] == list(range(len(document.sentences)))
    for sentence in document.sentences:
        assert document.text[sentence.start:sentence.end] == sentence.text
    assert [s.paragraph for s in document.sentences] == [0, 0, 1, 1]
    assert "Advertisement" not in document.text


def test_single_newlines_separate_paragraphs_when_there_are_no_blank_lines():
    text = "The ferry line to Orsk resumed on Tuesday.\nShare this article\nTwo boats sailed before noon.\n"

    document = clean(Source("sources/a.txt", "txt", text, {}))

    assert [s.text for s in document.sentences] == ["The ferry line to Orsk resumed on Tuesday.",
                                                    "Two boats sailed before noon."]


def test_a_body_with_no_sentences_is_refused_naming_the_file():
    with pytest.raises(SourceError) as refused:
        sentences("\n\nAdvertisement\n\n   \n")
    assert "no article text" in str(refused.value)
