# NET-STREAMING: a proxy request the categorisation (lib/web) puts in "streaming".
package invigilator.clauses.net.streaming

import data.invigilator.lib.finding
import data.invigilator.lib.web

# METADATA
# title: Audio or video streaming site
# description: A member of staff accessed an audio or video streaming site from the school network.
# custom:
#   clause: NET-STREAMING
#   kind: A
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.5"
#     st-peters: Systems Use and Data Security ¶6
findings contains f if {
	some i in web.by_category.streaming
	event := input.events[i]
	f := finding.make(i, rego.metadata.rule(), "proxy.host is an audio or video streaming site", web.event_evidence(i, event.proxy))
}
