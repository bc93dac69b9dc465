import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Executor } from '../db/index.ts';
import { newId, nowIso } from './ids.ts';
import { Problem } from './problem.ts';

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTOS = 3;
/** Base64 of the largest photo, with room for the JSON around three of them. */
export const PHOTO_BODY_LIMIT = Math.ceil((MAX_PHOTO_BYTES * MAX_PHOTOS * 4) / 3) + 64 * 1024;

export const PhotoUpload = z
  .strictObject({ dataBase64: z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4) })
  .meta({ id: 'PhotoUpload' });

/** The type is read from the bytes, never from the file name or a declared type. */
export function sniffImage(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

/** Validates and stores photos for an owner inside the caller's transaction. */
export async function storePhotos(tx: Executor, ownerType: 'report' | 'item_event' | 'activity', ownerId: string, photos: { dataBase64: string }[]) {
  if (photos.length > MAX_PHOTOS) throw new Problem(400, 'validation_failed', `最多上传 ${MAX_PHOTOS} 张照片`, [{ path: 'body.photos', message: 'too many' }]);
  const ids: string[] = [];
  for (const [i, p] of photos.entries()) {
    const bytes = Buffer.from(p.dataBase64, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) {
      throw new Problem(413, 'payload_too_large', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`, [{ path: `body.photos.${i}`, message: 'size' }]);
    }
    const mime = sniffImage(bytes);
    if (!mime) throw new Problem(415, 'unsupported_media_type', '只接受 JPEG、PNG 或 WebP 照片', [{ path: `body.photos.${i}`, message: 'type' }]);
    const id = newId();
    await tx
      .insertInto('photos')
      .values({
        id,
        owner_type: ownerType,
        owner_id: ownerId,
        mime,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        // Re-encoded from the decoded bytes: whatever else the client sent is not stored.
        data: bytes.toString('base64'),
        created_at: nowIso(),
      })
      .execute();
    ids.push(id);
  }
  return ids;
}

export async function photoIds(db: Executor, ownerType: 'report' | 'item_event' | 'activity', ownerIds: string[]) {
  if (ownerIds.length === 0) return new Map<string, string[]>();
  const rows = await db.selectFrom('photos').select(['id', 'owner_id']).where('owner_type', '=', ownerType).where('owner_id', 'in', ownerIds).orderBy('created_at').execute();
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.owner_id, [...(map.get(r.owner_id) ?? []), r.id]);
  return map;
}
