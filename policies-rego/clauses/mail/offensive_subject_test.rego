package invigilator.clauses.mail.offensive_subject_test

import data.invigilator.clauses.mail.offensive_subject

batch(school, m) := {"school": school, "events": [{"mail": m}]}

sent(subject) := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["a@elmsfarm.example.sch.uk"], "subject": subject}

test_offensive_term_fires if {
	[f] := [f | some f in offensive_subject.findings] with input as batch("elms-farm", sent("RE: you absolute IDIOT!!"))
	f.clause == "MAIL-OFFENSIVE-SUBJECT"
	f.kind == "P"
	f.severity == "medium"
	f.gross_misconduct == true
	f.policy_ref == "3.11, 4.1, 7.3(c)"
	f.evidence == {"terms": ["idiot"], "subject": "RE: you absolute IDIOT!!"}
}

test_st_peters if {
	[f] := [f | some f in offensive_subject.findings] with input as batch("st-peters", {
		"fromAddress": "t@stpeters.example.sch.uk",
		"to": ["u@stpeters.example.sch.uk"],
		"subject": "moron",
	})
	f.policy_ref == "E-mail Etiquette ¶13; Inappropriate Use (c)"
}

test_whole_words_only if {
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", sent("Idiotically simple fix"))
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", sent("Fire retardant doors"))
}

test_list_is_per_school if {
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", sent("You numpty"))
	count(offensive_subject.findings) == 1 with input as batch("elms-farm", sent("You numpty"))
		with data.data.schools["elms-farm"].offensive_terms as ["numpty"]
}

test_no_subject_never_fires if {
	m := {"fromAddress": "jbloggs@elmsfarm.example.sch.uk", "to": ["a@gmail.com"], "privateMarked": true}
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", m)
}

test_received_offensive_mail_is_not_the_recipients_breach if {
	m := {"fromAddress": "troll@gmail.com", "to": ["jbloggs@elmsfarm.example.sch.uk"], "subject": "idiot"}
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", m)
}

test_no_terms_configured if {
	count(offensive_subject.findings) == 0 with input as batch("elms-farm", sent("idiot"))
		with data.data.schools["elms-farm"].offensive_terms as []
}
