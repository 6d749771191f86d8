package invigilator.clauses.leaver.handover_test

import data.invigilator.clauses.leaver.handover

directory(school, d) := {"school": school, "events": [{"account": "jsmith", "directory": d}]}

test_disabled_account_opens_handover if {
	[f] := [f | some f in handover.findings] with input as directory("elms-farm", {"windowsEventId": 4725, "targetAccount": "jsmith", "subjectAccount": "itsupport"})
	f.clause == "LEAVER-HANDOVER"
	f.kind == "A"
	f.severity == "low"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "1.8–1.9"
	f.evidence == {"account": "jsmith", "disabledBy": "itsupport"}
	contains(f.reason, "handover task")
	contains(f.reason, "not a breach")
	startswith(f.reason, "directory.windowsEventId 4725")
}

test_leaver_flag_in_sync_opens_handover if {
	[f] := [f | some f in handover.findings] with input as directory("st-peters", {"accountSnapshot": {"account": "abrown", "leaver": true, "staff": true}})
	f.policy_ref == "Equipment Security and Passwords ¶8"
	f.evidence == {"account": "abrown"}
	startswith(f.reason, "directory.accountSnapshot.leaver is true")
	contains(f.reason, "not a breach")
}

test_leaver_account_falls_back_to_event_account if {
	[f] := [f | some f in handover.findings] with input as directory("elms-farm", {"accountSnapshot": {"leaver": true}})
	f.evidence == {"account": "jsmith"}
}

test_disabled_leaver_gives_one_task if {
	[f] := [f | some f in handover.findings] with input as directory("elms-farm", {"windowsEventId": 4725, "targetAccount": "jsmith", "accountSnapshot": {"account": "jsmith", "leaver": true}})
	f.evidence == {"account": "jsmith", "disabledBy": ""}
}

test_current_staff_and_other_directory_events_are_ignored if {
	count(handover.findings) == 0 with input as directory("elms-farm", {"accountSnapshot": {"account": "jsmith", "staff": true}})
	count(handover.findings) == 0 with input as directory("elms-farm", {"windowsEventId": 4722, "targetAccount": "jsmith"})
	count(handover.findings) == 0 with input as directory("elms-farm", {"windowsEventId": 4725})
	count(handover.findings) == 0 with input as directory("elms-farm", {"windowsEventId": 4725, "targetAccount": "PC-12$"})
}
