# NET-FORUM-POSTING: a POST to a forum or message board (browsing one is not this clause).
package invigilator.clauses.net.forum_posting

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Posting to a forum or message board
# description: A member of staff posted to an internet forum or message board from school systems.
# custom:
#   clause: NET-FORUM-POSTING
#   kind: A
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "5.4"
#     st-peters: Use of the Internet ¶4
findings contains f if {
	some i in web.by_category.forum
	event := input.events[i]
	upper(object.get(event.proxy, "method", "")) == "POST"
	f := finding.make(
		i, rego.metadata.rule(), "proxy.method is POST and proxy.host is a forum or message board",
		object.union(web.event_evidence(i, event.proxy), {"method": "POST"}),
	)
}
