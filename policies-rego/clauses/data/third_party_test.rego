package invigilator.clauses.data.third_party_test

import data.invigilator.clauses.data.third_party

batch(school, event) := {"school": school, "events": [event]}

outbound(to, attachments) := {"mail": {
	"fromAddress": "office@elmsfarm.example.sch.uk",
	"to": to,
	"attachments": attachments,
}}

upload(method, bytes) := {"account": "jbloggs", "proxy": {
	"method": method,
	"host": "www.dropbox.example",
	"bytes": bytes,
	"categories": ["filehosting"],
}}

test_attachment_to_unapproved_domain_fires if {
	e := outbound(["x@gmail.com", "y@arbor-education.com", "a@elmsfarm.example.sch.uk"], [{"fileName": "class.xlsx", "sizeBytes": "20480"}])
	[f] := [f | some f in third_party.findings] with input as batch("elms-farm", e)
	f.clause == "DATA-THIRD-PARTY"
	f.kind == "P"
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "2.3"
	f.evidence == {"external_domains": ["gmail.com"], "attachment_count": 1, "private_marked": false}
}

test_st_peters_cites_its_section if {
	e := {"mail": {"fromAddress": "t@stpeters.example.sch.uk", "to": ["x@scomis.org"], "attachments": [{"extension": "pdf"}]}}
	[f] := [f | some f in third_party.findings] with input as batch("st-peters", e)
	f.policy_ref == "Systems Use and Data Security ¶4"
}

test_approved_processor_is_allowed if {
	e := outbound(["y@arbor-education.com", "z@mis.cpoms.co.uk"], [{"extension": "csv"}])
	count(third_party.findings) == 0 with input as batch("elms-farm", e)
}

test_mail_without_attachments_does_not_fire if {
	count(third_party.findings) == 0 with input as batch("elms-farm", outbound(["x@gmail.com"], []))
}

test_internal_and_inbound_mail_do_not_fire if {
	count(third_party.findings) == 0 with input as batch("elms-farm", outbound(["a@elmsfarm.example.sch.uk"], [{"extension": "csv"}]))
	inbound := {"mail": {"fromAddress": "x@gmail.com", "to": ["a@elmsfarm.example.sch.uk"], "attachments": [{"extension": "csv"}]}}
	count(third_party.findings) == 0 with input as batch("elms-farm", inbound)
}

test_private_mail_with_attachments_is_still_a_suspicion if {
	e := {"mail": {"fromAddress": "t@elmsfarm.example.sch.uk", "to": ["x@gmail.com"], "privateMarked": true, "attachments": [{"sizeBytes": "100"}]}}
	[f] := [f | some f in third_party.findings] with input as batch("elms-farm", e)
	f.evidence.private_marked == true
}

test_large_upload_to_filehosting_fires if {
	[f] := [f | some f in third_party.findings] with input as batch("elms-farm", upload("post", "5242881"))
	f.clause == "DATA-THIRD-PARTY"
	f.evidence == {"host": "www.dropbox.example", "method": "POST", "bytes": 5242881}
	f.reason == "proxy.method uploads proxy.bytes over the threshold to a filehosting proxy.host"
	count(third_party.findings) == 1 with input as batch("st-peters", upload("PUT", "90000000"))
}

test_upload_at_the_threshold_does_not_fire if {
	count(third_party.findings) == 0 with input as batch("elms-farm", upload("POST", "5242880"))
}

test_upload_threshold_is_per_school if {
	count(third_party.findings) == 1 with input as batch("elms-farm", upload("POST", "2000000"))
		with data.data.schools["elms-farm"].thresholds.upload_bytes as 1000000
}

test_download_does_not_fire if {
	count(third_party.findings) == 0 with input as batch("elms-farm", upload("GET", "90000000"))
	e := {"proxy": {"host": "www.dropbox.example", "bytes": "90000000", "categories": ["filehosting"]}}
	count(third_party.findings) == 0 with input as batch("elms-farm", e)
}

test_upload_elsewhere_does_not_fire if {
	e := {"proxy": {"method": "POST", "host": "www.gov.uk", "bytes": "90000000"}}
	count(third_party.findings) == 0 with input as batch("elms-farm", e)
}

test_filehosting_from_the_trust_domain_list if {
	e := {"proxy": {"method": "PUT", "host": "upload.wetransfer.example", "bytes": "6000000"}}
	count(third_party.findings) == 1 with input as batch("elms-farm", e)
		with data.data.categories.domains as {"wetransfer.example": ["filehosting"]}
}

test_missing_bytes_does_not_fire if {
	e := {"proxy": {"method": "POST", "host": "www.dropbox.example", "categories": ["filehosting"]}}
	count(third_party.findings) == 0 with input as batch("elms-farm", e)
}
