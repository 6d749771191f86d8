# Helpers over the envelope of one mail message (events.proto MailMessage, protobuf JSON mapping:
# lowerCamelCase names, fields at their default absent). Bodies are never seen (MON-ENVELOPE-ONLY),
# and private/personal mail arrives without subject or attachment names (MON-PRIVATE-MARKED).
package invigilator.lib.mail

import data.invigilator.lib.config

# address("Jo Bloggs <Jo@Example.org>") = "jo@example.org": the bare, lower-case address.
# Most addresses carry no display name: the regular expression runs only when there is a "<".
address(raw) := lower(trim_space(raw)) if {
	indexof(raw, "<") == -1
} else := lower(trim_space(bracketed[0][1])) if {
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

# Every recipient as written (to, cc and bcc).
raw_recipients(m) := array.concat(array.concat(object.get(m, "to", []), object.get(m, "cc", [])), object.get(m, "bcc", []))

# Every recipient address (to, cc and bcc), normalised; a repeated address counts once.
# (address() inlined for the common address without a display name.)
recipients(m) := {address(r) |
	some r in raw
	trim_space(r) != ""
	indexof(r, "<") != -1
} | {lower(trimmed) |
	some r in raw
	trimmed := trim_space(r)
	trimmed != ""
	indexof(r, "<") == -1
} if {
	raw := raw_recipients(m)
} else := set()

# Recipients after list expansion when the platform reports it, else the number of addresses.
recipient_count(m) := to_number(m.recipientCount) if {
	_ = m.recipientCount # present, whatever its value
} else := count(recipients(m))

# Recipients outside the school's own domains (an address without a domain is not judged).
external_recipients(m) := {r |
	some r in recipients(m)
	domain_of(r) != ""
	not own_address(r)
}

# The domains of external_recipients(m): the recipients' domains (domain_of) outside the school's.
external_domains(m) := {domain | some domain in recipient_domains(m); not config.own_domain(domain)}

# recipient_domains(m) is the domain_of() each of the message's recipients, but "" (recipients()
# inlined for the common address without a display name).
recipient_domains(m) := {domain |
	some r in raw
	indexof(r, "<") == -1
	parts := split(lower(trim_space(r)), "@")
	count(parts) > 1
	domain := trim_right(parts[count(parts) - 1], ".")
	domain != ""
} | {domain |
	some r in raw
	indexof(r, "<") != -1
	trim_space(r) != ""
	parts := split(address(r), "@")
	count(parts) > 1
	domain := trim_right(parts[count(parts) - 1], ".")
	domain != ""
} if {
	raw := raw_recipients(m)
} else := set()

# approved_processor(domain) holds for an approved data processor's domain or a subdomain of it.
approved_processor(domain) if lower(domain) in approved_processors

approved_processor(domain) if {
	lowered := lower(domain)
	some processor in approved_processors
	endswith(lowered, concat("", [".", processor]))
}

approved_processors := {lower(processor) | some processor in object.get(config.school, "approved_data_processors", [])}

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

# (inbound, outbound and sent test the platform's direction first: it gives one on almost every
# message.)
inbound(m) if object.get(m, "direction", "MAIL_DIRECTION_UNSPECIFIED") == "MAIL_DIRECTION_INBOUND"

inbound(m) if direction(m) == "MAIL_DIRECTION_INBOUND"

outbound(m) if object.get(m, "direction", "MAIL_DIRECTION_UNSPECIFIED") == "MAIL_DIRECTION_OUTBOUND"

outbound(m) if direction(m) == "MAIL_DIRECTION_OUTBOUND"

# sent(m) holds for mail a member of staff sent: outbound or internal, never inbound.
sent(m) if object.get(m, "direction", "MAIL_DIRECTION_UNSPECIFIED") in {"MAIL_DIRECTION_OUTBOUND", "MAIL_DIRECTION_INTERNAL"}

sent(m) if direction(m) in {"MAIL_DIRECTION_OUTBOUND", "MAIL_DIRECTION_INTERNAL"}

# The school's all-staff lists, normalised.
all_staff_lists := {address(list) | some list in object.get(config.school, "all_staff_lists", [])}

# Recipients that are one of the school's all-staff lists. A normalised address is part of the
# lower-cased recipient it came from, so when no list's address occurs in the recipients' text
# there is none, and the addresses need not be normalised one by one.
all_staff_recipients(m) := set() if {
	text := lower(concat("\n", array.concat(array.concat(object.get(m, "to", []), object.get(m, "cc", [])), object.get(m, "bcc", []))))
	every list in all_staff_lists {
		not contains(text, list)
	}
} else := recipients(m) & all_staff_lists

# The addresses allowed to broadcast, normalised.
broadcast_senders := {address(allowed) | some allowed in object.get(config.school, "broadcast_senders", [])}

authorised_broadcaster(m) if sender(m) in broadcast_senders

broadcast_threshold := object.get(config.thresholds, "broadcast_recipients", 50)

# broadcast(m): more than the school's threshold of recipients, or any all-staff list, from a
# sender not authorised to broadcast (MAIL-CONGESTION, MAIL-ADVERTISING).
broadcast(m) if {
	wide(m)
	not authorised_broadcaster(m)
}

# wide(m): more than the school's threshold of recipients, or any all-staff list.
wide(m) if recipient_count(m) > broadcast_threshold

wide(m) if {
	count(all_staff_lists) > 0
	count(all_staff_recipients(m)) > 0
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
# (extension() inlined for an attachment whose extension the platform gives as a string.)
attachment_extensions(m) := ({ext |
	some a in attachments(m)
	given := object.get(a, "extension", "")
	is_string(given)
	given != ""
	ext := lower(trim_left(given, "."))
	ext != ""
} | {ext |
	some a in attachments(m)
	object.get(a, "extension", "") == ""
	ext := extension(a)
	ext != ""
}) | {ext |
	some a in attachments(m)
	is_string(object.get(a, "extension", "")) == false
	ext := extension(a)
	ext != ""
}

# words("RE: You IDIOT!!") = ["re", "you", "idiot"]: lower-case letters and digits, in order.
words(text) := [w | some w in regex.split(`[^\pL\pN]+`, lower(text)); w != ""]

# phrase_index(phrases) is {first word: {phrase: its words}} for the phrases that have words:
# built once per clause, then matched against each subject's words.
phrase_index(phrases) := {first: needles |
	split := {phrase: needle | some phrase in phrases; needle := words(phrase); count(needle) > 0}
	some needle0 in split
	first := needle0[0]
	needles := {phrase: needle | some phrase, needle in split; needle[0] == first}
}

# matched(haystack, index) is the phrases of a phrase_index whose words occur in the haystack of
# words as whole, consecutive words.
matched(haystack, index) := {phrase |
	some i, word in haystack
	some phrase, needle in index[word]
	array.slice(haystack, i, i + count(needle)) == needle
}

# has_phrase(text, phrase) holds when the phrase's words occur in the text as whole, consecutive
# words, case-insensitively ("idiot" matches "You idiot!" but not "idiotic").
has_phrase(text, phrase) if phrase in matched(words(text), phrase_index({phrase}))

# The configured phrases the subject carries; empty for mail without a subject (e.g. private mail).
subject_phrases(m, phrases) := matched(words(object.get(m, "subject", "")), phrase_index(phrases))

# --- the batch, judged once per query ---
#
# The functions above judge one message. A MAIL-* clause iterates only the messages of an index
# below (complete rules: OPA evaluates each once per query) and re-checks them with those
# functions. OPA caches a function's result per arguments within a query, so a message's
# direction() is found once however many clauses ask.

# given_directions[i] is the direction the platform gave the batch's mail message i.
given_directions := {i: object.get(input.events[i].mail, "direction", "MAIL_DIRECTION_UNSPECIFIED") | some i}

# by_given[d] is the set of indexes of the batch's mail messages the platform gave direction d.
by_given := {direction: indexes |
	some direction in {direction | some _, direction in given_directions}
	indexes := {i | some i, other in given_directions; other == direction}
}

# derived_directions[i] is direction() of the batch's mail message i when the platform gave none.
derived_directions := {i: direction(input.events[i].mail) | some i in object.get(by_given, "MAIL_DIRECTION_UNSPECIFIED", set())}

# directed(d) is the set of indexes of the batch's mail messages whose direction() is d (the
# platform's, for almost every message: direction() is called for the others only).
directed(d) := object.get(by_given, d, set()) | {i | some i, derived in derived_directions; derived == d}

# The indexes of the batch's messages by direction: a MAIL-* clause iterates only its own.
sent_messages := outbound_messages | directed("MAIL_DIRECTION_INTERNAL")

outbound_messages := directed("MAIL_DIRECTION_OUTBOUND")

inbound_messages := directed("MAIL_DIRECTION_INBOUND")

# broadcasts: the sent messages that are broadcast(), found with builtins where they suffice.
broadcasts := {i | some i in wide_messages; not authorised_broadcaster(input.events[i].mail)}

# wide_messages: the sent messages that are wide().
wide_messages := (counted_wide | {i |
	counts := recipient_counts
	some i in sent_messages
	not counts[i]
	count(recipients(input.events[i].mail)) > broadcast_threshold
}) | {i | some i in all_staff_candidates; count(all_staff_recipients(input.events[i].mail)) > 0}

# counted_wide: the sent messages whose platform recipient count is over the threshold.
counted_wide := {i | threshold := broadcast_threshold; some i, n in recipient_counts; n > threshold}

# recipient_counts[i] is the platform's recipient count of sent message i, when it gives one.
recipient_counts := {i: to_number(input.events[i].mail.recipientCount) | some i in sent_messages}

# all_staff_candidates: the sent messages not counted_wide already that may name an all-staff
# list (see all_staff_recipients), and those whose recipients are not all text. Most batches name
# no list at all, and the text of all their recipients shows it at once.
all_staff_candidates := {i |
	lists := all_staff_lists
	some i, text in recipients_text
	some list in lists
	contains(text, list)
} | {i |
	texts := recipients_text
	some i in uncounted_sent
	not texts[i]
} if {
	count(all_staff_lists) > 0
	not batch_names_no_staff_list
} else := set()

# batch_names_no_staff_list: the recipients of every uncounted_sent message are text, and none of
# them holds the address of an all-staff list.
batch_names_no_staff_list if {
	texts := [concat("\n", array.concat(array.concat(object.get(m, "to", []), object.get(m, "cc", [])), object.get(m, "bcc", []))) |
		some i in uncounted_sent
		m := input.events[i].mail
	]
	count(texts) == count(uncounted_sent)
	text := lower(concat("\n", texts))
	every list in all_staff_lists {
		not contains(text, list)
	}
}

uncounted_sent := sent_messages - counted_wide

# recipients_text[i] is the lower-cased text of the recipients of uncounted_sent message i.
recipients_text := {i: lower(concat("\n", array.concat(array.concat(object.get(m, "to", []), object.get(m, "cc", [])), object.get(m, "bcc", [])))) |
	some i in uncounted_sent
	m := input.events[i].mail
}

# The phrases the clauses look for in subjects: chain letters, advertising and offensive terms.
subject_phrase_index := phrase_index({phrase |
	some key in ["chain_phrases", "advertising_terms", "offensive_terms"]
	some phrase in object.get(config.school, key, [])
})

# subject_matches[i] is the configured phrases the subject of the batch's sent message i carries
# (subject_phrases), for the messages that carry any: a clause intersects them with its own list.
subject_matches := {i: found |
	some i in sent_messages
	subject := lower(object.get(input.events[i].mail, "subject", ""))
	regex.match(subject_first_words, subject)
	found := configured_phrases(subject)
	count(found) > 0
}

# configured_phrases(subject) is the configured phrases a (lower-cased) subject carries; OPA caches
# it per subject, and a batch repeats its subjects.
configured_phrases(subject) := matched(words(subject), subject_phrase_index)

# A pattern matching any configured phrase's first word as a whole word: a subject it does not
# match carries no phrase, and is not split into words.
subject_first_words := concat("", [`(^|[^\pL\pN])(`, concat("|", object.keys(subject_phrase_index)), `)($|[^\pL\pN])`])
