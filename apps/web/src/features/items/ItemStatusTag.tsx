import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Light, LightTag } from './ItemClock';

const COLORS: Record<string, string> = {
  open: 'blue',
  in_progress: 'gold',
  awaiting_confirmation: 'purple',
  closed: 'green',
};

/** The item's status, overdue mark and working-day light (all the server's: a closed item has none). */
export function ItemStatusTag({ status, overdue, light }: { status: string; overdue?: boolean; light?: Light | null }) {
  const { t } = useTranslation();
  return (
    <>
      <Tag color={COLORS[status]}>{t(`itemStatus.${status}`)}</Tag>
      {overdue && <Tag color="red">{t('item.overdue')}</Tag>}
      <LightTag light={light} />
    </>
  );
}
