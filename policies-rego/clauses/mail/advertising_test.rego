package invigilator.clauses.mail.advertising_test

import data.invigilator.clauses.mail.advertising

batch(school, m) := {"school": school, "events": [{"mail": m}]}

broadcast(subject) := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["allstaff@elmsfarm.example.sch.uk"], "subject": subject}

test_lost_property_broadcast_fires if {
	[f] := [f | some f in advertising.findings] with input as batch("elms-farm", broadcast("LOST PROPERTY: blue coat"))
	f.clause == "MAIL-ADVERTISING"
	f.severity == "low"
	f.gross_misconduct == false
	f.policy_ref == "4.1"
	f.evidence == {
		"terms": ["lost property"],
		"subject": "LOST PROPERTY: blue coat",
		"sender": "jbloggs@elmsfarm.example.sch.uk",
		"recipient_count": 1,
	}
}

test_st_peters_sale_to_many if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "to": ["a@stpeters.example.sch.uk"], "recipientCount": 60, "subject": "Car for sale"}
	[f] := [f | some f in advertising.findings] with input as batch("st-peters", m)
	f.policy_ref == "General Guidance"
}

test_advert_to_a_few_colleagues_is_not_a_broadcast if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["a@elmsfarm.example.sch.uk"], "subject": "Please sponsor my run"}
	count(advertising.findings) == 0 with input as batch("elms-farm", m)
}

test_work_broadcast_does_not_fire if {
	count(advertising.findings) == 0 with input as batch("elms-farm", broadcast("Staff meeting moved"))
	count(advertising.findings) == 0 with input as batch("elms-farm", broadcast("Sponsored by nobody"))
}

test_authorised_sender_does_not_fire if {
	m := object.union(broadcast("Charity appeal"), {"fromAddress": "office@elmsfarm.example.sch.uk"})
	count(advertising.findings) == 0 with input as batch("elms-farm", m)
}

test_private_broadcast_without_subject_does_not_fire if {
	m := object.remove(object.union(broadcast(""), {"privateMarked": true}), ["subject"])
	count(advertising.findings) == 0 with input as batch("elms-farm", m)
}
