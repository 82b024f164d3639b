from tests.bench import page_weight


def test_booking_page_first_load_stays_under_100_kb():
    raw, _, files = page_weight()
    assert files[0] == "index.html" and "/assets/book.js" in files
    assert raw < 100 * 1024
