import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';

export type Me = Schemas['Me'];
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside a logged-in screen');
  return me;
}
