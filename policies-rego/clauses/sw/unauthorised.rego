package invigilator.clauses.sw.unauthorised

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# Where an install or run is logged, and what the event says happened.
sources := [
	{"source": "msi", "ids": {11707, 1033}, "action": "installed"},
	{"source": "security", "ids": {4697}, "action": "service installed"},
	{"source": "scm", "ids": {7045}, "action": "service installed"},
	{"source": "applocker", "ids": {8003}, "action": "run (AppLocker audit: would have been blocked)"},
	{"source": "applocker", "ids": {8004}, "action": "blocked by AppLocker"},
]

approvers := {"headteacher": "the Headteacher", "it_provider": "the IT provider"}

# product(software) is the product name, else the file name; undefined when neither is given.
product(software) := names[0] if {
	names := [name |
		some field in ["name", "fileName"]
		name := trim_space(object.get(software, field, ""))
		name != ""
	]
	count(names) > 0
}

# approved(name): an approved name equal to the product name, or a prefix of it ending at a word
# boundary, approves it ("Google Chrome" approves "Google Chrome 131.0", not "Google Chromium").
approved(name) if {
	lowered := lower(name)
	some wanted in approved_names
	startswith(lowered, wanted)
	boundary(substring(lowered, count(wanted), -1))
}

# The school's approved software names, lower-cased; blank entries approve nothing.
approved_names := {wanted | some entry in config.school.approved_software; wanted := lower(trim_space(entry)); wanted != ""}

boundary("")

boundary(rest) if regex.match(`^[^\pL\pN]`, rest)

# METADATA
# title: Unauthorised software
# description: Software was installed or run that is not on the school's approved list.
# custom:
#   clause: SW-UNAUTHORISED
#   kind: A
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 2.2, 7.3(g)
#     st-peters: Systems Use and Data Security ¶2; Inappropriate Use (g)
findings contains f if {
	some s in sources # their ids are distinct: an event records one action
	some i in endpoint.events_with(s.ids)
	event := input.events[i]
	e := event.endpoint
	endpoint.provider_matches(e, s.source)
	did := s.action
	software := object.get(e, "software", {})
	name := product(software)
	not approved(name)
	role := config.school.software_approver
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf("endpoint.software.name %q (%s) is not on the approved software list; approval is for %s", [name, did, object.get(approvers, role, role)]),
		{
			"name": name,
			"version": object.get(software, "version", ""),
			"publisher": object.get(software, "publisher", ""),
			"fileName": object.get(software, "fileName", ""),
			"host": object.get(e, "host", ""),
			"windowsEventId": endpoint.event_ids[i], # endpoint.event_id(e)
			"action": did,
			"approver": role,
		},
	)
}
