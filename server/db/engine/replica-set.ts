/**
 * The single-node replica-set presentation. Production runs on a MongoDB replica set, so
 * the engine answers `hello` as the primary of a one-member set (by default named "rs0"):
 * drivers then treat it as they treat production (`?replicaSet=` URIs, transactions,
 * `withSession`), and every reply carries the `$clusterTime` / `operationTime` a replica
 * set gossips. Nothing is replicated: there is one member, and it is the primary.
 */
import { Binary, Long, ObjectId, Timestamp, type Document } from 'bson';

/** A fixed election id: one member, elected once, in term 1. */
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');
const NO_SIGNATURE = { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) };

export class ReplicaSetIdentity {
  /** host:port (or socket path) the member is reached at; set once the server listens. */
  me = '127.0.0.1:27017';
  private seconds = 0;
  private increment = 0;

  constructor(readonly setName: string) {}

  /** A strictly increasing cluster time (seconds, counter), as the oplog's timestamps are. */
  tick(): Timestamp {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.seconds) {
      this.seconds = now;
      this.increment = 0;
    }
    this.increment++;
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  /** The fields a replica-set member adds to its hello reply. */
  helloFields(): Document {
    const ts = this.tick();
    const opTime = { ts, t: Long.fromNumber(1) };
    const when = new Date(this.seconds * 1000);
    return {
      setName: this.setName, setVersion: 1, hosts: [this.me], primary: this.me, me: this.me,
      secondary: false, electionId: ELECTION_ID,
      lastWrite: { opTime, lastWriteDate: when, majorityOpTime: opTime, majorityWriteDate: when },
    };
  }

  /** Adds `$clusterTime` and `operationTime` to a command reply. */
  stamp(reply: Document): Document {
    const ts = this.tick();
    reply.$clusterTime = { clusterTime: ts, signature: NO_SIGNATURE };
    reply.operationTime = ts;
    return reply;
  }
}
