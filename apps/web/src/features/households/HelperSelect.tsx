import type { ComponentProps } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { memberKeys } from '../../api/queryKeys';
import { RemoteSelect } from '../../components/RemoteSelect';

/**
 * The member to help a household: a full party member (DOMAIN: stacked assistance), searched by name or pinyin,
 * named with their unit. The form item around it gives its value and onChange.
 */
export function HelperSelect(props: Omit<ComponentProps<typeof RemoteSelect>, 'queryKey' | 'search'>) {
  const { t } = useTranslation();
  return (
    <RemoteSelect
      queryKey={(q) => memberKeys.search(q, 'full')}
      search={async (q) =>
        (
          await unwrap(api.GET('/api/v1/members', { params: { query: { q, limit: 20, partyStatus: 'full' } } }))
        ).items.map((m) => ({ value: m.id, label: `${m.name} · ${m.unitName}` }))
      }
      placeholder={t('link.memberPlaceholder')}
      {...props}
    />
  );
}
