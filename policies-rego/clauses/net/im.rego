# NET-IM: a proxy request the categorisation (lib/web) puts in "im".
package invigilator.clauses.net.im

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Instant-messaging site
# description: A member of staff used an instant-messaging service on school systems.
# custom:
#   clause: NET-IM
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 2.5, 7.3(h)
#     st-peters: Systems Use and Data Security ¶6; Inappropriate Use (h)
findings contains f if {
	some i in web.by_category.im
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is an instant-messaging site", web.event_evidence(i, event.proxy))
}
