package invigilator.clauses.pwd.shared

import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# METADATA
# title: Possible use of another person's password
# description: >-
#   Explicit credentials of one account were used by another account (4648) that is not an
#   authorised IT administrator. A suspicion for a person to confirm, never a sanction.
# custom:
#   clause: PWD-SHARED
#   kind: P
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: "1.3"
#     st-peters: Equipment Security and Passwords ¶3
findings contains f if {
	some i in endpoint.events_with({4648})
	event := input.events[i]
	e := event.endpoint
	endpoint.provider_matches(e, "security")
	subject := object.get(e, "subjectAccount", "")
	target := object.get(e, "targetAccount", "")

	# Two persons, not the same account, the subject no IT admin (person(), same_account() and
	# it_admin() on account keys found once).
	subject_key := endpoint.account_key(subject)
	target_key := endpoint.account_key(target)
	subject_key != target_key
	endpoint.person_key(subject_key)
	endpoint.person_key(target_key)
	not subject_key in endpoint.it_admin_keys
	f := finding.make(
		i, rego.metadata.rule(),
		"endpoint.subjectAccount used the credentials of endpoint.targetAccount (4648 explicit-credential logon) and is not an authorised IT admin",
		{
			"subjectAccount": subject,
			"targetAccount": target,
			"host": object.get(e, "host", ""),
			"targetHost": object.get(e, "targetHost", ""),
		},
	)
}

# METADATA
# title: Possible use of another person's password
# description: >-
#   One account was logged on interactively on two or more hosts at once. A suspicion for a
#   person to confirm, never a sanction.
# custom:
#   clause: PWD-SHARED
#   kind: P
#   severity: high
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: "1.3"
#     st-peters: Equipment Security and Passwords ¶3
findings contains f if {
	some i in endpoint.observed("OBSERVATION_TYPE_CONCURRENT_LOGONS")
	event := input.events[i]
	obs := endpoint.observation(event, "OBSERVATION_TYPE_CONCURRENT_LOGONS")
	hosts := endpoint.hosts(obs)
	count(hosts) >= 2
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf("observation.hosts: the account was logged on interactively on %v hosts at once", [count(hosts)]),
		{
			"account": object.get(event, "account", ""),
			"hosts": hosts,
			"evidenceEventIds": object.get(obs, "evidenceEventIds", []),
		},
	)
}
