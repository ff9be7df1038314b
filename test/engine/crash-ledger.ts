/**
 * What a crash test knows must be on disk (acknowledged inserts and transactions of
 * crash-writer.js) and the check of everything read back after a restart. Shared by the
 * engine's crash test and the fault suite's SIGKILL of the whole app.
 */
import { inspect } from 'node:util';
import { MongoClient } from 'mongodb';
import { payloadFor, TXN_SIZE } from './engine-process';

type Loose = { _id?: any; [key: string]: any };

/** What the test knows must (or may) be on disk. */
export class Ledger {
  readonly ackedSingles = new Set<string>();
  readonly ackedGroups = new Set<string>();
  /** Every _id seen by the previous verification: durable, so it must never disappear. */
  seen = new Set<string>();
  lastCount = 0;
  verifications = 0;

  /** Reads everything back through the driver and throws a detailed error on any violation. */
  async verify(uri: string, label: string): Promise<number> {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      const col = client.db('crash').collection<Loose>('docs');
      const docs = await col.find({}).toArray();
      const problems: string[] = [];
      const ids = new Set<string>();
      const singleSeqs = new Map<number, number[]>();
      const groupKs = new Map<string, Set<number>>();
      const short = (d: unknown) => inspect(d, { breakLength: Infinity, maxStringLength: 30 });
      for (const d of docs) {
        const id = d._id;
        if (typeof id !== 'string') {
          problems.push(`document with unexpected _id: ${short(d)}`);
          continue;
        }
        if (ids.has(id)) problems.push(`_id ${id} returned twice`);
        ids.add(id);
        const keys = Object.keys(d).sort().join(',');
        if (id.startsWith('w')) {
          const ok = keys === '_id,conn,payload,seq' && Number.isInteger(d.seq) && id === `w${d.conn}-${d.seq}` && d.payload === payloadFor(d.seq);
          if (!ok) problems.push(`malformed single-insert document: ${short(d)}`);
          else (singleSeqs.get(d.conn) ?? singleSeqs.set(d.conn, []).get(d.conn)!).push(d.seq);
        } else if (id.startsWith('t')) {
          const ok = keys === '_id,group,k' && Number.isInteger(d.k) && d.k >= 0 && d.k < TXN_SIZE && id === `t${d.group}-${d.k}`;
          if (!ok) problems.push(`malformed transaction document: ${short(d)}`);
          else (groupKs.get(d.group) ?? groupKs.set(d.group, new Set()).get(d.group)!).add(d.k);
        } else problems.push(`unexpected document: ${short(d)}`);
      }
      for (const [group, ks] of groupKs) {
        if (ks.size !== TXN_SIZE) problems.push(`transaction ${group} is partial: only k = ${[...ks].sort().join(',')} of ${TXN_SIZE}`);
      }
      const missing = [...this.ackedSingles].filter((id) => !ids.has(id));
      if (missing.length) problems.push(`${missing.length} acknowledged inserts are missing, e.g. ${missing.slice(0, 8).join(', ')}`);
      const missingGroups = [...this.ackedGroups].filter((g) => !groupKs.has(g));
      if (missingGroups.length) problems.push(`${missingGroups.length} acknowledged transactions are missing, e.g. ${missingGroups.slice(0, 8).join(', ')}`);
      const lost = [...this.seen].filter((id) => !ids.has(id));
      if (lost.length) problems.push(`${lost.length} documents seen after an earlier restart are gone, e.g. ${lost.slice(0, 8).join(', ')}`);
      // Each connection awaits one write before the next, so survivors must be a prefix.
      for (const [conn, seqs] of singleSeqs) {
        seqs.sort((a, b) => a - b);
        const hole = seqs.findIndex((s, i) => s !== i);
        if (hole >= 0) problems.push(`connection ${conn}: insert seq ${seqs[hole]} survived but seq ${hole} did not`);
      }
      const txnSeqs = new Map<string, number[]>();
      for (const g of groupKs.keys()) {
        const [conn, seq] = g.split('-');
        (txnSeqs.get(conn) ?? txnSeqs.set(conn, []).get(conn)!).push(Number(seq));
      }
      for (const [conn, seqs] of txnSeqs) {
        seqs.sort((a, b) => a - b);
        const hole = seqs.findIndex((s, i) => s !== i);
        if (hole >= 0) problems.push(`connection ${conn}: transaction ${seqs[hole]} survived but transaction ${hole} did not`);
      }
      const counted = await col.countDocuments({});
      if (counted !== docs.length) problems.push(`countDocuments says ${counted} but find returned ${docs.length}`);
      if (docs.length < this.lastCount) problems.push(`document count went down from ${this.lastCount} to ${docs.length}`);
      if (problems.length) throw new Error(`${label}:\n  ${problems.slice(0, 25).join('\n  ')}`);
      this.seen = ids;
      this.lastCount = docs.length;
      this.verifications++;
      return docs.length;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}
