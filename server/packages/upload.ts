/**
 * The upload step of a package route (`before`): multer streams the file to disk in a
 * fresh folder under DATA_DIR/tmp/uploads (packages are far too large for memory), with a
 * size cap. The folder is removed when the response ends — accepted, refused, failed or
 * aborted — and handlers remove it earlier through `discardUpload` so that nothing is
 * left behind by the time the client reads the answer. Folders left by a crashed process
 * are swept (older than a day) at most once an hour.
 */
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../errors';
import { removeQuietly, sweepStaleTemporaries, uploadFolder } from './storage';

const FOLDER = 'packageUploadFolder';

const SWEEP_EVERY_MS = 60 * 60 * 1000;

export function receivePackage(dataDir: string, packagesDir: string, maxMb: number) {
  let lastSweep = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    // at most hourly, on the upload path itself: no timers, no start-up work
    if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      void sweepStaleTemporaries(dataDir, packagesDir);
    }
    uploadFolder(dataDir).then((folder) => {
      res.locals[FOLDER] = folder;
      res.on('close', () => void removeQuietly(folder));
      const upload = multer({
        storage: multer.diskStorage({ destination: folder, filename: (_req, _file, done) => done(null, 'upload.bin') }),
        limits: { fileSize: maxMb * 1024 * 1024, files: 1, fields: 5, parts: 6 },
      }).single('file');
      upload(req, res, (error?: unknown) => {
        if (!error) return next();
        const code = (error as { code?: string }).code;
        void removeQuietly(folder).then(() => next(code === 'LIMIT_FILE_SIZE' ? new AppError(413, 'package_too_large', { max: maxMb }) : new AppError(400, 'upload_invalid')));
      });
    }, next);
  };
}

/** The uploaded file of this request, if any. */
export function uploadedFile(req: Request): Express.Multer.File | undefined {
  return (req as Request & { file?: Express.Multer.File }).file;
}

/** Removes this request's upload folder now. */
export function discardUpload(res: Response): Promise<void> {
  return removeQuietly(res.locals[FOLDER] as string | undefined);
}
