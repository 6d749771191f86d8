package invigilator.clauses.net.webmail_test

import data.invigilator.clauses.net.webmail

request(host) := {"school": "elms-farm", "events": [{"proxy": {"host": host}}]}

test_listed_domain_fires if {
	[f] := [f | some f in webmail.findings] with input as request("hotmail.com")
	f.clause == "NET-WEBMAIL"
	f.event == 0
	f.severity == "medium"
	f.owner == "hr"
	f.gross_misconduct == false
	f.policy_ref == "2.5"
	f.evidence == {"host": "hotmail.com", "categorised_by": "list", "blocked": false}
}

test_cites_st_peters_own_section if {
	[f] := [f | some f in webmail.findings] with input as {
		"school": "st-peters",
		"events": [{"proxy": {"host": "outlook.live.com"}}],
	}
	f.policy_ref == "Systems Use and Data Security ¶6"
}

test_subdomain_fires if {
	count(webmail.findings) == 1 with input as request("outlook.live.com")
}

test_lookalike_domain_does_not_fire if {
	count(webmail.findings) == 0 with input as request("nothotmail.com")
}

test_ordinary_site_does_not_fire if {
	count(webmail.findings) == 0 with input as request("www.gov.uk")
}

test_filter_category_fires if {
	[f] := [f | some f in webmail.findings] with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "unlisted.example", "categories": ["Web-based Email"], "resultCode": "TCP_DENIED"}}],
	}
	f.evidence == {"host": "unlisted.example", "categorised_by": "filter", "blocked": true}
}

test_filter_category_takes_precedence_over_the_list if {
	count(webmail.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "hotmail.com", "categories": ["Education"]}}],
	}
}

test_events_without_proxy_payload_are_ignored if {
	count(webmail.findings) == 0 with input as {"school": "elms-farm", "events": [{"account": "a"}, {"mail": {"subject": "hotmail.com"}}]}
}

test_each_matching_event_is_judged if {
	fs := webmail.findings with input as {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "hotmail.com"}},
		{"proxy": {"host": "outlook.live.com"}},
	]}
	{f.event | some f in fs} == {1, 2}
}

test_own_m365_platform_is_not_webmail if {
	count(webmail.findings) == 0 with input as request("outlook.office.com")
	count(webmail.findings) == 0 with input as request("outlook.office365.com")
	count(webmail.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "outlook.office.com", "categories": ["Webmail"]}}],
	}
}

test_own_google_platform_is_not_webmail if {
	count(webmail.findings) == 0 with input as {"school": "st-peters", "events": [{"proxy": {"host": "mail.google.com"}}]}
	count(webmail.findings) == 1 with input as {"school": "st-peters", "events": [{"proxy": {"host": "outlook.office.com"}}]}
	count(webmail.findings) == 1 with input as request("mail.google.com")
}

test_personal_outlook_is_webmail_at_both_schools if {
	count(webmail.findings) == 1 with input as request("outlook.live.com")
	count(webmail.findings) == 1 with input as {"school": "st-peters", "events": [{"proxy": {"host": "outlook.live.com"}}]}
}

test_school_own_mail_domain_is_not_webmail if {
	count(webmail.findings) == 0 with input as {
		"school": "elms-farm",
		"events": [{"proxy": {"host": "webmail.elmsfarm.example.sch.uk", "categories": ["Webmail"]}}],
	}
}
