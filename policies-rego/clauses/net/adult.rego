# NET-ADULT: a proxy request the categorisation (lib/web) puts in "adult".
package invigilator.clauses.net.adult

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Pornographic material
# description: A member of staff accessed a site with pornographic material on school systems.
# custom:
#   clause: NET-ADULT
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 5.2, 7.3(a)
#     st-peters: Use of the Internet ¶2; Inappropriate Use (a)
findings contains f if {
	some i in web.by_category.adult
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a pornographic site", web.event_evidence(i, event.proxy))
}
