# Headteacher: every case of its own school; approves identity reveals and content access.
package invigilator.authz_test

head := who("headteacher", [ef])

access_request := {"purpose": "crime", "requested_by": "u-hr", "expires_at": "2026-03-16T10:00:00Z"}

test_headteacher_sees_every_case_of_own_school if {
	every owner in ["hr", "it", "dsl"] {
		allowed(head, "case.read", case_of(ef, owner))
	}
}

test_headteacher_works_hr_and_safeguarding_cases_not_it_tickets if {
	every owner in ["hr", "dsl"] {
		every action in ["case.transition", "evidence.read", "identity.reveal.request"] {
			allowed(head, action, case_of(ef, owner))
		}
	}
	forbidden(head, "case.transition", case_of(ef, "it"))
	forbidden(head, "identity.reveal.request", case_of(ef, "it"))
}

test_another_school_is_invisible_to_a_headteacher if {
	every owner in ["hr", "it", "dsl"] {
		invisible(head, "case.read", case_of(sp, owner))
	}
	invisible(head, "identity.reveal.approve", with_reveal(case_of(sp, "hr"), {"requested_by": "u-hr"}))
}

test_headteacher_approves_a_reveal_someone_else_requested if {
	allowed(head, "identity.reveal.approve", with_reveal(case_of(ef, "hr"), {"requested_by": "u-hr"}))
	allowed(head, "identity.reveal.approve", with_reveal(case_of(ef, "dsl"), {"requested_by": "u-dsl"}))
}

test_headteacher_does_not_approve_own_request if {
	four_eyes := "four eyes: the request must have been made by someone other than its approver"
	refused_for(head, "identity.reveal.approve", with_reveal(case_of(ef, "hr"), {"requested_by": "u-headteacher"}), four_eyes)
	refused_for(head, "identity.reveal.approve", with_reveal(case_of(ef, "hr"), {"requested_by": ""}), four_eyes)
	refused_for(head, "identity.reveal.approve", case_of(ef, "hr"), four_eyes)
	own := object.union(access_request, {"requested_by": "u-headteacher"})
	refused_for(head, "content.access.approve", with_access(case_of(ef, "hr"), own), four_eyes)
}

test_reveal_is_approved_only_in_an_open_case if {
	refused_for(
		head, "identity.reveal.approve", closed(with_reveal(case_of(ef, "hr"), {"requested_by": "u-hr"})),
		"MON-NEED-TO-KNOW: identity.reveal.approve only inside an open case",
	)
}

test_no_reveal_in_an_it_ticket if {
	forbidden(head, "identity.reveal.approve", with_reveal(case_of(ef, "it"), {"requested_by": "u-hr"}))
}

test_headteacher_approves_time_limited_content_access_for_a_lawful_purpose if {
	allowed(head, "content.access.approve", with_access(case_of(ef, "hr"), access_request))
	not allowed(head, "content.read", with_access(case_of(ef, "hr"), access_request))
	allowed(head, "content.access.approve", with_access(case_of(ef, "hr"), object.union(access_request, {"expires_at": "2026-04-01T10:00:00Z"})))
}

test_content_access_must_be_time_limited if {
	limit := "MON-CONTENT-EXCEPTIONAL: the access must end in the future and within 30 days (expires_at, RFC 3339)"
	every expires_at in ["2026-04-01T10:00:01Z", "2026-03-02T09:00:00Z", "next week"] {
		request := object.union(access_request, {"expires_at": expires_at})
		refused_for(head, "content.access.approve", with_access(case_of(ef, "hr"), request), limit)
	}
	refused_for(head, "content.access.approve", with_access(case_of(ef, "hr"), object.remove(access_request, ["expires_at"])), limit)
}

test_content_access_needs_a_lawful_purpose if {
	request := object.union(access_request, {"purpose": "general interest"})
	refused_for(
		head, "content.access.approve", with_access(case_of(ef, "hr"), request),
		"MON-CONTENT-EXCEPTIONAL: the request must name one of the lawful purposes",
	)
}

test_headteacher_has_no_audit_or_subject_access if {
	not allowed(head, "audit.read", {"school_id": ef})
	not allowed(head, "sar.export", {"school_id": ef})
}

test_headteacher_scope_is_own_school if {
	scope_of(head) == {
		"roles": ["headteacher"],
		"visible_schools": [ef],
		"cases_by_school": {ef: ["dsl", "hr", "it"]},
		"handles_by_school": {ef: ["dsl", "hr"]},
		"identity_schools": [ef],
		"approval_schools": [ef],
		"audit_schools": [],
	}
}
