package invigilator.clauses.mail.advertising

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

# METADATA
# title: Advertising by broadcast mail
# description: >-
#   A member of staff not authorised to broadcast sent a broadcast whose subject advertises
#   (for sale, sponsorship, charity appeal, lost property).
# custom:
#   clause: MAIL-ADVERTISING
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "4.1"
#     st-peters: General Guidance
findings contains f if {
	some i, event in input.events
	m := event.mail
	mail.sent(m)
	mail.broadcast(m)
	terms := mail.subject_phrases(m, object.get(config.school, "advertising_terms", []))
	count(terms) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.subject of a broadcast contains an advertising term", {
		"terms": sort(terms),
		"subject": m.subject,
		"sender": mail.sender(m),
		"recipient_count": mail.recipient_count(m),
	})
}
