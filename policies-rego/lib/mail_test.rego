package invigilator.lib.mail_test

import data.invigilator.lib.mail

ef := {"school": "elms-farm"}

test_address_strips_display_name_and_case if {
	mail.address("Jo Bloggs <Jo.Bloggs@ElmsFarm.example.sch.uk>") == "jo.bloggs@elmsfarm.example.sch.uk"
	mail.address("  JO@Example.org ") == "jo@example.org"
}

test_domain_of if {
	mail.domain_of("Jo <jo@Example.ORG>") == "example.org"
	mail.domain_of("jo@example.org.") == "example.org"
	mail.domain_of("\"a@b\" <jo@c.org>") == "c.org"
	mail.domain_of("no-domain") == ""
}

test_own_address_by_domain if {
	mail.own_address("Head <head@ElmsFarm.example.sch.uk>") with input as ef
	mail.own_address("x@mail.elmsfarm.example.sch.uk") with input as ef
	not mail.own_address("x@stpeters.example.sch.uk") with input as ef
}

test_recipients_join_to_cc_bcc_once_each if {
	m := {"to": ["A <a@x.org>", "b@y.org"], "cc": ["A@X.org"], "bcc": ["c@z.org", " "]}
	mail.recipients(m) == {"a@x.org", "b@y.org", "c@z.org"}
	mail.recipients({}) == set()
}

test_recipient_count_prefers_platform_count if {
	mail.recipient_count({"to": ["allstaff@elmsfarm.example.sch.uk"], "recipientCount": 87}) == 87
	mail.recipient_count({"to": ["a@x.org"], "recipientCount": "12"}) == 12
	mail.recipient_count({"to": ["a@x.org", "b@x.org"], "cc": ["c@x.org"]}) == 3
}

test_external_recipients_and_domains if {
	m := {"to": ["a@elmsfarm.example.sch.uk", "b@Gmail.com", "nodomain"], "cc": ["c@cpoms.co.uk"]}
	mail.external_recipients(m) == {"b@gmail.com", "c@cpoms.co.uk"} with input as ef
	mail.external_domains(m) == {"gmail.com", "cpoms.co.uk"} with input as ef
	mail.unapproved_external_domains(m) == {"gmail.com"} with input as ef
}

test_approved_processor_includes_subdomains_only if {
	mail.approved_processor("CPOMS.co.uk") with input as ef
	mail.approved_processor("eu.cpoms.co.uk") with input as ef
	not mail.approved_processor("notcpoms.co.uk") with input as ef
	not mail.approved_processor("scomis.org") with input as {"school": "st-peters"}
}

test_sender_prefers_sender_mailbox if {
	mail.sender({"fromAddress": "a@x.org", "senderMailbox": "B@x.org"}) == "b@x.org"
	mail.sender({"fromAddress": "A <a@x.org>"}) == "a@x.org"
	mail.sender({}) == ""
}

test_platform_direction_wins if {
	m := {"fromAddress": "a@elmsfarm.example.sch.uk", "to": ["x@gmail.com"], "direction": "MAIL_DIRECTION_INBOUND"}
	mail.direction(m) == "MAIL_DIRECTION_INBOUND" with input as ef
	mail.inbound(m) with input as ef
	not mail.sent(m) with input as ef
}

test_unspecified_direction_is_derived if {
	m := {"fromAddress": "a@elmsfarm.example.sch.uk", "to": ["b@elmsfarm.example.sch.uk"], "direction": "MAIL_DIRECTION_UNSPECIFIED"}
	mail.direction(m) == "MAIL_DIRECTION_INTERNAL" with input as ef
}

test_derived_direction if {
	out := {"fromAddress": "a@elmsfarm.example.sch.uk", "to": ["b@elmsfarm.example.sch.uk", "x@gmail.com"]}
	mail.direction(out) == "MAIL_DIRECTION_OUTBOUND" with input as ef
	mail.outbound(out) with input as ef
	mail.sent(out) with input as ef

	internal := {"senderMailbox": "a@elmsfarm.example.sch.uk", "fromAddress": "x@gmail.com", "to": ["b@elmsfarm.example.sch.uk"]}
	mail.direction(internal) == "MAIL_DIRECTION_INTERNAL" with input as ef
	mail.sent(internal) with input as ef
	not mail.outbound(internal) with input as ef

	inbound := {"fromAddress": "x@gmail.com", "to": ["b@elmsfarm.example.sch.uk"]}
	mail.direction(inbound) == "MAIL_DIRECTION_INBOUND" with input as ef
	not mail.sent(inbound) with input as ef
}

