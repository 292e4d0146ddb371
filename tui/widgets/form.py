"""Form helpers: a labelled field with its error shown right under it."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Select, Static

from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.taxonomy import Vocabulary

T = TypeVar("T")


class Field(Vertical):
    """A label, a control, and a line for its validation error."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 1 0; }
    Field > Label { color: $text-muted; width: 100%; }
    Field > .field-error { color: $error; height: auto; }
    Field > .field-error.-empty { display: none; }
    """

    def __init__(self, label: str, control: Widget, *, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.label = label
        self.control = control
        self.field_name = name

    def compose(self) -> ComposeResult:
        yield Label(Content(self.label))
        yield self.control
        yield Static(classes="field-error -empty")

    def show_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        error.update(Content(message or ""))
        error.set_class(not message, "-empty")


def choices(vocab: Vocabulary) -> list[tuple[str, str]]:
    """(label, code) pairs for a Select."""
    return [(t.label, t.code) for t in vocab.terms]


def select(vocab: Vocabulary, *, id: str, prompt: str = "Choose…") -> Select[str]:
    return Select(choices(vocab), prompt=prompt, id=id, type_to_search=True, compact=True)


def errors_by_field(problems: Iterable[str]) -> dict[str, str]:
    """`field: message` problems keyed by field (the last path part)."""
    out: dict[str, str] = {}
    for problem in problems:
        where, _, message = problem.partition(": ")
        out.setdefault(where.rsplit(".", 1)[-1], message)
    return out


async def save_or_show(form: Widget, write: Awaitable[T]) -> T | None:
    """Await a save; on failure show each problem beside its Field (or notify) and return None.

    Nothing typed is lost: the form stays open with the values as they were.
    """
    try:
        return await write
    except ValidationError as exc:
        errors = errors_by_field(exc.problems)
        for field in form.query(Field):
            field.show_error(errors.get(field.field_name))
    except ConvenerError as exc:
        form.notify(f"Not saved: {exc}", severity="error", markup=False)
    return None


# What a form dialog needs besides its fields: border, padding, a title of up to two lines,
# and the buttons with their margin.
FORM_CHROME_ROWS = 11


def fit_form_body(form: Widget, screen_height: int) -> None:
    """The fields scroll and the buttons stay: `#form-body` gets what the dialog (90% of the
    screen) leaves after its chrome, so Save and Cancel are in sight whatever the errors."""
    body = form.query_one("#form-body")
    body.styles.max_height = max(4, screen_height * 9 // 10 - FORM_CHROME_ROWS)
