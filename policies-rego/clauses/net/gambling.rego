# NET-GAMBLING: a proxy request the categorisation (lib/web) puts in "gambling".
package invigilator.clauses.net.gambling

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Online gambling
# description: A member of staff accessed an online gambling site on school systems.
# custom:
#   clause: NET-GAMBLING
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 7.3(h)
#     st-peters: Inappropriate Use (h)
findings contains f if {
	some i in web.by_category.gambling
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is an online gambling site", web.event_evidence(i, event.proxy))
}
