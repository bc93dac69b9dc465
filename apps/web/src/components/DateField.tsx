import { CalendarOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { Suspense, lazy, useState } from 'react';

// antd's date picker is a third of what the cockpit would load first; it loads when the field is first pointed at or
// focused, and until then a field of the same look shows the date.
const DatePicker = lazy(() => import('antd/es/date-picker'));

/** A day (YYYY-MM-DD), not after `max`: antd's date picker, loaded when the user reaches for it. */
export function DateField({
  value,
  onChange,
  max,
  label,
  testId,
}: {
  value: string;
  onChange: (day: string) => void;
  max: string;
  label: string;
  testId?: string;
}) {
  // 'look': the pointer came near (load, do not open); 'use': a click, tap or focus (load, then open with focus).
  const [wanted, setWanted] = useState<null | 'look' | 'use'>(null);
  const proxy = (
    <span className="lj-date-proxy">
      <input
        aria-label={label}
        readOnly
        value={value}
        onMouseEnter={() => setWanted((w) => w ?? 'look')}
        onFocus={() => setWanted('use')}
        onPointerDown={() => setWanted('use')}
        // The picker that replaces this field takes the focus when it mounts; the browser's own focusing of the
        // pressed field (gone by then) would take it back to the page and leave the picker closed.
        onMouseDown={(e) => e.preventDefault()}
      />
      <CalendarOutlined aria-hidden />
    </span>
  );
  return (
    <span data-testid={testId}>
      {wanted ? (
        <Suspense fallback={proxy}>
          <DatePicker
            aria-label={label}
            allowClear={false}
            autoFocus={wanted === 'use'}
            ref={(picker: { focus?: () => void } | null) => {
              // autoFocus is read once, at mount; a press that arrives while the code is on its way must still land.
              if (picker && wanted === 'use' && !document.activeElement?.closest('.ant-picker')) picker.focus?.();
            }}
            defaultOpen={wanted === 'use'}
            value={dayjs(value)}
            disabledDate={(d) => d.isAfter(dayjs(max), 'day')}
            onChange={(d) => d && onChange((d as Dayjs).format('YYYY-MM-DD'))}
          />
        </Suspense>
      ) : (
        proxy
      )}
    </span>
  );
}
