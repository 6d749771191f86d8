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
#
# The functions judge one request (categories(request), is_nonwork(request), evidence(request)).
# The clauses judge a batch: OPA evaluates a complete rule once per query, so the batch is
# categorised once, below, by host, filter names and path, into by_category, the event indexes
# per flagged category that each NET-* clause iterates, and request_evidence.
package invigilator.lib.web

import data.invigilator.lib.config

curated := data.data.categories

external := object.get(data.data.categories, "external", {})

# The lists, looked up by key (the imported ones can be large: never iterated).
curated_domains := object.get(curated, "domains", {})

curated_urls := object.get(curated, "urls", {})

external_domains := object.get(external, "domains", {})

external_urls := object.get(external, "urls", {})

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
# (The host itself, then what follows each dot but the last.)
host_suffixes(host) := {normal} | {substring(normal, dot + 1, -1) | some dot in array.slice(dots, 0, count(dots) - 1)} if {
	normal := normal_host(host)
	dots := indexof_n(normal, ".")
} else := set()

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
# A complete rule: built once per query (grouping alias_pairs by name), then looked up.
alias_index := {name: categories |
	some name in {name | some [name, _] in alias_pairs}
	categories := {category | some [alias, category] in alias_pairs; alias == name}
}

alias_pairs := {[lower(trim_space(vendor)), category] |
	some vendor, categories in curated.vendor_aliases
	some category in categories
} | {[name, name] | some name in known}

# vendor_categories(names): a filter's category names, in ours.
vendor_categories(names) := {category |
	some vendor in names
	some category in vendor_alias(vendor)
}

# vendor_alias(vendor) is alias_index[lower(trim_space(vendor))]. A filter mostly writes a name as
# the list does: while no two of the list's names differ only in case or spaces, that name's own
# entry is all there is, and the index need not be built (OPA caches the result per name).
vendor_alias(vendor) := {category | some category in curated.vendor_aliases[vendor]} | ({lower(trim_space(vendor))} & known) if {
	alias_names_distinct
	curated.vendor_aliases[vendor]
} else := alias_index[lower(trim_space(vendor))]

alias_names_distinct if count({lower(trim_space(vendor)) | some vendor, _ in curated.vendor_aliases}) == count(curated.vendor_aliases)

# filter_categories(request): the filter's categories on the request, in our names.
filter_categories(request) := vendor_categories(object.get(request, "categories", []))

# url_categories(facts, path): the curated and imported URL lists, entries matching at segment
# boundaries of the path, for a host's host_facts.
url_categories(facts, path) := {category |
	count(facts.curated_url_suffixes) > 0
	prefixes := path_prefixes(path)
	some suffix in facts.curated_url_suffixes
	some prefix in prefixes
	some category in curated_urls[concat("", [suffix, prefix])]
} | {category |
	count(facts.external_url_suffixes) > 0
	prefixes := path_prefixes(path)
	some suffix in facts.external_url_suffixes
	some prefix in prefixes
	some category in external_urls[concat("", [suffix, prefix])]
}

# The host part of every curated URL entry ("www.bbc.co.uk" of "www.bbc.co.uk/iplayer"). A key
# suffix + prefix (prefix "" or from "/") can only be an entry when the suffix is one of these, or
# holds a "/" itself; the imported list can be large, so each of its lookups is made.
curated_url_hosts := {split(entry, "/")[0] | some entry, _ in curated_urls}

# The school's own platform: per host suffix, the categories it cannot carry there (e.g.
# {"webmail"} for outlook.office.com at a Microsoft 365 school).
own_platform := object.get(curated.own_platform, config.school.mail_platform, {})

has_external_domains := count(external_domains) > 0

has_external_urls := count(external_urls) > 0

