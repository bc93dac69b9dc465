import { createHash } from 'node:crypto';
import { type Permission, type UserRole, roleCan } from '@lianjian/shared';
import { z } from 'zod';
import type { Executor } from '../db/index.ts';
import { newId, nowIso } from './ids.ts';
import { Problem } from './problem.ts';

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTOS = 3;
/**
 * Pixels a photo may decode to: a phone's 12–24 MP with room to spare. A file of a few hundred kilobytes can
 * claim hundreds of megapixels (a decompression bomb); it is refused from its header, before it is decoded.
 */
export const MAX_PHOTO_PIXELS = 40_000_000;
/**
 * The longest side of a stored photo: evidence of a broken pipe or a meeting needs no more (12 MP at 4:3), and a
 * photo is never stored larger than an upload may be: encoding a heavily compressed image again at a normal
 * quality can make it several times larger, which would let a small request fill the database.
 */
export const MAX_STORED_EDGE = 4000;
/** Base64 of the largest photo, with room for the JSON around three of them. */
export const PHOTO_BODY_LIMIT = Math.ceil((MAX_PHOTO_BYTES * MAX_PHOTOS * 4) / 3) + 64 * 1024;

export const PhotoUpload = z
  .strictObject({ dataBase64: z.string().max(Math.ceil((MAX_PHOTO_BYTES * 4) / 3) + 4) })
  .meta({ id: 'PhotoUpload' });

export type PhotoOwner = 'report' | 'item_event' | 'activity' | 'visit';
type Mime = 'image/jpeg' | 'image/png' | 'image/webp';

/** A photo is seen with the permission of what it belongs to: a member reads its items' photos, not reports'. */
const OWNER_PERMISSION: Record<PhotoOwner, Permission> = {
  report: 'reports:read',
  item_event: 'items:read',
  activity: 'activities:read',
  // A visit's photos show a household's home: read with the register, like the visit itself.
  visit: 'households:read',
};
export const mayReadPhotosOf = (role: UserRole, owner: PhotoOwner) => roleCan(role, OWNER_PERMISSION[owner]);

/** A photo decoded, checked and encoded again: the only form in which a photo is stored. */
export interface CleanPhoto {
  mime: Mime;
  bytes: Buffer;
}

/** The type is read from the bytes, never from the file name or a declared type. */
export function sniffImage(bytes: Buffer): Mime | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

// Node's decoder skips what is not base64 instead of refusing it, so a wrong encoding would surface as an
// empty or odd-sized image; it is refused here by name.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks the uploads and encodes each image again from its pixels, in its own type (JPEG stays JPEG, PNG stays
 * PNG, WebP stays WebP), turned upright by its orientation tag: EXIF (the place a phone photo was taken, the
 * camera), other metadata and any bytes after the image are not carried over. Done before the caller's
 * transaction, which then only writes.
 */
export async function cleanPhotos(photos: { dataBase64: string }[]): Promise<CleanPhoto[]> {
  if (photos.length > MAX_PHOTOS)
    throw new Problem(400, 'validation_failed', `最多上传 ${MAX_PHOTOS} 张照片`, [
      { path: 'body.photos', message: 'too many' },
    ]);
  const clean: CleanPhoto[] = [];
  for (const [i, p] of photos.entries()) {
    const at = `body.photos.${i}`;
    if (!BASE64.test(p.dataBase64)) {
      throw new Problem(400, 'photo_not_base64', '照片编码无效：须为标准 Base64 文本', [
        { path: `${at}.dataBase64`, message: 'base64' },
      ]);
    }
    const bytes = Buffer.from(p.dataBase64, 'base64');
    if (bytes.length > MAX_PHOTO_BYTES) {
      throw new Problem(413, 'payload_too_large', `照片不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`, [
        { path: at, message: 'size' },
      ]);
    }
    const mime = sniffImage(bytes);
    if (!mime)
      throw new Problem(415, 'unsupported_media_type', '只接受 JPEG、PNG 或 WebP 照片', [
        { path: at, message: 'type' },
      ]);
    clean.push({ mime, bytes: await reencode(bytes, mime, at) });
  }
  return clean;
}

