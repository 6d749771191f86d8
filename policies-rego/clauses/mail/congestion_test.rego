package invigilator.clauses.mail.congestion_test

import data.invigilator.clauses.mail.congestion

batch(school, m) := {"school": school, "events": [{"mail": m}]}

test_all_staff_from_a_teacher_fires if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["AllStaff@elmsfarm.example.sch.uk"], "recipientCount": 45}
	[f] := [f | some f in congestion.findings] with input as batch("elms-farm", m)
	f.clause == "MAIL-CONGESTION"
	f.severity == "low"
	f.policy_ref == "4.1"
	f.evidence == {"sender": "jbloggs@elmsfarm.example.sch.uk", "recipient_count": 45, "all_staff_lists": ["allstaff@elmsfarm.example.sch.uk"]}
}

test_over_fifty_recipients_fires if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": [sprintf("p%d@stpeters.example.sch.uk", [n]) | some n in numbers.range(1, 51)]}
	[f] := [f | some f in congestion.findings] with input as batch("st-peters", m)
	f.policy_ref == "General Guidance"
	f.evidence.recipient_count == 51
	f.evidence.all_staff_lists == []
}

test_fifty_recipients_is_allowed if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["a@stpeters.example.sch.uk"], "recipientCount": 50}
	count(congestion.findings) == 0 with input as batch("st-peters", m)
}

test_authorised_broadcaster_is_allowed if {
	m := {"fromAddress": "office@stpeters.example.sch.uk", "to": ["staff@stpeters.example.sch.uk"], "recipientCount": 70}
	count(congestion.findings) == 0 with input as batch("st-peters", m)
}

test_spoofed_from_does_not_borrow_authority if {
	m := {"fromAddress": "office@stpeters.example.sch.uk", "senderMailbox": "t@stpeters.example.sch.uk", "to": ["staff@stpeters.example.sch.uk"]}
	count(congestion.findings) == 1 with input as batch("st-peters", m)
}

test_inbound_newsletters_are_not_staff_conduct if {
	m := {"fromAddress": "news@council.example", "to": ["staff@stpeters.example.sch.uk"], "recipientCount": 80}
	count(congestion.findings) == 0 with input as batch("st-peters", m)
}
