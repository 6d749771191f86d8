"""faust's table recovery, with the stream partitions sought to their committed offsets BEFORE they
are resumed.

faust-streaming 0.15's `Recovery.on_recovery_completed` resumes the stream partitions first and
seeks afterwards; records fetched in between are handed to the agents from the old position and
then skipped or acked out of order, so a rebalance while records flow could lose or strand some
(the policy-engine README, "Known defect"; upstream faust-streaming/faust#216 fixed the same order
in `_resume_streams` only). This is faust's method with those two steps swapped.
"""

from typing import Any, cast

from faust.tables.manager import TableManager
from faust.tables.recovery import Recovery


class SeekFirstRecovery(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        for table in self.tables.values():
            await table.on_recovery_completed(self.actives_for_table[table], self.standbys_for_table[table])
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning(
                f"Recovery rebalancing again app id {self.app.consumer_generation_id} param {generation_id}"
            )
            return
        if assignment:
            self.log.info("Seek stream partitions to committed offsets (before resuming them).")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await cast(Any, self.app)._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")


class SeekFirstTableManager(TableManager):
    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekFirstRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
