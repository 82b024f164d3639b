from tests.bench import page_weight, portal_first_load


def test_booking_page_first_load_stays_under_100_kb():
    raw, _, files = page_weight()
    assert files[0] == "index.html" and "/assets/book.js" in files
    assert raw < 100 * 1024


def test_portal_first_load_is_at_most_60_kb_and_fetches_one_page_module():
    for landing in ("login", "board"):
        raw, _, files = portal_first_load(landing)
        assert "/portal/app.js" in files and "/portal/kit/api.js" in files and "/portal/strings/zh-CN.js" in files
        assert [f for f in files if f.startswith("/portal/pages/")] == [f"/portal/pages/{landing}.js"]
        assert "/portal/strings/en.js" not in files
        assert raw <= 60 * 1024, (landing, raw, files)
