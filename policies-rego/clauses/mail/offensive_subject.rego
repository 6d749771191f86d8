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
	phrases := {phrase | some phrase in object.get(config.school, "offensive_terms", [])}
	some i, found in mail.subject_matches
	terms := found & phrases # mail.subject_phrases(m, phrases)
	count(terms) > 0
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	f := finding.make(i, rego.metadata.rule(), "mail.subject contains an offensive term", {
		"terms": sort(terms),
		"subject": m.subject,
	})
}
