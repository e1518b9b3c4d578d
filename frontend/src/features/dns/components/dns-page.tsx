import { useId, useState } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { type DNS, type DNSSettings, type ExtraRecord, useDNS } from '@/features/dns/api/get-dns';
import { type DNSSaved, useSetDNS } from '@/features/dns/api/set-dns';
import { useSetExtraRecords } from '@/features/dns/api/set-extra-records';
import { ListEditor } from '@/features/dns/components/list-editor';

/** How to let Headway see Headscale's DNS settings, should the server give no hint. */
const configureHint =
  "Set headscale.config_path to Headscale's configuration file (its config.yaml): Headway must be able to read it to show the DNS settings, and to write it and its directory to change them.";

/** DNSPage shows Headscale's DNS settings and extra records and, for those who may, changes them. */
export function DNSPage({ canWrite }: { canWrite: boolean }) {
  const dns = useDNS();
  return (
    <div className="page">
      <title>DNS · Headway</title>
      <h1>DNS</h1>
      {dns.isPending ? (
        <p role="status" className="muted">
          Loading the DNS settings…
        </p>
      ) : dns.isError ? (
        <ErrorAlert
          title="Could not load the DNS settings"
          error={dns.error}
          onRetry={() => void dns.refetch()}
          retrying={dns.isFetching}
        />
      ) : !dns.data.configured || !dns.data.settings ? (
        <div className="notice">
          <p>
            <strong>Headway cannot show Headscale&apos;s DNS settings yet.</strong> Headscale has no DNS API: its DNS
            settings live in its configuration file.
          </p>
          <p>{dns.data.hint ?? configureHint}</p>
        </div>
      ) : (
        <>
          <SettingsForm dns={dns.data} settings={dns.data.settings} canWrite={canWrite} />
          <ExtraRecordsSection dns={dns.data} canWrite={canWrite} />
        </>
      )}
    </div>
  );
}

type SplitRow = { domain: string; servers: string };

function splitRows(split: DNSSettings['splitNameservers']): SplitRow[] {
  return Object.entries(split).map(([domain, servers]) => ({ domain, servers: servers.join(', ') }));
}

function words(text: string): string[] {
  return text.split(/[\s,]+/).filter((w) => w !== '');
}

