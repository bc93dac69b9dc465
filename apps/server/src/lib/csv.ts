/**
 * A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CR/LF or LF line ends, line breaks inside
 * quotes). Bytes are decoded as UTF-8 (with or without BOM) or, when the start of the file is not valid UTF-8,
 * as GB18030 — what Excel on a Chinese Windows writes when it saves "CSV".
 */
export async function* csvRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let decoder: TextDecoder | null = null;
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let afterQuote = false;
  let pendingCr = false;
  let started = false;

  function* feed(text: string): Generator<string[]> {
    for (let i = 0; i < text.length; i++) {
      const c = text[i] as string;
      if (pendingCr) {
        pendingCr = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // At a chunk's end this may be the first half of a doubled quote: `afterQuote` resolves it.
            quoted = false;
            afterQuote = true;
          }
        } else field += c;
        continue;
      }
      if (c === '"') {
        if (afterQuote) {
          // `""` split across two chunks: a literal quote inside a quoted field.
          field += '"';
          quoted = true;
          afterQuote = false;
        } else if (field === '') quoted = true;
        else field += c;
        continue;
      }
      afterQuote = false;
      if (c === ',') {
        row.push(field);
        field = '';
      } else if (c === '\n' || c === '\r') {
        row.push(field);
        field = '';
        yield row;
        row = [];
        if (c === '\r') pendingCr = true;
      } else field += c;
    }
  }

  for await (const chunk of chunks) {
    if (!decoder) {
      decoder = utf8Prefix(chunk) ? new TextDecoder('utf-8') : new TextDecoder('gb18030');
    }
    let text = decoder.decode(chunk, { stream: true });
    if (!started) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    yield* feed(text);
  }
  if (decoder) yield* feed(decoder.decode());
  if (field !== '' || row.length > 0 || afterQuote || quoted) {
    row.push(field);
    yield row;
  }
}

/** Whether a file's first bytes are valid UTF-8 (an incomplete sequence at the very end is allowed). */
function utf8Prefix(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, 65536), { stream: true });
    return true;
  } catch {
    return false;
  }
}
