"""Every scenario in every language, on messages written for this test (not in training)."""

import re
from pathlib import Path

import pytest

from bot.analysis import Entities
from bot.nlp.dataset import load_examples, training_sources
from bot.nlp.normalize import normalize

CASES = {
    "price_drop": {
        "en": [
            "bought the kettle monday for $39 now its $29?? refund me the 10",
            "price went down right after i paid, can u give the difference back",
        ],
        "zh": [
            "亲我刚买完就降价了20块，能退差价吗",
            "昨天拍的今天活动价便宜了好多 这不是坑人吗 退我差价",
        ],
        "ko": [
            "결제하자마자 가격이 내려갔네요 차액 돌려받을 수 있나요",
            "어제 산 운동화 오늘 2만원 할인하던데 차액 환불 되나요",
        ],
        "vi": [
            "vua mua hom qua nay giam gia 50k roi shop hoan chenh lech dc ko",
            "mình mới đặt xong thì shop giảm giá, hoàn lại tiền chênh lệch cho mình nhé",
        ],
    },
    "difference_order": {
        "en": [
            "paid the shipping difference thru the 1 dollar link, pls combine w my main order",
            "where do i pay the extra postage? which link",
        ],
        "zh": ["补邮费的链接我拍了 跟上一单一起发哈", "亲 差价我补拍了一单2元的 记得合并发货"],
        "ko": [
            "배송비 차액은 별도 링크로 결제했어요 원래 주문이랑 같이 보내주세요",
            "추가결제 링크 어디있나요? 차액 결제하려구요",
        ],
        "vi": [
            "minh da dat link bu phi ship 10k roi shop gop don giup minh",
            "shop ơi phí ship thêm mình đóng ở link nào vậy",
        ],
    },
    "not_shipped": {
        "en": [
            "its been 6 days and still says awaiting shipment, when will you send it",
            "you havent shipped my order yet?",
        ],
        "zh": ["拍了五天了还没发货 什么时候发啊", "亲 怎么还是待发货状态 赶紧发一下"],
        "ko": [
            "주문한 지 일주일인데 아직도 상품준비중이에요 언제 발송하나요",
            "발송 언제 해주세요?? 계속 준비중이네",
        ],
        "vi": [
            "dat 5 ngay r ma shop chua gui hang la sao",
            "shop ơi bao giờ gửi hàng cho mình vậy, vẫn chờ lấy hàng",
        ],
    },
    "delivery_delay": {
        "en": [
            "tracking hasnt updated in 2 weeks, is my parcel lost",
            "shipped a month ago and still not here",
        ],
        "zh": ["物流一直不更新 包裹是不是丢了", "发货半个月了还没收到 快递到底到哪了"],
        "ko": ["배송조회가 일주일째 멈춰있어요 택배 분실된 건가요", "발송됐다는데 2주째 안 와요"],
        "vi": [
            "don van chuyen 2 tuan r chua nhan dc hang",
            "hàng đi đâu rồi shop, tra mã vận đơn không thấy cập nhật gì",
        ],
    },
    "damaged_item": {
        "en": ["the mug came smashed into pieces", "blender wont turn on right out of the box"],
        "zh": ["收到的杯子碎了", "吹风机用了一次就坏了 开不了机"],
        "ko": ["그릇이 깨져서 왔어요", "받자마자 충전이 안 되네요 불량인가요"],
        "vi": ["ly giao toi bi vo mat roi shop", "tai nghe mới dùng 1 ngày đã không lên nguồn"],
    },
    "not_as_described": {
        "en": [
            "the dress looks nothing like the pictures, fabric is cheap and see through",
            "these are fake, logo is wrong and no serial number",
        ],
        "zh": ["和图片完全不一样 色差太大了", "面料很薄 跟描述的纯棉不符"],
        "ko": ["상세페이지 사진이랑 색이 완전 달라요", "정품이라더니 가품 같아요 마감이 엉망"],
        "vi": [
            "ao khong giong hinh gi het, vai mong dinh",
            "hàng không giống mô tả, chất liệu khác hoàn toàn",
        ],
    },
    "wrong_or_missing_item": {
        "en": ["ordered black got white", "box came with 2 pieces, i paid for 3"],
        "zh": ["我买的是黑色 发来的是白色", "少发了一个配件 充电线没有"],
        "ko": ["블랙 주문했는데 화이트가 왔어요", "3개 시켰는데 2개만 왔어요"],
        "vi": ["dat mau den ma giao mau trang", "đơn thiếu 1 món rồi shop ơi"],
    },
    "cancel_order": {
        "en": [
            "i ordered this by mistake pls cancel",
            "changed my mind, cancel the order before you ship",
        ],
        "zh": ["拍错了 帮我取消一下订单", "不想要了 能取消吗"],
        "ko": ["실수로 주문했어요 취소해주세요", "중복 주문이라 하나 취소 부탁드립니다"],
        "vi": ["shop huy don giup minh, minh dat nham", "mình đổi ý rồi, hủy đơn giúp mình nhé"],
    },
    "return_refund": {
        "en": [
            "how do i return this, doesnt fit me",
            "when will i get my refund? returned it last week",
        ],
        "zh": ["不合适 想退货", "退款怎么还没到账"],
        "ko": [
            "사이즈가 안 맞아서 반품하고 싶어요",
            "환불 언제 들어오나요? 반품 보낸 지 일주일 됐어요",
        ],
        "vi": ["minh muon tra hang vi khong vua", "mình gửi trả hàng rồi mà chưa thấy hoàn tiền"],
    },
    "address_change": {
        "en": [
            "can i change my shipping address? i moved",
            "wrong phone number on my order, pls update",
        ],
        "zh": ["地址写错了 帮我改一下", "收件人电话填错了 能改吗"],
        "ko": ["배송지 주소 변경 가능할까요", "연락처를 잘못 적었어요 수정해주세요"],
        "vi": [
            "shop doi dia chi giao hang giup minh",
            "mình ghi sai số điện thoại, sửa giúp mình với",
        ],
    },
    "stock_inquiry": {
        "en": ["do you have this in size 42?", "when will the blue one be back in stock"],
        "zh": ["这款还有货吗", "黑色的那款啥时候能补货呀"],
        "ko": ["이 색상 재고 있나요?", "품절된 사이즈 재입고 언제 되나요"],
        "vi": ["mau nay con size L ko shop", "khi nào shop có hàng lại vậy"],
    },
    "other": {
        "en": ["hello? anyone there today", "thank you so much, great seller"],
        "zh": ["在吗在吗 有人没", "谢谢亲 东西很好"],
        "ko": ["안녕하세요 문의 하나 드릴게요", "감사합니다 잘 받았어요"],
        "vi": ["shop oi co ai k", "cảm ơn shop nhiều nha"],
    },
}

