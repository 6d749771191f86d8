# Per-school policy data and shared categorisation, loaded from policies-rego/data/.
# OPA maps a data file's folder into `data`, so policies-rego/data/** appears under data.data.
package invigilator.lib.config

schools := data.data.schools

categories := data.data.categories

# The judged school's settings: its own data over the trust defaults (clauses.md, Defaults).
school := object.union(data.data.defaults, schools[input.school])

thresholds := school.thresholds

# The school whose policy document the judged school follows: its own, or the one it adopts
# ("adopts" in its data), whose sections its findings cite.
document_school := object.get(object.get(schools, input.school, {}), "adopts", input.school)

# own_domain(domain) holds for the school's own mail domains and their subdomains.
own_domain(domain) if {
	some own in school.mail_domains
	lower(domain) == own
}

own_domain(domain) if {
	some own in school.mail_domains
	endswith(lower(domain), concat("", [".", own]))
}
