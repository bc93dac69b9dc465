/**
 * A value the code knows is there at this point — a column the step before has filled, a key just put in a map, the
 * scope of an account whose role has one — checked instead of cast. Missing, it is a fault in the code, not in the
 * request: the reply is a 500 naming what was missing, never a write with a hole in it.
 */
export function known<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what}: expected a value, found none`);
  return value;
}
