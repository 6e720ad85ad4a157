"""Matching on hand-built rosters where the right order is known; the reasons are the score."""
from datetime import date

import pytest

from domain.matching import Candidate, Engaged, Need, Weights, mixed, rank, team, words

NEED = Need(theme="legal_migration", words=words("Labour migration strategy", "Training on labour mobility"),
            languages=("en", "fr"), start=date(2027, 3, 1), end=date(2027, 3, 3))


def expert(key, *, category="eu_member_state_administration", themes=("legal_migration",), keywords=(),
           languages=None, available=(), unavailable=(), sex="woman", country="DE", engaged=()):
    return Candidate(key, f"Expert {key}", category, country, sex, tuple(themes), tuple(keywords),
                     languages or {"en": "C1", "fr": "C1"}, tuple(available), tuple(unavailable), tuple(engaged))


def test_the_peer_on_the_theme_ranks_first_then_the_academic_on_it_and_the_peer_off_it_tie():
    peer = expert("E1")
    academic = expert("E2", category="academia")
    off_theme = expert("E3", themes=("horizontal",))
    ranked = rank([off_theme, academic, peer], NEED, Weights())
    assert [m.candidate.key for m in ranked] == ["E1", "E2", "E3"]  # 40+30+10+10; 40+10 and 30+10+10, by name
    assert [m.score for m in ranked] == [90, 50, 50]


def test_every_score_is_the_sum_of_the_reasons_printed_for_it():
    ranked = rank([expert("E1", keywords=("labour mobility", "asylum", "strategy"))], NEED, Weights(keywords=7))
    [match] = ranked
    assert match.score == sum(points for points, _ in match.reasons) == 40 + 14 + 30 + 10 + 10
    assert (14, "keywords labour mobility, strategy") in match.reasons  # "asylum" is not in the Action's words


def test_an_expert_who_cannot_work_in_a_language_of_the_activity_is_excluded_with_why():
    [fits, lacking] = rank([expert("E1"), expert("E2", languages={"en": "C2", "fr": "B1"})], NEED, Weights())
    assert fits.excluded == [] and lacking.excluded == ["does not work in fr (B2 or better)"]
    assert lacking.reasons == []


def test_availability_excludes_who_is_away_or_not_there_for_the_whole_activity():
    away = expert("E1", unavailable=[(date(2027, 3, 3), date(2027, 3, 10))])
    partly = expert("E2", available=[(date(2027, 1, 1), date(2027, 3, 2))])
    whole = expert("E3", available=[(date(2027, 1, 1), date(2027, 3, 31))])
    ranked = rank([away, partly, whole], NEED, Weights())
    assert [(m.candidate.key, m.excluded) for m in ranked] == [
        ("E3", []), ("E1", ["unavailable during 2027-03-01..2027-03-03"]),
        ("E2", ["not available over 2027-03-01..2027-03-03"])]


def test_ties_are_broken_by_name_and_weights_change_the_order():
    a, b = expert("E1", category="academia"), expert("E2", themes=("horizontal",))
    assert [m.candidate.key for m in rank([a, b], NEED, Weights())] == ["E1", "E2"]  # 50 each: by name
    assert [m.candidate.key for m in rank([a, b], NEED, Weights(theme=10))] == ["E2", "E1"]


def test_the_proposed_team_is_counted_by_sex_category_and_country():
    shape = team(rank([expert("E1"), expert("E2", sex="man", country="NL"), expert("E3", category="academia")],
                      NEED, Weights()))
    assert shape == {"sex": {"woman": 2, "man": 1},
                     "category": {"eu_member_state_administration": 2, "academia": 1},
                     "country": {"DE": 2, "NL": 1}}


def test_weights_cannot_be_negative():
    with pytest.raises(ValueError):
        Weights(theme=-1)


def test_an_expert_on_another_activity_at_overlapping_dates_or_already_on_this_one_is_excluded():
    need = Need(theme="legal_migration", words=frozenset(), start=date(2027, 2, 1), end=date(2027, 2, 3),
                activity="2026-07/3")
    busy = expert("E1", engaged=(Engaged("2026-05/1", "contract_signed", date(2027, 2, 3), date(2027, 2, 5)),))
    later = expert("E2", engaged=(Engaged("2026-05/2", "invited", date(2027, 2, 4), date(2027, 2, 6)),))
    here = expert("E3", engaged=(Engaged("2026-07/3", "invited", date(2027, 2, 1), date(2027, 2, 3)),))
    [free, *excluded] = rank([busy, later, here], need, Weights())
    assert free.candidate.key == "E2"
    assert [(m.candidate.key, m.excluded) for m in excluded] == [
        ("E1", ["on 2026-05/1 from 2027-02-03 to 2027-02-05: cannot be in two places"]),
        ("E3", ["already on this activity (invited)"])]


def test_experts_deployed_often_in_the_last_months_rank_lower_by_the_points_the_reason_gives():
    need = Need(theme="legal_migration", words=frozenset(), start=date(2027, 3, 1), end=date(2027, 3, 3))
    deployed = tuple(Engaged(f"2026-0{n}/1", "completed", date(2026, n, 10), date(2026, n, 12)) for n in (1, 4, 7))
    old = (Engaged("2024-02/1", "completed", date(2025, 2, 27), date(2025, 2, 28)),)  # just over 24 months before
    often, once, fresh = (expert("E1", engaged=deployed), expert("E2", engaged=deployed[:1] + old),
                          expert("E3", engaged=old))
    ranked = rank([often, once, fresh], need, Weights(fair_spread=7))
    assert [m.candidate.key for m in ranked] == ["E3", "E2", "E1"]
    assert (-21.0, "deployed 3 times in the last 24 months") in ranked[2].reasons
    assert (-7.0, "deployed once in the last 24 months") in ranked[1].reasons
    assert not [r for r in ranked[0].reasons if "deployed" in r[1]]  # not since February 2025
    assert ranked[1].score == sum(points for points, _ in ranked[1].reasons)


def test_a_triangular_action_favours_non_eu_administrations_and_the_team_says_whether_it_mixes():
    southern = expert("E1", category="non_eu_administration", country="MA")
    member = expert("E2")
    plain = rank([southern, member], NEED, Weights())
    assert [m.candidate.key for m in plain] == ["E2", "E1"]  # a Member State administration first
    triangular = Need(**{**vars(NEED), "triangular": True})
    ranked = rank([southern, member], triangular, Weights(triangular=20))
    assert [m.candidate.key for m in ranked] == ["E1", "E2"]
    assert (20, "a non-EU administration (MA): triangular cooperation") in ranked[0].reasons
    assert mixed(ranked) and not mixed(ranked[:1])