# host_facts(raw): what categorisation needs of a host, whatever the path and filter say: the
# normal host; its "own" categories, those the school's own platform cannot carry there (hosts
# under the school's own mail domains, an on-premises Outlook on the web, are never webmail
# either); its domain-list categories ("listed"); its verdict when the lists' URL entries cannot
# apply, and otherwise the suffixes whose URL entries to look up.
host_facts(raw) := {
	"host": host,
	"own": own,
	"listed": listed,
	"verdict": {"categories": listed - own, "by": "list"},
	"curated_url_suffixes": curated_url_suffixes,
	"external_url_suffixes": external_url_suffixes,
	"by_path": (count(curated_url_suffixes) + count(external_url_suffixes)) > 0,
} if {
	host := normal_host(raw)
	dots := indexof_n(host, ".")
	suffixes := {host} | {substring(host, dot + 1, -1) | some dot in array.slice(dots, 0, count(dots) - 1)} # host_suffixes
	own := {category | some suffix in suffixes; some category in own_platform[suffix]} | {"webmail" | config.own_domain(host)}
	listed := {category | some suffix in suffixes; some category in curated_domains[suffix]} | {category |
		has_external_domains
		some suffix in suffixes
		some category in external_domains[suffix]
	}
	curated_url_suffixes := (suffixes & curated_url_hosts) | {suffix | contains(host, "/"); some suffix in suffixes; contains(suffix, "/")}
	external_url_suffixes := {suffix | has_external_urls; some suffix in suffixes}
} else := {
	"own": set(), "listed": set(), "verdict": {"categories": set(), "by": "list"},
	"curated_url_suffixes": set(), "external_url_suffixes": set(), "by_path": false,
} # a host that is not a string

# classify(facts, path, filtered): the request's categories and whose verdict they rest on, given
# its host_facts, path and filter categories (vendor_categories).
classify(facts, path, filtered) := {"categories": filtered - facts.own, "by": "filter"} if {
	count(filtered) > 0
} else := facts.verdict if {
	facts.by_path == false
} else := {"categories": (facts.listed | url_categories(facts, path)) - facts.own, "by": "list"}

# categories(request) is the set of our category names the request falls into.
categories(request) := classify(host_facts(host_of(request)), path_of(request), filter_categories(request)).categories

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

# --- the batch, categorised once per query ---
#
# A request's categories rest on its host unless the filter named categories (then on those) or
# the lists hold URL entries under its host (then on its path too). So the batch's requests are
# grouped by host, each host is judged once, and only requests the filter categorised or whose
# path matters are judged one by one.

# proxies: the indexes of the batch's proxy requests.
proxies := {i | some i; input.events[i].proxy}

# hosted[raw] is the set of indexes of the batch's proxy requests to host `raw`, as written.
hosted := {raw: indexes |
	some raw in {raw | some i; raw := input.events[i].proxy.host}
	indexes := {i | some i; input.events[i].proxy.host == raw}
}

# by_host is hosted with the requests without a host under "", as host_of() has it.
# (Looked for only when host "" can carry a category, which the shipped lists never give it.)
by_host := object.union(hosted, {"": empty_host}) if {
	hostless_categorised
	hostless := {i | some i in (proxies - union({indexes | some indexes in hosted})); is_object(input.events[i].proxy)}
	count(hostless) > 0
	empty_host := object.get(hosted, "", set()) | hostless
} else := hosted

hostless_categorised if batch_hosts[""].by_path == true

hostless_categorised if count(batch_hosts[""].verdict.categories) > 0

# batch_hosts[raw] is host_facts(raw) of each distinct host of the batch, and of "" when it has
# proxy requests (one may have no host).
batch_hosts := {raw: host_facts(raw) | some raw in (object.keys(hosted) | {"" | proxies_exist})}

proxies_exist if input.events[_].proxy

# batch_filters[names] is vendor_categories(names) of each distinct `categories` of the batch.
batch_filters := {names: vendor_categories(names) | some names in {key[1] | some key, _ in named_groups}}

# named_groups[[raw, names]] is the set of indexes of the batch's requests to host `raw` that the
# filter gave the category names `names`.
named_groups := {key: indexes |
	some key in {key | some _, key in named_keys}
	indexes := {i | some i, other in named_keys; other == key}
}

named_keys := {i: [object.get(input.events[i].proxy, "host", ""), names] | some i; names := input.events[i].proxy.categories}

