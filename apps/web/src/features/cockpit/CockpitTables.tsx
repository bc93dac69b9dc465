import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { formatShare as pct } from '../../components/format';

// The cockpit's tables, loaded after its figures (CockpitPanel.tsx).

type Cockpit = Schemas['Cockpit'];

/** How many organizations got each grade. */
export function GradesTable({ grades }: { grades: NonNullable<Cockpit['grades']> }) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      tableLayout="fixed"
      pagination={false}
      rowKey="g"
      dataSource={(['good', 'fair', 'average', 'poor'] as const).map((g) => ({
        g,
        n: grades[g] ?? 0,
      }))}
      columns={[
        { key: 'g', title: t('assessment.grade'), render: (_, r) => t(`assessment.grades.${r.g}`) },
        { key: 'n', title: '#', dataIndex: 'n' },
      ]}
    />
  );
}

/** The townships (or the province's counties) side by side, sortable. */
export function TownshipRanking({ rows, level }: { rows: Cockpit['byTownship']; level: 'township' | 'county' }) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="regionCode"
      dataSource={rows}
      columns={[
        { key: 'rank', title: '#', width: 48, render: (_, __, i) => i + 1 },
        {
          key: 'name',
          title: t(level === 'county' ? 'cockpit.county' : 'assessment.township'),
          dataIndex: 'name',
        },
        {
          key: 'overdue',
          title: t('item.overdue'),
          align: 'right',
          dataIndex: 'overdue',
          sorter: (a, b) => a.overdue - b.overdue,
        },
        {
          key: 'open',
          title: t('cockpit.openItems'),
          align: 'right',
          dataIndex: 'open',
          sorter: (a, b) => a.open - b.open,
        },
        {
          key: 'closed',
          title: t('cockpit.closed'),
          align: 'right',
          dataIndex: 'closed',
          sorter: (a, b) => a.closed - b.closed,
        },
        {
          key: 'confirmedShare',
          title: t('cockpit.confirmedShare'),
          align: 'right',
          render: (_, r) => pct(r.confirmedShare),
        },
        {
          key: 'satisfaction',
          title: t('cockpit.satisfactionShort'),
          align: 'right',
          render: (_, r) => (r.satisfaction === null ? '—' : `${r.satisfaction} ★`),
          sorter: (a, b) => (a.satisfaction ?? 0) - (b.satisfaction ?? 0),
        },
        {
          key: 'registered',
          title: t('cockpit.registered'),
          align: 'right',
          dataIndex: 'registered',
          sorter: (a, b) => a.registered - b.registered,
        },
      ]}
    />
  );
}
