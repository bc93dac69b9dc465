import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useState } from 'react';
import { errorText } from './errorText';

/**
 * Runs one change against the server: shows the server's message on failure, a success message and fresh
 * data on success. Returns whether it succeeded. `labels` names the fields of the request by the form's labels
 * (`{ reason: t('item.reason') }`), so that a note on a field says which one; a field not named is not said.
 */
export function useServerAction(labels?: Record<string, string>) {
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
      message.error(errorText(e, { labels }));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
