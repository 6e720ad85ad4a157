"""Evaluation forms, made from a data file (config/forms.yaml): the forms and the check of an answer.

A form is a list of questions of four kinds: `agree5` (a point of the scale 1 strongly disagree ...
5 strongly agree, stored as an int), `choice` (the key of one of its options, each with a score),
`yes_no` ("yes" or "no") and `text` (free text over several lines). Every wording exists in every
language of the file. `check_answers` turns what a web form posted into answers, or into errors
keyed by question, in the person's language; `score` averages the scored answers on 1-5, and a
form at or below the file's `low_score` alerts the project officer.
"""
from typing import Annotated, Literal

from pydantic import Field, model_validator

from domain.schemas import Strict, text_problem

KEY = r"^[a-z][a-z0-9_]*$"
SCALE = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")
Kind = Literal["agree5", "choice", "yes_no", "text"]
Wording = dict[Annotated[str, Field(pattern=r"^[a-z]{2}$")], Annotated[str, Field(min_length=1, max_length=2000)]]
"""One text in each language: language code -> text."""

MESSAGES = {
    "en": {
        "required": "this question needs an answer",
        "scale": "choose a point of the scale from 1 to 5",
        "choice": "choose one of the options offered",
        "yes_no": "answer yes or no",
        "once": "answer once",
        "too_long": "at most {limit} characters, please ({length} given)",
        "control": "remove the control character {code} at position {at}: it cannot be stored",
        "forged": "the form was sent with fields it does not have: {names}",
    },
    "fr": {
        "required": "cette question demande une réponse",
        "scale": "choisissez un point de l'échelle de 1 à 5",
        "choice": "choisissez l'une des options proposées",
        "yes_no": "répondez oui ou non",
        "once": "répondez une seule fois",
        "too_long": "{limit} caractères au plus, s'il vous plaît ({length} saisis)",
        "control": "retirez le caractère de contrôle {code} en position {at} : il ne peut pas être enregistré",
        "forged": "le formulaire a été envoyé avec des champs qu'il n'a pas : {names}",
    },
    "es": {
        "required": "esta pregunta necesita una respuesta",
        "scale": "elija un punto de la escala del 1 al 5",
        "choice": "elija una de las opciones propuestas",
        "yes_no": "responda sí o no",
        "once": "responda una sola vez",
        "too_long": "{limit} caracteres como máximo, por favor ({length} escritos)",
        "control": "quite el carácter de control {code} en la posición {at}: no se puede guardar",
        "forged": "el formulario se envió con campos que no tiene: {names}",
    },
}
"""The error messages of `check_answers`, per language (plain text: the web layer escapes them)."""


class Option(Strict):
    """One option of a `choice` question: its stored key, its label and its score."""

    key: str = Field(pattern=KEY)
    label: Wording
    score: float


class Question(Strict):
    """One question of a form."""

    key: str = Field(pattern=KEY)
    kind: Kind
    required: bool | None = None
    """None: required for every kind but text."""
    text: Wording
    options: list[Option] = []
    """The options of a `choice` question, in the order shown."""
    max_length: int = Field(default=2000, ge=1, le=20_000)
    """The longest answer to a `text` question."""

    @model_validator(mode="after")
    def _fits_its_kind(self):
        if self.required is None:
            self.required = self.kind != "text"
        if self.kind != "choice" and self.options:
            raise ValueError(f"question {self.key}: only a choice question has options")
        if self.kind != "text" and "max_length" in self.model_fields_set:
            raise ValueError(f"question {self.key}: only a text question has a max_length")
        if self.kind == "choice":
            keys = [o.key for o in self.options]
            if len(keys) < 2:
                raise ValueError(f"question {self.key}: a choice needs at least 2 options")
            if twice := sorted({k for k in keys if keys.count(k) > 1}):
                raise ValueError(f"question {self.key}: options {', '.join(twice)} listed twice")
            if len({o.score for o in self.options}) < 2:
                raise ValueError(f"question {self.key}: the options' scores must not all be equal")
        return self

    def option(self, key: str) -> Option | None:
        """The option with this key, or None."""
        return next((o for o in self.options if o.key == key), None)


class Form(Strict):
    """One evaluation form: its title, introduction and questions in order."""

    title: Wording
    intro: Wording
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_once(self):
        keys = [q.key for q in self.questions]
        if twice := sorted({k for k in keys if keys.count(k) > 1}):
            raise ValueError(f"questions {', '.join(twice)} listed twice")
        return self


class Scales(Strict):
    """The labels of the points of the shared scales, in every language."""

    agree5: list[Wording] = Field(min_length=5, max_length=5)
    """Points 1 (strongly disagree) to 5 (strongly agree)."""
    yes: Wording
    no: Wording


