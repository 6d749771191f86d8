package invigilator.clauses.mail.personal

import data.invigilator.lib.clock
import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

# personal_messages: the sent mail its sender marked personal: the "personal" label in the subject
# (EF 6.3(b)), or the Sensitivity: Personal header. Both survive ingest as flags on private mail.
personal_messages := {i | some i in mail.sent_messages; input.events[i].mail.personalLabel == true} | {i |
	some i in mail.sent_messages
	lower(input.events[i].mail.sensitivity) == "personal"
}

permitted := object.get(config.school, "personal_use_permitted", true)

evidence(event) := {
	"personal_label": object.get(event.mail, "personalLabel", false),
	"sensitivity": object.get(event.mail, "sensitivity", ""),
	"occurred_at": object.get(event, "occurredAt", ""),
	"personal_use_permitted": permitted,
}

# METADATA
# title: Personal mail sent in working hours
# description: >-
#   A member of staff sent mail labelled personal during working hours; the school permits
#   personal use only outside them.
# custom:
#   clause: MAIL-PERSONAL
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 3.3, 6.3(a)(b)
#     st-peters: E-mail Etiquette ¶3; Personal Use (a)(b)
findings contains f if {
	permitted == true
	some i in personal_messages
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	clock.in_working_hours(event.occurredAt)
	f := finding.make(i, rego.metadata.rule(), "mail.personalLabel set on mail sent at occurredAt in working hours", evidence(event))
}

# METADATA
# title: Personal mail where personal use is not permitted
# description: >-
#   A member of staff sent mail labelled personal, and the school does not permit personal use
#   of its e-mail at any time.
# custom:
#   clause: MAIL-PERSONAL
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 3.3, 6.3(a)(b)
#     st-peters: E-mail Etiquette ¶3; Personal Use (a)(b)
findings contains f if {
	permitted == false
	some i in personal_messages
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	f := finding.make(i, rego.metadata.rule(), "mail.personalLabel set and school.personal_use_permitted is false", evidence(event))
}
