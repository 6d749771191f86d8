# One action on one resource: POST /v1/data/invigilator/authz/decision answers
# {"allow": bool, "visible": bool, "reasons": [...]}. `visible` says whether the resource may be
# shown at all: a refused action on a visible case is "forbidden", on an invisible one "not found".
package invigilator.authz

# Each action and the relation a role must have to the resource:
#   reads        the role sees the case's owner in the case's school
#   handles      the role works on that owner's cases in that school
#   investigates handles it, and the role may see identities and content
#   approves     investigates it, as an approver (the Headteacher)
#   audits       the audit log / subject access exports of the school (or of the trust when the
#                resource names no school)
#   spot_checks  the role may record a random spot check in the school (MON-SPOT-CHECK; who may:
#                `spot_checkers` in roles.rego)
actions := {
	"case.read": "reads",
	"breach.feed": "reads",
	"case.create": "handles",
	"case.transition": "handles",
	"evidence.read": "handles",
	"identity.reveal.request": "investigates",
	"identity.read": "investigates",
	"content.access.request": "investigates",
	"content.read": "investigates",
	"identity.reveal.approve": "approves",
	"content.access.approve": "approves",
	"audit.read": "audits",
	"sar.export": "audits",
	"spot_check.record": "spot_checks",
}

# Actions on what only an open case may show, and the monitoring limit that says so.
open_case_limits := {
	"evidence.read": "MON-INTERNET-ON-SUSPICION",
	"identity.reveal.request": "MON-NEED-TO-KNOW",
	"identity.reveal.approve": "MON-NEED-TO-KNOW",
	"identity.read": "MON-NEED-TO-KNOW",
	"content.access.request": "MON-CONTENT-EXCEPTIONAL",
	"content.access.approve": "MON-CONTENT-EXCEPTIONAL",
	"content.read": "MON-CONTENT-EXCEPTIONAL",
}

# The lawful purposes for which mail content may be opened (SP Emails—monitoring ¶5, after the
# Telecommunications (Lawful Business Practice) Regulations 2000).
lawful_purposes := {
	"business_relevance",
	"establish_facts",
	"regulatory_compliance",
	"standards",
	"unauthorised_use",
	"crime",
	"system_operation",
}

# The longest an approved content access may last (MON-CONTENT-EXCEPTIONAL: time-limited).
content_access_max_days := 30

# Approvals and the part of the resource holding the request they approve.
approval_requests := {"identity.reveal.approve": "reveal", "content.access.approve": "content_access"}

relation := actions[input.action]

# The roles through which the subject may act on the resource.
granted contains role if {
	relation in {"reads", "handles"}
	some role in subject_roles
	input.resource.school_id in role_schools[role]
	area in roles[role][relation]
}

granted contains role if {
	relation == "investigates"
	some role in subject_roles
	investigates(role)
}

granted contains role if {
	relation == "approves"
	some role in (approvers & subject_roles)
	investigates(role)
}

granted contains role if {
	relation == "audits"
	some role in (auditors & subject_roles)
	audit_scope(role)
}

granted contains role if {
	relation == "spot_checks"
	some role in subject_roles
	input.resource.school_id in role_schools[role]
	role in spot_checkers(input.resource.school_id)
}

# The live breach feed as a whole: any role that sees cases may subscribe; each breach it carries
# is then filtered by the scope.
granted contains role if {
	input.action == "breach.feed"
	not input.resource.school_id
	some role in subject_roles
	count(roles[role].reads) > 0
	count(role_schools[role]) > 0
}

investigates(role) if {
	roles[role].identities
	input.resource.school_id in role_schools[role]
	area in roles[role].handles
}

audit_scope(role) if input.resource.school_id in role_schools[role]

audit_scope(role) if {
	not input.resource.school_id
	roles[role].trust_wide
}

# Limits that hold whichever role grants the action.
unmet contains sprintf("%s: %s only inside an open case", [limit, input.action]) if {
	limit := open_case_limits[input.action]
	not input.resource.status == "open"
}

unmet contains "four eyes: the request must have been made by someone other than its approver" if {
	approval_requests[input.action]
	not requested_by_another
}

unmet contains "MON-CONTENT-EXCEPTIONAL: the request must name one of the lawful purposes" if {
	input.action in {"content.access.request", "content.access.approve"}
	not lawful_purpose
}

unmet contains msg if {
	input.action == "content.access.approve"
	not time_limited
	msg := sprintf(
		"MON-CONTENT-EXCEPTIONAL: the access must end in the future and within %d days (expires_at, RFC 3339)",
		[content_access_max_days],
	)
}

unmet contains "MON-CONTENT-EXCEPTIONAL: content is examined only by the grantee of an approved, unexpired access" if {
	input.action == "content.read"
	not live_access
}

unmet contains "MON-NEED-TO-KNOW: an identity is shown only after an approved reveal in this case" if {
	input.action == "identity.read"
	not input.resource.reveal.status == "approved"
}

# Conditions on the request are rules without arguments: `not f(input.missing)` is undefined, not
# true, in Rego, so a function given an absent field would let the limit pass.
requested_by_another if {
	request := input.resource[approval_requests[input.action]]
	is_string(request.requested_by)
	request.requested_by != ""
	request.requested_by != input.subject.id
}

lawful_purpose if input.resource.content_access.purpose in lawful_purposes

time_limited if {
	until := time.parse_rfc3339_ns(input.resource.content_access.expires_at)
	now := time.now_ns()
	until > now
	until <= time.add_date(now, 0, 0, content_access_max_days)
}

live_access if {
	access := input.resource.content_access
	access.status == "approved"
	access.grantee == input.subject.id
	time.parse_rfc3339_ns(access.expires_at) > time.now_ns()
}

default allow := false

allow if {
	count(granted) > 0
	count(unmet) == 0
}

# Whether the resource may be shown at all (see the package comment).
default visible := false

visible if allow

visible if {
	some role in subject_roles
	input.resource.school_id in role_schools[role]
	area in roles[role].reads
}

# A school the subject holds a role in is no secret to it: a refused spot check is "forbidden".
visible if {
	relation == "spot_checks"
	some role in subject_roles
	input.resource.school_id in role_schools[role]
}

target := sprintf("%s cases of %s", [area, input.resource.school_id]) if {
	not relation in {"audits", "spot_checks"}
} else := input.resource.school_id if {
	input.resource.school_id
} else := "the whole trust" if {
	relation == "audits"
} else := "the cases of its scope"

granted_reasons contains sprintf("%s may %s on %s", [role, input.action, target]) if {
	some role in granted
}

refusals contains sprintf("unknown action %q", [input.action]) if not relation

refusals contains "the subject has no id" if not valid_subject

refusals contains sprintf("no role of the subject grants %s on %s", [input.action, target]) if {
	relation
	valid_subject
	count(granted) == 0
}

refusals contains "MON-NEED-TO-KNOW: trust IT ops work on pseudonyms: never identities or content" if {
	relation in {"investigates", "approves"}
	"it_ops" in subject_roles
	count(granted) == 0
}

refusals contains sprintf("reveals and content access are approved by a Headteacher of %s", [input.resource.school_id]) if {
	relation == "approves"
	count(granted) == 0
}

refusals contains reason if some reason in unmet

reasons := sort(granted_reasons) if allow

else := sort(refusals)

decision := {"allow": allow, "visible": visible, "reasons": reasons}
