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
	phrases := {phrase | some phrase in object.get(config.school, "advertising_terms", [])}
	some i, found in mail.subject_matches
	i in mail.broadcasts
	terms := found & phrases # mail.subject_phrases(m, phrases)
	count(terms) > 0
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	f := finding.make(i, rego.metadata.rule(), "mail.subject of a broadcast contains an advertising term", {
		"terms": sort(terms),
		"subject": m.subject,
		"sender": mail.sender(m),
		"recipient_count": mail.recipient_count(m),
	})
}