PARAMS = [
    pytest.param(scenario, language, text, id=f"{scenario}-{language}-{i}")
    for scenario, by_language in CASES.items()
    for language, texts in by_language.items()
    for i, text in enumerate(texts)
]


def test_cases_cover_every_scenario_and_language():
    from bot.scenarios import LANGUAGES, SCENARIOS

    assert set(CASES) == set(SCENARIOS)
    assert all(set(by_language) == set(LANGUAGES) for by_language in CASES.values())


def test_the_scenario_contract_lists_exactly_what_the_code_has():
    from bot.replies.registry import TEMPLATES
    from bot.scenarios import LANGUAGES

    contract = (Path(__file__).parents[1] / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z_]+)` \|", contract, flags=re.MULTILINE)
    assert sorted(listed) == sorted([*LANGUAGES, *TEMPLATES, *Entities().to_json()])


def test_cases_are_not_in_the_training_data():
    trained = {normalize(example.text) for example in load_examples(training_sources())}
    assert not [text for _, _, text in (p.values for p in PARAMS) if normalize(text) in trained]


@pytest.mark.parametrize(("scenario", "language", "text"), PARAMS)
def test_scenario(analyzer, scenario, language, text):
    analysis = analyzer.analyse(text)
    assert (analysis.language, analysis.scenario) == (language, scenario)


@pytest.mark.parametrize(
    "text",
    ["I have a problem with my order", "please check", "có ai không", "문의드려요", "在吗"],
)
def test_vague_messages_are_other(analyzer, text):
    assert analyzer.analyse(text).scenario == "other"


def test_an_untrusted_best_guess_falls_back_to_other_with_its_low_confidence(analyzer):
    from bot.nlp.analyzer import Analyzer
    from bot.nlp.cache import load_or_train
    from bot.nlp.lexicon import Lexicon

    text = "the lid is a bit loose i think, or maybe it was like that"
    confident = analyzer.analyse(text)
    lexicon = Lexicon.load()
    strict = Analyzer(load_or_train(lexicon), lexicon, min_confidence=1.0).analyse(text)
    assert strict.scenario == "other"
    assert strict.confidence < 1.0
    assert confident.scenario in {alt.scenario for alt in strict.alternatives} | {"other"}
