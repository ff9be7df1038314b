/** Bulk import of officers from .xlsx / .csv files: the library behind the CLI and the upload routes. */
export { parseOfficerFile, type ParsedFile, type FileProblem } from './officer-file';
export { importOfficers, type ImportOptions, type ImportPhase, type ImportProgress, type ImportReport } from './officer-import';
export { officerTemplate } from './template';
export { startImportJob, getImportJob, commitDryRun, canCommit, type ImportJob } from './jobs';
export type { ImportScope } from './scope';
export { problemText } from './presenters';
export { MAX_IMPORT_ROWS } from './columns';
