/**
 * MongoDB wire protocol framing: the message header, OP_QUERY (only for the legacy
 * handshake), OP_MSG (everything else) and the two reply forms.
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/
 */
import { deserialize, type Document } from 'bson';
import { encodeDocument } from './bson-raw';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
/** Flags a client may set; any other bit is a protocol error (MongoDB rejects unknown required bits). */
const KNOWN_MSG_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME | (1 << 16);

/** Largest message accepted, as advertised in `hello.maxMessageSizeBytes`. */
export const MAX_MESSAGE_BYTES = 48_000_000;
export const MAX_BSON_OBJECT_BYTES = 16 * 1024 * 1024;

export class ProtocolError extends Error {}

export interface IncomingCommand {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command document with kind-1 sequences merged in as arrays (e.g. `documents`). */
  command: Document;
  /** OP_MSG with moreToCome: the client expects no reply. */
  moreToCome: boolean;
  /** Database from `$db` (OP_MSG) or from the OP_QUERY namespace. */
  db: string;
  /** Raw BSON of each kind-1 document sequence (e.g. insert's `documents`), untouched. */
  sequences: Map<string, Buffer[]>;
  /** Raw BSON of the body section, for commands that need exact types (inline insert documents). */
  bodyBytes: Buffer;
}

/** Command fields are decoded with numbers promoted; stored documents are never decoded on the way in. */
const DECODE_OPTIONS = { promoteBuffers: false } as const;

/**
 * Reads one complete message (header included) and returns the command it carries.
 * Throws ProtocolError for anything malformed; the caller closes the connection.
 */
export function parseMessage(msg: Buffer): IncomingCommand {
  const length = msg.readInt32LE(0);
  if (length !== msg.length) throw new ProtocolError('message length mismatch');
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(msg, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(msg, requestId);
  if (opCode === OP_COMPRESSED) throw new ProtocolError('compression was not negotiated');
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

function readDocument(msg: Buffer, offset: number, end: number, decode = true): { doc: Document; bytes: Buffer; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated document');
  const size = msg.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError('invalid document length');
  if (msg[offset + size - 1] !== 0) throw new ProtocolError('document not null-terminated');
  const bytes = msg.subarray(offset, offset + size);
  try {
    // validation of UTF-8 is on by default; a bad string is a protocol error, not a crash
    const doc = decode ? deserialize(bytes, DECODE_OPTIONS) : {};
    return { doc, bytes, next: offset + size };
  } catch (e) {
    throw new ProtocolError(`invalid BSON: ${(e as Error).message}`);
  }
}

function readCString(msg: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = msg.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated string');
  return { value: msg.toString('utf8', offset, zero), next: zero + 1 };
}

function parseOpMsg(msg: Buffer, requestId: number): IncomingCommand {
  const flags = msg.readUInt32LE(16);
  if ((flags & ~KNOWN_MSG_FLAGS & 0xffff) !== 0) throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`);
  // The optional CRC-32C trailer is not verified: TCP already checksums and drivers do not send it.
  const end = flags & FLAG_CHECKSUM_PRESENT ? msg.length - 4 : msg.length;
  let offset = 20;
  let body: Document | undefined;
  let bodyBytes: Buffer = Buffer.alloc(0);
  const sequences = new Map<string, Buffer[]>();
  while (offset < end) {
    const kind = msg[offset++];
    if (kind === 0) {
      if (body) throw new ProtocolError('more than one body section');
      const r = readDocument(msg, offset, end);
      body = r.doc;
      bodyBytes = r.bytes;
      offset = r.next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const size = msg.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new ProtocolError('invalid document sequence length');
      const id = readCString(msg, offset + 4, seqEnd);
      const docs: Buffer[] = [];
      let p = id.next;
      while (p < seqEnd) {
        // structure is checked here; the content is decoded by the command that needs it
        const r = readDocument(msg, p, seqEnd, false);
        docs.push(r.bytes);
        p = r.next;
      }
      if (sequences.has(id.value)) throw new ProtocolError(`duplicate document sequence ${id.value}`);
      sequences.set(id.value, docs);
      offset = seqEnd;
    } else {
      throw new ProtocolError(`unknown section kind ${kind}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  for (const name of sequences.keys()) {
    if (name in body) throw new ProtocolError(`duplicate field ${name} in body and document sequence`);
  }
  const db = body.$db;
  if (typeof db !== 'string' || db.length === 0) throw new ProtocolError('OP_MSG without $db');
  return { requestId, opCode: OP_MSG, command: body, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0, db, sequences, bodyBytes };
}

function parseOpQuery(msg: Buffer, requestId: number): IncomingCommand {
  let offset = 20; // header + flags
  const ns = readCString(msg, offset, msg.length);
  offset = ns.next + 8; // numberToSkip, numberToReturn
  const { doc, bytes } = readDocument(msg, offset, msg.length);
  if (!ns.value.endsWith('.$cmd')) throw new ProtocolError('OP_QUERY is only supported for commands');
  // Drivers wrap the handshake as {$query: {...}} when they add a read preference.
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { requestId, opCode: OP_QUERY, command, moreToCome: false, db: ns.value.slice(0, -5), sequences: new Map(), bodyBytes: bytes };
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(0, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** Encodes a reply in the form the request came in (OP_REPLY for OP_QUERY). */
export function encodeReply(request: IncomingCommand, reply: Document): Buffer[] {
  const body = encodeDocument(reply);
  if (request.opCode === OP_QUERY) {
    const fixed = Buffer.alloc(20); // responseFlags, cursorID (8), startingFrom, numberReturned
    fixed.writeInt32LE(1, 16);
    return [header(16 + 20 + body.length, request.requestId, OP_REPLY), fixed, body];
  }
  const prefix = Buffer.alloc(5); // flagBits = 0, section kind 0
  return [header(16 + 5 + body.length, request.requestId, OP_MSG), prefix, body];
}
