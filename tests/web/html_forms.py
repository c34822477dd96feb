"""Read the <form>s of a page and fill them in as a browser would (HTML's "constructing the entry list").

What a browser sends, and so what these helpers send: every successful control of the form, in tree order;
text inputs, hidden inputs and text areas with their value even when it is empty (an empty string); checkboxes
and radio buttons only when checked; for a <select> the selected option, or the first one when none is;
nothing for a disabled control; of the submit buttons only the one pressed (its ``formaction`` wins over the
form's ``action``); a file input with no file as an empty file part; a text area's lines ending in CR LF.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import urljoin

TEXT_TYPES = {"text", "hidden", "search", "tel", "email", "url", "number", "date", "time", "month", "week",
              "datetime-local", "password", "color", "range", ""}


@dataclass
class Option:
    """One <option> of a <select>."""

    value: str
    label: str
    selected: bool = False
    disabled: bool = False


@dataclass
class Control:
    """One form control as served."""

    tag: str
    name: str
    type: str = ""
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list[Option] = field(default_factory=list)
    formaction: str | None = None


@dataclass
class Form:
    """A <form>: where it goes, how, and its controls in tree order."""

    action: str
    method: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    def submitters(self) -> list[Control]:
        """The buttons that submit this form."""
        return [c for c in self.controls if not c.disabled and (
            (c.tag == "button" and c.type in ("", "submit")) or (c.tag == "input" and c.type in ("submit", "image")))]

    def entries(self, submitter: Control | None = None, choose: dict | None = None) -> list[tuple[str, object]]:
        """The (name, value) pairs a browser sends when ``submitter`` is pressed; ``choose`` sets a value first,
        as a person picking an option or typing into a field would."""
        choose = choose or {}
        out = []
        for c in self.controls:
            if c.disabled or not c.name:
                continue
            if c.tag == "button" or (c.tag == "input" and c.type in ("submit", "image", "reset", "button")):
                if c is submitter:
                    out.append((c.name, c.value))
                continue
            if c.tag == "input" and c.type in ("checkbox", "radio"):
                if c.name in choose:
                    if c.type == "radio" and choose[c.name] == c.value:
                        out.append((c.name, c.value))
                    elif c.type == "checkbox" and choose[c.name]:
                        out.append((c.name, c.value or "on"))
                elif c.checked:
                    out.append((c.name, c.value or "on"))
                continue
            if c.tag == "input" and c.type == "file":
                out.append((c.name, (BytesIO(b""), "")))
                continue
            if c.tag == "select":
                if c.name in choose:
                    out.append((c.name, choose[c.name]))
                    continue
                enabled = [o for o in c.options if not o.disabled]
                chosen = [o for o in enabled if o.selected] or enabled[:1]
                out.extend((c.name, o.value) for o in chosen[:1])
                continue
            value = choose.get(c.name, c.value)
            out.append((c.name, value.replace("\n", "\r\n") if c.tag == "textarea" else value))  # sent as CRLF
        return out

    def target(self, page_url: str, submitter: Control | None = None) -> str:
        """The URL the form posts to (a button's formaction first)."""
        action = submitter.formaction if submitter is not None and submitter.formaction is not None else self.action
        return urljoin(page_url, action or page_url)

    def option(self, name: str, label: str) -> str:
        """The value of the option of select ``name`` whose label contains ``label``: what a person picks."""
        control = next(c for c in self.controls if c.name == name)
        return next(o.value for o in control.options if label in o.label)

    def names(self) -> tuple[str, ...]:
        """The names of the controls, to tell one form from another."""
        return tuple(c.name for c in self.controls if c.name)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Control | None = None
        self.option: list | None = None
        self.textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.current = Form(action=a.get("action") or "", method=(a.get("method") or "get").lower(),
                                enctype=a.get("enctype") or "application/x-www-form-urlencoded")
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        disabled = "disabled" in a
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            self.current.controls.append(Control("input", a.get("name") or "", kind, a.get("value") or "",
                                                 "checked" in a, disabled, formaction=a.get("formaction")))
        elif tag == "button":
            self.current.controls.append(Control("button", a.get("name") or "", (a.get("type") or "submit").lower(),
                                                 a.get("value") or "", disabled=disabled,
                                                 formaction=a.get("formaction")))
        elif tag == "select":
            self.select = Control("select", a.get("name") or "", disabled=disabled)
            self.current.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, disabled, ""]
        elif tag == "textarea":
            self.textarea = Control("textarea", a.get("name") or "", disabled=disabled)
            self.current.controls.append(self.textarea)

    def handle_data(self, data):
        if self.option is not None:
            self.option[3] += data
        elif self.textarea is not None:
            self.textarea.value += data.replace("\r\n", "\n").replace("\r", "\n")  # HTML reads newlines as LF

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option" and self.option is not None:
            value, selected, disabled, text = self.option
            self.select.options.append(Option(text.strip() if value is None else value, text.strip(), selected,
                                              disabled))
            self.option = None
        elif tag == "select":
            if self.option is not None:
                self.handle_endtag("option")
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # HTML drops one newline right after <textarea>.
            if self.textarea.value.startswith("\n"):
                self.textarea.value = self.textarea.value[1:]
            self.textarea = None


def forms_of(html: str) -> list[Form]:
    """Every <form> of a page."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_to(html: str, page_url: str, path: str) -> Form:
    """The POST form of the page that goes to ``path`` (query string aside)."""
    from urllib.parse import urlsplit

    return next(f for f in forms_of(html) if f.method == "post" and urlsplit(f.target(page_url)).path == path)


def post_form(client, page_url: str, form: Form, submitter: Control | None = None, choose: dict | None = None):
    """Submit ``form`` from ``page_url`` as a browser would; returns the response (not followed)."""
    from werkzeug.datastructures import MultiDict

    if submitter is None:
        buttons = form.submitters()
        submitter = buttons[0] if buttons else None
    data = MultiDict(form.entries(submitter, choose))
    multipart = form.enctype == "multipart/form-data"
    return client.post(form.target(page_url, submitter), data=data,
                       content_type="multipart/form-data" if multipart else "application/x-www-form-urlencoded",
                       headers={"Referer": page_url})
