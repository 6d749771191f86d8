package invigilator.clauses.device.unapproved

import data.invigilator.lib.config
import data.invigilator.lib.endpoint
import data.invigilator.lib.finding

# Keys of an approved_devices entry that identify a device, and the Device field each names;
# other keys (a description) only label the entry.
fields := {"device_class": "deviceClass", "vendor_id": "vendorId", "product_id": "productId", "serial": "serial"}

# attached(e): 6416 new external device, Kernel-PnP 400/410 configured/started, UMDF 2003 driver load.
attached(e) if endpoint.from(e, "security", {6416})

attached(e) if endpoint.from(e, "pnp", {400, 410})

attached(e) if endpoint.from(e, "udf", {2003})

# norm("VID_0781") = norm("0x0781") = norm("0781") = "0781"
norm(value) := trim_prefix(trim_prefix(trim_prefix(lower(trim_space(sprintf("%v", [value]))), "vid_"), "pid_"), "0x")

# approved(device): some entry names at least one identifying key and every one it names matches.
approved(device) if {
	some entry in config.school.approved_devices
	keys := {key | some key, _ in entry; fields[key]}
	count(keys) > 0
	every key in keys {
		norm(entry[key]) == norm(object.get(device, fields[key], ""))
	}
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
	some i, event in input.events
	e := event.endpoint
	attached(e)
	device := e.device
	not approved(device)
	f := finding.make(
		i, rego.metadata.rule(),
		sprintf(
			"endpoint.device (class %q, vendorId %q, productId %q) matches no approved_devices entry",
			[object.get(device, "deviceClass", ""), object.get(device, "vendorId", ""), object.get(device, "productId", "")],
		),
		{
			"host": object.get(e, "host", ""),
			"windowsEventId": endpoint.event_id(e),
			"deviceClass": object.get(device, "deviceClass", ""),
			"vendorId": object.get(device, "vendorId", ""),
			"productId": object.get(device, "productId", ""),
			"serial": object.get(device, "serial", ""),
			"description": object.get(device, "description", ""),
		},
	)
}
