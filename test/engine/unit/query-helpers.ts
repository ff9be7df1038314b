/**
 * Shared helpers for the query library unit tests.
 */
import { expect } from 'chai';
import { deserialize, serialize } from 'bson';
import { EngineError } from '../../../server/db/engine/errors';

/**
 * Runs `fn` and asserts it throws an EngineError with `code` (and, when given, exactly
 * `message`, or a message matching a RegExp).
 */
export function expectEngineError(fn: () => unknown, code: number, message?: string | RegExp): EngineError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an EngineError to be thrown').to.be.instanceOf(EngineError);
  const err = thrown as EngineError;
  expect(err.code, err.message).to.equal(code);
  if (typeof message === 'string') expect(err.message).to.equal(message);
  else if (message) expect(err.message).to.match(message);
  return err;
}

/** Round-trips a document through BSON, returning the promoted form (as the engine sees it). */
export function promoted(doc: Record<string, unknown>): Record<string, unknown> {
  return deserialize(serialize(doc));
}

/** Round-trips a document through BSON, returning the exact form (number wrappers). */
export function exact(doc: Record<string, unknown>): Record<string, unknown> {
  return deserialize(serialize(doc), { promoteValues: false });
}
