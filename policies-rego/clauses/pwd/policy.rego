package invigilator.clauses.pwd.policy

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# The policies' own minimum (EF 1.2, SP Equipment Security and Passwords ¶2: "at least 8
# characters"); a school may raise it with thresholds.password_min_length.
min_length := object.get(config.thresholds, "password_min_length", 8)

# weaknesses(policy) is every way the password policy falls short of the school's policy.
weaknesses(policy) := short | simple if {
	length := endpoint.number(policy, "minLength")
	short := {sprintf("directory.passwordPolicy.minLength %v is below %v", [length, min_length]) | length < min_length}
	simple := {"directory.passwordPolicy.complexityEnabled is false" | not object.get(policy, "complexityEnabled", false)}
}

# METADATA
# title: Password policy weaker than required
# description: >-
#   The domain or a fine-grained password policy allows passwords shorter than 8 characters
#   or without complexity.
# custom:
#   clause: PWD-POLICY
#   kind: A
#   severity: medium
#   owner: it
#   gross_misconduct: false
#   refs:
#     elms-farm: "1.2"
#     st-peters: Equipment Security and Passwords ¶2
findings contains f if {
	some i, _ in endpoint.directories
	event := input.events[i]
	policy := event.directory.passwordPolicy
	found := weaknesses(policy)
	count(found) > 0
	f := finding.make(i, rego.metadata.rule(), concat("; ", sort(found)), {
		"policy": object.get(policy, "name", ""),
		"minLength": endpoint.number(policy, "minLength"),
		"requiredMinLength": min_length,
		"complexityEnabled": object.get(policy, "complexityEnabled", false),
		"fineGrained": object.get(policy, "fineGrained", false),
	})
}

# "Special characters" cannot be proved from AD (complexity asks for three of four character
# classes) unless the school declares a password filter that enforces them.
notes contains {
	"event": i,
	"clause": "PWD-POLICY",
	"status": "unverifiable",
	"reason": "special characters cannot be proved from AD alone",
} if {
	some i, _ in endpoint.directories
	event := input.events[i]
	event.directory.passwordPolicy
	not object.get(config.school, "password_filter", false)
}
