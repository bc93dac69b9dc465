import { Card, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useMe } from '../components/me';
import { LedgerPanel } from '../features/assessment/LedgerPanel';
import { RectificationPanel } from '../features/assessment/RectificationPanel';
import { SchemePanel } from '../features/assessment/SchemePanel';
import { SupervisionPanel } from '../features/assessment/SupervisionPanel';

/** Supervision and assessment: tiered ledgers, the rectification board, supervision records, the scheme. */
export function AssessmentPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'ledger';
  const countyWriter = me.permissions.includes('assessment:write') && (me.scope.regionCode ?? '').length === 6;
  return (
    <div className="lj-page">
      <Typography.Title level={3} style={{ marginTop: 0 }} className="lj-no-print">
        {t('assessment.title')}
      </Typography.Title>
      <Card>
        <Tabs
          activeKey={tab}
          destroyOnHidden
          onChange={(k) => setParams(k === 'ledger' ? {} : { tab: k })}
          items={[
            { key: 'ledger', label: t('assessment.tabs.ledger'), children: <LedgerPanel /> },
            { key: 'rectification', label: t('assessment.tabs.rectification'), children: <RectificationPanel /> },
            { key: 'supervision', label: t('assessment.tabs.supervision'), children: <SupervisionPanel /> },
            ...(countyWriter ? [{ key: 'scheme', label: t('assessment.tabs.scheme'), children: <SchemePanel /> }] : []),
          ]}
        />
      </Card>
    </div>
  );
}
