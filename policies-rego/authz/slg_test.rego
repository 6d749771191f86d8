# School SLG: its own school's HR cases, read only, without detailed evidence or identities.
package invigilator.authz_test

slg := who("slg", [sp])

test_slg_reads_hr_cases_of_own_school if {
	allowed(slg, "case.read", case_of(sp, "hr"))
	allowed(slg, "breach.feed", case_of(sp, "hr"))
}

test_slg_does_not_act_on_cases_or_see_evidence if {
	every action in ["case.create", "case.transition", "evidence.read", "identity.reveal.request", "content.access.request"] {
		forbidden(slg, action, case_of(sp, "hr"))
	}
	forbidden(slg, "identity.read", with_reveal(case_of(sp, "hr"), {"status": "approved"}))
}

test_slg_sees_nothing_of_another_school_nor_it_or_safeguarding if {
	invisible(slg, "case.read", case_of(ef, "hr"))
	invisible(slg, "case.read", case_of(sp, "it"))
	invisible(slg, "case.read", case_of(sp, "dsl"))
}

test_slg_scope_is_own_school_hr_cases if {
	scope_of(slg) == {
		"roles": ["slg"],
		"visible_schools": [sp],
		"cases_by_school": {sp: ["hr"]},
		"handles_by_school": {},
		"identity_schools": [],
		"approval_schools": [],
		"audit_schools": [],
	}
}