function SettingsForm({ dns, settings, canWrite }: { dns: DNS; settings: DNSSettings; canWrite: boolean }) {
  const id = useId();
  const save = useSetDNS();
  const [baseDomain, setBaseDomain] = useState(settings.baseDomain);
  const [magicDns, setMagicDns] = useState(settings.magicDns);
  const [overrideLocalDns, setOverrideLocalDns] = useState(settings.overrideLocalDns);
  const [nameservers, setNameservers] = useState(settings.globalNameservers);
  const [split, setSplit] = useState(() => splitRows(settings.splitNameservers));
  const [searchDomains, setSearchDomains] = useState(settings.searchDomains);
  const [saved, setSaved] = useState<DNSSaved | null>(null);
  const editable = canWrite && dns.writable;
  const reason = !canWrite
    ? 'Your role can read the DNS settings but not change them.'
    : !dns.writable
      ? (dns.hint ?? "Headway cannot write Headscale's configuration file, so these settings are read-only.")
      : undefined;

  return (
    <section className="card dns__section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Settings</h2>
      <p className="muted">
        From Headscale&apos;s configuration file. Headscale reads it when it starts: a change takes effect after it
        restarts.
      </p>
      {reason && <p className="notice">{reason}</p>}
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!editable || save.isPending) return;
          setSaved(null);
          const splitNameservers: Record<string, string[]> = {};
          for (const row of split) {
            if (row.domain.trim() !== '') splitNameservers[row.domain.trim()] = words(row.servers);
          }
          save.mutate(
            {
              baseDomain: baseDomain.trim(),
              magicDns,
              overrideLocalDns,
              globalNameservers: nameservers.map((s) => s.trim()).filter((s) => s !== ''),
              splitNameservers,
              searchDomains: searchDomains.map((s) => s.trim()).filter((s) => s !== ''),
            },
            { onSuccess: setSaved },
          );
        }}
      >
        <fieldset disabled={!editable} className="plain-fieldset">
          <legend className="visually-hidden">DNS settings</legend>
          <div className="field">
            <label htmlFor={`${id}-base`}>Base domain</label>
            <input
              id={`${id}-base`}
              className="input"
              value={baseDomain}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-base-help`}
              onChange={(event) => {
                setBaseDomain(event.target.value);
              }}
            />
            <p id={`${id}-base-help`} className="field__help">
              Machines are named <code>machine.{baseDomain || 'base-domain'}</code> with MagicDNS. It must differ from
              Headscale&apos;s own domain.
            </p>
          </div>
          <div className="field">
            <label>
              <input
                type="checkbox"
                checked={magicDns}
                onChange={(event) => {
                  setMagicDns(event.target.checked);
                }}
              />{' '}
              MagicDNS: machines reach each other by name
            </label>
            <label>
              <input
                type="checkbox"
                checked={overrideLocalDns}
                onChange={(event) => {
                  setOverrideLocalDns(event.target.checked);
                }}
              />{' '}
              Override local DNS: devices use the global nameservers below for every query
            </label>
          </div>
          <ListEditor
            legend="Global nameservers"
            itemLabel="Nameserver"
            items={nameservers}
            onChange={setNameservers}
            placeholder="1.1.1.1"
            help="IP addresses (or DoH URLs) devices send DNS queries to."
          />
          <fieldset className="list-editor">
            <legend>Split nameservers</legend>
            <p className="field__help">Queries for a domain go to its own nameservers.</p>
            {split.length === 0 && <p className="muted">None.</p>}
            <ul className="list-editor__items">
              {split.map((row, index) => (
                <li key={index} className="list-editor__item">
                  <label className="visually-hidden" htmlFor={`${id}-split-${index}-domain`}>
                    Domain {index + 1}
                  </label>
                  <input
                    id={`${id}-split-${index}-domain`}
                    className="input"
                    value={row.domain}
                    placeholder="corp.example.com"
                    autoComplete="off"
                    spellCheck={false}
                    onChange={(event) => {
                      setSplit(split.map((r, k) => (k === index ? { ...r, domain: event.target.value } : r)));
                    }}
                  />
                  <label className="visually-hidden" htmlFor={`${id}-split-${index}-servers`}>
                    Nameservers for domain {index + 1}
                  </label>
                  <input
                    id={`${id}-split-${index}-servers`}
                    className="input"
                    value={row.servers}
                    placeholder="10.0.0.53, 10.0.1.53"
                    autoComplete="off"
                    spellCheck={false}
                    onChange={(event) => {
                      setSplit(split.map((r, k) => (k === index ? { ...r, servers: event.target.value } : r)));
                    }}
                  />
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={`Remove domain ${index + 1}`}
                    onClick={() => {
                      setSplit(split.filter((_, k) => k !== index));
                    }}
                  >
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                setSplit([...split, { domain: '', servers: '' }]);
              }}
            >
              Add split domain
            </button>
          </fieldset>
          <ListEditor
            legend="Search domains"
            itemLabel="Search domain"
            items={searchDomains}
            onChange={setSearchDomains}
            placeholder="example.com"
          />
        </fieldset>
        {save.isError && <ErrorAlert title="The DNS settings were not saved" error={save.error} />}
        {saved && <SavedNotice saved={saved} />}
        {editable && (
          <div className="dialog__actions">
            <button type="submit" className="button" disabled={save.isPending}>
              {save.isPending ? 'Saving…' : 'Save DNS settings'}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

/** SavedNotice says what happens next: a restart to do, or how the restart command went. */
function SavedNotice({ saved }: { saved: DNSSaved }) {
  if (saved.restart) {
    return (
      <div role={saved.restart.ok ? 'status' : 'alert'} className={saved.restart.ok ? 'notice' : 'alert alert--error'}>
        <p className={saved.restart.ok ? undefined : 'alert__title'}>
          {saved.restart.ok
            ? 'Saved, and Headscale was restarted: the new settings are in force.'
            : 'Saved, but the restart command failed: Headscale must be restarted to apply the settings.'}
        </p>
        {saved.restart.output && (
          <>
            <p>The restart command said:</p>
            <pre className="output">{saved.restart.output}</pre>
          </>
        )}
      </div>
    );
  }
  return (
    <p role="status" className="notice">
      {saved.restartRequired
        ? 'Saved. Headscale must be restarted to apply the new settings.'
        : 'Saved: the new settings are in force.'}
    </p>
  );
}

function ExtraRecordsSection({ dns, canWrite }: { dns: DNS; canWrite: boolean }) {
  const id = useId();
  const save = useSetExtraRecords();
  const [records, setRecords] = useState<ExtraRecord[]>(dns.extraRecords ?? []);
  const [saved, setSaved] = useState(false);
  const editable = canWrite && dns.extraRecordsConfigured;
  const set = (index: number, change: Partial<ExtraRecord>) => {
    setSaved(false);
    setRecords(records.map((r, k) => (k === index ? { ...r, ...change } : r)));
  };

  return (
    <section className="card dns__section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Extra records</h2>
      {!dns.extraRecordsConfigured ? (
        <p className="notice">
          Extra records cannot be edited here:{' '}
          {
            "in Headscale's configuration, set dns.extra_records_path to a JSON file holding [] that Headway can write, and restart Headscale once."
          }
        </p>
      ) : (
        <p className="muted">A and AAAA records Headscale serves to the tailnet. Saving applies them at once.</p>
      )}
      {dns.extraRecordsConfigured && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!editable || save.isPending) return;
            setSaved(false);
            save.mutate(
              records.map((r) => ({ name: r.name.trim(), type: r.type, value: r.value.trim() })),
              {
                onSuccess: (now) => {
                  setRecords(now);
                  setSaved(true);
                },
              },
            );
          }}
        >
          <fieldset disabled={!editable} className="plain-fieldset">
            <legend className="visually-hidden">Extra records</legend>
            {records.length === 0 ? (
              <p className="muted">No extra records.</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Extra records</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Value</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {records.map((record, index) => (
                      <tr key={index}>
                        <td>
                          <input
                            className="input"
                            aria-label={`Name of record ${index + 1}`}
                            value={record.name}
                            placeholder="grafana.example.com"
                            autoComplete="off"
                            spellCheck={false}
                            onChange={(event) => {
                              set(index, { name: event.target.value });
                            }}
                          />
                        </td>
                        <td>
                          <select
                            className="input"
                            aria-label={`Type of record ${index + 1}`}
                            value={record.type}
                            onChange={(event) => {
                              set(index, { type: event.target.value === 'AAAA' ? 'AAAA' : 'A' });
                            }}
                          >
                            <option value="A">A</option>
                            <option value="AAAA">AAAA</option>
                          </select>
                        </td>
                        <td>
                          <input
                            className="input"
                            aria-label={`Value of record ${index + 1}`}
                            value={record.value}
                            placeholder={record.type === 'AAAA' ? 'fd7a:115c:a1e0::1' : '100.64.0.1'}
                            autoComplete="off"
                            spellCheck={false}
                            onChange={(event) => {
                              set(index, { value: event.target.value });
                            }}
                          />
                        </td>
                        <td>
                          <button
                            type="button"
                            className="button button--secondary button--small"
                            aria-label={`Remove record ${index + 1}`}
                            onClick={() => {
                              setSaved(false);
                              setRecords(records.filter((_, k) => k !== index));
                            }}
                          >
                            Remove
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {editable && (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => {
                  setSaved(false);
                  setRecords([...records, { name: '', type: 'A', value: '' }]);
                }}
              >
                Add record
              </button>
            )}
          </fieldset>
          {save.isError && <ErrorAlert title="The extra records were not saved" error={save.error} />}
          {saved && (
            <p role="status" className="notice">
              Saved: Headscale serves these records now.
            </p>
          )}
          {editable && (
            <div className="dialog__actions">
              <button type="submit" className="button" disabled={save.isPending}>
                {save.isPending ? 'Saving…' : 'Save extra records'}
              </button>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
