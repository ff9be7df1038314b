/** What every PDF of this installation needs besides the certificate: the template settings, its images and the public address. */
import type { Connection } from 'mongoose';
import type { Env } from '../env';
import type { CertificateArt } from './pdf';
import { readSettings, readTemplateImage } from './settings';

export async function loadArt(db: Connection, config: Pick<Env, 'DATA_DIR' | 'PUBLIC_URL'>): Promise<CertificateArt> {
  const settings = await readSettings(db);
  const [seal, signature] = await Promise.all([readTemplateImage(config.DATA_DIR, settings.sealSha256), readTemplateImage(config.DATA_DIR, settings.signatureSha256)]);
  return { settings, seal, signature, publicUrl: config.PUBLIC_URL };
}
