package invigilator.clauses.pwd.not_required

import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# userAccountControl flag: the account may have an empty password.
passwd_notreqd := 32

# METADATA
# title: Staff account needs no password
# description: A staff account carries PASSWD_NOTREQD (0x20) in userAccountControl, so it may have no password at all.
# custom:
#   clause: PWD-NOT-REQUIRED
#   kind: A
#   severity: medium
#   owner: it
#   gross_misconduct: false
#   refs:
#     elms-farm: "1.2"
#     st-peters: Equipment Security and Passwords ¶2
findings contains f if {
	some i, _ in endpoint.directories
	event := input.events[i]
	snapshot := event.directory.accountSnapshot
	object.get(snapshot, "staff", false) == true
	flags := endpoint.number(snapshot, "userAccountControl")
	bits.and(flags, passwd_notreqd) != 0
	f := finding.make(
		i, rego.metadata.rule(),
		"directory.accountSnapshot.userAccountControl has PASSWD_NOTREQD (0x20) on a staff account",
		{"account": object.get(snapshot, "account", object.get(event, "account", "")), "userAccountControl": flags},
	)
}
