import pytest

from bot.nlp.language import count_scripts, identify_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where is my parcel", "en"),
        ("item arrived broken pls refund", "en"),
        ("shop oi sao chua giao hang", "vi"),
        ("khong nhan duoc hang", "vi"),
        ("sp bi loi r ko dung dc", "vi"),
        ("shop ơi sao chưa giao hàng vậy", "vi"),
        ("hang giao thieu 1 cai nha shop", "vi"),
        ("Áo bị rách một đường dài", "vi"),
        ("mk dat size M ma giao size L", "vi"),
        ("亲 在吗", "zh"),
        ("颜色不对", "zh"),
        ("订单号3000123456什么时候发货", "zh"),
        ("배송언제와요", "ko"),
        ("박스 찌그러짐", "ko"),
        ("AirPods Pro case 주문했는데 아직 안 왔어요 order 8123456789012345", "ko"),
        ("Galaxy Buzz 2 Pro 케이스 색상이 달라요", "ko"),
        ("iPhone 15 Pro Max 手机壳 颜色发错了", "zh"),
        ("shop ơi, the item I received is broken, please send a refund", "en"),
        ("hello shop, sao chua giao hang cho minh vay", "vi"),
    ],
)
def test_language(analyzer, text, language):
    assert analyzer.analyse(text).language == language


def test_script_counts_treat_ids_as_no_words():
    counts = count_scripts("LP00123456789012 8123456789012345")
    assert counts.latin_words == 0
    assert identify_language("LP00123456789012 8123456789012345", lambda: 0.9) == "en"


def test_diacritics_decide_without_the_model():
    def must_not_be_called() -> float:
        raise AssertionError("the model should not be consulted")

    assert identify_language("cái áo này bị rách rồi", must_not_be_called) == "vi"
