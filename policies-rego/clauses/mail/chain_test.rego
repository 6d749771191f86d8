package invigilator.clauses.mail.chain_test

import data.invigilator.clauses.mail.chain

batch(school, m) := {"school": school, "events": [{"mail": m}]}

forward(depth, count) := {
	"fromAddress": "jbloggs@elmsfarm.example.sch.uk",
	"to": ["a@elmsfarm.example.sch.uk"],
	"forwardDepth": depth,
	"recipientCount": count,
}

test_forward_of_a_forward_to_many_fires if {
	[f] := [f | some f in chain.findings] with input as batch("elms-farm", forward(3, 10))
	f.clause == "MAIL-CHAIN"
	f.kind == "P"
	f.severity == "low"
	f.gross_misconduct == true
	f.policy_ref == "4.1, 7.3(i)"
	f.evidence == {"forward_depth": 3, "recipient_count": 10}
}

test_below_either_threshold_does_not_fire if {
	count(chain.findings) == 0 with input as batch("elms-farm", forward(2, 40))
	count(chain.findings) == 0 with input as batch("elms-farm", forward(5, 9))
	count(chain.findings) == 0 with input as batch("elms-farm", {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["a@elmsfarm.example.sch.uk"]})
}

test_recipient_addresses_counted_without_platform_count if {
	m := {
		"fromAddress": "jbloggs@elmsfarm.example.sch.uk",
		"to": [sprintf("p%d@elmsfarm.example.sch.uk", [n]) | some n in numbers.range(1, 10)],
		"forwardDepth": 4,
	}
	count(chain.findings) == 1 with input as batch("elms-farm", m)
}

test_thresholds_are_per_school if {
	count(chain.findings) == 1 with input as batch("elms-farm", forward(2, 5))
		with data.data.schools["elms-farm"].thresholds as {"chain_forward_depth": 2, "chain_recipients": 5}
}

test_chain_phrase_fires if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["u@stpeters.example.sch.uk"], "subject": "FW: Pass it on!! Bad luck if you don't"}
	[f] := [f | some f in chain.findings] with input as batch("st-peters", m)
	f.policy_ref == "General Guidance; Inappropriate Use (i)"
	f.evidence == {"phrases": ["bad luck if you", "pass it on"], "subject": "FW: Pass it on!! Bad luck if you don't"}
}

test_both_ways_give_two_findings if {
	m := object.union(forward(3, 12), {"subject": "Send this to everyone"})
	count(chain.findings) == 2 with input as batch("elms-farm", m)
}

test_ordinary_subject_and_no_subject_do_not_fire if {
	count(chain.findings) == 0 with input as batch("elms-farm", object.union(forward(1, 1), {"subject": "Passport renewal"}))
	count(chain.findings) == 0 with input as batch("elms-farm", object.union(forward(1, 1), {"personalLabel": true}))
}

test_received_chain_mail_is_not_the_recipients_breach if {
	m := {"fromAddress": "x@gmail.com", "to": ["a@elmsfarm.example.sch.uk"], "subject": "pass it on", "forwardDepth": 6, "recipientCount": 90}
	count(chain.findings) == 0 with input as batch("elms-farm", m)
}
