package invigilator.clauses.mail.media_external

import data.invigilator.lib.finding
import data.invigilator.lib.mail

media_extensions := {"mp3", "mp4", "mkv", "avi", "mov", "flac", "wav"}

# METADATA
# title: Audio or video sent outside the school
# description: >-
#   A member of staff sent audio or video attachments to external recipients: a possible breach
#   of copyright, for a person to confirm.
# custom:
#   clause: MAIL-MEDIA-EXTERNAL
#   kind: P
#   severity: low
#   owner: hr
#   gross_misconduct: true
#   refs:
#     elms-farm: 4.1, 7.3(f)
#     st-peters: General Guidance; Inappropriate Use (f)
findings contains f if {
	some i in mail.outbound_messages
	event := input.events[i]
	m := event.mail
	m.attachments
	mail.outbound(m)
	found := mail.attachment_extensions(m) & media_extensions
	count(found) > 0
	domains := mail.external_domains(m)
	count(domains) > 0
	f := finding.make(i, rego.metadata.rule(), "mail.attachments[].extension is audio/video, mail.to an external domain", {
		"extensions": sort(found),
		"external_domains": sort(domains),
	})
}
