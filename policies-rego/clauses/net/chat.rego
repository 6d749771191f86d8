# NET-CHAT: a proxy request the categorisation (lib/web) puts in "chat".
package invigilator.clauses.net.chat

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Chat room
# description: A member of staff took part in an internet chat room on school systems.
# custom:
#   clause: NET-CHAT
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 2.5, 5.4, 7.3(h)
#     st-peters: Systems Use and Data Security ¶6; Use of the Internet ¶4; Inappropriate Use (h)
findings contains f if {
	some i in web.by_category.chat
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a chat room", web.event_evidence(i, event.proxy))
}
