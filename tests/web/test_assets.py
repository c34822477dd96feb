"""Static files: fingerprinted, cached for a year, compressed; htmx served by the app itself."""

import base64
import hashlib
import re


def test_static_urls_are_fingerprinted_and_cached_for_a_year(world, client, app, auth):
    auth.login("admin")  # a signed-in page: residents' and the login page load no htmx
    page = client.get("/").text
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', page).group(1)
    htmx = re.search(r'src="(/static/vendor/htmx-2\.0\.\d+\.min\.js\?v=[0-9a-f]{10})"', page).group(1)
    for url in (css, htmx):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response.close()
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        again.close()


# The Subresource Integrity hash htmx's docs publish for dist/htmx.min.js of 2.0.10 (sha384, base64).
HTMX_SRI = {"2.0.10": "sha384-H5SrcfygHmAuTDZphMHqBJLc3FhssKjG7w/CeCpFReSfwBWDTKpkzPP8c+cLsK+V"}


def test_the_htmx_served_is_the_published_2_0_build_byte_for_byte(world, client, app, auth):
    """What browsers get from us is exactly htmx's published build: its integrity hash matches."""
    auth.login("admin")
    version = app.config["HTMX_VERSION"]
    assert version.startswith("2.0.")  # htmx 4 renames headers and changes 4xx handling (STYLE 2.6)
    url = re.search(r'src="(/static/vendor/htmx-[^"]+)"', client.get("/").text).group(1)
    assert url.startswith(f"/static/vendor/htmx-{version}.min.js?v=")
    served = client.get(url)
    digest = "sha384-" + base64.b64encode(hashlib.sha384(served.data).digest()).decode()
    served.close()
    assert digest == HTMX_SRI[version]


def test_pages_and_css_are_compressed(world, client):
    page = client.get("/auth/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert page.headers["Content-Encoding"] == "gzip"
    css = client.get("/static/css/app.css?v=x", headers={"Accept-Encoding": "gzip, deflate"})
    assert css.headers["Content-Encoding"] == "gzip"
    css.close()
    br = client.get("/auth/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"


def test_no_external_resources_in_templates_or_css():
    from pathlib import Path

    for path in [*Path("templates").rglob("*.html"), *Path("static/css").rglob("*.css")]:
        text = path.read_text()
        assert not re.search(r"""(?:src|href)=["']https?://|url\(["']?https?://""", text), path
