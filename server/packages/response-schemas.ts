/** The package API's answers as schemas (presentPackage's allowlist), for the API description (server/apidocs). */
import { z } from 'zod';
import { hexId, isoDateTime, itemsOf } from '../apidocs/shapes';
import { PACKAGE_KINDS } from './model';

export const packageViewSchema = z.strictObject({
  id: hexId,
  kind: z.enum(PACKAGE_KINDS),
  edition: z.string().nullable(),
  title: z.string(),
  launch: z.string(),
  scos: z.array(z.strictObject({ identifier: z.string(), title: z.string(), launch: z.string() })),
  h5p: z.strictObject({ mainLibrary: z.string(), mainLibraryFolder: z.string(), libraries: z.array(z.string()), contentPath: z.string() }).nullable(),
  size: z.number().int(),
  unpackedSize: z.number().int(),
  fileCount: z.number().int(),
  originalName: z.string(),
  ownerUnitId: hexId.nullable(),
  createdAt: isoDateTime,
});

export const packageListAnswer = itemsOf(packageViewSchema);

/** GET /api/v1/packages/:id/statements: the xAPI statements stored for the package (each as the package sent it). */
export const statementsAnswer = z.strictObject({
  package: z.strictObject({ id: hexId, title: z.string() }),
  items: z.array(z.strictObject({ officerId: hexId.nullable(), storedAt: isoDateTime, statement: z.unknown() })),
});
