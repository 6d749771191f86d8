# DPO: the audit log and subject access request exports of every school; no case browsing.
package invigilator.authz_test

dpo := who("dpo", [])

test_dpo_reads_the_audit_log_of_the_trust_and_of_each_school if {
	allowed(dpo, "audit.read", {})
	decide(dpo, "audit.read", {}).reasons == ["dpo may audit.read on the whole trust"]
	decide(dpo, "audit.read", {"school_id": ef}).reasons == ["dpo may audit.read on elms-farm"]
}

test_dpo_exports_subject_access_requests_of_every_school if {
	every school in [ef, sp] {
		allowed(dpo, "sar.export", {"school_id": school})
	}
	not allowed(dpo, "sar.export", {"school_id": "nowhere-academy"})
}

test_dpo_does_not_browse_cases if {
	every owner in ["hr", "it", "dsl"] {
		every action in ["case.read", "case.transition", "evidence.read", "identity.reveal.request"] {
			invisible(dpo, action, case_of(ef, owner))
		}
	}
	not allowed(dpo, "breach.feed", {})
}

test_dpo_scope_is_audit_only if {
	scope_of(dpo) == {
		"roles": ["dpo"],
		"visible_schools": [],
		"cases_by_school": {},
		"handles_by_school": {},
		"identity_schools": [],
		"approval_schools": [],
		"audit_schools": [ef, oh, rv, sp],
	}
}
