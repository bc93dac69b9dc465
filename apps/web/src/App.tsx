import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import { Suspense, lazy, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { ApiError, api, setUnauthorizedHandler, unwrap } from './api/client';
import { type Me, MeContext } from './components/me';
import { homePath } from './components/menu';
import { antdLocale } from './i18n';
import { sessionKeys } from './api/queryKeys';

// Split by route: the login page loads alone (and not with the cockpit after a reload); the layout, each screen and the chart library load when used.
const LoginPage = lazy(() => import('./pages/LoginPage').then((m) => ({ default: m.LoginPage })));
const AppLayout = lazy(() => import('./components/AppLayout').then((m) => ({ default: m.AppLayout })));
const PendingStep = lazy(() => import('./features/account/AccountSecurity').then((m) => ({ default: m.PendingStep })));
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const OrgTreePage = lazy(() => import('./pages/OrgTreePage').then((m) => ({ default: m.OrgTreePage })));
const OrgPage = lazy(() => import('./pages/OrgPage').then((m) => ({ default: m.OrgPage })));
const ReportsPage = lazy(() => import('./pages/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const ListsPage = lazy(() => import('./pages/ListsPage').then((m) => ({ default: m.ListsPage })));
const ListPage = lazy(() => import('./pages/ListPage').then((m) => ({ default: m.ListPage })));
const ItemPage = lazy(() => import('./pages/ItemPage').then((m) => ({ default: m.ItemPage })));
const ChainsPage = lazy(() => import('./pages/ChainsPage').then((m) => ({ default: m.ChainsPage })));
const HouseholdsPage = lazy(() => import('./pages/HouseholdsPage').then((m) => ({ default: m.HouseholdsPage })));
const HouseholdPage = lazy(() => import('./pages/HouseholdPage').then((m) => ({ default: m.HouseholdPage })));
const ExitNoticePage = lazy(() => import('./pages/ExitNoticePage').then((m) => ({ default: m.ExitNoticePage })));
const RecordMeetingPage = lazy(() =>
  import('./pages/RecordMeetingPage').then((m) => ({ default: m.RecordMeetingPage })),
);
const ActivityPage = lazy(() => import('./pages/ActivityPage').then((m) => ({ default: m.ActivityPage })));
const MeetingPrintPage = lazy(() => import('./pages/MeetingPrintPage').then((m) => ({ default: m.MeetingPrintPage })));
const MemberRecordPage = lazy(() => import('./pages/MemberRecordPage').then((m) => ({ default: m.MemberRecordPage })));
const FeedbackPage = lazy(() => import('./pages/FeedbackPage').then((m) => ({ default: m.FeedbackPage })));
const NetworkPage = lazy(() => import('./pages/NetworkPage').then((m) => ({ default: m.NetworkPage })));
const ItemsPage = lazy(() => import('./pages/ItemsPage').then((m) => ({ default: m.ItemsPage })));
const AssessmentPage = lazy(() => import('./pages/AssessmentPage').then((m) => ({ default: m.AssessmentPage })));
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const NoticesPage = lazy(() => import('./pages/NoticesPage').then((m) => ({ default: m.NoticesPage })));
const FieldPage = lazy(() => import('./pages/FieldPage').then((m) => ({ default: m.FieldPage })));
const MembersPage = lazy(() => import('./pages/MembersPage').then((m) => ({ default: m.MembersPage })));

// Every text colour at least 4.5:1 on white (WCAG AA), darker than antd's defaults where those fall short: grey
// labels (3.4:1), placeholders (1.8:1), links (4.1:1), red, green and amber text (3.3, 2.3 and 1.9:1).
const theme = {
  token: {
    colorPrimary: '#c8161d',
    borderRadius: 6,
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorLink: '#0958d9',
    colorError: '#cf1322',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
  },
};

export function App() {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  // The resident page (/r) and the village board (/v) are an app of their own (resident.html, src/resident).
  const me = useQuery({
    queryKey: sessionKeys.me,
    queryFn: async () => {
      try {
        const got: Me = await unwrap(api.GET('/api/v1/auth/me'));
        // A field account is kept on the device (sealed) for a start with no connection; loaded after, not before.
        if (got.permissions.includes('households:write')) {
          void import('./field/session').then((m) => m.rememberMe(got)).catch(() => {});
        }
        return got;
      } catch (e) {
        if (e instanceof ApiError && e.problem.status === 401) return null;
        if (e instanceof ApiError) throw e;
        // No connection: the account kept on the device opens the field work, and nothing else.
        const kept = await import('./field/session').then((m) => m.rememberedMe()).catch(() => null);
        if (kept) return { ...kept, fromDevice: true as const };
        throw e;
      }
    },
  });
  useEffect(() => {
    setUnauthorizedHandler(() => {
      queryClient.setQueryData(sessionKeys.me, null);
      // The session ended, expired or was revoked (a lost phone): the device's field store and its key go with it.
      void import('./field/session').then((m) => m.sessionRefused()).catch(() => {});
    });
    // Back online: ask the server who is signed in again (a start from the device's copy becomes the real one).
    const online = () => void queryClient.invalidateQueries({ queryKey: sessionKeys.me });
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [queryClient]);

  return (
    <ConfigProvider locale={antdLocale(i18n.language)} theme={theme}>
      <AntApp>
        {me.isLoading ? (
          <div style={{ padding: 80, textAlign: 'center' }}>
            <Spin size="large" />
          </div>
        ) : !me.data ? (
          <Suspense fallback={<Spin />}>
            <LoginPage />
          </Suspense>
        ) : me.data.pending ? (
          <Suspense fallback={<Spin />}>
            <PendingStep
              me={me.data}
              onLogout={async () => {
                await api.POST('/api/v1/auth/logout');
                queryClient.setQueryData(sessionKeys.me, null);
              }}
            />
          </Suspense>
        ) : me.data.fromDevice ? (
          <MeContext.Provider value={me.data}>
            <Suspense fallback={<Spin />}>
              <Routes>
                <Route element={<AppLayout />}>
                  <Route path="*" element={<FieldPage />} />
                </Route>
              </Routes>
            </Suspense>
          </MeContext.Provider>
        ) : (
          <MeContext.Provider value={me.data}>
            <Suspense fallback={<Spin />}>
              <Routes>
                <Route element={<AppLayout />}>
                  <Route
                    index
                    element={
                      // A branch's account starts the day on its branch (its items, groups and meetings), not on a
                      // cockpit of county figures; the overview stays one menu entry away.
                      me.data.scope.orgId ? (
                        <Navigate to={`/orgs/${me.data.scope.orgId}`} replace />
                      ) : me.data.permissions.includes('stats:read') ? (
                        <OverviewPage />
                      ) : (
                        <Navigate to={homePath(me.data.permissions)} replace />
                      )
                    }
                  />
                  <Route path="overview" element={<OverviewPage />} />
                  <Route path="orgs" element={<OrgTreePage />} />
                  <Route path="orgs/:id" element={<OrgPage />} />
                  <Route path="orgs/:id/meetings/new" element={<RecordMeetingPage />} />
                  <Route path="activities/:id" element={<ActivityPage />} />
                  <Route path="activities/:id/print" element={<MeetingPrintPage />} />
                  <Route path="members/:id/record" element={<MemberRecordPage />} />
                  <Route path="feedback" element={<FeedbackPage />} />
                  <Route path="assessment" element={<AssessmentPage />} />
                  <Route path="members" element={<MembersPage />} />
                  <Route path="account" element={<AccountPage />} />
                  <Route path="users" element={<UsersPage />} />
                  <Route path="audit" element={<AuditPage />} />
                  <Route path="notices" element={<NoticesPage />} />
                  <Route path="reports" element={<ReportsPage />} />
                  <Route path="lists" element={<ListsPage />} />
                  <Route path="lists/:id" element={<ListPage />} />
                  <Route path="items" element={<ItemsPage />} />
                  <Route path="network" element={<NetworkPage />} />
                  <Route path="items/:id" element={<ItemPage />} />
                  <Route path="chains" element={<ChainsPage />} />
                  <Route path="households" element={<HouseholdsPage />} />
                  <Route path="households/notice/:villageCode" element={<ExitNoticePage />} />
                  <Route path="households/:id" element={<HouseholdPage />} />
                  <Route path="field" element={<FieldPage />} />
                  <Route path="*" element={<Navigate to="/" replace />} />
                </Route>
              </Routes>
            </Suspense>
          </MeContext.Provider>
        )}
      </AntApp>
    </ConfigProvider>
  );
}
