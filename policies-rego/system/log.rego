# Decision-log masking: OPA's decision log records which findings a decision produced and under
# which policy revision, never the batch of events it judged (those stay in Kafka, minimised).
package system.log

mask contains "/input/events"
