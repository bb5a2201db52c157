"""Sellers' scenario corrections are stored and learnt by the classifier."""

from functools import partial

from click.testing import CliRunner

from bot.cli import main
from bot.core import analyzer_with
from bot.store.corrections import load_corrections, save_correction
from bot.store.log import EvidenceLog, read


def test_a_corrected_message_is_classified_as_corrected_after_learning(tmp_path, analyzer):
    text = "shop oi sao chua giao hang vay"
    before = analyzer.analyse(text)
    corrected = "not_shipped" if before.scenario != "not_shipped" else "delivery_delay"
    db = tmp_path / "shop.db"
    with EvidenceLog(db) as log:
        log.write(partial(save_correction, seller_id=1, text=text, language=before.language,
                          scenario=corrected, dispute_risk=False))  # fmt: skip
    result = CliRunner().invoke(main, ["learn", "--db", str(db)])
    assert result.exit_code == 0
    assert "learnt 1 corrections" in result.output
    assert analyzer_with(read(db, load_corrections)).analyse(text).scenario == corrected
    assert analyzer.analyse(text).scenario == before.scenario


def test_the_latest_correction_of_a_text_wins(tmp_path):
    db = tmp_path / "shop.db"
    with EvidenceLog(db) as log:
        for scenario in ("other", "stock_inquiry"):
            log.write(partial(save_correction, seller_id=1, text="co size L ko", language="vi",
                              scenario=scenario, dispute_risk=False))  # fmt: skip
    assert [(e.text, e.scenario) for e in read(db, load_corrections)] == [
        ("co size L ko", "stock_inquiry")
    ]


def test_learning_without_corrections_says_so(tmp_path):
    result = CliRunner().invoke(main, ["learn", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 0
    assert "nothing to learn" in result.output
