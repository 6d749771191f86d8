package invigilator.lib.web_test

import data.invigilator.lib.web

ef := {"school": "elms-farm"}

sp := {"school": "st-peters"}

cats(host) := web.categories({"host": host})

# --- hosts and paths ---

test_host_suffixes_are_whole_labels if {
	web.host_suffixes("www.facebook.com") == {"www.facebook.com", "facebook.com"}
	web.host_suffixes("WWW.Facebook.COM.") == {"www.facebook.com", "facebook.com"}
	web.host_suffixes("localhost") == {"localhost"}
	web.host_suffixes("") == {""}
}

test_path_prefixes_stop_at_segment_boundaries if {
	web.path_prefixes("/iplayer/episode") == {"", "/", "/iplayer", "/iplayer/", "/iplayer/episode", "/iplayer/episode/"}
	web.path_prefixes("") == {"", "/"}
}

# --- the lists ---

test_subdomain_inherits_the_domain if {
	"social" in cats("m.facebook.com") with input as ef
	"webmail" in cats("uk.mail.yahoo.com") with input as ef
	"streaming" in cats("WWW.YouTube.com.") with input as ef
}

test_lookalike_domain_does_not_match if {
	cats("notfacebook.com") == set() with input as ef
	cats("facebook.com.evil.example") == set() with input as ef
	cats("mymail.yahoo.com") == set() with input as ef
	cats("com") == set() with input as ef
}

test_a_domain_can_carry_several_categories if {
	cats("www.reddit.com") == {"social", "forum"} with input as ef
}

test_request_without_host_has_no_category if {
	web.categories({}) == set() with input as ef
}

test_host_that_is_not_a_string_has_only_the_filter_categories if {
	web.host_suffixes(5) == set()
	web.categories({"host": 5}) == set() with input as ef
	web.categories({"host": 5, "categories": ["Gambling"]}) == {"gambling"} with input as ef
}

test_url_prefix_entries_match_at_segment_boundaries if {
	web.categories({"host": "www.bbc.co.uk", "path": "/iplayer/episode/m001"}) == {"streaming"} with input as ef
	web.categories({"host": "www.bbc.co.uk", "path": "/news/"}) == {"news"} with input as ef
	web.categories({"host": "www.bbc.co.uk", "path": "/iplayerx"}) == set() with input as ef
	web.categories({"host": "www.bbc.co.uk", "path": "/"}) == set() with input as ef
	web.categories({"host": "www.bbc.co.uk"}) == set() with input as ef
}

test_url_and_domain_entries_merge if {
	web.categories({"host": "www.nytimes.com", "path": "/games/wordle/index.html"}) == {"news", "games"} with input as ef
}

# --- the filter's own categories come first ---

test_vendor_category_maps_to_ours_case_insensitively if {
	web.categories({"host": "new-site.example", "categories": ["SOCIAL NETWORKING"]}) == {"social"} with input as ef
	web.categories({"host": "x.example", "categories": [" Web-based Email "]}) == {"webmail"} with input as ef
	web.categories({"host": "x.example", "categories": ["IWF"]}) == {"child_harm"} with input as ef
	web.categories({"host": "x.example", "categories": ["Self Harm", "Warez"]}) == {"child_harm", "piracy"} with input as ef
	web.categories({"host": "x.example", "categories": ["Instant Messaging and Chat"]}) == {"im", "chat"} with input as ef
}

test_our_own_names_from_a_filter_stand_for_themselves if {
	web.categories({"host": "x.example", "categories": ["social"]}) == {"social"} with input as ef
	web.categories({"host": "x.example", "categories": ["Child_Harm"]}) == {"child_harm"} with input as ef
}

test_vendor_category_takes_precedence_over_the_lists if {
	request := {"host": "www.facebook.com", "categories": ["Education"]}
	web.categories(request) == {"education"} with input as ef
	web.categorised_by(request) == "filter" with input as ef
}

