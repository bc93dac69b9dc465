import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useState } from 'react';
import { errorText } from './errorText';

/**
 * Runs one change against the server: shows the server's message on failure, a success message and fresh
 * data on success. Returns whether it succeeded.
 */
export function useServerAction() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const run = async (change: () => Promise<unknown>, success: string): Promise<boolean> => {
    setBusy(true);
    try {
      await change();
      message.success(success);
      await queryClient.invalidateQueries();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
