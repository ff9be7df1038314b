/**
 * MongoDB semantics over deserialized BSON documents: comparison and ordering, path
 * traversal and index keys, sorting, projection, updates, upsert seeds and numeric type
 * preservation. Pure functions; depends only on `bson`, `mingo` and ../errors.
 */
export { compareValues, valuesEqual, canonicalKey, compareStrings, typeRank, MIN_KEY_SENTINEL, MAX_KEY_SENTINEL } from './compare';
export { getValues, getLeafValues, getValueAt, indexKeys, splitPath, type KeyPatternField } from './paths';
export { makeSortComparator, parseSortSpec, sortKey, type SortField } from './sort';
export { applyProjection, parseProjection, type ParsedProjection } from './projection';
export { applyUpdate, applyReplacement, isReplacement, parseUpdate, type UpdateOptions, type UpdateResult, type ParsedUpdate } from './update';
export { upsertSeed } from './upsert';
export { retype, promote } from './retype';
export { identical } from './identical';
export { mingoMatcher, exactFormMatcher, matchedArrayIndex, type Matcher } from './match';
export { typeName, formatValue, isPlainObject, isNumeric, cloneDeep } from './bson-types';
