package invigilator.clauses.pwd.shared_test

import data.invigilator.clauses.pwd.shared

explicit(school, e) := {"school": school, "events": [{"endpoint": object.union({"windowsEventId": 4648, "provider": "Microsoft-Windows-Security-Auditing", "host": "pc-12"}, e)}]}

concurrent(school, obs) := {"school": school, "events": [{"account": "jsmith", "observation": object.union({"type": "OBSERVATION_TYPE_CONCURRENT_LOGONS"}, obs)}]}

test_explicit_credentials_of_another_fire if {
	[f] := [f | some f in shared.findings] with input as explicit("elms-farm", {"subjectAccount": "jsmith", "targetAccount": "abrown", "targetHost": "fs01"})
	f.clause == "PWD-SHARED"
	f.kind == "P"
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "1.3"
	f.evidence == {"subjectAccount": "jsmith", "targetAccount": "abrown", "host": "pc-12", "targetHost": "fs01"}
	contains(f.reason, "endpoint.subjectAccount")
}

test_same_account_in_other_spelling_is_not_shared if {
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "JSmith", "targetAccount": "jsmith"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "ELMSFARM\\jsmith", "targetAccount": "jsmith@elmsfarm.example.sch.uk"})
}

test_domain_prefix_does_not_hide_another_account if {
	count(shared.findings) == 1 with input as explicit("st-peters", {"subjectAccount": "STPETERS\\jsmith", "targetAccount": "STPETERS\\abrown"})
}

test_machine_accounts_and_placeholders_are_ignored if {
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "PC-12$", "targetAccount": "jsmith"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "jsmith", "targetAccount": "FS01$"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "-", "targetAccount": "jsmith"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "jsmith", "targetAccount": "-"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"targetAccount": "jsmith"})
}

test_it_admins_are_authorised_per_school if {
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "ItSupport", "targetAccount": "jsmith"})
	count(shared.findings) == 0 with input as explicit("st-peters", {"subjectAccount": "hi-impact-admin", "targetAccount": "jsmith"})

	# EF's admin is nobody special at SP
	count(shared.findings) == 1 with input as explicit("st-peters", {"subjectAccount": "itsupport", "targetAccount": "jsmith"})
}

test_other_provider_or_event_id_is_not_4648 if {
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "jsmith", "targetAccount": "abrown", "provider": "Some-Other-Provider"})
	count(shared.findings) == 0 with input as explicit("elms-farm", {"subjectAccount": "jsmith", "targetAccount": "abrown", "windowsEventId": 4624})
}

test_provider_left_empty_is_judged_by_id if {
	e := {"school": "elms-farm", "events": [{"endpoint": {"windowsEventId": 4648, "subjectAccount": "jsmith", "targetAccount": "abrown"}}]}
	[f] := [f | some f in shared.findings] with input as e
	f.evidence.host == ""
	f.evidence.targetHost == ""
}

test_concurrent_logons_on_two_hosts_fire if {
	[f] := [f | some f in shared.findings] with input as concurrent("st-peters", {"hosts": ["PC-12", "pc-31"], "evidenceEventIds": ["a", "b"]})
	f.clause == "PWD-SHARED"
	f.policy_ref == "Equipment Security and Passwords ¶3"
	f.evidence == {"account": "jsmith", "hosts": ["pc-12", "pc-31"], "evidenceEventIds": ["a", "b"]}
	f.reason == "observation.hosts: the account was logged on interactively on 2 hosts at once"
}

test_one_distinct_host_is_not_concurrent if {
	count(shared.findings) == 0 with input as concurrent("elms-farm", {"hosts": ["PC-12", "pc-12", " "]})
	count(shared.findings) == 0 with input as concurrent("elms-farm", {"hosts": ["pc-12"]})
	count(shared.findings) == 0 with input as concurrent("elms-farm", {})
}

test_numeric_enum_is_accepted if {
	count(shared.findings) == 1 with input as concurrent("elms-farm", {"type": 2, "hosts": ["a", "b"]})
}

test_other_observations_are_ignored if {
	count(shared.findings) == 0 with input as concurrent("elms-farm", {"type": "OBSERVATION_TYPE_LOGON_AFTER_MALWARE", "hosts": ["a", "b"]})
}