# filter_verdicts[[raw, names]] is the categories of the requests of named_groups[[raw, names]]
# when the filter's verdict stands (its names map to categories of ours).
filter_verdicts := {key: found |
	some key, _ in named_groups
	filtered := batch_filters[key[1]]
	count(filtered) > 0
	found := filtered - batch_hosts[key[0]].own
}

# filtered_events: the requests whose categories the filter's verdict gives.
filtered_events := union({named_groups[key] | some key, _ in filter_verdicts})

# path_groups[[raw, path]] is the set of indexes of the batch's requests to host `raw` with `path`
# whose categories the lists decide, when they hold URL entries under the host.
path_groups := {key: indexes |
	some key in {key | some _, key in path_keys}
	indexes := {i | some i, other in path_keys; other == key}
}

path_keys := {i: [raw, object.get(input.events[i].proxy, "path", "")] |
	some raw, indexes in by_host
	batch_hosts[raw].by_path == true
	some i in (indexes - filtered_events)
}

# path_verdicts[[raw, path]] is the categories of the requests of path_groups[[raw, path]].
path_verdicts := {key: found |
	some key, _ in path_groups
	facts := batch_hosts[key[0]]
	found := (facts.listed | url_categories(facts, key[1])) - facts.own
}

# verdict_groups: [categories, indexes, raw host, categorised_by] of each group of the batch's
# requests that share a non-empty verdict: a host's requests that the lists judge by the host alone,
# those of a host to which the filter gave the same names, and those of a host with the same path.
verdict_groups := array.concat(
	array.concat(
		[[categories, indexes, raw, "list"] |
			some raw, all in by_host
			facts := batch_hosts[raw]
			facts.by_path == false
			categories := facts.verdict.categories
			count(categories) > 0
			indexes := all - filtered_events
			count(indexes) > 0
		],
		[[found, named_groups[key], key[0], "filter"] |
			some key, found in filter_verdicts
			count(found) > 0
		],
	),
	[[found, path_groups[key], key[0], "list"] |
		some key, found in path_verdicts
		count(found) > 0
	],
)

# flagged_groups: the verdict_groups with a flagged category, keeping only those categories.
flagged_groups := [[categories, indexes, raw, by] |
	some [all, indexes, raw, by] in verdict_groups
	categories := all & flagged
	count(categories) > 0
]

# nonwork_requests: the batch's proxy requests counted as non-work browsing (is_nonwork), which the
# stream processor counts by minute for NET-EXCESSIVE-NONWORK; `decide` returns them.
nonwork_requests := union({indexes |
	some [categories, indexes, _, _] in verdict_groups
	count(categories & nonwork) > 0
})

# category_sets: [category, indexes] pairs that by_category gathers.
category_sets := [[category, indexes] | some [categories, indexes, _, _] in flagged_groups; some category in categories]

# by_category[c] is the set of indexes of the batch's proxy requests in the flagged category c: a
# NET-* clause (or DATA-THIRD-PARTY, for filehosting) iterates only its own requests.
by_category := {category: union(sets) |
	some category in {category | some [category, _] in category_sets}
	sets := {indexes | some [c, indexes] in category_sets; c == category}
}

# flagged_requests: the batch's proxy requests in a flagged category, those a finding can cite.
flagged_requests := union({indexes | some indexes in by_category})

# blocked_requests: the flagged requests the filter refused (blocked()).
blocked_requests := {i |
	some i in flagged_requests
	contains(upper(object.get(input.events[i].proxy, "resultCode", "")), "DENIED")
} | {i |
	some i in flagged_requests
	object.get(input.events[i].proxy, "status", 0) == 403
}

# event_evidence(i, request) is evidence(request) of the batch's event i, a proxy request: from
# request_evidence when i is a flagged request, as a NET-* finding's is, and afresh otherwise.
event_evidence(i, request) := found if {
	found := request_evidence[i]
} else := evidence(request)

# request_evidence[i] is evidence() of the batch's flagged request i: its group's, but for blocked.
request_evidence := {i: evidence |
	blocked := blocked_requests
	some [_, indexes, raw, by] in flagged_groups
	host := batch_hosts[raw].host
	some i in indexes
	evidence := {"host": host, "categorised_by": by, "blocked": i in blocked}
}
