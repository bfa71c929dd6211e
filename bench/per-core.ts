import { availableParallelism } from 'node:os';

/** Gateway processes for one per core of this machine (`TASKGATE_PROCESSES`); 1 on a machine of one core, where there is nothing to add. */
export const CORES = availableParallelism();

/** The environment of a gateway running one process per core. */
export const PER_CORE_ENV = { TASKGATE_PROCESSES: String(CORES) };

/** How a row names the gateway running one process per core. */
export const PER_CORE = `gateway, ${CORES} processes (one per core)`;
