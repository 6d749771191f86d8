# Trust IT ops: IT tickets of every school, on pseudonyms only (MON-NEED-TO-KNOW).
package invigilator.authz_test

it_ops := who("it_ops", [])

test_it_ops_work_it_tickets_of_every_school if {
	every school in [ef, sp] {
		every action in ["case.read", "breach.feed", "case.create", "case.transition", "evidence.read"] {
			allowed(it_ops, action, case_of(school, "it"))
		}
	}
}

test_it_ops_do_not_see_hr_or_safeguarding_cases if {
	every owner in ["hr", "dsl"] {
		every action in ["case.read", "case.transition", "evidence.read"] {
			invisible(it_ops, action, case_of(ef, owner))
		}
	}
}

test_it_ops_do_not_see_an_it_ticket_moved_to_safeguarding if {
	invisible(it_ops, "case.read", object.union(case_of(ef, "it"), {"track": "safeguarding"}))
}

test_it_ops_never_see_identities_or_content if {
	ticket := case_of(ef, "it")
	reason := "MON-NEED-TO-KNOW: trust IT ops work on pseudonyms: never identities or content"
	refused_for(it_ops, "identity.reveal.request", ticket, reason)
	refused_for(it_ops, "identity.read", with_reveal(ticket, {"status": "approved"}), reason)
	refused_for(it_ops, "content.access.request", with_access(ticket, {"purpose": "crime"}), reason)
	refused_for(it_ops, "identity.reveal.approve", with_reveal(ticket, {"requested_by": "u-hr"}), reason)
	forbidden(it_ops, "identity.reveal.request", ticket)
}

test_it_ops_see_detailed_evidence_only_in_an_open_ticket if {
	refused_for(
		it_ops, "evidence.read", closed(case_of(sp, "it")),
		"MON-INTERNET-ON-SUSPICION: evidence.read only inside an open case",
	)
	allowed(it_ops, "case.read", closed(case_of(sp, "it")))
}

test_it_ops_have_no_audit_or_subject_access if {
	not allowed(it_ops, "audit.read", {})
	not allowed(it_ops, "sar.export", {"school_id": ef})
}

test_it_ops_scope_is_it_tickets_everywhere if {
	scope_of(it_ops) == {
		"roles": ["it_ops"],
		"visible_schools": [ef, oh, rv, sp],
		"cases_by_school": {ef: ["it"], oh: ["it"], rv: ["it"], sp: ["it"]},
		"handles_by_school": {ef: ["it"], oh: ["it"], rv: ["it"], sp: ["it"]},
		"identity_schools": [],
		"approval_schools": [],
		"audit_schools": [],
	}
}
