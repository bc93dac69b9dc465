/**
 * The arithmetic of the cockpit's charts: a value axis of whole, round steps and which category labels fit.
 * Kept apart from the drawing so it can be tested without a browser.
 */

/** A round step (1, 2 or 5 times a power of ten, at least 1) that divides 0..max into about `count` parts. */
export function niceStep(max: number, count = 5): number {
  const raw = max / count;
  if (!(raw > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** The ticks of a value axis from 0 that covers every value: whole numbers, equally spaced, the last ≥ the maximum. */
export function valueTicks(values: number[], count = 5): number[] {
  const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
  const step = niceStep(max, count);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  return ticks;
}

/**
 * Every how many categories a label is written so that labels of `labelWidth` pixels do not overlap on an axis
 * where each category has `band` pixels: 1 writes them all.
 */
export function labelEvery(band: number, labelWidth: number): number {
  if (band <= 0) return 1;
  return Math.max(1, Math.ceil((labelWidth + 4) / band));
}

/** The width in pixels of a label in a 12 px font: a Chinese character about a full em, others about half. */
export function textWidth(text: string, fontSize = 12): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? fontSize : fontSize * 0.6;
  return w;
}

/** The label cut to `width` pixels with an ellipsis, whole if it fits. */
export function truncate(text: string, width: number, fontSize = 12): string {
  if (textWidth(text, fontSize) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (textWidth(`${out}${ch}…`, fontSize) > width) break;
    out += ch;
  }
  return `${out}…`;
}

/** Names made unique by their order of appearance: the second `a` becomes `a#2`. */
export function uniqueKeys(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}
