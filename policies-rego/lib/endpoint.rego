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
person(account) if person_key(account_key(account))

# person_key(key) is person() of an account_key.
person_key(key) if {
	not key in {"", "-"}
	not endswith(key, "$")
}

same_account(a, b) if account_key(a) == account_key(b)

# it_admin(account) holds for the school's authorised IT administrators.
it_admin(account) if account_key(account) in it_admin_keys

# The account_key of each of the school's authorised IT administrators.
it_admin_keys := {account_key(admin) | some admin in object.get(config.school, "it_admins", [])}

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

# --- the batch, indexed once per query: a clause iterates only the events it judges ---
#
# (Complete rules: OPA evaluates each once per query, however many clauses ask.)

# event_ids[i] is event_id() of the batch's event i when it is an endpoint event.
event_ids := {i: to_number(object.get(e, "windowsEventId", 0)) | some i; e := input.events[i].endpoint}

# by_event_id[id] is the set of indexes of the batch's endpoint events with that Windows event id.
by_event_id := {id: indexes |
	some id in {id | some _, id in event_ids}
	indexes := {i | some i, other in event_ids; other == id}
}

# events_with(ids) is the set of indexes of the batch's endpoint events whose event_id() is one of
# ids: a clause then checks the provider (provider_matches), as from() does.
events_with(ids) := {i | some id in ids; some i in by_event_id[id]}

# events_from(source, ids) is the set of indexes of the batch's endpoint events e with
# from(e, source, ids).
events_from(source, ids) := {i | some i in events_with(ids); provider_matches(input.events[i].endpoint, source)}

# observations[i] is the observation of the batch's event i, when it carries one.
observations := {i: obs | some i; obs := input.events[i].observation}

# observations_by_type[t] is the set of indexes of the batch's observations whose type is t, as
# written (a name or a number).
observations_by_type := {type: indexes |
	some type in {object.get(obs, "type", "") | some obs in observations}
	indexes := {i | some i, obs in observations; object.get(obs, "type", "") == type}
}

# observed(type) is the set of indexes of the batch's events with an observation(event, type).
observed(type) := object.get(observations_by_type, type, set()) | object.get(observations_by_type, observation_types[type], set())

# directories[i] is the directory payload of the batch's event i, when it carries one.
directories := {i: directory | some i; directory := input.events[i].directory}
