# Categorisation of web requests: the trust's domain list plus the filter's own categories.
package invigilator.lib.web

import data.invigilator.lib.config

# host_suffixes("www.facebook.com") = {"www.facebook.com", "facebook.com"}: matching by whole
# labels, so "notfacebook.com" never inherits facebook.com's categories.
host_suffixes(host) := {suffix |
	labels := split(lower(host), ".")
	some i in numbers.range(0, count(labels) - 2)
	suffix := concat(".", array.slice(labels, i, count(labels)))
}

# categories(request) is every category the request's host falls into.
categories(request) := {category |
	some suffix in host_suffixes(request.host)
	some category in config.categories.domains[suffix]
} | {category | some category in object.get(request, "categories", [])}
