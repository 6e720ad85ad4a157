"""The evaluation forms file (config/forms.yaml) and the check of what a web form posted."""
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pydantic import ValidationError

from config.files import load_model
from domain.errors import ConfigError
from domain.forms import Forms, Question, agrees, check_answers, score

FILE = Path(__file__).resolve().parents[2] / "config" / "forms.yaml"
FORMS = load_model(FILE, Forms, what="the forms file", error=ConfigError)
PARTICIPANT, PARTNER = FORMS.forms["participant"], FORMS.forms["partner"]
WORDS = {"en": "x", "fr": "x", "es": "x"}
FULL = {"relevance": ["5"], "skills_enhanced": ["4"], "difference": ["3"], "experts_quality": ["2"],
        "organisation": ["1"], "comments": ["Very useful.\r\nThank you"], "_version": ["1"]}


def posted(language: str = "en", form=PARTICIPANT, **changes):
    """check_answers on a full participant answer with these fields changed (None: not sent)."""
    fields = {k: v for k, v in {**FULL, **changes}.items() if v is not None}
    return check_answers(form, fields, language)


def test_the_shipped_file_has_the_four_forms_with_every_wording_in_english_french_and_spanish():
    assert list(FORMS.forms) == ["participant", "expert", "partner", "partner_follow_up"]
    assert FORMS.languages == ["en", "fr", "es"] and FORMS.default_language == "en" and FORMS.low_score == 2
    for form in FORMS.forms.values():
        assert set(form.title) == set(form.intro) == {"en", "fr", "es"}
        for question in form.questions:
            assert set(question.text) == {"en", "fr", "es"}, question.key
            for language in FORMS.languages:
                assert all(label for _, label in FORMS.choices(question, language))
    assert [q.key for q in FORMS.forms["partner_follow_up"].questions] == [
        "what_changed", "adopted_policy", "adopted_law", "adopted_procedure", "comments"]
    assert FORMS.choices(PARTNER.questions[0], "fr")[-1] == ("excellent", "Excellente")
    assert FORMS.choices(FORMS.forms["partner_follow_up"].questions[1], "es") == [("yes", "Sí"), ("no", "No")]


def test_text_questions_are_optional_unless_the_file_requires_them_and_scales_are_required():
    follow_up = {q.key: q.required for q in FORMS.forms["partner_follow_up"].questions}
    assert follow_up == {"what_changed": True, "adopted_policy": True, "adopted_law": True,
                         "adopted_procedure": True, "comments": False}
    assert all(q.required for q in PARTICIPANT.questions if q.kind == "agree5")


