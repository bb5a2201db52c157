"""Setting up the shop profile: the guided setup's questions, and `replybot shop`, `shop
set`, `shop setup` and `draft` reading the stored profile on the command line."""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from click.testing import CliRunner

from bot.analysis import Amount
from bot.cli import main
from bot.replies.facts import PLATFORM_IDS, FactError, ShopSettings
from bot.replies.profile import describe
from bot.replies.profile_setup import EVERY, GUIDED, KEEP, QUESTIONS, answer, next_question
from bot.store.log import read
from bot.store.shop import load_shop_settings
from tests.test_shop_profile import stored_rows


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "shop.db"


# --- the guided setup's questions ------------------------------------------------------------


def test_the_guided_setup_asks_name_platform_currency_zone_returns_and_coupon():
    settings = ShopSettings()
    asked = []
    question = next_question(GUIDED, None, settings)
    while question is not None:
        asked.append(question.key)
        question = next_question(GUIDED, question.key, settings)
    assert asked == ["shop_name", "platform", "currency", "timezone", "return_window_days",
                     "return_shipping", "coupon"]  # fmt: skip
    with_coupon = ShopSettings(coupon=Amount(Decimal(3), "USD"))
    assert next_question(GUIDED, "coupon", with_coupon).key == "coupon_how"
    assert set(EVERY) == set(ShopSettings.__dataclass_fields__)


def test_the_platforms_usual_currency_and_its_zone_come_first():
    def values(key, settings):
        return [option.value for option in QUESTIONS[key].options(settings)]

    assert values("currency", ShopSettings(platforms=("coupang",)))[0] == "KRW"
    assert values("currency", ShopSettings(platforms=("taobao",)))[0] == "CNY"
    assert values("currency", ShopSettings(platforms=("shopee",)))[0] == "VND"
    assert values("timezone", ShopSettings(currency="KRW"))[0] == "Asia/Seoul"
    assert values("currency", ShopSettings())[-1] == KEEP
    assert set(values("platform", ShopSettings())) == {*PLATFORM_IDS, KEEP}


def test_an_answer_is_checked_and_keep_changes_nothing():
    assert answer("shop_name", KEEP, ShopSettings()) is None
    assert answer("platform", "shopee, lazada", ShopSettings()) == ("platforms", "shopee, lazada")
    assert answer("return_window_days", "", ShopSettings()) == ("return_window_days", "")
    with pytest.raises(FactError, match="not an IANA time zone"):
        answer("timezone", "Beijing", ShopSettings())


# --- the command line ------------------------------------------------------------------------


