package invigilator.clauses.mail.personal_test

import data.invigilator.clauses.mail.personal

# Monday 23 November 2026 (GMT) and Monday 6 July 2026 (BST).
winter_working := "2026-11-23T10:00:00Z"

winter_evening := "2026-11-23T18:30:00Z"

batch(school, at, m) := {"school": school, "events": [{"occurredAt": at, "account": "jbloggs", "mail": m}]}

personal_mail := {
	"fromAddress": "jbloggs@elmsfarm.example.sch.uk",
	"to": ["mum@gmail.com"],
	"personalLabel": true,
	"privateMarked": true,
}

sp_personal_mail := object.union(personal_mail, {"fromAddress": "jbloggs@stpeters.example.sch.uk"})

test_personal_mail_in_working_hours_fires_where_permitted if {
	[f] := [f | some f in personal.findings] with input as batch("elms-farm", winter_working, personal_mail)
	f.clause == "MAIL-PERSONAL"
	f.severity == "low"
	f.owner == "hr"
	f.policy_ref == "3.3, 6.3(a)(b)"
	f.evidence == {
		"personal_label": true,
		"sensitivity": "",
		"occurred_at": winter_working,
		"personal_use_permitted": true,
	}
}

test_personal_mail_out_of_hours_is_allowed_where_permitted if {
	count(personal.findings) == 0 with input as batch("elms-farm", winter_evening, personal_mail)
	count(personal.findings) == 0 with input as batch("elms-farm", "2026-11-21T10:00:00Z", personal_mail)
}

test_british_summer_time if {
	# 07:30 UTC is 08:30 BST in July (working) but 07:30 GMT in November (not yet).
	count(personal.findings) == 1 with input as batch("st-peters", "2026-07-06T07:30:00Z", sp_personal_mail)
	count(personal.findings) == 0 with input as batch("st-peters", "2026-11-23T07:30:00Z", sp_personal_mail)

	# 16:30 UTC is 17:30 BST in July (after hours) but 16:30 GMT in November (working).
	count(personal.findings) == 0 with input as batch("st-peters", "2026-07-06T16:30:00Z", sp_personal_mail)
	count(personal.findings) == 1 with input as batch("st-peters", "2026-11-23T16:30:00Z", sp_personal_mail)
}

test_any_personal_mail_fires_where_not_permitted if {
	[f] := [f | some f in personal.findings] with input as batch("elms-farm", winter_evening, personal_mail)
		with data.data.schools["elms-farm"].personal_use_permitted as false
	f.clause == "MAIL-PERSONAL"
	f.evidence.personal_use_permitted == false
	f.reason == "mail.personalLabel set and school.personal_use_permitted is false"

	# In working hours it is one finding, not two.
	count(personal.findings) == 1 with input as batch("elms-farm", winter_working, personal_mail)
		with data.data.schools["elms-farm"].personal_use_permitted as false
}

test_st_peters_may_switch_personal_use_off if {
	[f] := [f | some f in personal.findings] with input as batch("st-peters", winter_evening, sp_personal_mail)
		with data.data.schools["st-peters"].personal_use_permitted as false
	f.policy_ref == "E-mail Etiquette ¶3; Personal Use (a)(b)"
}

test_sensitivity_personal_counts_as_marked if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["mum@gmail.com"], "sensitivity": "Personal", "privateMarked": true}
	count(personal.findings) == 1 with input as batch("elms-farm", winter_working, m)
}

test_private_but_not_personal_does_not_fire if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["mum@gmail.com"], "sensitivity": "Private", "privateMarked": true}
	count(personal.findings) == 0 with input as batch("elms-farm", winter_working, m)
		with data.data.schools["elms-farm"].personal_use_permitted as false
}

test_unlabelled_work_mail_does_not_fire if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["parent@gmail.com"], "subject": "Trip"}
	count(personal.findings) == 0 with input as batch("elms-farm", winter_working, m)
}

test_received_personal_mail_is_not_the_recipients_breach if {
	m := object.union(personal_mail, {"direction": "MAIL_DIRECTION_INBOUND"})
	count(personal.findings) == 0 with input as batch("elms-farm", winter_working, m)
		with data.data.schools["elms-farm"].personal_use_permitted as false
}

test_missing_time_does_not_fire_where_permitted if {
	count(personal.findings) == 0 with input as {"school": "elms-farm", "events": [{"mail": personal_mail}]}
}
