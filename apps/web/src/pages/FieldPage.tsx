import { Alert, Button, Card, Flex, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../components/format';
import { useMe } from '../components/me';
import { PHONE, useMedia } from '../components/useMedia';
import { VisitModal } from '../features/households/VisitModal';
import { ItemConflictModal } from '../features/items/ItemOfflineEdit';
import { FieldMeetingModal } from '../features/field/FieldMeetingModal';
import { FieldProgressModal, itemName } from '../features/field/FieldProgressModal';
import { FieldReportModal } from '../features/reports/FieldReportModal';
import type { MeetingBody, ProgressBody, QueuedRecord, ReportBody, VisitBody } from '../field/queue';
import type { FieldBranch, FieldHousehold } from '../field/session';

const STATE_COLOURS = { pending: 'default', sending: 'processing', synced: 'success', attention: 'error' } as const;

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** The field queue (待同步): what was recorded on this device, its state, and the visit form that works offline. */
export function FieldPage() {
  const { t } = useTranslation();
  const me = useMe();
  const online = useOnline();
  const phone = useMedia(PHONE);
  const [records, setRecords] = useState<QueuedRecord[]>([]);
  const [households, setHouseholds] = useState<{ value: FieldHousehold[]; savedAt: string } | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [visiting, setVisiting] = useState(false);
  const [reporting, setReporting] = useState(false);
  /** A refused report being edited: its record and what it held. */
  const [editing, setEditing] = useState<{ clientId: string; body: ReportBody } | null>(null);
  /** An item edit in conflict with the server's item, being resolved (处理冲突). */
  const [resolving, setResolving] = useState<string | null>(null);
  const [branch, setBranch] = useState<{ value: FieldBranch; savedAt: string } | null>(null);
  const [meeting, setMeeting] = useState(false);
  const [progress, setProgress] = useState(false);
  /** A refused progress entry being edited: its record, item and what it held. */
  const [editingProgress, setEditingProgress] = useState<{
    clientId: string;
    itemId: string;
    itemLabel: string;
    /** The queue's line for the record: it names the item, which an edit does not change. */
    label: string;
    body: ProgressBody;
  } | null>(null);
  /** A refused visit being edited: its record, its household as kept, and what it held. */
  const [editingVisit, setEditingVisit] = useState<{
    clientId: string;
    household: FieldHousehold;
    body: VisitBody;
  } | null>(null);
  /** A refused meeting being edited: its record and what it held. */
  const [editingMeeting, setEditingMeeting] = useState<{ clientId: string; body: MeetingBody } | null>(null);
  const [codes, setCodes] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let stop = () => {};
    let gone = false;
    void (async () => {
      const { openFor } = await import('../field/store');
      await openFor(me.id);
      const { watchQueue } = await import('../field/queue');
      const { keptHouseholds } = await import('../field/session');
      if (gone) return;
      stop = watchQueue(setRecords);
      setHouseholds(await keptHouseholds());
      setBranch(await (await import('../field/session')).keptBranch());
      setCodes(await (await import('../field/session')).keptCodes());
    })();
    return () => {
      gone = true;
      stop();
    };
  }, [me.id]);

  const sync = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await (await import('../field/queue')).syncQueue();
    } finally {
      setBusy(false);
    }
  };
  const refresh = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const session = await import('../field/session');
      await session.refreshHouseholds();
      setHouseholds(await session.keptHouseholds());
      await session.refreshBranch(me);
      setBranch(await session.keptBranch());
      if (me.permissions.includes('reports:write')) setCodes(await session.refreshCodes());
    } catch {
      setProblem(t('field.refreshFailed'));
    } finally {
      setBusy(false);
    }
  };
  // With a connection: send what waits, and refresh the kept households (once on opening, and on coming back online).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the connection comes back, not on every render
  useEffect(() => {
    if (!online || me.fromDevice) return;
    void (async () => {
      await sync();
      await refresh();
    })();
  }, [online, me.fromDevice]);

  const household = households?.value.find((h) => h.id === chosen) ?? null;
  return (
    <Card
      title={t('field.title')}
      extra={
        <Tag color={online ? 'success' : 'warning'} data-testid="field-online">
          {online ? t('field.online') : t('field.offline')}
        </Tag>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('field.intro')}
        </Typography.Paragraph>
        {problem && <Alert type="error" showIcon message={problem} />}
        <Flex gap={8} wrap>
          <Select
            style={{ minWidth: 260 }}
            showSearch
            optionFilterProp="label"
            placeholder={t('field.pickHousehold')}
            aria-label={t('field.pickHousehold')}
            value={chosen}
            onChange={setChosen}
            options={(households?.value ?? []).map((h) => ({ value: h.id, label: `${h.headName} · ${h.regionName}` }))}
            data-testid="field-household"
          />
          <Button type="primary" disabled={!household} onClick={() => setVisiting(true)} data-testid="field-visit">
            {t('field.recordVisit')}
          </Button>
          {/* Without a reserved code the resident could not leave with hers: the form opens once the device has one. */}
          <Button
            onClick={() => setReporting(true)}
            disabled={!households || codes === 0}
            title={codes === 0 ? t('field.report.noCode') : undefined}
            data-testid="field-report"
          >
            {t('field.report.title')}
          </Button>
          {branch && me.permissions.includes('activities:write') && (
            <Button onClick={() => setMeeting(true)} data-testid="field-meeting">
              {t('field.meeting.record')}
            </Button>
          )}
          {branch && (
            <Button
              onClick={() => setProgress(true)}
              disabled={!branch.value.items.length}
              data-testid="field-progress"
            >
              {t('field.progress.record')}
            </Button>
          )}
          <Button onClick={sync} loading={busy} disabled={!online} data-testid="field-sync">
            {t('field.syncNow')}
          </Button>
          <Button onClick={refresh} loading={busy} disabled={!online}>
            {t('field.refresh')}
          </Button>
        </Flex>
        <Typography.Text type="secondary">
          {households
            ? t('field.keptAt', { count: households.value.length, at: formatDateTime(households.savedAt) })
            : t('field.nothingKept')}{' '}
          {t('field.codesKept', { count: codes })}
        </Typography.Text>
        <Table<QueuedRecord>
          rowKey="clientId"
          dataSource={records}
          pagination={false}
          size="small"
          data-testid="field-queue"
          // Fixed: the record's column takes what the actions leave and wraps within it; an automatic layout let a
          // long label push the actions off a phone's screen.
          tableLayout="fixed"
          locale={{ emptyText: t('field.empty') }}
          columns={[
            {
              // One column for the record, its state and the server's reason: on a phone all of it stays in sight
              // without scrolling sideways.
              title: t('field.record'),
              dataIndex: 'label',
              render: (label: string, r) => (
                // Blocks, not a flex row: a long label wraps within the phone's width.
                <div style={{ overflowWrap: 'anywhere' }}>
                  <div>
                    <Tag color={STATE_COLOURS[r.state]} data-testid="field-state">
                      {t(`field.states.${r.state}`)}
                    </Tag>
                    {label}
                  </div>
                  <Typography.Text type="secondary">{`${t('field.madeAt')} ${formatDateTime(r.createdAt)}`}</Typography.Text>
                  {r.conflict ? (
                    <div>
                      <Typography.Text type="danger">{t('offlineEdit.conflictReason')}</Typography.Text>
                    </div>
                  ) : (
                    r.reason && (
                      <div>
                        <Typography.Text type="danger">{r.reason}</Typography.Text>
                      </div>
                    )
                  )}
                </div>
              ),
            },
            {
              title: t('field.actions'),
              width: phone ? 96 : 280,
              render: (_, r) =>
                r.state === 'synced' || r.state === 'sending' ? null : (
                  <Space direction={phone ? 'vertical' : 'horizontal'} wrap>
                    {r.state === 'attention' && r.kind === 'progress' && (
                      <Button
                        size="small"
                        onClick={async () => {
                          const got = await (await import('../field/queue')).readRecord(r.clientId);
                          if (got?.itemId)
                            setEditingProgress({
                              clientId: r.clientId,
                              itemId: got.itemId,
                              // The item as kept, or as the record named it (closed meanwhile, it left the copy).
                              itemLabel: ((id) => {
                                const kept = branch?.value.items.find((i) => i.id === id);
                                return kept ? itemName(kept) : got.label;
                              })(got.itemId),
                              label: got.label,
                              body: got.body as ProgressBody,
                            });
                        }}
                      >
                        {t('field.edit')}
                      </Button>
                    )}
                    {r.state === 'attention' && r.kind === 'visit' && (
                      <Button
                        size="small"
                        data-testid="field-edit-visit"
                        onClick={async () => {
                          const got = await (await import('../field/queue')).readRecord(r.clientId);
                          const kept = households?.value.find((h) => h.id === got?.householdId);
                          if (got && kept)
                            setEditingVisit({ clientId: r.clientId, household: kept, body: got.body as VisitBody });
                          else setProblem(t('field.householdGone'));
                        }}
                      >
                        {t('field.edit')}
                      </Button>
                    )}
                    {r.state === 'attention' && r.kind === 'meeting' && branch && (
                      <Button
                        size="small"
                        data-testid="field-edit-meeting"
                        onClick={async () => {
                          const got = await (await import('../field/queue')).readRecord(r.clientId);
                          if (got) setEditingMeeting({ clientId: r.clientId, body: got.body as MeetingBody });
                        }}
                      >
                        {t('field.edit')}
                      </Button>
                    )}
                    {r.state === 'attention' && r.kind === 'report' && (
                      <Button
                        size="small"
                        onClick={async () => {
                          const got = await (await import('../field/queue')).readRecord(r.clientId);
                          if (got) setEditing({ clientId: r.clientId, body: got.body as ReportBody });
                        }}
                      >
                        {t('field.edit')}
                      </Button>
                    )}
                    {r.conflict && (
                      <Button
                        size="small"
                        type="primary"
                        onClick={() => setResolving(r.clientId)}
                        data-testid="field-resolve"
                      >
                        {t('offlineEdit.resolve')}
                      </Button>
                    )}
                    {r.state === 'attention' && !r.conflict && (
                      <Button
                        size="small"
                        onClick={async () => {
                          await (await import('../field/queue')).retry(r.clientId);
                          if (online) await sync();
                        }}
                      >
                        {t('field.retry')}
                      </Button>
                    )}
                    <Popconfirm
                      title={t('field.discardConfirm')}
                      onConfirm={async () => (await import('../field/queue')).discard(r.clientId)}
                    >
                      <Button size="small" danger>
                        {t('field.discard')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
            },
          ]}
        />
        {/* Below the queue: what was recorded comes first, the branch it was recorded from after. */}
        {me.scope.orgId && <BranchCopy branch={branch} />}
      </Space>
      <FieldReportModal
        villages={[...new Map((households?.value ?? []).map((h) => [h.regionCode, h.regionName])).entries()].map(
          ([code, name]) => ({ code, name }),
        )}
        open={reporting}
        onClose={() => setReporting(false)}
        submit={async (report) => {
          const session = await import('../field/session');
          const code = await session.takeCode();
          if (!code) return null;
          setCodes(await session.keptCodes());
          const { queueReport } = await import('../field/queue');
          await queueReport(t('field.report.label', { code }), {
            ...report,
            source: 'visit',
            photos: [],
            trackingCode: code,
            // The moment the resident was given her code, not the moment a connection came back.
            reportedAt: new Date().toISOString(),
          });
          if (navigator.onLine) void sync();
          return code;
        }}
      />
      {editing && (
        <FieldReportModal
          villages={[
            // The report's own village first, named by the kept households when they hold it.
            ...new Map([
              [editing.body.regionCode, editing.body.regionCode] as const,
              ...(households?.value ?? []).map((h) => [h.regionCode, h.regionName] as const),
            ]).entries(),
          ].map(([code, name]) => ({ code, name }))}
          open
          initial={{
            regionCode: editing.body.regionCode,
            category: editing.body.category,
            description: editing.body.description,
            ...(editing.body.reporterName ? { reporterName: editing.body.reporterName } : {}),
          }}
          onClose={() => setEditing(null)}
          submit={async (report) => {
            const code = editing.body.trackingCode ?? null;
            const { editRecord } = await import('../field/queue');
            // Edited content is a new request: the queue sends it with a new Idempotency-Key.
            await editRecord(editing.clientId, t('field.report.label', { code }), {
              ...editing.body,
              ...report,
              ...(report.reporterName ? {} : { reporterName: undefined }),
            });
            if (navigator.onLine) void sync();
            return code;
          }}
        />
      )}
      {resolving && (
        <ItemConflictModal
          clientId={resolving}
          onClose={() => setResolving(null)}
          onDone={() => {
            if (online) void sync();
          }}
        />
      )}
      {branch && (
        <FieldMeetingModal
          branch={branch.value}
          open={meeting}
          onClose={() => setMeeting(false)}
          submit={async (label, body) => {
            await (await import('../field/queue')).queueMeeting(label, body);
            if (navigator.onLine) void sync();
          }}
        />
      )}
      {branch && (
        <FieldProgressModal
          items={branch.value.items}
          open={progress}
          onClose={() => setProgress(false)}
          submit={async (itemId, itemLabel, body) => {
            await (await import('../field/queue')).queueProgress(
              itemId,
              t('field.progress.label', { item: itemLabel }),
              body,
            );
            if (navigator.onLine) void sync();
          }}
        />
      )}
      {editingProgress && (
        <FieldProgressModal
          items={branch?.value.items ?? []}
          open
          initial={editingProgress}
          onClose={() => setEditingProgress(null)}
          submit={async (_itemId, _itemLabel, body) => {
            const { editRecord } = await import('../field/queue');
            // Edited content is a new request: the queue sends it with a new Idempotency-Key.
            await editRecord(editingProgress.clientId, editingProgress.label, body);
            if (navigator.onLine) void sync();
          }}
        />
      )}
      {editingVisit && (
        <VisitModal
          household={editingVisit.household}
          open
          initial={editingVisit.body}
          onClose={() => setEditingVisit(null)}
          submitTo={async (body) => {
            const { editRecord } = await import('../field/queue');
            // Edited content is a new request: the queue sends it with a new Idempotency-Key.
            await editRecord(
              editingVisit.clientId,
              t('field.visitLabel', { name: editingVisit.household.headName, on: body.visitedOn }),
              body,
            );
            if (navigator.onLine) void sync();
          }}
        />
      )}
      {editingMeeting && branch && (
        <FieldMeetingModal
          branch={branch.value}
          open
          initial={editingMeeting.body}
          onClose={() => setEditingMeeting(null)}
          submit={async (label, body) => {
            const { editRecord } = await import('../field/queue');
            await editRecord(editingMeeting.clientId, label, body);
            if (navigator.onLine) void sync();
          }}
        />
      )}
      {household && (
        <VisitModal
          household={household}
          open={visiting}
          onClose={() => setVisiting(false)}
          submitTo={async (body) => {
            const { queueVisit } = await import('../field/queue');
            await queueVisit(
              household.id,
              t('field.visitLabel', { name: household.headName, on: body.visitedOn }),
              body,
            );
            if (navigator.onLine) void sync();
          }}
        />
      )}
    </Card>
  );
}

/** The kept copy of the secretary's own branch, as the device holds it (shown with no connection too). */
function BranchCopy({ branch }: { branch: { value: FieldBranch; savedAt: string } | null }) {
  const { t } = useTranslation();
  if (!branch) return <Alert type="info" showIcon message={t('field.branch.none')} />;
  const b = branch.value;
  return (
    <Card size="small" title={t('field.branch.title')} data-testid="field-branch">
      <Typography.Paragraph type="secondary" data-testid="field-branch-kept">
        {t('field.branch.keptAt', {
          name: b.org.name,
          members: b.members.length,
          groups: b.groups.length,
          items: b.items.length,
          at: formatDateTime(branch.savedAt),
        })}
      </Typography.Paragraph>
      <Typography.Text strong>{t('field.branch.members')}</Typography.Text>
      <Typography.Paragraph>{b.members.map((m) => m.name).join('、') || '—'}</Typography.Paragraph>
      <Typography.Text strong>{t('field.branch.items')}</Typography.Text>
      <ul style={{ paddingInlineStart: 20, margin: 0 }}>
        {b.items.map((i) => (
          <li key={i.id}>
            {itemName(i)}
            {i.groupName ? ` · ${i.groupName}` : ''}
            {i.dueOn ? ` · ${t('field.branch.due', { on: i.dueOn })}` : ''}
          </li>
        ))}
      </ul>
    </Card>
  );
}