test_unknown_vendor_category_falls_back_to_the_lists if {
	request := {"host": "www.facebook.com", "categories": ["Uncategorised"]}
	web.categories(request) == {"social"} with input as ef
	web.categorised_by(request) == "list" with input as ef
}

# --- the school's own mail platform is never webmail ---

test_m365_school_outlook_on_the_web_is_its_own_mail if {
	cats("outlook.office.com") == set() with input as ef
	cats("outlook.office365.com") == set() with input as ef
	web.categories({"host": "outlook.office.com", "categories": ["Webmail"]}) == set() with input as ef
}

test_google_school_gmail_is_its_own_mail if {
	cats("mail.google.com") == set() with input as sp
	cats("drive.google.com") == set() with input as sp
	"webmail" in cats("outlook.office.com") with input as sp
}

test_other_platform_is_webmail_at_an_m365_school if {
	cats("mail.google.com") == {"webmail"} with input as ef
	cats("drive.google.com") == {"filehosting"} with input as ef
}

test_personal_platform_is_webmail_for_both if {
	cats("outlook.live.com") == {"webmail"} with input as ef
	cats("outlook.live.com") == {"webmail"} with input as sp
}

test_school_own_mail_domain_is_never_webmail if {
	request := {"host": "webmail.elmsfarm.example.sch.uk", "categories": ["Webmail"]}
	web.categories(request) == set() with input as ef
	web.categories(request) == {"webmail"} with input as sp
}

# --- an imported (UT1) list ---

imported := {
	"domains": {"imported-casino.example": ["gambling"], "facebook.com": ["games"]},
	"urls": {"sites.example/warez": ["piracy"]},
}

test_external_entries_are_honoured_and_merged if {
	cats("www.imported-casino.example") == {"gambling"} with input as ef with data.data.categories.external as imported
	cats("www.facebook.com") == {"social", "games"} with input as ef with data.data.categories.external as imported
	web.categories({"host": "sites.example", "path": "/warez/x.zip"}) == {"piracy"} with input as ef
		with data.data.categories.external as imported
	cats("www.imported-casino.example") == set() with input as ef with data.data.categories.external as {}
}

# --- non-work, blocked, evidence ---

test_nonwork_browsing if {
	web.is_nonwork({"host": "www.amazon.co.uk"}) with input as ef
	web.is_nonwork({"host": "www.facebook.com"}) with input as ef
	not web.is_nonwork({"host": "www.gov.uk"}) with input as ef
	not web.is_nonwork({"host": "testsafebrowsing.appspot.com"}) with input as ef
	not web.is_nonwork({"host": "aws.amazon.com"}) with input as ef
	not web.is_nonwork({"host": "education.minecraft.net"}) with input as ef
}

test_blocked_requests if {
	web.blocked({"resultCode": "TCP_DENIED"})
	web.blocked({"status": 403})
	not web.blocked({"resultCode": "TCP_MISS", "status": 200})
	not web.blocked({})
}

test_evidence_keeps_host_not_path if {
	web.evidence({"host": "WWW.Facebook.com", "path": "/someone", "resultCode": "TCP_DENIED/403"}) == {"host": "www.facebook.com", "categorised_by": "list", "blocked": true} with input as ef
	web.evidence({"host": "x.example", "categories": ["Gambling"]}) == {"host": "x.example", "categorised_by": "filter", "blocked": false} with input as ef
}

# --- the shipped data set ---

listed_categories := {c | some cs in data.data.categories.domains; some c in cs} | {c | some cs in data.data.categories.urls; some c in cs}

test_shipped_data_uses_only_known_categories if {
	unknown := {c |
		some c in ((listed_categories | {c | some cs in data.data.categories.vendor_aliases; some c in cs}) | {c |
			some platform in data.data.categories.own_platform
			some cs in platform
			some c in cs
		})
		not c in web.known
	}
	unknown == set()
}

test_vendor_alias_names_are_distinct_ignoring_case if {
	names := [lower(name) | some name, _ in data.data.categories.vendor_aliases]
	count(names) == count({n | some n in names})
}

