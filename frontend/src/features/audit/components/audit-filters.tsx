import { useId } from 'react';
import { FilterSelect } from '@/components/ui/filter-select';
import type { AuditFilter } from '@/features/audit/api/list-audit-events';
import { actionGroups, kinds, knownAction } from '@/features/audit/components/catalog';
import { fromLocalInput, toLocalInput } from '@/features/audit/components/filter';
import { type UpdateParams, useDebouncedParam } from '@/lib/use-debounced-param';

type AuditFiltersProps = {
  params: URLSearchParams;
  filter: AuditFilter;
  update: UpdateParams;
};

/** The viewer's time zone, named for the time fields' help. */
function timeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/**
 * AuditFilters narrows the audit trail: each control writes its parameter to
 * the page's URL (typing after a short pause), and the page reads the filter
 * back from there.
 */
export function AuditFilters({ params, filter, update }: AuditFiltersProps) {
  const id = useId();
  const [actor, setActor] = useDebouncedParam(params, 'actor', update);
  const [targetId, setTargetId] = useDebouncedParam(params, 'targetId', update);
  const action = filter.action ?? '';
  const targetType = filter.targetType ?? '';
  const groups = actionGroups();
  const zone = timeZone();

  return (
    <div role="search" className="filters audit-filters" aria-label="Filter audit events">
      <div className="field">
        <label htmlFor={`${id}-actor`}>Actor</label>
        <input
          id={`${id}-actor`}
          className="input"
          value={actor}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-actor-help`}
          onChange={(event) => {
            setActor(event.target.value);
          }}
        />
        <p id={`${id}-actor-help`} className="field__help">
          Email, name, key prefix or token name, exactly
        </p>
      </div>
      <FilterSelect
        label="Action"
        value={action}
        onChange={(value) => {
          update({ action: value });
        }}
      >
        <option value="">Any action</option>
        {action !== '' && !knownAction(action) && <option value={action}>{action}</option>}
        {groups.map((group) => (
          <optgroup key={group.prefix} label={group.label}>
            <option value={group.prefix}>Every {group.prefix}* action</option>
            {group.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </optgroup>
        ))}
      </FilterSelect>
      <FilterSelect
        label="Target type"
        value={targetType}
        onChange={(value) => {
          update({ targetType: value });
        }}
      >
        <option value="">Any target</option>
        {targetType !== '' && !kinds.some((k) => k.targetType === targetType) && (
          <option value={targetType}>{targetType}</option>
        )}
        {kinds.map((k) => (
          <option key={k.targetType} value={k.targetType}>
            {k.label}
          </option>
        ))}
      </FilterSelect>
      <div className="field">
        <label htmlFor={`${id}-target-id`}>Target ID</label>
        <input
          id={`${id}-target-id`}
          className="input"
          value={targetId}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setTargetId(event.target.value);
          }}
        />
      </div>
      <FilterSelect
        label="Result"
        value={filter.result ?? ''}
        onChange={(value) => {
          update({ result: value });
        }}
      >
        <option value="">Any result</option>
        <option value="ok">Succeeded</option>
        <option value="denied">Denied</option>
        <option value="failed">Failed</option>
      </FilterSelect>
      <div className="field">
        <label htmlFor={`${id}-since`}>From</label>
        <input
          id={`${id}-since`}
          type="datetime-local"
          className="input"
          value={toLocalInput(filter.since)}
          aria-describedby={`${id}-zone`}
          onChange={(event) => {
            update({ since: fromLocalInput(event.target.value) }, { replace: true });
          }}
        />
        <p id={`${id}-zone`} className="field__help">
          In your time zone{zone ? ` (${zone})` : ''}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-until`}>Until</label>
        <input
          id={`${id}-until`}
          type="datetime-local"
          className="input"
          value={toLocalInput(filter.until)}
          aria-describedby={`${id}-zone`}
          onChange={(event) => {
            update({ until: fromLocalInput(event.target.value) }, { replace: true });
          }}
        />
      </div>
    </div>
  );
}
