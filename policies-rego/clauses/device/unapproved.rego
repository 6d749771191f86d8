package invigilator.clauses.device.unapproved

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# Keys of an approved_devices entry that identify a device, and the Device field each names;
# other keys (a description) only label the entry.
fields := {"device_class": "deviceClass", "vendor_id": "vendorId", "product_id": "productId", "serial": "serial"}

# Where an attachment is logged: 6416 new external device, Kernel-PnP 400/410 configured/started,
# UMDF 2003 driver load.
sources := [{"source": "security", "ids": {6416}}, {"source": "pnp", "ids": {400, 410}}, {"source": "udf", "ids": {2003}}]

# attached_events: the indexes of the batch's endpoint events that log a device being attached.
attached_events := {i | some s in sources; some i in endpoint.events_from(s.source, s.ids)}

# norm("VID_0781") = norm("0x0781") = norm("0781") = "0781"
norm(value) := trim_prefix(trim_prefix(trim_prefix(lower(trim_space(sprintf("%v", [value]))), "vid_"), "pid_"), "0x")

# approved(device): some entry names at least one identifying key and every one it names matches.
approved(device) if {
	normalised := {field: norm(object.get(device, field, "")) | some field in fields}
	some wanted in approved_entries
	every field, value in wanted {
		normalised[field] == value
	}
}

# approved_attached: the distinct devices of the batch's attached_events that are approved().
approved_attached := {device | some device in {input.events[i].endpoint.device | some i in attached_events}; approved(device)}

# Each approved_devices entry that names an identifying key, as {Device field: normalised value}.
approved_entries := {wanted |
	some entry in config.school.approved_devices
	wanted := {fields[key]: norm(value) | some key, value in entry; fields[key]}
	count(wanted) > 0
}

# METADATA
# title: Unapproved device attached
# description: A removable drive, phone, camera or other device not on the school's approved-device list was attached.
# custom:
#   clause: DEVICE-UNAPPROVED
#   kind: A
#   severity: medium
#   owner: hr
#   gross_misconduct: false
#   refs:
#     elms-farm: "2.6"
#     st-peters: Systems Use and Data Security ¶3, ¶7
findings contains f if {
	some s in sources
	some i in endpoint.events_with(s.ids)
	event := input.events[i]
	e := event.endpoint
	endpoint.provider_matches(e, s.source)
	device := e.device
	not device in approved_attached
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf(
			"endpoint.device (class %q, vendorId %q, productId %q) matches no approved_devices entry",
			[object.get(device, "deviceClass", ""), object.get(device, "vendorId", ""), object.get(device, "productId", "")],
		),
		{
			"host": object.get(e, "host", ""),
			"windowsEventId": endpoint.event_ids[i], # endpoint.event_id(e)
			"deviceClass": object.get(device, "deviceClass", ""),
			"vendorId": object.get(device, "vendorId", ""),
			"productId": object.get(device, "productId", ""),
			"serial": object.get(device, "serial", ""),
			"description": object.get(device, "description", ""),
		},
	)
}
