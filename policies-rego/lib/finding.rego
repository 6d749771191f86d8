# Findings are built from the METADATA of the rule that fired (house rule 7), never from ad-hoc strings.
package invigilator.lib.finding

# make builds the finding for event `index` from the rule annotations `md` (rego.metadata.rule()),
# citing the section of the judged school's own document.
make(index, md, reason, evidence) := {
	"event": index,
	"clause": md.custom.clause,
	"title": md.title,
	"severity": md.custom.severity,
	"owner": md.custom.owner,
	"gross_misconduct": md.custom.gross_misconduct,
	"kind": md.custom.kind,
	"policy_ref": object.get(md.custom.refs, input.school, ""),
	"reason": reason,
	"evidence": evidence,
}
