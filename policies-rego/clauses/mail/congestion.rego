package invigilator.clauses.mail.congestion

import data.invigilator.lib.finding
import data.invigilator.lib.mail

# METADATA
# title: Unauthorised broadcast mail
# description: >-
#   A member of staff not authorised to broadcast sent one message to more recipients than the
#   school's threshold, or to an all-staff list.
# custom:
#   clause: MAIL-CONGESTION
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "4.1"
#     st-peters: General Guidance
findings contains f if {
	some i in mail.broadcasts
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	f := finding.make(i, rego.metadata.rule(), "mail.recipientCount over the threshold or mail.to an all-staff list, sender not authorised", {
		"sender": mail.sender(m),
		"recipient_count": mail.recipient_count(m),
		"all_staff_lists": sort(mail.all_staff_recipients(m)),
	})
}
