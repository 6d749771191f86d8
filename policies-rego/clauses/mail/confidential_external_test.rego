package invigilator.clauses.mail.confidential_external_test

import data.invigilator.clauses.mail.confidential_external

batch(school, m) := {"school": school, "events": [{"mail": m}]}

confidential(to) := {
	"fromAddress": "senco@elmsfarm.example.sch.uk",
	"to": to,
	"sensitivity": "Company-Confidential",
}

test_confidential_to_an_outsider_fires if {
	[f] := [f | some f in confidential_external.findings] with input as batch("elms-farm", confidential(["a@elmsfarm.example.sch.uk", "x@Gmail.com", "y@cpoms.co.uk"]))
	f.clause == "MAIL-CONFIDENTIAL-EXTERNAL"
	f.kind == "P"
	f.severity == "high"
	f.gross_misconduct == true
	f.policy_ref == "4.1, 7.3(d)"
	f.evidence == {"marks": ["Company-Confidential"], "external_domains": ["gmail.com"]}
}

test_confidential_label_of_the_school_counts if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["x@gmail.com"], "labels": ["SP Confidential"]}
	count(confidential_external.findings) == 0 with input as batch("st-peters", m)
	[f] := [f | some f in confidential_external.findings] with input as batch("st-peters", m)
		with data.data.schools["st-peters"].confidential_labels as ["sp confidential"]
	f.policy_ref == "General Guidance; Inappropriate Use (d)"
	f.evidence.marks == ["SP Confidential"]
}

test_default_label_list_matches_company_confidential_label if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["x@gmail.com"], "labels": ["company-confidential"]}
	count(confidential_external.findings) == 1 with input as batch("st-peters", m)
}

test_approved_processor_and_internal_recipients_do_not_fire if {
	count(confidential_external.findings) == 0 with input as batch("elms-farm", confidential(["y@cpoms.co.uk", "a@elmsfarm.example.sch.uk"]))
	count(confidential_external.findings) == 0 with input as batch("elms-farm", confidential(["a@elmsfarm.example.sch.uk"]))
}

test_approved_list_is_per_school if {
	# scomis.org is approved at Elms Farm only.
	count(confidential_external.findings) == 0 with input as batch("elms-farm", confidential(["y@scomis.org"]))
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["y@scomis.org"], "sensitivity": "company-confidential"}
	count(confidential_external.findings) == 1 with input as batch("st-peters", m)
}

test_unmarked_mail_does_not_fire if {
	m := {"fromAddress": "senco@elmsfarm.example.sch.uk", "to": ["x@gmail.com"], "sensitivity": "Private", "labels": ["General"]}
	count(confidential_external.findings) == 0 with input as batch("elms-farm", m)
}

test_inbound_confidential_does_not_fire if {
	m := {"fromAddress": "la@council.example", "to": ["senco@elmsfarm.example.sch.uk", "x@gmail.com"], "sensitivity": "Company-Confidential", "direction": "MAIL_DIRECTION_INBOUND"}
	count(confidential_external.findings) == 0 with input as batch("elms-farm", m)
}
