/**
 * Reads held in memory between pages, per connection and key, with what they were read
 * under (their `basis`: a generation token, or the held arrays they were derived from). A
 * held read is reused while the caller's basis is the same, read again when it moved. The
 * least recently used key goes first past `max`; a failed read is not kept.
 */
import type { Connection } from 'mongoose';

export type HeldRead<B, V> = (db: Connection, key: string, basis: B, read: () => Promise<V>) => Promise<V>;

export function heldReads<B, V>(max: number, sameBasis: (held: B, now: B) => boolean = Object.is): HeldRead<B, V> {
  const stores = new WeakMap<Connection, Map<string, { basis: B; value: Promise<V> }>>();
  return (db, key, basis, read) => {
    let store = stores.get(db);
    if (!store) stores.set(db, (store = new Map()));
    const kept = store;
    let entry = kept.get(key);
    kept.delete(key); // re-inserted below: the Map's order is the recency order
    if (!entry || !sameBasis(entry.basis, basis)) {
      const fresh = { basis, value: read() };
      fresh.value.catch(() => kept.get(key) === fresh && kept.delete(key));
      entry = fresh;
    }
    kept.set(key, entry);
    while (kept.size > max) kept.delete(kept.keys().next().value!);
    return entry.value;
  };
}
