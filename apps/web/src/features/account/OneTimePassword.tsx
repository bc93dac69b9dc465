import { App, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** A whole one-time password (an account the security administrator opened or reset alone), or one half of a split one. */
export type OneTimePart = 'whole' | 'first' | 'second';

const SHOWN: Record<OneTimePart, { title: string; hint: string; testId: string }> = {
  whole: { title: 'users.oneTime', hint: 'users.oneTimeHint', testId: 'one-time-password' },
  first: { title: 'accountRequests.firstHalf', hint: 'accountRequests.firstHalfHint', testId: 'password-part' },
  second: { title: 'accountRequests.secondHalf', hint: 'accountRequests.secondHalfHint', testId: 'password-part' },
};

/**
 * Shows a one-time password once, to the person who holds it: the whole of one the security administrator gave alone;
 * for an account that needs a second person, the requester's half when filing and the approver's when approving.
 * Neither half opens the account alone.
 */
export function useOneTimePassword() {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  return (password: string, username: string, part: OneTimePart) => {
    const shown = SHOWN[part];
    modal.success({
      title: t(shown.title, { username }),
      width: 520,
      content: (
        <Flex vertical gap={8}>
          <Typography.Text code copyable style={{ fontSize: 18 }} data-testid={shown.testId}>
            {password}
          </Typography.Text>
          <Typography.Text type="secondary">{t(shown.hint)}</Typography.Text>
        </Flex>
      ),
    });
  };
}
