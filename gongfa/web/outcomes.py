"""How a view turns what a service refused into the message a person sees next to the field (STYLE §2.7).

One way for every form::

    if form.validate_on_submit():
        with service_errors(form, default="content") as done:
            services.do_it(...)
        if done:
            db.session.commit()
            return redirect(...)
    return render_page("…", form=form, status=form_status(form))

A ``ServiceError`` raised in the block becomes an error on the field it names (else ``default``, else the
form's first visible field), and what the block changed is undone by rolling back a savepoint: the rest of
the request's transaction, and the objects loaded before the block, stay as they were.
"""

from contextlib import contextmanager

from flask import flash
from wtforms import HiddenField

from gongfa.db import db
from gongfa.errors import ServiceError


class Done:
    """True until a service in the block refuses."""

    def __init__(self):
        self.ok = True
        self.error: ServiceError | None = None

    def __bool__(self) -> bool:
        return self.ok


def field_error(form, message, field: str | None = None, default: str | None = None) -> None:
    """Put ``message`` next to ``field``, else ``default``, else the form's first visible field."""
    for name in (field, default):
        target = form._fields.get(name) if name else None
        if target is not None:
            break
    else:
        target = next(f for f in form if not isinstance(f, HiddenField) and f.name != "csrf_token")
    target.errors = [*target.errors, str(message)]


@contextmanager
def _undone_when_refused(tell):
    """Run the block in a savepoint; a ``ServiceError`` undoes only the block's work and is told by ``tell``."""
    done = Done()
    try:
        with db.session.begin_nested():
            yield done
    except ServiceError as error:
        done.ok, done.error = False, error
        tell(error)


def service_errors(form, default: str | None = None):
    """Run services for ``form``; a ``ServiceError`` becomes a field error and undoes only the block's work."""
    return _undone_when_refused(lambda error: field_error(form, error.message, error.field, default))


def refusal_flashed():
    """Run the services behind a button, which has no field to mark: a refusal is flashed for the page the
    redirect leads to, and what the block did is undone (a savepoint)."""
    return _undone_when_refused(lambda error: flash(str(error.message), "error"))


def form_status(*forms) -> int:
    """422 when any of the forms shows an error (the page is the form again), else 200."""
    return 422 if any(form is not None and (form.form_errors or any(f.errors for f in form)) for form in forms) \
        else 200
