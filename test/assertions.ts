/** Assertions shared by the domain suites: errors are checked by status and id, never text. */
import { expect } from 'chai';
import { AppError } from '../server/errors';

/** Awaits `promise`, expects it to reject with an AppError of `status` and `id`, and returns it. */
export async function expectAppError(promise: Promise<unknown>, status: number, id: string): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${status} ${id}`).to.be.instanceOf(AppError);
  const error = caught as AppError;
  expect({ status: error.status, id: error.id }).to.deep.equal({ status, id });
  return error;
}
