/**
 * Errors the engine answers with. Each carries MongoDB's numeric `code` and
 * `codeName`, so drivers and mongoose react exactly as they would to a real server.
 */
export class EngineError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];
  /** Extra top-level reply fields (e.g. keyPattern/keyValue for duplicate keys). */
  readonly extra: Record<string, unknown>;

  constructor(code: number, codeName: string, message: string, extra: Record<string, unknown> = {}, errorLabels: string[] = []) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.codeName = codeName;
    this.extra = extra;
    this.errorLabels = errorLabels;
  }
}

/** Factories for the error codes the engine uses; names follow MongoDB's error_codes.yml. */
export const errors = {
  badValue: (msg: string) => new EngineError(2, 'BadValue', msg),
  unauthorized: (msg: string) => new EngineError(13, 'Unauthorized', msg),
  failedToParse: (msg: string) => new EngineError(9, 'FailedToParse', msg),
  typeMismatch: (msg: string) => new EngineError(14, 'TypeMismatch', msg),
  namespaceNotFound: (msg: string) => new EngineError(26, 'NamespaceNotFound', msg),
  indexNotFound: (msg: string) => new EngineError(27, 'IndexNotFound', msg),
  pathNotViable: (msg: string) => new EngineError(28, 'PathNotViable', msg),
  conflictingUpdateOperators: (msg: string) => new EngineError(40, 'ConflictingUpdateOperators', msg),
  cannotCreateIndex: (msg: string) => new EngineError(67, 'CannotCreateIndex', msg),
  cursorNotFound: (msg: string) => new EngineError(43, 'CursorNotFound', msg),
  namespaceExists: (msg: string) => new EngineError(48, 'NamespaceExists', msg),
  dollarPrefixedFieldName: (msg: string) => new EngineError(52, 'DollarPrefixedFieldName', msg),
  commandNotFound: (name: string) => new EngineError(59, 'CommandNotFound', `no such command: '${name}'`),
  immutableField: (msg: string) => new EngineError(66, 'ImmutableField', msg),
  invalidOptions: (msg: string) => new EngineError(72, 'InvalidOptions', msg),
  invalidNamespace: (msg: string) => new EngineError(73, 'InvalidNamespace', msg),
  indexOptionsConflict: (msg: string) => new EngineError(85, 'IndexOptionsConflict', msg),
  indexKeySpecsConflict: (msg: string) => new EngineError(86, 'IndexKeySpecsConflict', msg),
  writeConflict: (msg = 'WriteConflict error: this operation conflicted with another operation. Please retry your operation or multi-document transaction.') =>
    new EngineError(112, 'WriteConflict', msg, {}, ['TransientTransactionError']),
  notImplemented: (msg: string) => new EngineError(238, 'NotImplemented', msg),
  noSuchTransaction: (msg: string) => new EngineError(251, 'NoSuchTransaction', msg, {}, ['TransientTransactionError']),
  operationNotSupportedInTransaction: (msg: string) => new EngineError(263, 'OperationNotSupportedInTransaction', msg),
  transactionTooOld: (msg: string) => new EngineError(225, 'TransactionTooOld', msg),
  transactionCommitted: (msg: string) => new EngineError(256, 'TransactionCommitted', msg),
  unknownField: (cmd: string, field: string) => new EngineError(40415, 'Location40415', `BSON field '${cmd}.${field}' is an unknown field.`),
  objectTooLarge: (msg: string) => new EngineError(10334, 'BSONObjectTooLarge', msg),
  internal: (msg: string) => new EngineError(1, 'InternalError', msg),
  outOfDiskSpace: (msg: string) => new EngineError(14031, 'OutOfDiskSpace', msg),
};

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}
