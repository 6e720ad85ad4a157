"""Evaluation figures: what the programme reports, computed from the links sent and the answers.

Per form: invited, answered, the response rate, and the response rate before any reminder and
after each reminder wave (an answer records how many reminders its link had had). Per question:
how many answered it, the share answering positively (agree5: 4 or 5; choice: an option scoring
above the middle of its options' scores, so good and excellent of poor..excellent; yes_no: yes),
the median (a 1-5 median may be a half point; a choice's is the lower middle option) and the
distribution. A value the form does not allow (an option since removed) is not counted; free text
is counted, never shown. Shares are rounded to three places; nothing to count gives None.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median, median_low

from domain.forms import SCALE, Forms, Question


@dataclass(frozen=True)
class Invitation:
    """One recipient's link: its form, the reminders it was sent, whether it was answered."""

    form: str
    reminders: int
    answered: bool


@dataclass(frozen=True)
class Answer:
    """One stored answer (it never says who): its form, its answers, the reminders its link had had."""

    form: str
    answers: dict
    after_reminders: int


def summarise(forms: Forms, invitations: Iterable[Invitation], answers: Iterable[Answer], *, waves: int) -> dict:
    """Figures per form (those with an invitation or an answer, in the forms file's order)."""
    invited: dict[str, list[Invitation]] = {}
    answered: dict[str, list[Answer]] = {}
    for invitation in invitations:
        invited.setdefault(invitation.form, []).append(invitation)
    for answer in answers:
        answered.setdefault(answer.form, []).append(answer)
    return {name: _form(form.questions, len(invited.get(name, [])), answered.get(name, []), waves)
            for name, form in forms.forms.items() if name in invited or name in answered}


def headline(summary: dict, form: str, question: str) -> float | None:
    """The positive share of one question of a summary, or None."""
    return summary.get(form, {}).get("questions", {}).get(question, {}).get("positive_share")


def _form(questions: list[Question], invited: int, answers: list[Answer], waves: int) -> dict:
    after = [min(a.after_reminders, waves) for a in answers]
    return {"invited": invited, "answered": len(answers), "response_rate": share(len(answers), invited),
            "response_rate_by_wave": [share(sum(1 for n in after if n <= wave), invited) for wave in range(waves + 1)],
            "questions": {q.key: _question(q, [a.answers.get(q.key) for a in answers]) for q in questions}}


def _question(question: Question, values: list) -> dict:
    if question.kind == "text":
        return {"kind": "text", "answered": sum(1 for v in values if isinstance(v, str) and v.strip())}
    if question.kind == "agree5":
        points = [v for v in values if type(v) is int and 1 <= v <= 5]
        return _figures("agree5", points, [str(p) for p in points], list(SCALE),
                        positive=sum(1 for p in points if p >= 4), middle=median(points) if points else None)
    if question.kind == "yes_no":
        said = [v for v in values if v in ("yes", "no")]
        return _figures("yes_no", said, said, ["yes", "no"], positive=said.count("yes"), middle=None)
    options = sorted(question.options, key=lambda o: o.score)
    order = {o.key: n for n, o in enumerate(options)}
    chosen = [v for v in values if isinstance(v, str) and v in order]
    middle = (options[0].score + options[-1].score) / 2
    return _figures("choice", chosen, chosen, [o.key for o in options],
                    positive=sum(1 for v in chosen if options[order[v]].score > middle),
                    middle=options[median_low([order[v] for v in chosen])].key if chosen else None)


def _figures(kind: str, counted: list, labels: list[str], scale: list[str], *, positive: int, middle) -> dict:
    return {"kind": kind, "answered": len(counted), "positive_share": share(positive, len(counted)),
            "median": middle, "distribution": {point: labels.count(point) for point in scale}}


def share(part: int, whole: int) -> float | None:
    """part / whole to three places; None when there is nothing to count."""
    return round(part / whole, 3) if whole else None
