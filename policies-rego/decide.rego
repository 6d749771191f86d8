# The one batched entrypoint: POST /v1/data/invigilator/decide with
# input = {"school": <school id>, "events": [<events in the protobuf JSON mapping>]}; the answer is
# {"events": {index: [findings]}, "nonwork": [indexes], "notes": [...], "errors": [...]}.
package invigilator

import data.invigilator.lib.config
import data.invigilator.lib.web

# Every finding of every clause package for this batch.
findings contains f if {
	some f in data.invigilator.clauses[_][_].findings
}

# Findings grouped by the index of the event they judge; events without findings are absent.
# (A complete rule whose inner comprehension OPA indexes: one pass over the findings.)
by_event := {i: found |
	some i in {f.event | some f in findings}
	found := [f | some f in findings; f.event == i]
}

# Facts a clause cannot decide but must report, e.g. a password rule AD cannot prove
# (PWD-POLICY "unverifiable"): {"event", "clause", "status", "reason"}.
notes contains note if {
	some note in data.invigilator.clauses[_][_].notes
}

# A batch for a school the trust has not configured is a configuration problem for IT ops.
errors contains sprintf("unknown school %q: no policy data under policies-rego/data/schools", [input.school]) if {
	not config.school
}

# The batch's proxy requests counted as non-work browsing: the stream processor's per-minute count
# for NET-EXCESSIVE-NONWORK (policy_engine.correlation.nonwork) rests on this verdict.
nonwork := web.nonwork_requests

decide := {"events": by_event, "nonwork": nonwork, "notes": notes, "errors": errors}
