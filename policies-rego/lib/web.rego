# Categorisation of web requests (ProxyRequest in the protobuf JSON mapping).
#
# Sources, in order of authority:
#   1. the school's filter: `categories` on the request (e2guardian / Smoothwall / Lightspeed names),
#      mapped to ours through data.data.categories.vendor_aliases (case-insensitive). When at least
#      one of the filter's names maps, the filter's verdict is used and the lists are not consulted.
#   2. otherwise the lists: the curated data.data.categories.{domains,urls} merged with the optional
#      imported data.data.categories.external.{domains,urls} (UT1, see policy_engine.ut1).
# Then the school's own platform is taken out: a Microsoft 365 school's Outlook on the web is its own
# mail, never webmail (data.data.categories.own_platform[<mail_platform>]).
package invigilator.lib.web

import data.invigilator.lib.config

curated := data.data.categories

external := object.get(data.data.categories, "external", {})

# Our category names. Flagged ones have a NET-* clause (or DATA-THIRD-PARTY for filehosting).
flagged := {
	"adult", "chat", "child_harm", "filehosting", "forum", "gambling", "hate",
	"im", "malicious", "piracy", "social", "streaming", "webmail",
}

# Non-work browsing: a minute with one of these requests counts towards NET-EXCESSIVE-NONWORK
# (the stream processor counts; malicious and filehosting are not browsing choices, work ones neither).
nonwork := {
	"adult", "chat", "child_harm", "dating", "entertainment", "forum", "gambling", "games", "hate",
	"im", "news", "piracy", "shopping", "social", "sport", "streaming", "webmail",
}

# Categories a filter may name that are neither flagged nor non-work; naming one still gives the
# filter's verdict precedence (e.g. "Education" on a site the lists call something else).
work := {"business", "education", "government", "health", "proxy", "reference", "search", "technology"}

known := (flagged | nonwork) | work

# normal_host("WWW.Facebook.com.") = "www.facebook.com"
normal_host(host) := trim_right(lower(trim_space(host)), ".")

# host_suffixes("www.facebook.com") = {"www.facebook.com", "facebook.com"}: matching by whole
# labels, so "notfacebook.com" never inherits facebook.com's categories; a bare TLD never matches.
host_suffixes(host) := {suffix |
	labels := split(normal_host(host), ".")
	some i, _ in labels
	i < max([1, count(labels) - 1])
	suffix := concat(".", array.slice(labels, i, count(labels)))
}

# path_prefixes("/iplayer/episode/x") = {"", "/", "/iplayer", "/iplayer/", "/iplayer/episode", ...}:
# URL entries match at segment boundaries, so "host/iplayer" does not match "/iplayerx".
path_prefixes(path) := {prefix |
	segments := [segment | some segment in split(lower(path), "/"); segment != ""]
	some n, _ in segments
	joined := concat("/", array.slice(segments, 0, n + 1))
	some prefix in {concat("", ["/", joined]), concat("", ["/", joined, "/"])}
} | {"", "/"}

host_of(request) := object.get(request, "host", "")

path_of(request) := object.get(request, "path", "")

# Vendor names, lower-cased, to our categories: {"social networking": {"social"}, ...}.
# Our own names stand for themselves ("social" from a filter that already speaks our language).
alias_index[name] contains category if {
	some vendor, categories in curated.vendor_aliases
	name := lower(trim_space(vendor))
	some category in categories
}

alias_index[name] contains name if some name in known

# filter_categories(request): the filter's categories on the request, in our names.
filter_categories(request) := {category |
	some vendor in object.get(request, "categories", [])
	some category in alias_index[lower(trim_space(vendor))]
}

# listed_categories(request): the curated and imported domain and URL lists.
listed_categories(request) := {category |
	some suffix in host_suffixes(host_of(request))
	some list in [curated, external]
	some category in object.get(list, ["domains", suffix], [])
} | {category |
	some suffix in host_suffixes(host_of(request))
	some prefix in path_prefixes(path_of(request))
	key := concat("", [suffix, prefix])
	some list in [curated, external]
	some category in object.get(list, ["urls", key], [])
}

raw_categories(request) := found if {
	found := filter_categories(request)
	count(found) > 0
} else := listed_categories(request)

# own_platform_categories(request): categories the school's own platform cannot carry on this host,
# e.g. {"webmail"} for outlook.office.com at a Microsoft 365 school. Hosts under the school's own
# mail domains (an on-premises Outlook on the web) are never webmail either.
own_platform_categories(request) := {category |
	platform := object.get(curated.own_platform, config.school.mail_platform, {})
	some suffix in host_suffixes(host_of(request))
	some category in object.get(platform, suffix, [])
} | {"webmail" | config.own_domain(normal_host(host_of(request)))}

# categories(request) is the set of our category names the request falls into.
categories(request) := raw_categories(request) - own_platform_categories(request)

# categorised_by(request) says whose verdict categories(request) rests on: "filter" or "list".
categorised_by(request) := "filter" if {
	count(filter_categories(request)) > 0
} else := "list"

# is_nonwork(request) holds for a request counted as non-work browsing.
is_nonwork(request) if {
	some category in categories(request)
	category in nonwork
}

# blocked(request) is true when the filter refused the request (it still shows intent).
blocked(request) if contains(upper(object.get(request, "resultCode", "")), "DENIED")

blocked(request) if object.get(request, "status", 0) == 403

is_blocked(request) if blocked(request)

else := false

# evidence(request): what a NET-* finding keeps. The path stays out: detailed browsing is seen
# only inside a case (MON-INTERNET-ON-SUSPICION).
evidence(request) := {
	"host": normal_host(host_of(request)),
	"categorised_by": categorised_by(request),
	"blocked": is_blocked(request),
}

# event_categories[i] is categories() of the batch's event i when it is a proxy request: a rule, so
# OPA evaluates it once per batch however many clauses ask.
event_categories[i] := categories(event.proxy) if some i, event in input.events
