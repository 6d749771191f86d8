# Shared helpers for the endpoint, directory and observation clauses: which Windows source an
# event comes from, how accounts compare, and which derived observation an event carries.
package invigilator.lib.endpoint

import data.invigilator.lib.config

# Windows provider names per source, lower-cased (winlog.provider_name / NXLog SourceName).
# Event ids collide across providers (Kernel-PnP 400 vs Windows PowerShell 400), so a clause
# names the source it means; an event whose provider the ingest left empty is judged by id alone.
providers := {
	"security": {"microsoft-windows-security-auditing", "security"},
	"msi": {"msiinstaller"},
	"scm": {"service control manager"},
	"applocker": {"microsoft-windows-applocker"},
	"pnp": {"microsoft-windows-kernel-pnp"},
	"udf": {"microsoft-windows-driverframeworks-usermode"},
	"defender": {"microsoft-windows-windows defender", "microsoft-windows-defender", "microsoft antimalware"},
}

# number(payload, field) is a numeric field as a number, 0 when absent (uint64 arrive as strings).
number(payload, field) := to_number(object.get(payload, field, 0))

# event_id(payload) is windowsEventId as a number, 0 when absent.
event_id(payload) := number(payload, "windowsEventId")

# from(payload, source, ids) holds when the event id is one of ids and the provider, when given,
# is the source's.
from(payload, source, ids) if {
	event_id(payload) in ids
	provider_matches(payload, source)
}

provider_matches(payload, _) if object.get(payload, "provider", "") == ""

provider_matches(payload, source) if lower(trim_space(payload.provider)) in providers[source]

# account_key("SCHOOL\\JSmith") = account_key("jsmith@school.example") = "jsmith".
account_key(account) := key if {
	parts := split(lower(trim_space(account)), "\\")
	key := split(parts[count(parts) - 1], "@")[0]
}

# person(account) holds for a named account: not empty, not the "-" placeholder Windows logs
# when there is none, and not a machine account (ending in "$").
person(account) if {
	key := account_key(account)
	not key in {"", "-"}
	not endswith(key, "$")
}

same_account(a, b) if account_key(a) == account_key(b)

# it_admin(account) holds for the school's authorised IT administrators.
it_admin(account) if {
	some admin in object.get(config.school, "it_admins", [])
	account_key(admin) == account_key(account)
}

observation_types := {
	"OBSERVATION_TYPE_DAILY_NONWORK_MINUTES": 1,
	"OBSERVATION_TYPE_CONCURRENT_LOGONS": 2,
	"OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK": 3,
	"OBSERVATION_TYPE_ACCESS_DENIALS": 4,
	"OBSERVATION_TYPE_LOGON_AFTER_MALWARE": 5,
}

# observation(event, type) is the event's observation when it is of the named type; the enum
# arrives as its name, and a producer writing the number is accepted too.
observation(event, type) := obs if {
	obs := event.observation
	object.get(obs, "type", "") in {type, observation_types[type]}
}

# hosts(obs) is the observation's distinct host names, lower-cased and sorted.
hosts(obs) := sort({lower(trim_space(host)) | some host in object.get(obs, "hosts", []); trim_space(host) != ""})
