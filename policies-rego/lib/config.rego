# Per-school policy data and shared categorisation, loaded from policies-rego/data/.
# OPA maps a data file's folder into `data`, so policies-rego/data/** appears under data.data.
package invigilator.lib.config

schools := data.data.schools

categories := data.data.categories

school := schools[input.school]
