# NET-COPYRIGHT: a proxy request the categorisation (lib/web) puts in "piracy".
package invigilator.clauses.net.copyright

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Piracy or warez site
# description: A member of staff accessed a piracy or warez site, where downloads breach copyright.
# custom:
#   clause: NET-COPYRIGHT
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 5.5, 7.3(f)
#     st-peters: Use of the Internet ¶5; Inappropriate Use (f)
findings contains f if {
	some i in web.by_category.piracy
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is a piracy or warez site", web.event_evidence(i, event.proxy))
}
