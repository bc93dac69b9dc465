/** @jsxImportSource preact */
import { useEffect, useState } from 'preact/hooks';
import { BoardPage, BoardPicker } from './BoardPage';
import { FollowPage } from './FollowPage';
import { usePath } from './router';
import { SubmitPage } from './SubmitPage';
import { Shell } from './ui';
import { t } from './words';

/**
 * The public pages, for a resident's cheap phone on a village's slow connection: a report and its progress (/r), the
 * village notice board (/v). No account, no staff code, no component library: the whole is a few tens of kilobytes.
 */
export function PublicApp() {
  const path = usePath();
  // The language switch reloads the words; the pages draw again in the new one.
  const [, redraw] = useState(0);
  useEffect(() => {
    const again = () => redraw((n) => n + 1);
    window.addEventListener('lj-language', again);
    return () => window.removeEventListener('lj-language', again);
  }, []);
  const [, section, rest = ''] = /^\/([rv])(?:\/([^/]*))?\/?$/.exec(path) ?? [];
  const code = decodeURIComponent(rest);
  if (section === 'v') {
    return <Shell title={t('board.title')}>{code ? <BoardPage code={code} /> : <BoardPicker />}</Shell>;
  }
  return (
    <Shell title={code ? t('resident.followTitle') : t('resident.title')}>
      {code ? <FollowPage code={code} /> : <SubmitPage />}
    </Shell>
  );
}