def test_a_file_missing_a_french_wording_is_refused_naming_form_question_and_language(tmp_path):
    wrong = tmp_path / "forms.yaml"
    wrong.write_text(FILE.read_text(encoding="utf-8").replace(
        "          fr: Les experts étaient de grande qualité\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match="form participant, question experts_quality: no fr wording"):
        load_model(wrong, Forms, what="the forms file", error=ConfigError)


def options(*keys: str) -> tuple[str, str]:
    """The experience question's options cut down to these."""
    shipped = [line for line in FILE.read_text(encoding="utf-8").split("\n") if line.strip().startswith("- {key:")]
    return "\n".join(shipped), "\n".join(line for line in shipped if any(f"key: {k}," in line for k in keys))


@pytest.mark.parametrize("change,message", [
    (("- key: logistics", "- key: team_support"), "questions team_support listed twice"),
    (("- key: logistics", "- key: Logistics"), "key: String should match pattern"),
    (("kind: yes_no", "kind: multi"), "kind: Input should be"),
    (options("good"), "question experience: a choice needs at least 2 options"),
    (('"no": {en: "No", fr: "Non", es: "No"}', "no: {en: No, fr: Non, es: No}"), "scales.no: Field required"),
    (("es: La logística funcionó bien", "de: Die Logistik hat gut funktioniert"),
     "form expert, question logistics: no es wording; de is not one of the languages"),
    (("default_language: en", "default_language: pt"), "default_language pt is not one of the languages"),
])
def test_a_wrong_forms_file_is_refused_naming_the_place(tmp_path, change, message):
    wrong = tmp_path / "forms.yaml"
    wrong.write_text(FILE.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_model(wrong, Forms, what="the forms file", error=ConfigError)


@pytest.mark.parametrize("question,message", [
    ({"kind": "choice", "options": [{"key": k, "score": 1, "label": WORDS} for k in "ab"]},
     "question q: the options' scores must not all be equal"),
    ({"kind": "agree5", "options": [{"key": "a", "score": 1, "label": WORDS}]},
     "question q: only a choice question has options"),
    ({"kind": "yes_no", "max_length": 10}, "question q: only a text question has a max_length"),
])
def test_a_question_is_refused_when_what_it_has_does_not_fit_its_kind(question, message):
    with pytest.raises(ValidationError, match=message):
        Question.model_validate({"key": "q", "text": WORDS, **question})


@pytest.mark.parametrize("working,language", [
    (["fr", "en"], "fr"), (["ES"], "es"), (["pt", "es"], "es"), (["pt"], "en"), ([], "en"), (None, "en"),
])
def test_a_form_is_shown_in_the_first_working_language_of_the_activity_it_has_else_in_english(working, language):
    assert FORMS.language_for(working) == language


def test_a_full_participant_answer_is_stored_with_scale_points_as_numbers_and_the_comment_as_text():
    answers, errors = posted()
    assert errors == {}
    assert answers == {"relevance": 5, "skills_enhanced": 4, "difference": 3, "experts_quality": 2,
                       "organisation": 1, "comments": "Very useful.\nThank you"}


def test_what_a_browser_posts_through_parse_qs_is_checked_the_same_way():
    body = "relevance=5&skills_enhanced=5&difference=4&experts_quality=4&organisation=5&comments=&_version=3"
    answers, errors = check_answers(PARTICIPANT, parse_qs(body, keep_blank_values=True), "en")
    assert errors == {} and answers["organisation"] == 5 and "comments" not in answers


def test_a_missing_or_blank_required_answer_is_refused_next_to_its_question():
    answers, errors = posted(relevance=None, organisation=["  "])
    assert errors == {"relevance": "this question needs an answer", "organisation": "this question needs an answer"}
    assert answers == {}


@pytest.mark.parametrize("value", ["6", "0", "abc", "4.5", "-1", "05"])
def test_a_value_outside_the_scale_is_refused_next_to_its_question(value):
    answers, errors = posted(difference=[value])
    assert errors == {"difference": "choose a point of the scale from 1 to 5"} and answers == {}


def test_a_choice_not_among_the_options_is_refused_and_an_option_is_stored_by_its_key():
    fields = {"relevance": ["4"], "ownership": ["4"], "sustainability": ["3"]}
    answers, errors = check_answers(PARTNER, {**fields, "experience": ["superb"]}, "en")
    assert errors == {"experience": "choose one of the options offered"}
    answers, errors = check_answers(PARTNER, {**fields, "experience": ["good"]}, "en")
    assert errors == {} and answers["experience"] == "good"


def test_a_yes_no_question_takes_only_yes_or_no():
    form = FORMS.forms["partner_follow_up"]
    fields = {"what_changed": ["A new law"], "adopted_policy": ["yes"], "adopted_law": ["no"]}
    answers, errors = check_answers(form, {**fields, "adopted_procedure": ["true"]}, "en")
    assert errors == {"adopted_procedure": "answer yes or no"}
    answers, errors = check_answers(form, {**fields, "adopted_procedure": ["no"]}, "en")
    assert errors == {} and answers == {"what_changed": "A new law", "adopted_policy": "yes", "adopted_law": "no",
                                        "adopted_procedure": "no"}


def test_a_forged_extra_field_refuses_the_whole_form_naming_the_field():
    answers, errors = posted(is_admin=["1"])
    assert answers == {}
    assert errors == {"_form": "the form was sent with fields it does not have: 'is_admin'"}


def test_a_field_sent_twice_is_refused_next_to_its_question():
    answers, errors = posted(relevance=["5", "1"])
    assert errors == {"relevance": "answer once"} and answers == {}


def test_an_oversized_comment_is_refused_saying_the_limit_and_the_length_given():
    answers, errors = posted(comments=["x" * 2001])
    assert errors == {"comments": "at most 2000 characters, please (2001 given)"} and answers == {}
    assert posted(comments=["x" * 2000])[1] == {}


@pytest.mark.parametrize("comment,message", [
    ("ok\x00no", "remove the control character U+0000 at position 3: it cannot be stored"),
    ("line\n\x1bend", "remove the control character U+001B at position 6: it cannot be stored"),
])
def test_a_nul_or_control_character_in_a_comment_is_refused_by_position(comment, message):
    answers, errors = posted(comments=[comment])
    assert errors == {"comments": message} and answers == {}


def test_a_comment_may_span_lines_and_hold_tabs():
    assert posted(comments=["one\n\ttwo\r\nthree"])[0]["comments"] == "one\n\ttwo\nthree"


def test_a_blank_optional_comment_is_stored_as_absent():
    for blank in (["   \r\n "], [""], None):
        answers, errors = posted(comments=blank)
        assert errors == {} and "comments" not in answers


def test_error_messages_come_in_the_language_asked_for():
    _, errors = posted("fr", relevance=None, difference=["9"], comments=["x" * 2001], forged=["x"])
    assert errors == {"relevance": "cette question demande une réponse",
                      "difference": "choisissez un point de l'échelle de 1 à 5",
                      "comments": "2000 caractères au plus, s'il vous plaît (2001 saisis)",
                      "_form": "le formulaire a été envoyé avec des champs qu'il n'a pas : 'forged'"}
    assert posted("es", relevance=["1", "2"])[1] == {"relevance": "responda una sola vez"}
    assert posted("pt", relevance=None)[1] == {"relevance": "this question needs an answer"}


def test_the_score_averages_the_scale_answers():
    assert score(PARTICIPANT, {k: 5 for k in FULL if k not in ("comments", "_version")}) == 5.0
    assert score(PARTICIPANT, {"relevance": 5, "skills_enhanced": 4, "difference": 3, "experts_quality": 2,
                               "organisation": 1, "comments": "fine"}) == 3.0
    assert score(PARTICIPANT, {"relevance": 2, "organisation": 1}) == 1.5  # only what was answered counts
    assert score(PARTICIPANT, {"comments": "no scale answered"}) is None
    assert score(PARTICIPANT, {}) is None


def test_a_choice_counts_in_the_score_rescaled_from_its_options_onto_one_to_five():
    assert score(PARTNER, {"experience": "excellent"}) == 5.0
    assert score(PARTNER, {"experience": "poor"}) == 1.0
    assert score(PARTNER, {"experience": "fair"}) == pytest.approx(1 + 4 / 3)
    assert score(PARTNER, {"experience": "good", "relevance": 4, "ownership": 1}) == pytest.approx((1 + 8 / 3 + 5) / 3)
    assert score(PARTNER, {"experience": "removed_option", "relevance": 2}) == 2.0
    assert score(FORMS.forms["partner_follow_up"], {"adopted_law": "yes", "what_changed": "x"}) is None


def test_a_form_at_or_below_the_low_score_is_what_alerts_the_project_officer():
    low = score(PARTICIPANT, {"relevance": 2, "skills_enhanced": 2, "difference": 2, "experts_quality": 2,
                              "organisation": 2})
    assert low <= FORMS.low_score < score(PARTICIPANT, {"relevance": 3})


def test_agreeing_is_a_four_or_a_five():
    assert [agrees(v) for v in (1, 2, 3, 4, 5, None, "5")] == [False, False, False, True, True, False, False]
