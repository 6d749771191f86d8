# Helpers over the envelope of one mail message (events.proto MailMessage, protobuf JSON mapping:
# lowerCamelCase names, fields at their default absent). Bodies are never seen (MON-ENVELOPE-ONLY),
# and private/personal mail arrives without subject or attachment names (MON-PRIVATE-MARKED).
package invigilator.lib.mail

import data.invigilator.lib.config

# address("Jo Bloggs <Jo@Example.org>") = "jo@example.org": the bare, lower-case address.
address(raw) := lower(trim_space(bracketed[0][1])) if {
	bracketed := regex.find_all_string_submatch_n(`<([^<>]*)>`, raw, 1)
	count(bracketed) == 1
} else := lower(trim_space(raw))

# domain_of("Jo <jo@Example.org>") = "example.org"; "" when the address has no domain.
domain_of(raw) := domain if {
	parts := split(address(raw), "@")
	count(parts) > 1
	domain := trim_right(parts[count(parts) - 1], ".")
} else := ""

# own_address holds for an address in one of the school's own mail domains (or a subdomain).
own_address(raw) if config.own_domain(domain_of(raw))

# Every recipient address (to, cc and bcc), normalised; a repeated address counts once.
recipients(m) := {address(r) |
	some r in array.concat(array.concat(object.get(m, "to", []), object.get(m, "cc", [])), object.get(m, "bcc", []))
	trim_space(r) != ""
}

# Recipients after list expansion when the platform reports it, else the number of addresses.
recipient_count(m) := to_number(m.recipientCount) if {
	"recipientCount" in object.keys(m)
} else := count(recipients(m))

# Recipients outside the school's own domains (an address without a domain is not judged).
external_recipients(m) := {r |
	some r in recipients(m)
	domain_of(r) != ""
	not own_address(r)
}

external_domains(m) := {domain_of(r) | some r in external_recipients(m)}

# approved_processor(domain) holds for an approved data processor's domain or a subdomain of it.
approved_processor(domain) if {
	some processor in object.get(config.school, "approved_data_processors", [])
	lower(domain) == lower(processor)
}

approved_processor(domain) if {
	some processor in object.get(config.school, "approved_data_processors", [])
	endswith(lower(domain), concat("", [".", lower(processor)]))
}

# External domains that are not approved data processors.
unapproved_external_domains(m) := {d | some d in external_domains(m); not approved_processor(d)}

# The mailbox that actually submitted the message; the From address when the platform did not say.
sender(m) := address(m.senderMailbox) if {
	object.get(m, "senderMailbox", "") != ""
} else := address(object.get(m, "fromAddress", ""))

# The platform's direction when it gave one; otherwise derived from the sender's domain:
# a sender in an own domain sends outbound (any external recipient) or internal mail, any other
# sender's mail is inbound.
direction(m) := m.direction if {
	object.get(m, "direction", "MAIL_DIRECTION_UNSPECIFIED") != "MAIL_DIRECTION_UNSPECIFIED"
} else := "MAIL_DIRECTION_OUTBOUND" if {
	own_address(sender(m))
	count(external_recipients(m)) > 0
} else := "MAIL_DIRECTION_INTERNAL" if {
	own_address(sender(m))
} else := "MAIL_DIRECTION_INBOUND"

inbound(m) if direction(m) == "MAIL_DIRECTION_INBOUND"

outbound(m) if direction(m) == "MAIL_DIRECTION_OUTBOUND"

# sent(m) holds for mail a member of staff sent: outbound or internal, never inbound.
sent(m) if direction(m) in {"MAIL_DIRECTION_OUTBOUND", "MAIL_DIRECTION_INTERNAL"}

# Recipients that are one of the school's all-staff lists.
all_staff_recipients(m) := {r |
	some r in recipients(m)
	some list in object.get(config.school, "all_staff_lists", [])
	r == address(list)
}

authorised_broadcaster(m) if {
	some allowed in object.get(config.school, "broadcast_senders", [])
	sender(m) == address(allowed)
}

broadcast_threshold := object.get(config.thresholds, "broadcast_recipients", 50)

# broadcast(m): more than the school's threshold of recipients, or any all-staff list, from a
# sender not authorised to broadcast (MAIL-CONGESTION, MAIL-ADVERTISING).
broadcast(m) if {
	recipient_count(m) > broadcast_threshold
	not authorised_broadcaster(m)
}

broadcast(m) if {
	count(all_staff_recipients(m)) > 0
	not authorised_broadcaster(m)
}

# extension(attachment) = "exe": the platform's extension, else the file name's, lower-case.
extension(attachment) := lower(trim_left(attachment.extension, ".")) if {
	object.get(attachment, "extension", "") != ""
} else := lower(parts[count(parts) - 1]) if {
	parts := split(object.get(attachment, "fileName", ""), ".")
	count(parts) > 1
} else := ""

attachments(m) := object.get(m, "attachments", [])

# Every attachment extension of the message (none on private mail, whose names are cut at ingest).
attachment_extensions(m) := {ext | some a in attachments(m); ext := extension(a); ext != ""}

# words("RE: You IDIOT!!") = ["re", "you", "idiot"]: lower-case letters and digits, in order.
words(text) := [w | some w in regex.split(`[^\pL\pN]+`, lower(text)); w != ""]

# has_phrase(text, phrase) holds when the phrase's words occur in the text as whole, consecutive
# words, case-insensitively ("idiot" matches "You idiot!" but not "idiotic").
has_phrase(text, phrase) if {
	needle := words(phrase)
	n := count(needle)
	n > 0
	haystack := words(text)
	count(haystack) >= n
	some i in numbers.range(0, count(haystack) - n)
	array.slice(haystack, i, i + n) == needle
}

# The configured phrases the subject carries; empty for mail without a subject (e.g. private mail).
subject_phrases(m, phrases) := {p | some p in phrases; has_phrase(object.get(m, "subject", ""), p)}
