# DSL: safeguarding cases of its own school.
package invigilator.authz_test

dsl := who("dsl", [sp])

test_dsl_works_safeguarding_cases_of_own_school if {
	every action in ["case.read", "breach.feed", "case.create", "case.transition", "evidence.read", "identity.reveal.request"] {
		allowed(dsl, action, case_of(sp, "dsl"))
	}
	allowed(dsl, "identity.read", with_reveal(case_of(sp, "dsl"), {"status": "approved"}))
	allowed(dsl, "content.access.request", with_access(case_of(sp, "dsl"), {"purpose": "crime"}))
}

test_the_safeguarding_track_is_the_dsls_whatever_the_owner if {
	allowed(dsl, "case.read", object.union(case_of(sp, "hr"), {"track": "safeguarding"}))
}

test_dsl_does_not_see_hr_cases_it_tickets_or_another_school if {
	invisible(dsl, "case.read", case_of(sp, "hr"))
	invisible(dsl, "case.read", case_of(sp, "it"))
	invisible(dsl, "case.read", case_of(ef, "dsl"))
}

test_dsl_does_not_approve_reveals if {
	refused_for(
		dsl, "identity.reveal.approve", with_reveal(case_of(sp, "dsl"), {"requested_by": "u-hr"}),
		"reveals and content access are approved by a Headteacher of st-peters",
	)
}

test_dsl_scope_is_own_school_safeguarding if {
	scope_of(dsl) == {
		"roles": ["dsl"],
		"visible_schools": [sp],
		"cases_by_school": {sp: ["dsl"]},
		"handles_by_school": {sp: ["dsl"]},
		"identity_schools": [sp],
		"approval_schools": [],
		"audit_schools": [],
	}
}
