import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type CursorPages, useCursorPages } from './cursorPages';

export { type CursorPages, useCursorPages };

/**
 * The total and first / previous / next buttons under a server-paged table. With the page size, the page is shown
 * out of the pages the total makes; keyset pages have no jump to an arbitrary page, so none is offered.
 */
export function CursorPager({
  pages,
  total,
  nextCursor,
  testId,
  pageSize,
  totalText,
  jumpable,
}: {
  pages: CursorPages;
  total: number;
  nextCursor: string | null | undefined;
  testId?: string;
  pageSize?: number;
  /** The total as the list counts it (共 N 户); 共 N 条 by default. */
  totalText?: string;
  /** The list takes a page number (its server counts the rows before a page): a box to jump to one. */
  jumpable?: boolean;
}) {
  const { t } = useTranslation();
  const count = pageSize ? Math.max(1, Math.ceil(total / pageSize)) : null;
  return (
    <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 16 }}>
      <Typography.Text type="secondary" data-testid={testId}>
        {totalText ?? t('common.total', { total })}
      </Typography.Text>
      <Flex gap={8} align="center">
        {count !== null && (
          <Button size="small" type="text" disabled={pages.page <= 1} onClick={pages.reset}>
            {t('common.first')}
          </Button>
        )}
        <Button
          icon={<LeftOutlined />}
          aria-label={t('common.previous')}
          disabled={pages.page <= 1}
          onClick={pages.back}
        />
        <span data-testid={testId ? `${testId}-page` : undefined}>
          {count !== null ? t('common.pageOf', { page: pages.page, pages: count }) : pages.page}
        </span>
        <Button
          icon={<RightOutlined />}
          aria-label={t('common.next')}
          disabled={!nextCursor}
          onClick={() => pages.forward(nextCursor)}
        />
        {jumpable && count !== null && count > 2 && <PageJump pages={pages} count={count} testId={testId} />}
      </Flex>
    </Flex>
  );
}

/** 跳至 [n] 页: a page number typed and confirmed with Enter or by leaving the box. */
function PageJump({ pages, count, testId }: { pages: CursorPages; count: number; testId?: string | undefined }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const go = () => {
    const n = Number(typed);
    if (Number.isInteger(n) && n >= 1 && n <= count && n !== pages.page) pages.jumpTo(n);
    setTyped('');
  };
  return (
    <label className="lj-page-jump">
      {t('common.jumpTo')}
      <input
        inputMode="numeric"
        value={typed}
        aria-label={t('common.jumpToPage', { pages: count })}
        data-testid={testId ? `${testId}-jump` : undefined}
        onChange={(e) => setTyped(e.target.value.replace(/\D/g, ''))}
        onKeyDown={(e) => e.key === 'Enter' && go()}
        onBlur={go}
      />
      {t('common.pageUnit')}
    </label>
  );
}