def run(*args: str, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_shop_shows_what_is_set_and_what_unset_means(db_path):
    shown = run("shop", "--db", str(db_path))
    assert shown.exit_code == 0
    assert "shop_name: not set — replies carry no signature and the welcome names no shop" in (
        shown.stdout
    )
    assert "signature: not set — replies carry no signature" in shown.stdout
    assert "currency: not set — amounts written without a currency are shown" in shown.stdout
    assert "timezone: UTC (the server's default)" in shown.stdout
    assert "auto_reply_cooldown_minutes: 30 (default)" in shown.stdout
    assert f"no evidence log at {db_path} yet" in shown.stderr
    assert not db_path.exists()
    stored = run(
        "shop", "set", "--db", str(db_path), "shop_name=Lotus Home", "platforms=shopee,lazada"
    )
    assert stored.exit_code == 0
    assert stored.stdout.splitlines() == [
        "shop_name: Lotus Home",
        "platforms: Shopee (main), Lazada",
    ]
    shown = run("shop", env={"REPLYBOT_DB": str(db_path), "REPLYBOT_TIMEZONE": "Asia/Seoul"})
    assert "shop_name: Lotus Home" in shown.stdout
    assert "signature: not set — replies are signed with the shop name" in shown.stdout
    assert "timezone: Asia/Seoul (the server's default)" in shown.stdout
    assert shown.stdout.count("\n") == len(EVERY)


def test_shop_set_stores_all_or_nothing(db_path):
    run("shop", "set", "--db", str(db_path), "shop_name=Lotus Home")
    refused = CliRunner().invoke(
        main, ["shop", "--db", str(db_path), "set", "shop_name=Other", "currency=VND",
               "return_window_days=two weeks"],
    )  # fmt: skip
    assert refused.exit_code == 2
    last = refused.output.strip().splitlines()[-1]
    assert last == (
        "Error: return_window_days: cannot read 'two weeks': expected a whole number; "
        "nothing was stored"
    )
    assert stored_rows(db_path) == {"shop_name": "Lotus Home"}
    for bad in (["set"], ["set", "shop_name"], ["set", "platform=ebay"]):
        result = CliRunner().invoke(main, ["shop", *bad, "--db", str(db_path)])
        assert result.exit_code == 2, bad
    assert stored_rows(db_path) == {"shop_name": "Lotus Home"}
    cleared = run("shop", "set", "--db", str(db_path), "shop_name=")
    assert cleared.stdout.startswith("shop_name: not set")
    assert stored_rows(db_path) == {}


def test_draft_reads_the_stored_profile_and_set_overrides_it_for_one_draft(db_path):
    run("shop", "set", "--db", str(db_path), "shop_name=Lotus Home", "platform=shopee",
        "currency=MYR", "return_window_days=30", "seller_language=zh")  # fmt: skip

    def draft(*args, env=None):
        result = run(
            "draft", "--scenario", "return_refund", "--lang", "en", "--json", *args, env=env
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    stored = draft("--db", str(db_path))
    assert stored["text"].endswith("Lotus Home")
    assert "within 30 days" in stored["text"]
    assert stored["seller_language"] == "zh"
    from_env = draft(env={"REPLYBOT_DB": str(db_path)})
    assert from_env == stored
    once = draft("--db", str(db_path), "--set", "platform=taobao", "--set", "shop_name=Lotus 2",
                 "--set", "return_window_days=", "--seller-lang", "en")  # fmt: skip
    assert once["text"].endswith("Lotus 2")
    assert "within 7 days" in once["text"], "Taobao's own return period"
    assert "My Orders (我的订单)" in once["text"], "Taobao's own return path"
    assert once["seller_language"] == "en"
    assert read(db_path, load_shop_settings).platforms == ("shopee",)
    assert stored_rows(db_path)["shop_name"] == "Lotus Home"
    refused = CliRunner().invoke(main, ["draft", "--db", str(db_path), "--scenario", "other",
                                        "--set", "platform=ebay"])  # fmt: skip
    assert refused.exit_code == 2
    assert "unknown platform 'ebay' (choose: aliexpress, taobao" in refused.output
    unset = draft("--db", str(db_path.with_name("none.db")))
    assert not unset["text"].endswith("Lotus Home")
    assert not db_path.with_name("none.db").exists()


def test_shop_setup_refuses_to_run_without_a_terminal(db_path):
    result = CliRunner().invoke(main, ["shop", "setup", "--db", str(db_path)], input="Lotus\n")
    assert result.exit_code == 1
    assert result.output == (
        "Error: shop setup asks its questions on a terminal, and standard input is not one; "
        "use replybot shop set key=value ... instead\n"
    )
    assert not db_path.exists()


def test_shop_setup_on_a_terminal_asks_each_setting_and_stores_each_answer(db_path):
    answers = [
        "Lotus Home",  # shop_name
        "",  # signature: stays unset
        "taobao,1688",  # platforms
        "rmb",  # currency: not a code, asked again
        "cny",
        "zh",  # seller_language
        "Asia/Shanghai",  # timezone
        "7",  # return_window_days
        "buyer",  # return_shipping
        "-",  # processing_days: cleared (it was unset anyway)
        "5",  # coupon, in the shop's currency
        "下单时输入优惠码 SORRY5",  # coupon_how
        "",  # auto_reply_cooldown_minutes: keeps 30
        "12",  # wait_hours
    ]
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "shop", "setup", "--db", str(db_path)],
        stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    os.close(terminal)
    try:
        os.write(controller, "".join(f"{line}\n" for line in answers).encode())
        stdout, stderr = process.communicate(timeout=120)
    finally:
        os.close(controller)
    out = stdout.decode()
    assert process.returncode == 0, stderr.decode() + out
    assert "currency 'RMB' is not an ISO 4217 currency code" in out
    assert "Which currency are your prices in? (e.g. CNY, KRW, VND, USD)" in out
    assert "(en or zh or zh-Hant or ko or vi)" in out
    assert read(db_path, load_shop_settings) == ShopSettings(
        shop_name="Lotus Home", platforms=("taobao", "1688"), currency="CNY",
        seller_language="zh", timezone="Asia/Shanghai", return_window_days=7,
        return_shipping="buyer", coupon=Amount(Decimal(5), "CNY"),
        coupon_how="下单时输入优惠码 SORRY5", wait_hours=12,
    )  # fmt: skip
    assert describe(read(db_path, load_shop_settings)).splitlines()[0] in out
