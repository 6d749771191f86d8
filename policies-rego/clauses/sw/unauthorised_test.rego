package invigilator.clauses.sw.unauthorised_test

import data.invigilator.clauses.sw.unauthorised

install(school, id, provider, software) := {"school": school, "events": [{"account": "jsmith", "endpoint": {
	"windowsEventId": id,
	"provider": provider,
	"host": "pc-12",
	"software": software,
}}]}

msi(school, name) := install(school, 11707, "MsiInstaller", {"name": name, "version": "1.0", "publisher": "Someone"})

test_unapproved_install_at_elms_farm_names_the_headteacher if {
	[f] := [f | some f in unauthorised.findings] with input as msi("elms-farm", "uTorrent")
	f.clause == "SW-UNAUTHORISED"
	f.kind == "A"
	f.severity == "high"
	f.owner == "hr"
	f.gross_misconduct == true
	f.policy_ref == "2.2, 7.3(g)"
	f.reason == "endpoint.software.name \"uTorrent\" (installed) is not on the approved software list; approval is for the Headteacher"
	f.evidence == {
		"name": "uTorrent",
		"version": "1.0",
		"publisher": "Someone",
		"fileName": "",
		"host": "pc-12",
		"windowsEventId": 11707,
		"action": "installed",
		"approver": "headteacher",
	}
}

test_unapproved_install_at_st_peters_names_the_it_provider if {
	[f] := [f | some f in unauthorised.findings] with input as msi("st-peters", "Zoom Workplace")
	f.evidence.approver == "it_provider"
	contains(f.reason, "approval is for the IT provider")
	f.policy_ref == "Systems Use and Data Security ¶2; Inappropriate Use (g)"
}

test_unknown_approver_role_is_named_as_is if {
	[f] := [f | some f in unauthorised.findings] with input as msi("st-peters", "uTorrent")
		with data.data.schools["st-peters"].software_approver as "bursar"
	f.evidence.approver == "bursar"
	contains(f.reason, "approval is for bursar")
}

test_approved_names_compare_case_insensitively if {
	count(unauthorised.findings) == 0 with input as msi("elms-farm", "google chrome")
	count(unauthorised.findings) == 0 with input as msi("elms-farm", "  SMART Notebook ")
}

test_approved_name_approves_longer_product_names if {
	count(unauthorised.findings) == 0 with input as msi("elms-farm", "Google Chrome 131.0")
	count(unauthorised.findings) == 0 with input as msi("elms-farm", "Mozilla Firefox (x64 en-GB)")
	count(unauthorised.findings) == 0 with input as msi("st-peters", "Microsoft Office Professional Plus 2021")
}

test_prefix_must_end_at_a_word_boundary if {
	count(unauthorised.findings) == 1 with input as msi("elms-farm", "Google Chromium")
}

test_approved_list_is_per_school if {
	# Firefox is approved at Elms Farm only
	count(unauthorised.findings) == 0 with input as msi("elms-farm", "Mozilla Firefox")
	count(unauthorised.findings) == 1 with input as msi("st-peters", "Mozilla Firefox")
}

test_blank_approved_entries_approve_nothing if {
	count(unauthorised.findings) == 1 with input as msi("elms-farm", "uTorrent")
		with data.data.schools["elms-farm"].approved_software as ["", "  "]
}

test_every_install_and_run_source if {
	sw := {"name": "Steam"}
	[a] := [f.evidence.action | some f in unauthorised.findings] with input as install("elms-farm", 1033, "MsiInstaller", sw)
	a == "installed"
	[b] := [f.evidence.action | some f in unauthorised.findings] with input as install("elms-farm", 4697, "Microsoft-Windows-Security-Auditing", sw)
	b == "service installed"
	[c] := [f.evidence.action | some f in unauthorised.findings] with input as install("elms-farm", 7045, "Service Control Manager", sw)
	c == "service installed"
	[d] := [f.evidence.action | some f in unauthorised.findings] with input as install("elms-farm", 8003, "Microsoft-Windows-AppLocker", sw)
	d == "run (AppLocker audit: would have been blocked)"
	[e] := [f.evidence.action | some f in unauthorised.findings] with input as install("elms-farm", 8004, "Microsoft-Windows-AppLocker", sw)
	e == "blocked by AppLocker"
}

test_file_name_is_used_when_there_is_no_product_name if {
	[f] := [f | some f in unauthorised.findings] with input as install("st-peters", 8004, "Microsoft-Windows-AppLocker", {"fileName": "putty.exe"})
	f.evidence.name == "putty.exe"
	f.evidence.fileName == "putty.exe"
}

test_nothing_to_judge_without_a_name if {
	count(unauthorised.findings) == 0 with input as install("elms-farm", 11707, "MsiInstaller", {"version": "2.0"})
	count(unauthorised.findings) == 0 with input as {"school": "elms-farm", "events": [{"endpoint": {"windowsEventId": 11707}}]}
}

test_wrong_provider_or_other_event_is_ignored if {
	count(unauthorised.findings) == 0 with input as install("elms-farm", 1033, "Microsoft-Windows-Kernel-PnP", {"name": "Steam"})
	count(unauthorised.findings) == 0 with input as install("elms-farm", 11708, "MsiInstaller", {"name": "Steam"})
}
