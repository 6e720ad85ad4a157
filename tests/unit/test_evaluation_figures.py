"""Evaluation figures against cases computed by hand: nothing to count, one answer, ties at the
scale's boundaries, response rates after each reminder wave, values the form does not allow."""
import pytest
from pydantic import ValidationError

from domain.figures import Answer, Invitation, headline, summarise
from mieux.cli.evaluation import render_summary
from tests.unit.test_forms import FORMS

BASE = {"relevance": 5, "skills_enhanced": 4, "difference": 5, "experts_quality": 5, "organisation": 4}


def participants(*skills, after=None, invited=None) -> dict:
    after = after or [0] * len(skills)
    answers = [Answer("participant", {**BASE, "skills_enhanced": s}, n) for s, n in zip(skills, after)]
    links = [Invitation("participant", 0, n < len(skills)) for n in range(invited or len(skills))]
    return summarise(FORMS, links, answers, waves=2)["participant"]


def test_no_invitations_and_no_answers_give_nothing_and_a_form_nobody_answered_gives_none():
    assert summarise(FORMS, [], [], waves=2) == {}
    silent = summarise(FORMS, [Invitation("expert", 2, False)] * 3, [], waves=2)
    assert list(silent) == ["expert"]
    expert = silent["expert"]
    assert (expert["invited"], expert["answered"], expert["response_rate"]) == (3, 0, 0.0)
    assert expert["response_rate_by_wave"] == [0.0, 0.0, 0.0]
    assert expert["questions"]["peer_to_peer"] == {"kind": "agree5", "answered": 0, "positive_share": None,
                                                  "median": None, "distribution": dict.fromkeys("12345", 0)}
    assert headline(silent, "expert", "peer_to_peer") is None and headline(silent, "partner", "experience") is None


def test_one_answer():
    one = participants(4)
    assert (one["invited"], one["answered"], one["response_rate"]) == (1, 1, 1.0)
    assert one["questions"]["skills_enhanced"] == {"kind": "agree5", "answered": 1, "positive_share": 1.0,
                                                   "median": 4, "distribution": {"1": 0, "2": 0, "3": 0, "4": 1,
                                                                                 "5": 0}}


@pytest.mark.parametrize("skills, share, middle", [
    ((3, 4), 0.5, 3.5),  # 3 does not agree, 4 does; the median falls between them
    ((3, 3, 3), 0.0, 3),  # neither agreeing nor disagreeing is not agreeing
    ((4, 4), 1.0, 4),
    ((1, 5), 0.5, 3),
    ((2, 4, 4), 0.667, 4),  # 2 of 3, rounded to three places
    ((3, 4, 4, 5, 1, 2), 0.5, 3.5),  # 4, 4, 5 of six; sorted 1 2 3 4 4 5: (3 + 4) / 2
])
def test_the_agreement_share_and_median_at_the_boundaries(skills, share, middle):
    question = participants(*skills)["questions"]["skills_enhanced"]
    assert (question["positive_share"], question["median"]) == (share, middle)


@pytest.mark.parametrize("ratings, share, middle", [
    (("fair", "good"), 0.5, "fair"),  # poor 1, fair 2, good 3, excellent 4: the middle is 2.5
    (("good", "excellent", "excellent"), 1.0, "excellent"),
    (("poor", "fair"), 0.0, "poor"),
    (("poor", "excellent", "good", "fair"), 0.5, "fair"),  # the lower of the two middle options
])
def test_a_choice_counts_the_options_above_the_middle_of_its_scores(ratings, share, middle):
    answers = [Answer("partner", {"experience": r, "relevance": 4, "ownership": 4, "sustainability": 4}, 0)
               for r in ratings]
    experience = summarise(FORMS, [], answers, waves=2)["partner"]["questions"]["experience"]
    assert (experience["positive_share"], experience["median"]) == (share, middle)
    assert list(experience["distribution"]) == ["poor", "fair", "good", "excellent"]


def test_the_response_rate_after_each_reminder_wave_is_cumulative():
    """Five invited: answers after 0, 1, 1 and 3 reminders (more than the policy's two count in the last)."""
    figures = participants(4, 4, 4, 4, after=[0, 1, 1, 3], invited=5)
    assert figures["response_rate_by_wave"] == [0.2, 0.6, 0.8]  # 1/5, 3/5, 4/5
    assert figures["response_rate"] == 0.8


def test_values_the_form_does_not_allow_are_not_counted_and_text_is_counted_but_never_shown():
    answers = [Answer("participant", {**BASE, "skills_enhanced": 6, "comments": "Très utile"}, 0),
               Answer("participant", {**BASE, "skills_enhanced": True, "comments": "   "}, 0),
               Answer("participant", {**BASE, "skills_enhanced": "4"}, 0),
               Answer("partner", {"experience": "superb"}, 0),
               Answer("no_such_form", {"x": 1}, 0)]
    figures = summarise(FORMS, [], answers, waves=2)
    assert figures["participant"]["questions"]["skills_enhanced"]["answered"] == 0
    assert figures["participant"]["questions"]["relevance"]["answered"] == 3
    assert figures["participant"]["questions"]["comments"] == {"kind": "text", "answered": 1}
    assert "Très utile" not in str(figures)
    assert figures["partner"]["questions"]["experience"]["answered"] == 0 and "no_such_form" not in figures


def test_yes_no_counts_the_yes():
    answers = [Answer("partner_follow_up", {"what_changed": "x", "adopted_policy": v, "adopted_law": "no",
                                            "adopted_procedure": "yes"}, 0) for v in ("yes", "no", "yes")]
    question = summarise(FORMS, [], answers, waves=2)["partner_follow_up"]["questions"]["adopted_policy"]
    assert question == {"kind": "yes_no", "answered": 3, "positive_share": 0.667, "median": None,
                        "distribution": {"yes": 2, "no": 1}}


def test_the_headlines_of_the_forms_file_name_questions_with_countable_answers():
    assert FORMS.headlines["partners_good_or_excellent_share"] == "partner.experience"
    with pytest.raises(ValidationError, match="headlines.x: participant.comments is not a question"):
        FORMS.model_validate({**FORMS.model_dump(exclude_unset=True), "headlines": {"x": "participant.comments"}})
    with pytest.raises(ValidationError, match="headlines.y: nope.relevance"):
        FORMS.model_validate({**FORMS.model_dump(exclude_unset=True), "headlines": {"y": "nope.relevance"}})


def test_the_summary_reads_as_text_with_shares_as_percentages():
    forms = summarise(FORMS, [Invitation("participant", 1, True), Invitation("participant", 2, False)],
                      [Answer("participant", BASE, 1)], waves=2)
    text = render_summary({"action": "2026-07", "name": "Ghana II", "overall": forms, "collections": [
        {"collection": "2026-07/3/C", "evaluates": "Evaluation of Workshop", "state": "open",
         "forms_sent_on": "2026-03-02", "closes_on": "2026-03-23", "reminders_sent": 1, "forms": forms}]})
    assert "2026-07/3/C Evaluation of Workshop: open; forms sent 2026-03-02; closes 2026-03-23; reminders sent 1" \
        in text
    assert "participant form: 1 of 2 answered (50%; 0% before any reminder, 50% after 1 reminder, " \
           "50% after 2 reminders)" in text
    assert "skills_enhanced" in text and "100%" in text
    empty = render_summary({"action": "2026-08", "name": "Togo", "overall": {}, "collections": []})
    assert "no evaluation yet" in empty
