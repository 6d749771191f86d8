# What a subject may list: POST /v1/data/invigilator/authz/scope with input {"subject": {...}}.
# A list query filters with it, so another school's case is absent rather than refused:
#   WHERE (school_id, effective_owner) matches cases_by_school
#   effective_owner = CASE WHEN track = 'safeguarding' THEN 'dsl' ELSE owner END  (roles.rego, area)
# Every list is sorted; an empty list means nothing.
package invigilator.authz

# {school: [owners]} the subject may see cases of.
cases_by_school := {school: sort(owners) |
	some school in visible_schools_set
	owners := {owner |
		some role in subject_roles
		school in role_schools[role]
		some owner in roles[role].reads
	}
}

# {school: [owners]} whose cases the subject works on (transitions, detailed evidence).
handles_by_school := {school: sort(owners) |
	some role in subject_roles
	some school in role_schools[role]
	owners := {owner |
		some other in subject_roles
		school in role_schools[other]
		some owner in roles[other].handles
	}
	count(owners) > 0
}

visible_schools_set := {school |
	some role in subject_roles
	count(roles[role].reads) > 0
	some school in role_schools[role]
}

# Schools where the subject may ever see an identity (after an approved reveal) or content.
identity_schools := {school |
	some role in subject_roles
	roles[role].identities
	some school in role_schools[role]
}

approval_schools := {school |
	some role in (approvers & subject_roles)
	some school in role_schools[role]
}

audit_schools := {school |
	some role in (auditors & subject_roles)
	some school in role_schools[role]
}

scope := {
	"roles": sort(subject_roles),
	"visible_schools": sort(visible_schools_set),
	"cases_by_school": cases_by_school,
	"handles_by_school": handles_by_school,
	"identity_schools": sort(identity_schools),
	"approval_schools": sort(approval_schools),
	"audit_schools": sort(audit_schools),
}