test_broadcast_over_threshold_by_unauthorised_sender if {
	mail.broadcast({"senderMailbox": "t@elmsfarm.example.sch.uk", "recipientCount": 51}) with input as ef
	not mail.broadcast({"senderMailbox": "t@elmsfarm.example.sch.uk", "recipientCount": 50}) with input as ef
	not mail.broadcast({"senderMailbox": "Office@ElmsFarm.example.sch.uk", "recipientCount": 300}) with input as ef
}

test_broadcast_to_all_staff_list if {
	m := {"fromAddress": "t@elmsfarm.example.sch.uk", "to": ["All Staff <AllStaff@elmsfarm.example.sch.uk>"]}
	mail.all_staff_recipients(m) == {"allstaff@elmsfarm.example.sch.uk"} with input as ef
	mail.broadcast(m) with input as ef
	not mail.broadcast(object.union(m, {"fromAddress": "head@elmsfarm.example.sch.uk"})) with input as ef

	# Another school's list is an ordinary address.
	not mail.broadcast(m) with input as {"school": "st-peters"}
}

test_broadcast_threshold_is_per_school if {
	mail.broadcast({"fromAddress": "t@elmsfarm.example.sch.uk", "recipientCount": 21}) with input as ef
		with data.data.schools["elms-farm"].thresholds.broadcast_recipients as 20
}

test_extension if {
	mail.extension({"extension": "EXE", "fileName": "a.pdf"}) == "exe"
	mail.extension({"extension": ".js"}) == "js"
	mail.extension({"fileName": "invoice.PDF.scr"}) == "scr"
	mail.extension({"fileName": "README"}) == ""
	mail.extension({"sizeBytes": "123"}) == ""
}

test_attachment_extensions_skip_nameless_attachments if {
	mail.attachment_extensions({"attachments": [{"extension": "exe"}, {"fileName": "a.Mp3"}, {"sizeBytes": "9"}]}) == {"exe", "mp3"}
	mail.attachment_extensions({}) == set()
}

test_words if {
	mail.words("RE: You IDIOT!!") == ["re", "you", "idiot"]
	mail.words("") == []
}

test_has_phrase_matches_whole_words_only if {
	mail.has_phrase("You idiot!", "Idiot")
	mail.has_phrase("Please forward   this TO all", "forward this to")
	not mail.has_phrase("idiotic idea", "idiot")
	not mail.has_phrase("forward to this", "forward this to")
	not mail.has_phrase("hi", "forward this to")
	not mail.has_phrase("anything", "")
	not mail.has_phrase("", "idiot")
}

test_subject_phrases_on_mail_without_subject if {
	mail.subject_phrases({"privateMarked": true}, ["idiot"]) == set()
	mail.subject_phrases({"subject": "Cake for sale, sponsor me"}, ["for sale", "sponsor", "sponsorship"]) == {"for sale", "sponsor"}
}

test_attachment_extension_not_a_string_falls_back_to_the_file_name if {
	mail.attachment_extensions({"attachments": [{"extension": 5, "fileName": "a.EXE"}, {"extension": "", "fileName": "b.js"}]}) == {"exe", "js"}
}

test_address_with_an_unclosed_bracket_is_kept_whole if {
	mail.address(" Jo <Jo@x.org ") == "jo <jo@x.org"
}

test_recipients_of_malformed_mail_are_none if {
	mail.recipients({"to": "a@x.org"}) == set()
	mail.recipients({"to": ["a@x.org", 5]}) == {"a@x.org"}
}

test_batch_broadcasts if {
	teacher := "t@elmsfarm.example.sch.uk"
	batch := {"school": "elms-farm", "events": [
		{"mail": {"fromAddress": teacher, "to": ["All Staff <AllStaff@elmsfarm.example.sch.uk>", 5], "recipientCount": 2}},
		{"mail": {"fromAddress": teacher, "to": ["a@elmsfarm.example.sch.uk"], "recipientCount": 60}},
		{"mail": {"fromAddress": teacher, "to": ["a@elmsfarm.example.sch.uk"], "recipientCount": 2}},
		{"mail": {"fromAddress": "office@elmsfarm.example.sch.uk", "to": ["allstaff@elmsfarm.example.sch.uk"]}},
		{"proxy": {"host": "x.example"}},
	]}
	mail.sent_messages == {0, 1, 2, 3} with input as batch
	mail.broadcasts == {0, 1} with input as batch
	mail.broadcasts == {0} with input as object.union(batch, {"events": array.slice(batch.events, 1, 5)})
}

test_external_domains_of_named_and_malformed_recipients if {
	mail.external_domains({"to": ["Jo <JO@Gmail.COM.>", "x@elmsfarm.example.sch.uk", "<>"], "cc": ["A <a@x.org>"]}) == {"gmail.com", "x.org"} with input as ef
	mail.external_domains({"to": "a@gmail.com"}) == set() with input as ef
}
