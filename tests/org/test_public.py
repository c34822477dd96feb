"""The village public page and its notice PDF, for residents without an account."""

import subprocess
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image

from tests.web.test_pdf import pdftotext

BASE = "https://gongfa.example.cn"


def qr_codes(pdf: bytes) -> list[str]:
    """What a phone reads from the QR codes on the PDF's first page, printed at 150 dpi."""
    png = subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    return [code.text for code in zxingcpp.read_barcodes(Image.open(BytesIO(png)))
            if code.format == zxingcpp.BarcodeFormat.QRCode]


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


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": BASE}])
@pytest.mark.parametrize("lang", ["zh_Hans", "ug", "kk_Arab"])
def test_the_notices_qr_code_opens_the_villages_public_page(world, client, lang):
    """Scanned from the printed poster, the code gives the public address, whoever printed it from where."""
    response = client.get(f"/v/652701100001/notice.pdf?lang={lang}")
    assert qr_codes(response.data) == [f"{BASE}/v/652701100001"]
    assert f"{BASE}/v/652701100001" in pdftotext(response.data)  # the address printed under it, to type in


def test_without_a_public_base_url_the_qr_code_has_the_address_the_notice_was_printed_from(world, client):
    pdf = client.get("/v/652701100002/notice.pdf", base_url="http://127.0.0.1:8000").data
    assert qr_codes(pdf) == ["http://127.0.0.1:8000/v/652701100002"]
