"""The vocabulary of the domain: kinds of requester, theme, channel, role and activity."""
from enum import StrEnum


class RequesterType(StrEnum):
    """Who may send a request. Before 2016 only the first two could."""

    national_authority = "national_authority"
    regional_organisation = "regional_organisation"
    local_authority = "local_authority"
    judiciary = "judiciary"
    parliament = "parliament"
    ombudsperson = "ombudsperson"
    civil_society = "civil_society"


class Theme(StrEnum):
    """The four GAMM pillars plus horizontal interventions."""

    legal_migration = "legal_migration"
    irregular_migration = "irregular_migration"
    international_protection = "international_protection"
    migration_development = "migration_development"
    horizontal = "horizontal"


class Channel(StrEnum):
    """How the request letter arrived."""

    post = "post"
    email = "email"
    fax = "fax"
    eu_delegation = "eu_delegation"


class Role(StrEnum):
    """What a team member may do; a person may hold several roles."""

    project_officer = "project_officer"
    junior_project_officer = "junior_project_officer"
    logistics_assistant = "logistics_assistant"
    programme_manager = "programme_manager"
    psg_member = "psg_member"
    knowledge_officer = "knowledge_officer"
    communications_officer = "communications_officer"
    admin = "admin"


class ActivityType(StrEnum):
    """Kinds of activity seen in MIEUX Actions."""

    assessment = "assessment"
    drafting_session = "drafting_session"
    fact_finding_mission = "fact_finding_mission"
    field_visit = "field_visit"
    information_session = "information_session"
    thematic_session = "thematic_session"
    meeting = "meeting"
    presentation = "presentation"
    remote_support = "remote_support"
    study_visit = "study_visit"
    workshop = "workshop"
    training = "training"
    training_of_trainers = "training_of_trainers"
    manual = "manual"
    legislation_support = "legislation_support"


class ActivityStatus(StrEnum):
    """Where a planned activity stands."""

    planned = "planned"
    delivered = "delivered"
    cancelled = "cancelled"


EU_MEMBER_STATES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)
"""ISO 3166-1 alpha-2 codes of the 27 EU Member States: they send experts, never requests."""

OPEN_REQUESTER_TYPES_SINCE = 2016
"""From this year on every requester type may ask; before it only national and regional bodies."""
