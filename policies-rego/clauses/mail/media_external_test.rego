package invigilator.clauses.mail.media_external_test

import data.invigilator.clauses.mail.media_external

batch(school, m) := {"school": school, "events": [{"mail": m}]}

with_attachments(to, attachments) := {"fromAddress": "music@elmsfarm.example.sch.uk", "to": to, "attachments": attachments}

test_music_to_an_outsider_fires if {
	m := with_attachments(["fan@gmail.com"], [{"fileName": "track.MP3"}, {"extension": "mkv"}, {"extension": "pdf"}])
	[f] := [f | some f in media_external.findings] with input as batch("elms-farm", m)
	f.clause == "MAIL-MEDIA-EXTERNAL"
	f.kind == "P"
	f.severity == "low"
	f.gross_misconduct == true
	f.policy_ref == "4.1, 7.3(f)"
	f.evidence == {"extensions": ["mkv", "mp3"], "external_domains": ["gmail.com"]}
}

test_every_listed_type_fires if {
	every ext in ["mp3", "mp4", "mkv", "avi", "mov", "flac", "wav"] {
		count(media_external.findings) == 1 with input as batch("elms-farm", with_attachments(["x@gmail.com"], [{"extension": ext}]))
	}
}

test_st_peters if {
	m := {"fromAddress": "t@stpeters.example.sch.uk", "bcc": ["x@yahoo.co.uk"], "attachments": [{"extension": "wav"}]}
	[f] := [f | some f in media_external.findings] with input as batch("st-peters", m)
	f.policy_ref == "General Guidance; Inappropriate Use (f)"
}

test_internal_media_does_not_fire if {
	count(media_external.findings) == 0 with input as batch("elms-farm", with_attachments(["a@elmsfarm.example.sch.uk"], [{"extension": "mp4"}]))
}

test_other_attachments_do_not_fire if {
	count(media_external.findings) == 0 with input as batch("elms-farm", with_attachments(["x@gmail.com"], [{"extension": "docx"}]))
}

test_private_mail_without_names_does_not_fire if {
	m := object.union(with_attachments(["x@gmail.com"], [{"sizeBytes": "9000000"}]), {"privateMarked": true})
	count(media_external.findings) == 0 with input as batch("elms-farm", m)
}

test_inbound_media_does_not_fire if {
	m := {"fromAddress": "x@gmail.com", "to": ["a@elmsfarm.example.sch.uk", "y@gmail.com"], "attachments": [{"extension": "mp3"}]}
	count(media_external.findings) == 0 with input as batch("elms-farm", m)
}
