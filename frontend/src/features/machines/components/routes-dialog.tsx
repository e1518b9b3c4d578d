import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import type { Machine } from '@/features/machines/api/list-machines';
import { useSetMachineRoutes } from '@/features/machines/api/set-machine-routes';
import { isExitRoute } from '@/features/machines/components/rules';

/**
 * RoutesDialog approves a machine's subnet routes: one checkbox per route it
 * advertises (or has approved). The exit-node routes keep their state.
 */
export function RoutesDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const save = useSetMachineRoutes();
  const id = useId();
  const routes = [...new Set([...machine.availableRoutes, ...machine.approvedRoutes])].filter((r) => !isExitRoute(r));
  const [approved, setApproved] = useState(() => new Set(machine.approvedRoutes.filter((r) => !isExitRoute(r))));

  return (
    <FormDialog
      open
      title={`Approve routes of ${machine.givenName}`}
      submitLabel="Save routes"
      pendingLabel="Saving…"
      pending={save.isPending}
      error={save.error ?? undefined}
      errorTitle="Could not change the routes"
      onCancel={onClose}
      onSubmit={() => {
        const exit = machine.approvedRoutes.filter(isExitRoute);
        save.mutate({ id: machine.id, routes: [...routes.filter((r) => approved.has(r)), ...exit] }, { onSuccess: onClose });
      }}
    >
      <p>
        Devices in the tailnet reach an approved network through {machine.givenName} (as the policy allows). Routes it
        advertises but that are not approved are not used.
      </p>
      <fieldset className="choices">
        <legend>Subnet routes</legend>
        {routes.map((route, i) => (
          <div key={route} className="choice">
            <input
              id={`${id}-${i}`}
              type="checkbox"
              checked={approved.has(route)}
              onChange={(event) => {
                const next = new Set(approved);
                if (event.target.checked) next.add(route);
                else next.delete(route);
                setApproved(next);
              }}
            />{' '}
            <label htmlFor={`${id}-${i}`}>
              {route}
              {!machine.availableRoutes.includes(route) && ' (no longer advertised)'}
            </label>
          </div>
        ))}
      </fieldset>
    </FormDialog>
  );
}
