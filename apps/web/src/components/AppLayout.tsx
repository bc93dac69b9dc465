import {
  ApartmentOutlined,
  CloudSyncOutlined,
  AuditOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  FileTextOutlined,
  HomeOutlined,
  IdcardOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  MessageOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  SafetyOutlined,
  ShareAltOutlined,
  TeamOutlined,
  TranslationOutlined,
  TrophyOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Layout, Menu, Skeleton } from 'antd';
import { type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { RecordTitleContext, useDocumentTitle } from './pageTitle';
import { api } from '../api/client';
import { setLocale } from '../i18n';
import { InboxButton } from './InboxButton';
import { useMe } from './me';
import { type MenuKey, mayOpen, menuKeys } from './menu';
import { sessionKeys } from '../api/queryKeys';

const { Header, Sider, Content } = Layout;

const ICONS: Record<MenuKey, ReactNode> = {
  overview: <DashboardOutlined />,
  orgs: <ApartmentOutlined />,
  network: <ShareAltOutlined />,
  reports: <MessageOutlined />,
  lists: <FileTextOutlined />,
  chains: <NodeIndexOutlined />,
  households: <HomeOutlined />,
  field: <CloudSyncOutlined />,
  members: <TeamOutlined />,
  assessment: <TrophyOutlined />,
  feedback: <AuditOutlined />,
  notices: <NotificationOutlined />,
  users: <SafetyOutlined />,
  audit: <FileSearchOutlined />,
};

/** antd's lg breakpoint, below which the menu folds away (the Sider's own breakpoint). */
const NARROW = '(max-width: 991.98px)';
const narrowNow = () => typeof window !== 'undefined' && window.matchMedia(NARROW).matches;

/** A header button: its label shows beside the icon, on phones only as its name (aria-label and title). */
function HeaderButton({
  label,
  icon,
  onClick,
  testId,
}: {
  label: string;
  icon: ReactNode;
  onClick: () => void;
  testId?: string;
}) {
  return (
    <Button
      size="small"
      className="lj-header-btn"
      title={label}
      aria-label={label}
      icon={icon}
      onClick={onClick}
      data-testid={testId}
    >
      {label}
    </Button>
  );
}

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  // Below lg the menu is folded; the header's menu button unfolds it over the page, and choosing an entry folds it.
  const [narrow, setNarrow] = useState(narrowNow);
  const [collapsed, setCollapsed] = useState(narrowNow);
  const overPage = narrow && !collapsed;
  // While the menu lies over the page, Escape folds it, as a tap on the shade does.
  useEffect(() => {
    if (!overPage) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setCollapsed(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [overPage]);
  const section = location.pathname.split('/')[1];
  const selected = section === 'items' ? 'lists' : section === 'activities' ? 'orgs' : section || 'overview';
  // The tab names the record a page shows (set by the page), then the section, then the app.
  const [record, setRecord] = useState<string | null>(null);
  useDocumentTitle([record, t(`nav.${selected}`, { defaultValue: '' })], t('app.name'));
  const { modal } = App.useApp();
  const logout = async () => {
    // Records made in the field and not yet sent go with the device's store: the secretary decides, knowingly.
    if (me.permissions.includes('households:write')) {
      const open = await import('../field/queue').then((m) => m.openCount()).catch(() => 0);
      if (open > 0) {
        const leave = await modal.confirm({
          title: t('field.logoutTitle'),
          content: t('field.logoutUnsent', { count: open }),
          okText: t('nav.logout'),
          okButtonProps: { danger: true },
        });
        if (!leave) return;
      }
    }
    // The device forgets the field store (the queue, its key, the kept copies), with or without a connection to tell
    // the server: nothing of the account stays.
    const tellServer = () => api.POST('/api/v1/auth/logout');
    await import('../field/session').then((m) => m.signOut(tellServer)).catch(() => tellServer().catch(() => {}));
    // Signed out first, then everything the account read is forgotten: the session's own entry is kept (cleared,
    // it would leave the app's observer on a removed query still showing the layout).
    queryClient.setQueryData(sessionKeys.me, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKeys.me[0] });
    navigate('/');
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header
        style={{
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          background: '#c8161d',
          paddingInline: 20,
        }}
      >
        <div className="lj-brand">
          {narrow && (
            <Button
              type="text"
              className="lj-menu-toggle"
              icon={<MenuOutlined />}
              aria-label={t('nav.menu')}
              aria-expanded={!collapsed}
              onClick={() => setCollapsed((c) => !c)}
              data-testid="menu-toggle"
            />
          )}
          <span className="lj-brand-mark">联</span>
          <span>
            {t('app.name')}
            <span className="lj-brand-sub"> · {t('app.subtitle')}</span>
          </span>
        </div>
        <Flex gap={12} align="center" className="lj-no-print lj-header-actions">
          <span style={{ color: '#fff' }} className="lj-header-user" data-testid="current-user">
            {me.displayName}（{me.scope.orgName ?? me.scope.regionName}）
          </span>
          {me.memberId && (
            <HeaderButton
              label={t('record.mine')}
              icon={<IdcardOutlined />}
              onClick={() => navigate(`/members/${me.memberId}/record`)}
              testId="my-record"
            />
          )}
          {me.permissions.includes('items:read') && <InboxButton />}
          <HeaderButton
            label={t('nav.account')}
            icon={<KeyOutlined />}
            onClick={() => navigate('/account')}
            testId="account"
          />
          <HeaderButton
            label={t('nav.language')}
            icon={<TranslationOutlined />}
            onClick={() => setLocale(i18n.language === 'en-US' ? 'zh-CN' : 'en-US')}
          />
          <HeaderButton label={t('nav.logout')} icon={<LogoutOutlined />} onClick={logout} testId="logout" />
        </Flex>
      </Header>
      <Layout>
        <Sider
          width={200}
          theme="light"
          breakpoint="lg"
          collapsedWidth={0}
          collapsed={collapsed}
          trigger={null}
          onBreakpoint={(broken) => {
            setNarrow(broken);
            setCollapsed(broken);
          }}
          className={narrow ? 'lj-sider-over' : undefined}
        >
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            style={{ height: '100%', paddingTop: 8 }}
            onClick={({ key }) => {
              if (narrow) setCollapsed(true);
              navigate(key === 'overview' ? '/overview' : `/${key}`);
            }}
            items={menuKeys(me.permissions).map((key) => ({ key, icon: ICONS[key], label: t(`nav.${key}`) }))}
          />
        </Sider>
        {overPage && <div className="lj-sider-backdrop" onClick={() => setCollapsed(true)} aria-hidden="true" />}
        <Content>
          <Suspense fallback={<Skeleton active style={{ padding: 24 }} />}>
            {/* A page the role cannot open (a link, a typed address) sends it home instead of to a 403. */}
            <RecordTitleContext.Provider value={setRecord}>
              {mayOpen(location.pathname, me.permissions) ? <Outlet /> : <Navigate to="/" replace />}
            </RecordTitleContext.Provider>
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
