/**
 * Per-operator argument checks for update documents, with MongoDB's codes and messages.
 * Runs at parse time so that a bad update fails before any document is modified.
 */
import { formatValue, isNumeric, isPlainObject, typeName } from './bson-types';
import { isIntegralNumber } from './arith';
import { errors } from '../errors';

/** Modifiers allowed next to `$each` in `$push`. */
const PUSH_MODIFIERS = new Set(['$each', '$slice', '$sort', '$position']);

/** Throws when `arg` is not acceptable for `operator` on `path`. */
export function validateOperatorArgument(operator: string, path: string, arg: unknown): void {
  switch (operator) {
    case '$inc':
    case '$mul':
      if (!isNumeric(arg)) {
        const verb = operator === '$inc' ? 'increment' : 'multiply';
        throw errors.typeMismatch(`Cannot ${verb} with non-numeric argument: {${path}: ${formatValue(arg)}}`);
      }
      return;
    case '$rename':
      if (typeof arg !== 'string') throw errors.badValue(`The 'to' field for $rename must be a string: ${path}: ${formatValue(arg)}`);
      return;
    case '$currentDate':
      return validateCurrentDate(path, arg);
    case '$push':
      return validatePush(arg);
    case '$addToSet':
      return validateAddToSet(arg);
    case '$pop':
      if (!isNumeric(arg) || (Number(arg) !== 1 && Number(arg) !== -1)) throw errors.failedToParse(`$pop expects 1 or -1, found: ${formatValue(arg)}`);
      return;
    case '$pullAll':
      if (!Array.isArray(arg)) throw errors.badValue(`$pullAll requires an array argument but was given a ${typeName(arg)}`);
      return;
    case '$bit':
      return validateBit(arg);
    default:
      return;
  }
}

function validateCurrentDate(path: string, arg: unknown): void {
  if (typeof arg === 'boolean') return;
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length === 1 && keys[0] === '$type' && (arg.$type === 'date' || arg.$type === 'timestamp')) return;
    if (keys.length === 1 && keys[0] === '$type') {
      throw errors.badValue(`The '$type' string field is required to be 'date' or 'timestamp': {$type: ${formatValue(arg.$type)}}`);
    }
    throw errors.badValue(`Unrecognized $currentDate option: ${keys.find((k) => k !== '$type') ?? keys[0]}`);
  }
  throw errors.badValue(`${path} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`);
}

/** True when a $push/$addToSet argument uses the `{$each: …}` modifier form. */
export function hasEachModifier(arg: unknown): arg is Record<string, unknown> {
  return isPlainObject(arg) && Object.hasOwn(arg, '$each');
}

function validatePush(arg: unknown): void {
  if (!hasEachModifier(arg)) return;
  for (const key of Object.keys(arg)) {
    if (!PUSH_MODIFIERS.has(key)) throw errors.badValue(`Unrecognized clause in $push: ${key}`);
  }
  if (!Array.isArray(arg.$each)) throw errors.badValue(`The argument to $each in $push must be an array but it was of type: ${typeName(arg.$each)}`);
  if ('$slice' in arg && !isIntegralNumber(arg.$slice)) {
    throw errors.badValue(`The value for $slice must be an integer value but was given type: ${typeName(arg.$slice)}`);
  }
  if ('$position' in arg && !isIntegralNumber(arg.$position)) {
    throw errors.badValue(`The value for $position must be an integer value, not of type: ${typeName(arg.$position)}`);
  }
  if ('$sort' in arg) validatePushSort(arg.$sort);
}

function validatePushSort(sort: unknown): void {
  const isDirection = (v: unknown) => isNumeric(v) && (Number(v) === 1 || Number(v) === -1);
  if (isDirection(sort)) return;
  if (isPlainObject(sort) && Object.keys(sort).length > 0 && Object.values(sort).every(isDirection)) {
    if (Object.keys(sort).some((k) => k.split('.').includes(''))) {
      throw errors.badValue(`The $sort field is a dotted field but has an empty part: ${formatValue(sort)}`);
    }
    return;
  }
  throw errors.badValue('The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields');
}

function validateAddToSet(arg: unknown): void {
  if (!hasEachModifier(arg)) return;
  if (!Array.isArray(arg.$each)) throw errors.typeMismatch(`The argument to $each in $addToSet must be an array but it was of type ${typeName(arg.$each)}`);
  if (Object.keys(arg).length > 1) throw errors.badValue(`Found unexpected fields after $each in $addToSet: ${formatValue(arg)}`);
}

function validateBit(arg: unknown): void {
  if (!isPlainObject(arg) || Object.keys(arg).length === 0) {
    throw errors.badValue(`The $bit modifier is not compatible with a ${typeName(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`);
  }
  for (const [operation, operand] of Object.entries(arg)) {
    if (operation !== 'and' && operation !== 'or' && operation !== 'xor') {
      throw errors.badValue(`The $bit modifier only supports 'and', 'or', and 'xor', not '${operation}' which is an unknown operator: {${operation}: ${formatValue(operand)}}`);
    }
    if (!isIntegralNumber(operand)) {
      throw errors.badValue(`The $bit modifier field must be an Integer(32/64 bit); a '${typeName(operand)}' is not supported here: {${operation}: ${formatValue(operand)}}`);
    }
  }
}
