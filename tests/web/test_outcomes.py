"""gongfa.web.outcomes: the one way a refusal from a service becomes the message next to its field."""

from sqlalchemy import select
from wtforms import StringField, SubmitField

from gongfa.db import SiteFlag, db
from gongfa.errors import ServiceError
from gongfa.web.forms import BaseForm
from gongfa.web.outcomes import field_error, form_status, service_errors


class PlaceForm(BaseForm):
    name = StringField("名称")
    place = StringField("地点")
    submit = SubmitField("保存")


def _form(app):
    with app.test_request_context("/", method="POST", data={"name": "调解室", "place": "村委会"}):
        form = PlaceForm(meta={"csrf": False})
        form.validate()
    return form


def _flags() -> set[str]:
    return set(db.session.scalars(select(SiteFlag.key)))


def test_a_refusal_lands_next_to_the_field_it_names_and_undoes_only_the_blocks_work(app):
    form = _form(app)
    db.session.add(SiteFlag(key="before", value="1"))  # work the request did before the block
    db.session.flush()
    with service_errors(form) as done:
        db.session.add(SiteFlag(key="inside", value="1"))
        db.session.flush()
        raise ServiceError("这个地点已经有人预约了。", "place")
    assert not done and str(done.error.message) == "这个地点已经有人预约了。"
    assert form.place.errors == ["这个地点已经有人预约了。"] and form.name.errors == []
    assert _flags() == {"before"}  # the savepoint went back, the request's own work stayed
    assert form_status(form) == 422
    assert form.name.data == "调解室" and form.place.data == "村委会"  # what was typed is kept


def test_without_a_field_the_message_goes_to_the_default_then_to_the_first_visible_field(app):
    form = _form(app)
    with service_errors(form, default="place"):
        raise ServiceError("不能保存。", "no_such_field")
    assert form.place.errors == ["不能保存。"]
    other = _form(app)
    with service_errors(other):
        raise ServiceError("不能保存。")
    assert other.name.errors == ["不能保存。"]  # not the hidden CSRF token, which no one would see


def test_a_block_that_succeeds_keeps_its_work_and_the_page_answers_200(app):
    form = _form(app)
    with service_errors(form) as done:
        db.session.add(SiteFlag(key="kept", value="1"))
    assert done and done.error is None
    assert "kept" in _flags()
    assert form_status(form) == 200
    field_error(form, "另一个问题。", "name")
    assert form_status(None, form) == 422


def test_other_exceptions_are_not_swallowed(app):
    form = _form(app)
    try:
        with service_errors(form):
            raise KeyError("a bug is a bug, not a message for the form")
    except KeyError:
        pass
    else:
        raise AssertionError("a KeyError became a form error")
    assert form_status(form) == 200


def test_a_refusal_behind_a_button_is_flashed_for_the_next_page_and_its_work_undone(app):
    from flask import get_flashed_messages

    from gongfa.web.outcomes import refusal_flashed

    with app.test_request_context("/", method="POST"):
        db.session.add(SiteFlag(key="before", value="1"))
        db.session.flush()
        with refusal_flashed() as done:
            db.session.add(SiteFlag(key="inside", value="1"))
            db.session.flush()
            raise ServiceError("这个预约已经取消了。")
        assert not done
        assert get_flashed_messages(with_categories=True) == [("error", "这个预约已经取消了。")]
        assert _flags() == {"before"}
