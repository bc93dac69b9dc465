import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';

type Status = Schemas['NoticeEntry']['status'];

const COLORS: Record<Status, string> = {
  pending: 'processing',
  sent: 'success',
  failed: 'error',
  not_configured: 'warning',
  opted_out: 'default',
  expired: 'default',
};

/** A notice's status in words, coloured by whether anything needs doing. */
export function NoticeStatusTag({ status }: { status: Status }) {
  const { t } = useTranslation();
  return <Tag color={COLORS[status]}>{t(`notices.status.${status}`)}</Tag>;
}
