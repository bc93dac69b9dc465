/** Reads a chosen file as base64 (without the data: prefix) for an upload in a JSON body. */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

/** Chosen files as the API takes photos: each as base64, in the order chosen. */
export function photosOf(files: { originFileObj?: Blob | undefined }[]): Promise<{ dataBase64: string }[]> {
  return Promise.all(
    files
      .flatMap((f) => (f.originFileObj ? [f.originFileObj] : []))
      .map(async (b) => ({ dataBase64: await fileToBase64(b) })),
  );
}
