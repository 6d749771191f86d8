package invigilator.clauses.mail.chain

import data.invigilator.lib.config
import data.invigilator.lib.finding
import data.invigilator.lib.mail

forward_depth_threshold := object.get(config.thresholds, "chain_forward_depth", 3)

recipients_threshold := object.get(config.thresholds, "chain_recipients", 10)

# forwarded: the sent messages whose forwardDepth can reach the threshold: those that give one,
# unless the threshold is met by the depth 0 of a message without.
forwarded := mail.sent_messages if {
	forward_depth_threshold <= 0
} else := {i | some i in mail.sent_messages; input.events[i].mail.forwardDepth}

# METADATA
# title: Chain mail forwarded widely
# description: >-
#   A member of staff forwarded a forward of a forward (the school's forward-depth threshold) to
#   many recipients: possible chain mail, for a person to confirm.
# custom:
#   clause: MAIL-CHAIN
#   kind: P
#   severity: low
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 4.1, 7.3(i)
#     st-peters: General Guidance; Inappropriate Use (i)
findings contains f if {
	least := forward_depth_threshold
	some i in forwarded
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	depth := to_number(object.get(m, "forwardDepth", 0))
	depth >= least
	recipients := mail.recipient_count(m)
	recipients >= recipients_threshold
	f := finding.make(i, rego.metadata.rule(), "mail.forwardDepth and mail.recipientCount reach the chain thresholds", {
		"forward_depth": depth,
		"recipient_count": recipients,
	})
}

# METADATA
# title: Chain-letter phrase in the subject
# description: >-
#   A member of staff sent mail whose subject carries a chain-letter phrase: possible chain mail,
#   for a person to confirm.
# custom:
#   clause: MAIL-CHAIN
#   kind: P
#   severity: low
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 4.1, 7.3(i)
#     st-peters: General Guidance; Inappropriate Use (i)
findings contains f if {
	wanted := {phrase | some phrase in object.get(config.school, "chain_phrases", [])}
	some i, found in mail.subject_matches
	phrases := found & wanted # mail.subject_phrases(m, wanted)
	count(phrases) > 0
	event := input.events[i]
	m := event.mail
	mail.sent(m)
	f := finding.make(i, rego.metadata.rule(), "mail.subject contains a chain-letter phrase", {
		"phrases": sort(phrases),
		"subject": m.subject,
	})
}
