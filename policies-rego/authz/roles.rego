# METADATA
# title: Who may see and do what in the case service
# description: >-
#   Roles and scopes of the case service, decided by OPA. Two entrypoints:
#   data.invigilator.authz.decision ({allow, visible, reasons} for one action on one resource) and
#   data.invigilator.authz.scope (what a subject may list, so list queries filter rather than refuse).
#   Input: {"subject": {"id", "roles", "schools"}, "action": "case.read", "resource": {"school_id",
#   "owner", "track", "status", "reveal": {...}, "content_access": {...}}}.
# custom:
#   limits:
#     - MON-NEED-TO-KNOW
#     - MON-INTERNET-ON-SUSPICION
#     - MON-CONTENT-EXCEPTIONAL
package invigilator.authz

# The roles a token may carry: the case service maps the identity provider's role and group values
# onto these names (CASE_SERVICE_AUTH_* settings).
#   trust_wide  every school of the trust; otherwise only the schools of the subject's `schools`
#   reads       owners of the cases the role may see (a case's owner: hr, it or dsl)
#   handles     owners of the cases the role works on: transitions, detailed evidence, reveal and
#               content requests
#   identities  may ever see who a pseudonym is (after an approved reveal) or examine content
# Need-to-know (MON-NEED-TO-KNOW): IT ops see IT tickets of every school but never an identity; the
# SLG sees its school's HR cases without their evidence; the DSL sees safeguarding cases only; the
# DPO sees no case, only the audit log and subject access exports.
roles := {
	"it_ops": {"trust_wide": true, "reads": {"it"}, "handles": {"it"}, "identities": false},
	"hr": {"trust_wide": false, "reads": {"hr"}, "handles": {"hr"}, "identities": true},
	"slg": {"trust_wide": false, "reads": {"hr"}, "handles": set(), "identities": false},
	"headteacher": {"trust_wide": false, "reads": {"hr", "it", "dsl"}, "handles": {"hr", "dsl"}, "identities": true},
	"dsl": {"trust_wide": false, "reads": {"dsl"}, "handles": {"dsl"}, "identities": true},
	"dpo": {"trust_wide": true, "reads": set(), "handles": set(), "identities": false},
}

# Identity reveals and exceptional content access are approved by the school's Headteacher only
# (MON-NEED-TO-KNOW, MON-CONTENT-EXCEPTIONAL).
approvers := {"headteacher"}

# The audit log and subject access request exports belong to the Data Protection Officer.
auditors := {"dpo"}

# Random spot checks (MON-SPOT-CHECK: allowed, each one recorded) are done by whom the school's
# policy names. Both policies name the Senior Leadership Group (SP "Emails—monitoring" ¶4 and
# Systems use ¶: "The Senior Leadership Group may do spot checks"; EF 1.4); the Headteacher leads
# the SLG, so `slg` and `headteacher` of the school may record one. EF 1.4 adds "and/or IT
# Technician": in the schools that adopted EF's policy the trust's IT ops (the technicians) may
# too. HR case workers, the DSL and the DPO are named by neither: they work on cases and on the
# audit log (the DPO reads the spot checks through audit.read), not on checks of compliance.
spot_checkers_everywhere := {"slg", "headteacher"}

# The policy documents (policies-rego/data/schools/<id>/data.json `document.source`) naming the IT
# Technician among those who may spot check: Elms Farm's (EF 1.4).
it_technician_spot_check_documents := {"001_cf1eec84539c040f.txt"}

spot_checkers(school) := spot_checkers_everywhere | {"it_ops"} if {
	data.data.schools[school].document.source in it_technician_spot_check_documents
} else := spot_checkers_everywhere

# Every school the trust has configured (policies-rego/data/schools/<id>/).
trust_schools := {school | some school, _ in data.data.schools}

valid_subject if {
	is_string(input.subject.id)
	input.subject.id != ""
}

# The subject's known roles; unknown role names grant nothing.
subject_roles := {role |
	valid_subject
	some role in input.subject.roles
	roles[role]
}

claimed_schools := {school | some school in input.subject.schools}

# The schools in which the subject holds each of its roles. A claimed school the trust does not
# configure grants nothing.
role_schools[role] := trust_schools if {
	some role in subject_roles
	roles[role].trust_wide
}

role_schools[role] := trust_schools & claimed_schools if {
	some role in subject_roles
	not roles[role].trust_wide
}

# The owner that decides who sees a case: the safeguarding track is the DSL's whatever owner the
# case still records (a list query filters on the same expression, see scope.rego).
area := "dsl" if {
	input.resource.track == "safeguarding"
} else := input.resource.owner
