/** @jsxImportSource preact */
import { useState } from 'preact/hooks';
import { type Schemas, api, errorMessage, unwrap, useRegions } from './api';
import { navigate } from './router';
import { Notice, SelectField, useLoad } from './ui';
import { t } from './words';

type Board = Schemas['VillageBoard'];
type NoticeRow = Board['exits'][number];

/** Choose a township, then a village: its board opens. */
export function BoardPicker() {
  const [township, setTownship] = useState('');
  const { townships, villages } = useRegions(township);
  return (
    <section class="r-card">
      <p class="r-muted">{t('board.pick')}</p>
      {townships.error ? (
        <Notice kind="error">{errorMessage(townships.error, undefined, t('resident.offline'))}</Notice>
      ) : null}
      <SelectField
        id="b-township"
        testId="board-township"
        label={t('resident.township')}
        value={township}
        onChange={setTownship}
        items={townships.data ?? []}
        loading={townships.loading}
      />
      <SelectField
        id="b-village"
        testId="board-village"
        label={t('resident.village')}
        value=""
        onChange={(code) => code && navigate(`/v/${code}`)}
        items={villages.data ?? []}
        loading={villages.loading}
        disabled={!township}
      />
    </section>
  );
}

function Notices({ rows, testId }: { rows: NoticeRow[]; testId: string }) {
  if (rows.length === 0) return <p class="r-muted">{t('board.noNotice')}</p>;
  return (
    <table class="r-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('board.head')}</th>
          <th scope="col">{t('board.outcome')}</th>
          <th scope="col">{t('board.period')}</th>
          <th scope="col">{t('board.daysLeft')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.headName}-${r.noticeStartOn}-${r.outcome}`}>
            <td>{r.headName}</td>
            <td>{r.outcome}</td>
            {/* Each day whole on its line: a phone wraps at the tilde, never inside a date. */}
            <td>
              <span class="r-nowrap">{r.noticeStartOn}</span> ~ <span class="r-nowrap">{r.noticeEndsOn}</span>
            </td>
            <td>{r.daysLeft > 0 ? t('board.daysLeftN', { n: r.daysLeft }) : t('board.ended')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The village notice board: public and printable; names and outcomes only. */
export function BoardPage({ code }: { code: string }) {
  const q = useLoad(code, () =>
    unwrap(api.GET('/api/v1/public/villages/{code}/board', { params: { path: { code } } })),
  );
  if (q.loading) return <p class="r-card r-muted">{t('resident.loading')}</p>;
  if (q.error || !q.data) {
    return (
      <section class="r-card">
        <Notice kind="error">{errorMessage(q.error, undefined, t('resident.offline'))}</Notice>
        <button type="button" class="r-btn" onClick={q.retry}>
          {t('resident.retry')}
        </button>
      </section>
    );
  }
  const b = q.data;
  const lists = [...new Set(b.items.map((i) => i.listTitle))];
  return (
    <div class="r-board" data-testid="village-board">
      <div class="r-board-head">
        <h1>{`${b.townshipName} ${b.villageName} · ${t('board.title')}`}</h1>
        <button type="button" class="r-btn r-inline r-no-print" onClick={() => window.print()}>
          {t('board.print')}
        </button>
      </div>
      <section class="r-card">
        <h2>{t('board.exits')}</h2>
        <Notices rows={b.exits} testId="board-exits" />
      </section>
      <section class="r-card">
        <h2>{t('board.monitoring')}</h2>
        <Notices rows={b.monitoring} testId="board-monitoring" />
      </section>
      <p class="r-muted">{b.howToObject}</p>
      <section class="r-card">
        <h2>{t('board.items')}</h2>
        {lists.length === 0 ? (
          <p class="r-muted">{t('board.noItems')}</p>
        ) : (
          lists.map((title) => (
            <div key={title} class="r-list">
              <h3>{title}</h3>
              <table class="r-table">
                <thead>
                  <tr>
                    <th scope="col" class="r-no">
                      #
                    </th>
                    <th scope="col">{t('board.problem')}</th>
                    <th scope="col" class="r-status">
                      {t('board.status')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {b.items
                    .filter((i) => i.listTitle === title)
                    .map((i) => (
                      <tr key={i.no}>
                        <td>{i.no}</td>
                        <td>{i.problem}</td>
                        <td>
                          <span class={`r-tag r-${i.status}`}>{t(`itemStatus.${i.status}`)}</span>
                          {i.residentConfirmed && <span class="r-tag r-closed">{t('board.confirmed')}</span>}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          ))
        )}
      </section>
      <p class="r-muted">{b.today}</p>
    </div>
  );
}
