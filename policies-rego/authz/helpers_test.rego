# Shared fixtures of the authz tests: subjects, cases and the two entrypoints under a fixed clock.
package invigilator.authz_test

import data.invigilator.authz

ef := "elms-farm"

sp := "st-peters"

# The demo trust's two more schools: trust-wide roles see them too.
oh := "oak-hill"

rv := "riverside"

# 2026-03-02T10:00:00Z: the clock every test runs at.
now := 1772445600000000000

who(role, schools) := {"id": sprintf("u-%s", [role]), "roles": [role], "schools": schools}

case_of(school, owner) := {
	"case_id": "c-1",
	"school_id": school,
	"owner": owner,
	"track": "triage",
	"status": "open",
	"clause": "NET-SOCIAL",
}

closed(resource) := object.union(resource, {"status": "closed"})

with_reveal(resource, reveal) := object.union(resource, {"reveal": reveal})

with_access(resource, access) := object.union(resource, {"content_access": access})

decide(subject, action, resource) := d if {
	d := authz.decision with input as {"subject": subject, "action": action, "resource": resource}
		with time.now_ns as now
}

allowed(subject, action, resource) if decide(subject, action, resource).allow

# Refused, yet the case itself may be shown: the API answers "forbidden".
forbidden(subject, action, resource) if {
	d := decide(subject, action, resource)
	not d.allow
	d.visible
}

# Refused and not shown at all: the API answers "not found", a list never holds it.
invisible(subject, action, resource) if {
	d := decide(subject, action, resource)
	not d.allow
	not d.visible
}

refused_for(subject, action, resource, reason) if {
	d := decide(subject, action, resource)
	not d.allow
	reason in d.reasons
}

scope_of(subject) := s if {
	s := authz.scope with input as {"subject": subject}
}
