/**
 * Durable storage layer of the embedded engine: opaque payload Buffers in checksummed
 * records, a group-committed journal, snapshots (checkpoints) and crash recovery.
 * Knows nothing about documents; imports only node built-ins.
 */
export { DataDir } from './datadir';
export { lockHolder } from './lock';
export type { DataDirOptions, DataDirStats, RecoveryStats } from './datadir';
export { MAX_PAYLOAD } from './format';
export { salvageDir } from './salvage';
export type { SalvageReport, SalvagedJournal, DroppedRange } from './salvage';
