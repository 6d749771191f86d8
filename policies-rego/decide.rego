# The one batched entrypoint: POST /v1/data/invigilator/decide with
# input = {"school": <school id>, "events": [<events in the protobuf JSON mapping>]}.
package invigilator

import data.invigilator.lib.config

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

decide := {"events": by_event, "notes": notes, "errors": errors}
