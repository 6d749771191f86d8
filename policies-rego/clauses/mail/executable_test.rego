package invigilator.clauses.mail.executable_test

import data.invigilator.clauses.mail.executable

batch(m) := {"school": "elms-farm", "events": [{"account": "", "mail": m}]}

inbound(attachments) := {
	"fromAddress": "Billing <billing@supplier.example>",
	"to": ["teacher@elmsfarm.example.sch.uk"],
	"direction": "MAIL_DIRECTION_INBOUND",
	"attachments": attachments,
}

test_inbound_exe_fires if {
	[f] := [f | some f in executable.findings] with input as batch(inbound([
		{"fileName": "invoice.pdf.exe", "extension": "exe", "sizeBytes": "40960"},
		{"fileName": "terms.pdf", "extension": "pdf"},
	]))
	f.clause == "MAIL-EXECUTABLE"
	f.owner == "it"
	f.severity == "medium"
	f.kind == "A"
	f.gross_misconduct == false
	f.policy_ref == "2.7"
	f.evidence == {"extensions": ["exe"], "file_names": ["invoice.pdf.exe"], "from": "billing@supplier.example"}
}

test_st_peters_cites_its_own_section if {
	[f] := [f | some f in executable.findings] with input as {"school": "st-peters", "events": [{"mail": inbound([{"extension": "vbs"}])}]}
	f.policy_ref == "Systems Use and Data Security ¶8"
}

test_every_listed_type_fires if {
	every ext in ["exe", "scr", "com", "bat", "cmd", "js", "vbs", "ps1", "msi", "jar", "hta"] {
		count(executable.findings) == 1 with input as batch(inbound([{"extension": ext}]))
	}
}

test_extension_from_file_name_and_any_case if {
	count(executable.findings) == 1 with input as batch(inbound([{"fileName": "Setup.MSI"}]))
	count(executable.findings) == 1 with input as batch(inbound([{"extension": "PS1"}]))
}

test_documents_do_not_fire if {
	count(executable.findings) == 0 with input as batch(inbound([{"extension": "pdf"}, {"fileName": "notes.json"}]))
}

test_outbound_executable_is_not_this_clause if {
	m := object.union(inbound([{"extension": "exe"}]), {"direction": "MAIL_DIRECTION_OUTBOUND"})
	count(executable.findings) == 0 with input as batch(m)
}

test_derived_inbound_without_platform_direction if {
	m := object.remove(inbound([{"extension": "jar"}]), ["direction"])
	count(executable.findings) == 1 with input as batch(m)
}

test_private_mail_without_names_does_not_fire if {
	m := {"fromAddress": "x@gmail.com", "privateMarked": true, "attachments": [{"sizeBytes": "1000"}], "direction": "MAIL_DIRECTION_INBOUND"}
	count(executable.findings) == 0 with input as batch(m)
}

test_non_mail_events_are_ignored if {
	count(executable.findings) == 0 with input as {"school": "elms-farm", "events": [{"proxy": {"host": "a.exe"}}]}
}