class Forms(Strict):
    """The whole data file."""

    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default=["en", "fr", "es"], min_length=1)
    default_language: str = "en"
    low_score: float = Field(ge=1, le=5)
    """A form whose score is at or below this alerts the project officer."""
    scales: Scales
    forms: dict[Annotated[str, Field(pattern=KEY)], Form]
    headlines: dict[Annotated[str, Field(pattern=KEY)], Annotated[str, Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")]] = {}
    """The programme's headline figures: a report key -> `form.question`, whose share of positive
    answers it reports (agreeing 4-5, an option above the scale's middle, yes)."""

    @model_validator(mode="after")
    def _headlines_name_scored_questions(self):
        for name, where in self.headlines.items():
            form, _, key = where.partition(".")
            question = next((q for q in self.forms[form].questions if q.key == key), None) \
                if form in self.forms else None
            if question is None or question.kind == "text":
                raise ValueError(f"headlines.{name}: {where} is not a question of the forms with answers to count "
                                 f"(a form's name, a dot, and one of its questions that is not free text)")
        return self

    @model_validator(mode="after")
    def _every_wording_in_every_language(self):
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language} is not one of the languages")
        problems = [f"{where}: {problem}" for where, wording in self._wordings()
                    if (problem := _missing(wording, self.languages))]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _wordings(self):
        yield from ((f"scales.agree5 point {n}", w) for n, w in enumerate(self.scales.agree5, 1))
        yield from (("scales.yes", self.scales.yes), ("scales.no", self.scales.no))
        for name, form in self.forms.items():
            yield from ((f"form {name}, title", form.title), (f"form {name}, intro", form.intro))
            for q in form.questions:
                yield f"form {name}, question {q.key}", q.text
                yield from ((f"form {name}, question {q.key}, option {o.key}", o.label) for o in q.options)

    def language_for(self, working_languages: list[str] | None) -> str:
        """The first of the activity's working languages the forms have, else the default language."""
        codes = (code.strip().lower() for code in working_languages or [])
        return next((code for code in codes if code in self.languages), self.default_language)

    def choices(self, question: Question, language: str) -> list[tuple[str, str]]:
        """The values a question offers, each with its label in `language` (none for text)."""
        if question.kind == "agree5":
            return [(v, w[language]) for v, w in zip(SCALE, self.scales.agree5)]
        if question.kind == "yes_no":
            return [("yes", self.scales.yes[language]), ("no", self.scales.no[language])]
        return [(o.key, o.label[language]) for o in question.options]


def _missing(wording: dict[str, str], languages: list[str]) -> str | None:
    """What a wording lacks or has too many of, by language, or None."""
    missing = [code for code in languages if code not in wording]
    extra = sorted(set(wording) - set(languages))
    said = ([f"no {', '.join(missing)} wording"] if missing else []) + \
        ([f"{', '.join(extra)} is not one of the languages"] if extra else [])
    return "; ".join(said) or None


def check_answers(form: Form, submitted: dict[str, list[str]], language: str,
                  ignored: tuple[str, ...] = ("_version",)) -> tuple[dict[str, str | int], dict[str, str]]:
    """What a web form posted, checked: (answers, errors by question key, "_form" for the whole form).

    When there is any error the answers are empty: nothing of the form is stored."""
    say = MESSAGES.get(language, MESSAGES["en"])
    answers: dict[str, str | int] = {}
    errors: dict[str, str] = {}
    keys = {q.key for q in form.questions}
    if forged := sorted(set(submitted) - keys - set(ignored)):
        errors["_form"] = say["forged"].format(names=_names(forged))
    for question in form.questions:
        values = submitted.get(question.key) or []
        if len(values) > 1:
            errors[question.key] = say["once"]
            continue
        value = values[0].replace("\r\n", "\n").strip() if values else ""
        if not value:
            if question.required:
                errors[question.key] = say["required"]
            continue
        answer, error = _check(question, value, say)
        if error:
            errors[question.key] = error
        else:
            answers[question.key] = answer
    return ({} if errors else answers), errors


def _check(question: Question, value: str, say: dict[str, str]) -> tuple[str | int | None, str | None]:
    """One non-blank value checked against its question: (answer, None) or (None, error)."""
    if question.kind == "agree5":
        return (int(value), None) if value in SCALE else (None, say["scale"])
    if question.kind == "yes_no":
        return (value, None) if value in YES_NO else (None, say["yes_no"])
    if question.kind == "choice":
        return (value, None) if question.option(value) else (None, say["choice"])
    if len(value) > question.max_length:
        return None, say["too_long"].format(limit=question.max_length, length=len(value))
    if text_problem(value, lines=True):
        at = next(i for i, char in enumerate(value) if text_problem(char, lines=True))
        return None, say["control"].format(code=f"U+{ord(value[at]):04X}", at=at + 1)
    return value, None


def _names(names: list[str], shown: int = 5) -> str:
    """Field names for a message: each cut to 40 characters, at most `shown` of them."""
    cut = [repr(n if len(n) <= 40 else n[:37] + "...") for n in names[:shown]]
    more = f" (+{len(names) - shown})" if len(names) > shown else ""
    return ", ".join(cut) + more


def score(form: Form, answers: dict[str, str | int]) -> float | None:
    """The average of the scored answers on 1-5 (agree5 as given, a choice's option score rescaled
    from its options' lowest..highest onto 1..5), or None when no scored question was answered.

    An answer the form no longer allows (an option since removed) is left out."""
    points = []
    for question in form.questions:
        value = answers.get(question.key)
        if question.kind == "agree5" and type(value) is int and 1 <= value <= 5:
            points.append(float(value))
        elif question.kind == "choice" and isinstance(value, str) and (option := question.option(value)):
            low, high = min(o.score for o in question.options), max(o.score for o in question.options)
            points.append(1 + 4 * (option.score - low) / (high - low))
    return sum(points) / len(points) if points else None


def agrees(value: int | None) -> bool:
    """Whether an agree5 answer agrees (4 or 5)."""
    return type(value) is int and value in (4, 5)
