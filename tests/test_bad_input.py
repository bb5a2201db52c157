import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlp.analyzer import MAX_ANALYSED_CHARS, EmptyMessageError
from bot.nlp.normalize import clean, normalize, strip_accents
from bot.scenarios import LANGUAGES, SCENARIOS


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "\x00\x01\x7f", "\u200b\ufeff"])
def test_empty_messages_are_refused_clearly(analyzer, text):
    with pytest.raises(EmptyMessageError, match="empty"):
        analyzer.analyse(text)


def test_ten_thousand_characters(analyzer):
    text = "the parcel never arrived and tracking is stuck " * 220
    assert len(text) > 10_000
    analysis = analyzer.analyse(text)
    assert analysis.text == text
    assert analysis.scenario == "delivery_delay"


@pytest.mark.parametrize("text", ["😡😡😡", "🙏", "👍👍", "!!!???", "..."])
def test_emoji_and_punctuation_only_fall_back_to_other(analyzer, text):
    assert analyzer.analyse(text).scenario == "other"


def test_control_characters_are_ignored(analyzer):
    noisy = analyzer.analyse("item\x00 arrived\x07 broken\x1b[31m, want\u200b refund")
    assert noisy.scenario == "damaged_item"


@pytest.mark.parametrize(
    "text",
    [
        "{{ 7*7 }} {% raw %} order 8123456789012345 not arrived",
        "<b>refund</b> &amp; <script>alert(1)</script>",
        "*bold* _it_ [link](http://x) `code` ~~s~~",
    ],
)
def test_markup_and_template_syntax_are_just_text(analyzer, text):
    analysis = analyzer.analyse(text)
    assert analysis.text == text
    assert analysis.scenario in SCENARIOS


def test_long_messages_are_analysed_on_a_bounded_prefix(analyzer):
    head = "hàng bị vỡ rồi, hoàn tiền cho mình "
    analysis = analyzer.analyse(head + "x" * (MAX_ANALYSED_CHARS * 3))
    assert analysis.language == "vi"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=300))
def test_any_text_is_analysed_or_refused_as_empty(analyzer, text):
    try:
        analysis = analyzer.analyse(text)
    except EmptyMessageError:
        assert clean(text) == ""
        return
    assert analysis.language in LANGUAGES
    assert analysis.scenario in SCENARIOS
    assert 0.0 <= analysis.confidence <= 1.0
    assert len(analysis.alternatives) == len(SCENARIOS) - 1


@given(st.text(max_size=200))
def test_normalisation_is_idempotent(text):
    assert clean(clean(text)) == clean(text)
    assert normalize(normalize(text)) == normalize(text)
    assert strip_accents(strip_accents(text)) == strip_accents(text)


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxy "
        "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    )
)
def test_vietnamese_without_accents_is_ascii(text):
    assert strip_accents(normalize(text)).isascii()
