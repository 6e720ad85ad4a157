from tests.helpers import PATHS, new_action_in


def test_every_state_is_reachable_through_legal_triggers(service):
    for state in PATHS:
        reference = new_action_in(service, state)
        assert service.get(reference).state == state
