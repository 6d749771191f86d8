"""Who hears about a case: the school's SLG, its DSL and Headteacher at once, or trust IT ops."""

from dataclasses import dataclass

from alerter.config import Role, TrustConfig
from alerter.domain.facts import CaseFacts

EMAIL = "email"


@dataclass(frozen=True, order=True)
class Destination:
    """One outbox row's target: an e-mail address, or a configured webhook by name."""

    channel: str  # "email", or the webhook's kind: "teams", "slack", "signed"
    address: str  # the mailbox, or the webhook's name (its URL and secret stay in configuration)


def roles_for(config: TrustConfig, facts: CaseFacts) -> tuple[Role, ...]:
    """owner it (or a school missing from the file: a configuration problem) → trust IT ops;
    owner dsl or severity critical → DSL and Headteacher; owner hr → the school's SLG."""
    if facts.owner == "it" or facts.school_id not in config.schools:
        return ("it_ops",)
    if facts.critical:
        return ("dsl", "headteacher")
    return ("slg",)


def mailboxes(config: TrustConfig, school_id: str, roles: tuple[Role, ...]) -> list[str]:
    school = config.schools.get(school_id)
    found: list[str] = []
    for role in roles:
        if role == "it_ops":
            found.extend(config.trust.it_ops)
        elif school is not None:
            found.extend(getattr(school, role))
    return list(dict.fromkeys(found))


def destinations(config: TrustConfig, school_id: str, roles: tuple[Role, ...]) -> list[Destination]:
    """Every mailbox of the roles, then every webhook (the school's and the trust's) subscribed to
    one of them; each once."""
    found = [Destination(EMAIL, address) for address in mailboxes(config, school_id, roles)]
    school = config.schools.get(school_id)
    hooks = [*(school.webhooks if school else []), *config.trust.webhooks]
    for hook in hooks:
        if set(hook.roles) & set(roles):
            found.append(Destination(hook.kind, hook.name))
    return list(dict.fromkeys(found))


def recipients(config: TrustConfig, facts: CaseFacts) -> list[str]:
    """The e-mail addresses an immediate alert for these facts goes to."""
    return mailboxes(config, facts.school_id, roles_for(config, facts))


def escalation_step(config: TrustConfig, school_id: str, level: int) -> list[Destination]:
    """The contacts of step `level` (0-based) of the school's ladder; empty past its end."""
    ladder = config.escalation(school_id).ladder
    if level >= len(ladder):
        return []
    return [Destination(EMAIL, address) for address in dict.fromkeys(ladder[level])]
