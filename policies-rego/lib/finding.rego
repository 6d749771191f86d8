# Findings are built from the METADATA of the rule that fired (house rule 7), never from ad-hoc strings.
package invigilator.lib.finding

import data.invigilator.lib.config

# make builds the finding for event `index` from the rule annotations `md` (rego.metadata.rule()),
# citing the section of the document the judged school follows (its own, or the one it adopts):
# {"event", "clause", "title", "severity", "owner", "gross_misconduct", "kind", "policy_ref",
# "reason", "evidence"}.
make(index, md, reason, evidence) := object.union(cited(md), {"event": index, "reason": reason, "evidence": evidence})

# cited(md) is the part of a finding that depends on the rule alone. OPA caches a function's
# result per arguments within a query, so a rule's many findings build it once.
cited(md) := {
	"clause": md.custom.clause,
	"title": md.title,
	"severity": md.custom.severity,
	"owner": md.custom.owner,
	"gross_misconduct": md.custom.gross_misconduct,
	"kind": md.custom.kind,
	"policy_ref": object.get(md.custom.refs, config.document_school, ""),
}
