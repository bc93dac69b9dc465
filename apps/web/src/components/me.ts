import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

/** The signed-in account; `fromDevice` when the app started with no connection, from the copy kept on the device. */
export type Me = Schemas['Me'] & { fromDevice?: true };
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a logged-in screen');
  return me;
}
