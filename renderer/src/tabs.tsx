/**
 * WAI-ARIA tabs with automatic activation: Left/Right (wrapping), Home and End move focus and select;
 * only the selected tab is in the Tab order (roving tabindex).
 */
import { useRef } from 'preact/hooks';

export interface TabDefinition<Id extends string> {
  id: Id;
  label: string;
}

export function Tabs<Id extends string>(props: { label: string; tabs: TabDefinition<Id>[]; current: Id; onChange: (id: Id) => void }) {
  const { label, tabs, current, onChange } = props;
  const list = useRef<HTMLDivElement>(null);

  const select = (index: number) => {
    const count = tabs.length;
    const target = tabs[((index % count) + count) % count];
    if (!target) return;
    onChange(target.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${target.id}`)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const index = tabs.findIndex((tab) => tab.id === current);
    if (event.key === 'ArrowRight') select(index + 1);
    else if (event.key === 'ArrowLeft') select(index - 1);
    else if (event.key === 'Home') select(0);
    else if (event.key === 'End') select(tabs.length - 1);
    else return;
    event.preventDefault();
  };

  return (
    <div class="tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
      {tabs.map((tab) => {
        const selected = tab.id === current;
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            class="tab"
            aria-selected={selected ? 'true' : 'false'}
            aria-controls={`panel-${tab.id}`}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(tab.id)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}
