package invigilator.clauses.leaver.handover

import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# What a leaver must hand over (EF 1.8–1.9, SP Equipment Security and Passwords ¶8).
task := "opens a handover task (drives, folders and files; return of school data), not a breach"

# 4725: a user account was disabled.
disabled(directory) if {
	endpoint.event_id(directory) == 4725
	endpoint.person(object.get(directory, "targetAccount", ""))
}

# disabled_events: the indexes of the batch's directory events that are disabled().
disabled_events := {i | some i, directory in endpoint.directories; disabled(directory)}

# METADATA
# title: Leaver handover
# description: A staff account was disabled; the leaver's handover of drives, folders, files and school data is due.
# custom:
#   clause: LEAVER-HANDOVER
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 1.8–1.9
#     st-peters: Equipment Security and Passwords ¶8
findings contains f if {
	some i in disabled_events
	event := input.events[i]
	disabled(event.directory)
	f := finding.make(
		i, rego.metadata.rule(),
		concat("", ["directory.windowsEventId 4725: directory.targetAccount was disabled; ", task]),
		{
			"account": event.directory.targetAccount,
			"disabledBy": object.get(event.directory, "subjectAccount", ""),
		},
	)
}

# METADATA
# title: Leaver handover
# description: The directory sync marks the account as a leaver; the handover of drives, folders, files and school data is due.
# custom:
#   clause: LEAVER-HANDOVER
#   kind: A
#   severity: low
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: 1.8–1.9
#     st-peters: Equipment Security and Passwords ¶8
findings contains f if {
	some i, _ in endpoint.directories
	event := input.events[i]
	snapshot := event.directory.accountSnapshot
	object.get(snapshot, "leaver", false) == true
	not disabled(event.directory) # one handover task per event
	f := finding.make(
		i, rego.metadata.rule(),
		concat("", ["directory.accountSnapshot.leaver is true; ", task]),
		{"account": object.get(snapshot, "account", object.get(event, "account", ""))},
	)
}
