import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const STATUS_COLORS: Record<string, string> = {
  proposed: 'blue',
  active: 'green',
  rectification: 'orange',
  dissolved: 'default',
};
const LEVEL_COLORS: Record<string, string> = {
  committee: 'red',
  general_branch: 'volcano',
  branch: 'gold',
  group: 'cyan',
};

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status]}>{t(`status.${status}`)}</Tag>;
}

export function LevelTag({ level, kind }: { level: string; kind?: string }) {
  const { t } = useTranslation();
  return <Tag color={LEVEL_COLORS[level]}>{kind === 'special' ? t('kind.special') : t(`level.${level}`)}</Tag>;
}

export function RoleTag({ role }: { role: string }) {
  const { t } = useTranslation();
  const color =
    role === 'secretary' ? 'red' : role === 'deputy_secretary' ? 'volcano' : role === 'member' ? undefined : 'gold';
  return <Tag color={color}>{t(`role.${role}`)}</Tag>;
}
