import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  open: 'blue',
  in_progress: 'gold',
  awaiting_confirmation: 'purple',
  closed: 'green',
};

export function ItemStatusTag({ status, overdue }: { status: string; overdue?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Tag color={COLORS[status]}>{t(`itemStatus.${status}`)}</Tag>
      {overdue && <Tag color="red">{t('item.overdue')}</Tag>}
    </>
  );
}
