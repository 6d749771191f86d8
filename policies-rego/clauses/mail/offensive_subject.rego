package invigilator.clauses.mail.offensive_subject

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

# METADATA
# title: Offensive subject line
# description: >-
#   A member of staff sent mail whose subject contains a term on the school's offensive-terms list
#   (whole words, any case). Only the subject is read; a person must confirm.
# custom:
#   clause: MAIL-OFFENSIVE-SUBJECT
#   kind: P
#   severity: medium
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 3.11, 4.1, 7.3(c)
#     st-peters: E-mail Etiquette ¶13; Inappropriate Use (c)
findings contains f if {
	some i, event in input.events
	m := event.mail
	mail.sent(m)
	terms := mail.subject_phrases(m, object.get(config.school, "offensive_terms", []))
	count(terms) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.subject contains an offensive term", {
		"terms": sort(terms),
		"subject": m.subject,
	})
}