test_shipped_lists_cover_each_category if {
	entries := array.concat(
		[c | some cs in data.data.categories.domains; some c in cs],
		[c | some cs in data.data.categories.urls; some c in cs],
	)
	short := {category |
		some category in {
			"social", "webmail", "streaming", "im", "chat", "gambling", "piracy", "malicious",
			"filehosting", "forum", "shopping", "news", "sport", "games",
		}
		count([c | some c in entries; c == category]) < 25
	}
	short == set()
}

test_child_harm_and_hate_ship_only_test_entries if {
	bad := {domain |
		some domain, cs in data.data.categories.domains
		some c in cs
		c in {"child_harm", "hate"}
		not endswith(domain, ".invalid")
	}
	bad == set()
}

test_flagged_and_work_categories_are_disjoint if {
	web.flagged & web.work == set()
	web.nonwork & web.work == set()
}

# --- the batch ---

test_batch_requests_grouped_by_category if {
	batch := {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.facebook.com"}},
		{"mail": {}},
		{"proxy": {"host": "www.bbc.co.uk", "path": "/iplayer/x"}},
		{"proxy": {"host": "www.bbc.co.uk", "path": "/"}},
		{"proxy": {"host": "www.gov.uk", "categories": ["Gambling"], "status": 403}},
		{"proxy": {"host": "WWW.Facebook.com."}},
	]}
	web.by_category == {"social": {0, 5}, "streaming": {2}, "gambling": {4}} with input as batch
	web.request_evidence[4] == {"host": "www.gov.uk", "categorised_by": "filter", "blocked": true} with input as batch
	web.request_evidence[5] == {"host": "www.facebook.com", "categorised_by": "list", "blocked": false} with input as batch
	web.event_evidence(5, batch.events[5].proxy) == web.request_evidence[5] with input as batch

	# A request outside the batch's flagged ones is judged afresh.
	web.event_evidence(1, {"host": "www.gov.uk", "status": 403}) == {"host": "www.gov.uk", "categorised_by": "list", "blocked": true} with input as batch
}

test_batch_nonwork_requests_agree_with_is_nonwork if {
	batch := {"school": "elms-farm", "events": [
		{"proxy": {"host": "www.facebook.com"}},
		{"mail": {}},
		{"proxy": {"host": "www.bbc.co.uk", "path": "/iplayer/x"}},
		{"proxy": {"host": "www.gov.uk"}},
		{"proxy": {"host": "www.gov.uk", "categories": ["Gambling"]}},
		{"proxy": {"host": "www.facebook.com", "categories": ["Education"]}},
		{"proxy": {"path": "/x"}},
	]}
	expected := {i | some i, event in batch.events; event.proxy; web.is_nonwork(event.proxy)}
	web.nonwork_requests == expected with input as batch
	{0, 2, 4} - expected == set()
	expected & {1, 3, 5, 6} == set()
}

test_batch_request_without_host_is_judged_as_host_empty if {
	batch := {"school": "elms-farm", "events": [{"proxy": {"path": "/x"}}, {"proxy": {"host": "x.example"}}, {"proxy": {"host": ""}}]}
	web.by_category == {} with input as batch
	web.by_category == {"adult": {0, 2}} with input as batch with data.data.categories.domains as {"": ["adult"]}
}

test_vendor_names_differing_only_in_case_merge if {
	aliases := {"Foo": ["adult"], "foo ": ["chat"], "Bar": ["gambling"]}
	web.categories({"host": "x.example", "categories": ["Foo"]}) == {"adult", "chat"} with input as ef
		with data.data.categories.vendor_aliases as aliases
	web.categories({"host": "x.example", "categories": ["Bar"]}) == {"gambling"} with input as ef
		with data.data.categories.vendor_aliases as aliases
	web.categories({"host": "x.example", "categories": ["Bar"]}) == {"gambling"} with input as ef
		with data.data.categories.vendor_aliases as {"Bar": ["gambling"]}
}
