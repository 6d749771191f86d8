# HR case worker: the HR cases of the schools assigned in the token's `schools` claim.
package invigilator.authz_test

hr := who("hr", [ef])

test_hr_works_hr_cases_of_assigned_schools if {
	every action in ["case.read", "breach.feed", "case.create", "case.transition", "evidence.read", "identity.reveal.request"] {
		allowed(hr, action, case_of(ef, "hr"))
	}
}

test_hr_case_of_another_school_is_invisible if {
	every action in ["case.read", "case.transition", "evidence.read", "identity.reveal.request"] {
		invisible(hr, action, case_of(sp, "hr"))
	}
	refused_for(hr, "case.read", case_of(sp, "hr"), "no role of the subject grants case.read on hr cases of st-peters")
}

test_hr_does_not_see_it_tickets_or_safeguarding if {
	invisible(hr, "case.read", case_of(ef, "it"))
	invisible(hr, "case.read", case_of(ef, "dsl"))
	invisible(hr, "case.read", object.union(case_of(ef, "hr"), {"track": "safeguarding"}))
}

test_hr_sees_evidence_only_in_an_open_case if {
	forbidden(hr, "evidence.read", closed(case_of(ef, "hr")))
	forbidden(hr, "evidence.read", object.remove(case_of(ef, "hr"), ["status"]))
	allowed(hr, "case.read", closed(case_of(ef, "hr")))
}

test_hr_requests_but_does_not_approve_a_reveal if {
	refused_for(
		hr, "identity.reveal.approve", with_reveal(case_of(ef, "hr"), {"requested_by": "u-other"}),
		"reveals and content access are approved by a Headteacher of elms-farm",
	)
	forbidden(hr, "identity.reveal.request", closed(case_of(ef, "hr")))
}

test_hr_sees_an_identity_only_after_an_approved_reveal if {
	open := case_of(ef, "hr")
	allowed(hr, "identity.read", with_reveal(open, {"status": "approved", "requested_by": "u-hr"}))
	reason := "MON-NEED-TO-KNOW: an identity is shown only after an approved reveal in this case"
	refused_for(hr, "identity.read", with_reveal(open, {"status": "requested"}), reason)
	refused_for(hr, "identity.read", open, reason)
	forbidden(hr, "identity.read", closed(with_reveal(open, {"status": "approved"})))
}

test_hr_requests_content_access_for_a_lawful_purpose_only if {
	allowed(hr, "content.access.request", with_access(case_of(ef, "hr"), {"purpose": "establish_facts"}))
	reason := "MON-CONTENT-EXCEPTIONAL: the request must name one of the lawful purposes"
	refused_for(hr, "content.access.request", with_access(case_of(ef, "hr"), {"purpose": "curiosity"}), reason)
	refused_for(hr, "content.access.request", case_of(ef, "hr"), reason)
}

test_hr_examines_content_only_as_grantee_of_a_live_access if {
	access := {"status": "approved", "grantee": "u-hr", "expires_at": "2026-03-09T10:00:00Z"}
	allowed(hr, "content.read", with_access(case_of(ef, "hr"), access))
	reason := "MON-CONTENT-EXCEPTIONAL: content is examined only by the grantee of an approved, unexpired access"
	expired := object.union(access, {"expires_at": "2026-03-02T09:59:59Z"})
	refused_for(hr, "content.read", with_access(case_of(ef, "hr"), expired), reason)
	someone_else := object.union(access, {"grantee": "u-headteacher"})
	refused_for(hr, "content.read", with_access(case_of(ef, "hr"), someone_else), reason)
	requested := object.union(access, {"status": "requested"})
	refused_for(hr, "content.read", with_access(case_of(ef, "hr"), requested), reason)
	refused_for(hr, "content.read", case_of(ef, "hr"), reason)
}

test_hr_has_no_audit_or_subject_access if {
	not allowed(hr, "audit.read", {"school_id": ef})
	not allowed(hr, "sar.export", {"school_id": ef})
}

test_hr_claiming_an_unknown_school_gets_nothing if {
	stranger := who("hr", ["nowhere-academy"])
	invisible(stranger, "case.read", case_of("nowhere-academy", "hr"))
	scope_of(stranger).visible_schools == []
}

test_hr_scope_is_assigned_schools if {
	scope_of(who("hr", [ef, sp])) == {
		"roles": ["hr"],
		"visible_schools": [ef, sp],
		"cases_by_school": {ef: ["hr"], sp: ["hr"]},
		"handles_by_school": {ef: ["hr"], sp: ["hr"]},
		"identity_schools": [ef, sp],
		"approval_schools": [],
		"audit_schools": [],
	}
	scope_of(hr).cases_by_school == {ef: ["hr"]}
}
