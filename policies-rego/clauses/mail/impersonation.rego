package invigilator.clauses.mail.impersonation

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

# delegated(from, sender) holds when the school recorded that `sender` may send as `from`.
delegated(from, sender) if {
	some d in object.get(config.school, "delegations", [])
	mail.address(d.mailbox) == from
	mail.address(d.delegate) == sender
}

# METADATA
# title: Mail sent under another person's address
# description: >-
#   A member of staff sent mail whose From address is not the mailbox that submitted it, and no
#   delegation to send as that address is recorded.
# custom:
#   clause: MAIL-IMPERSONATION
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "4.1"
#     st-peters: E-mail Etiquette ¶6; General Guidance
findings contains f if {
	some i in mail.sent_messages
	event := input.events[i]
	m := event.mail
	object.get(m, "fromAddress", "") != object.get(m, "senderMailbox", "") # else the same address
	mail.sent(m)
	from := mail.address(object.get(m, "fromAddress", ""))
	sender := mail.address(object.get(m, "senderMailbox", ""))
	from != ""
	sender != ""
	from != sender
	not delegated(from, sender)
	f := finding.make(i, rego.metadata.rule(), "mail.fromAddress differs from mail.senderMailbox with no delegation", {
		"from_address": from,
		"sender_mailbox": sender,
	})
}
