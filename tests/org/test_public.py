"""The village public page and its notice PDF, for residents without an account."""

from tests.web.test_pdf import pdftotext


def test_public_page_shows_adviser_station_and_hotlines(world, client):
    page = client.get("/v/652701100001").text
    assert "叶尔兰·哈布德克" in page  # legal adviser
    assert "新疆博众律师事务所" in page  # firm
    assert "13912345678" in page  # the adviser's work phone is public on the notice board
    assert "小营盘镇" in page and "周三" in page  # the township station's Wednesday duty
    assert "12348" in page and "0909-2231348" in page
    assert "法律援助转介" in page  # services offered


def test_public_page_in_uyghur_shows_uyghur_place_names(world, client):
    page = client.get("/v/652701100001", headers={"Accept-Language": "ug-CN"}).text
    assert 'dir="rtl"' in page
    assert "يىڭپەن مەھەللىسى" in page
    assert "ەرلان حابدەك" in page  # the adviser's name in their own script too


def test_unknown_or_non_village_code_is_404(world, client):
    assert client.get("/v/652701100").status_code == 404  # a township, not a village
    assert client.get("/v/999999999999").status_code == 404


def test_notice_pdf_has_the_same_facts_and_the_qr_address(world, client):
    response = client.get("/v/652701100001/notice.pdf")
    assert response.mimetype == "application/pdf"
    text = pdftotext(response.data)
    for expected in ("营盘社区", "叶尔兰·哈布德克", "新疆博众律师事务所", "13912345678", "12348", "0909-2231348",
                     "http://localhost/v/652701100001"):
        assert expected in text, expected
    assert b"<svg" not in response.data  # the QR code is drawn, not embedded as markup


def test_notice_pdf_in_kazakh(world, client):
    response = client.get("/v/652701100001/notice.pdf?lang=kk_Arab")
    text = pdftotext(response.data)
    assert "يىڭپانالەۋمەتتىكاۋماعى" in text
    assert "12348" in text


def test_qr_code_encodes_the_public_address(world, app):
    import segno

    from gongfa.public.village import public_url

    with app.test_request_context("/v/652701100001/notice.pdf", base_url="https://gongfa.example.cn"):
        url = public_url("652701100001")
    assert url == "https://gongfa.example.cn/v/652701100001"
    assert segno.make(url, error="m").designator  # a valid QR symbol can be made for it