/**
 * sharp (libvips), loaded when a photo first arrives: a native library of some 15 MB of a server's memory that most
 * requests, and many servers, never need.
 */
let loading: Promise<typeof import('sharp')> | null = null;
const imaging = async () => {
  loading ??= import('sharp');
  return (await loading).default;
};

async function reencode(bytes: Buffer, mime: Mime, at: string): Promise<Buffer> {
  const sharp = await imaging();
  const unreadable = () =>
    new Problem(400, 'photo_unreadable', '照片已损坏或无法读取，请换一张', [{ path: at, message: 'unreadable' }]);
  const tooManyPixels = () =>
    new Problem(413, 'payload_too_large', `照片像素过多（最多 ${MAX_PHOTO_PIXELS / 1_000_000} 百万像素）`, [
      { path: at, message: 'pixels' },
    ]);
  // The header's size first; the decoder's own limit as well, for a file whose header understates it.
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => null);
  if (!meta?.width || !meta.height) throw unreadable();
  if (meta.width * meta.height > MAX_PHOTO_PIXELS) throw tooManyPixels();
  // sharp writes no metadata unless asked to (withMetadata, keepExif…), and it is not asked.
  const encode = (edge: number, quality: number) => {
    const image = sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true });
    const encoded =
      mime === 'image/jpeg'
        ? image.jpeg({ quality })
        : mime === 'image/png'
          ? image.png({ compressionLevel: 9 })
          : image.webp({ quality });
    return encoded.toBuffer();
  };
  try {
    let edge = MAX_STORED_EDGE;
    let quality = 85;
    for (let attempt = 0; ; attempt++) {
      const out = await encode(edge, quality);
      if (out.length <= MAX_PHOTO_BYTES) return out;
      if (attempt === 4)
        throw new Problem(413, 'payload_too_large', `照片压缩后仍超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB，请换一张`, [
          { path: at, message: 'size' },
        ]);
      // Smaller, in proportion to the excess (bytes grow about with the pixels), and a little lower in quality.
      const longest = Math.min(edge, Math.max(meta.width as number, meta.height as number));
      edge = Math.max(640, Math.floor(longest * Math.sqrt(MAX_PHOTO_BYTES / out.length) * 0.9));
      quality = Math.max(60, quality - 10);
    }
  } catch (err) {
    if (err instanceof Problem) throw err;
    throw /pixel limit/i.test(String(err)) ? tooManyPixels() : unreadable();
  }
}

/** Stores cleaned photos for an owner inside the caller's transaction. */
export async function storePhotos(tx: Executor, ownerType: PhotoOwner, ownerId: string, photos: CleanPhoto[]) {
  const ids: string[] = [];
  for (const p of photos) {
    const id = newId();
    await tx
      .insertInto('photos')
      .values({
        id,
        owner_type: ownerType,
        owner_id: ownerId,
        mime: p.mime,
        size: p.bytes.length,
        sha256: createHash('sha256').update(p.bytes).digest('hex'),
        data: p.bytes.toString('base64'),
        created_at: nowIso(),
      })
      .execute();
    ids.push(id);
  }
  return ids;
}

export async function photoIds(db: Executor, ownerType: PhotoOwner, ownerIds: string[]) {
  if (ownerIds.length === 0) return new Map<string, string[]>();
  const rows = await db
    .selectFrom('photos')
    .select(['id', 'owner_id'])
    .where('owner_type', '=', ownerType)
    .where('owner_id', 'in', ownerIds)
    .orderBy('created_at')
    .execute();
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.owner_id, [...(map.get(r.owner_id) ?? []), r.id]);
  return map;
}
