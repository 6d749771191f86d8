package invigilator.clauses.mail.impersonation_test

import data.invigilator.clauses.mail.impersonation

batch(school, m) := {"school": school, "events": [{"mail": m}]}

test_sending_as_a_colleague_fires if {
	m := {
		"fromAddress": "Head Teacher <Head@ElmsFarm.example.sch.uk>",
		"senderMailbox": "jbloggs@elmsfarm.example.sch.uk",
		"to": ["parent@gmail.com"],
	}
	[f] := [f | some f in impersonation.findings] with input as batch("elms-farm", m)
	f.clause == "MAIL-IMPERSONATION"
	f.severity == "high"
	f.gross_misconduct == false
	f.policy_ref == "4.1"
	f.evidence == {"from_address": "head@elmsfarm.example.sch.uk", "sender_mailbox": "jbloggs@elmsfarm.example.sch.uk"}
}

test_recorded_delegation_is_allowed if {
	m := {"fromAddress": "head@elmsfarm.example.sch.uk", "senderMailbox": "OFFICE@elmsfarm.example.sch.uk", "to": ["a@elmsfarm.example.sch.uk"]}
	count(impersonation.findings) == 0 with input as batch("elms-farm", m)

	# The delegation is one-way and per school.
	reverse := {"fromAddress": "office@elmsfarm.example.sch.uk", "senderMailbox": "head@elmsfarm.example.sch.uk"}
	count(impersonation.findings) == 1 with input as batch("elms-farm", reverse)
}

test_st_peters_has_no_delegations if {
	m := {"fromAddress": "head@stpeters.example.sch.uk", "senderMailbox": "office@stpeters.example.sch.uk"}
	[f] := [f | some f in impersonation.findings] with input as batch("st-peters", m)
	f.policy_ref == "E-mail Etiquette ¶6; General Guidance"
}

test_same_address_in_any_case_does_not_fire if {
	m := {"fromAddress": "J Bloggs <JBloggs@ElmsFarm.example.sch.uk>", "senderMailbox": "jbloggs@elmsfarm.example.sch.uk"}
	count(impersonation.findings) == 0 with input as batch("elms-farm", m)
}

test_missing_sender_mailbox_does_not_fire if {
	count(impersonation.findings) == 0 with input as batch("elms-farm", {"fromAddress": "a@elmsfarm.example.sch.uk"})
	count(impersonation.findings) == 0 with input as batch("elms-farm", {"senderMailbox": "a@elmsfarm.example.sch.uk"})
}

test_assumed_external_name_fires if {
	m := {"fromAddress": "santa@northpole.example", "senderMailbox": "jbloggs@elmsfarm.example.sch.uk", "to": ["x@gmail.com"]}
	count(impersonation.findings) == 1 with input as batch("elms-farm", m)
}

test_inbound_mailing_lists_are_not_staff_conduct if {
	m := {"fromAddress": "news@council.example", "senderMailbox": "bounces@lists.example", "to": ["a@elmsfarm.example.sch.uk"]}
	count(impersonation.findings) == 0 with input as batch("elms-farm", m)
}
