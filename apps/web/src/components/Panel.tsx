import type { CSSProperties, ReactNode } from 'react';

/**
 * A titled box in antd Card's look, for the cockpit: antd's Card carries its tabs with it into the first load.
 * `small` is the compact variant (Card's size="small").
 */
export function Panel({
  title,
  small,
  style,
  children,
}: {
  title?: ReactNode;
  small?: boolean;
  style?: CSSProperties;
  children: ReactNode;
}) {
  return (
    <section className={small ? 'lj-panel lj-panel-small' : 'lj-panel'} style={style}>
      {title !== undefined && <h2 className="lj-panel-title">{title}</h2>}
      <div className="lj-panel-body">{children}</div>
    </section>
  );
}
