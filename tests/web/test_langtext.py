"""Data in another language than the page is marked with its language (WCAG 3.1.2) and kept in order."""

from gongfa.web.langtext import script_of, user_text


def test_a_chinese_name_on_a_uyghur_page_is_marked_chinese_and_left_to_right():
    assert str(user_text("古丽巴哈尔·努尔买买提", "ug")) == '<bdi lang="zh-Hans" dir="ltr">古丽巴哈尔·努尔买买提</bdi>'


def test_a_uyghur_name_on_a_chinese_page_is_marked_with_the_records_language():
    assert str(user_text("ئايگۈل مەمەت", "zh-Hans")) == '<bdi lang="ug" dir="rtl">ئايگۈل مەمەت</bdi>'
    assert 'lang="kk-Arab"' in user_text("ايگۇل", "zh-Hans", "kk-Arab")


def test_chinese_inside_uyghur_text_keeps_its_brackets_and_full_stop():
    html = str(user_text("بۇ (村民) ئۈچۈن …第12条。 تامام", "ug"))
    assert '<span lang="zh-Hans" dir="ltr">(村民)</span>' in html
    assert '<span lang="zh-Hans" dir="ltr">第12条。</span>' in html


def test_text_in_the_pages_own_language_is_only_isolated_and_escaped():
    assert str(user_text("王<b>", "zh-Hans")) == '<bdi dir="auto">王&lt;b&gt;</bdi>'
    assert str(user_text("13712340044", "ug")) == '<bdi dir="auto">13712340044</bdi>'
    assert script_of("abc 12") is None and script_of("") is None
