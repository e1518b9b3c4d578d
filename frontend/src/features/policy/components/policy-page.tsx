import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { CodeBlock } from '@/components/ui/copy-button';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useCheckPolicy } from '@/features/policy/api/check-policy';
import { type Policy, getPolicyQueryOptions, usePolicy } from '@/features/policy/api/get-policy';
import { useSetPolicy } from '@/features/policy/api/set-policy';
import { DiffView } from '@/features/policy/components/diff-view';
import { PolicyEditor, type PolicyEditorHandle } from '@/features/policy/components/policy-editor';
import { ApiError } from '@/lib/api';

/** PolicyPage shows the ACL policy and, for those who may, edits it. */
export function PolicyPage({ canWrite }: { canWrite: boolean }) {
  const policy = usePolicy();
  return (
    <div className="page">
      <title>Access controls · Headway</title>
      <h1>Access controls</h1>
      {policy.isPending ? (
        <p role="status" className="muted">
          Loading the policy…
        </p>
      ) : policy.isError ? (
        <ErrorAlert
          title="Could not load the policy"
          error={policy.error}
          onRetry={() => void policy.refetch()}
          retrying={policy.isFetching}
        />
      ) : (
        <PolicyForm loaded={policy.data} canWrite={canWrite} />
      )}
    </div>
  );
}

/** positionIn finds "line N, column M" in a server message or hint. */
export function positionIn(text: string | undefined): { line: number; column: number } | undefined {
  const m = /line (\d+)(?:,? column (\d+))?/i.exec(text ?? '');
  if (!m) return undefined;
  return { line: Number(m[1]), column: m[2] ? Number(m[2]) : 1 };
}

function PolicyForm({ loaded, canWrite }: { loaded: Policy; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const id = useId();
  const editor = useRef<PolicyEditorHandle>(null);
  // base is the policy the edit started from; its version goes with a save.
  const [base, setBase] = useState(loaded);
  const [text, setText] = useState(loaded.policy);
  const [reviewing, setReviewing] = useState(false);
  const [kept, setKept] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const check = useCheckPolicy();
  const save = useSetPolicy();
  const [loadingLatest, setLoadingLatest] = useState(false);
  const [latestError, setLatestError] = useState<unknown>(null);

  const dirty = text !== base.policy;
  const readOnlyReason =
    base.mode === 'file'
      ? 'Headscale reads this policy from a file, so it cannot be changed here: edit the file named by policy.path in Headscale’s configuration, or set policy.mode: database there.'
      : !canWrite
        ? 'Your role can read the policy but not change it.'
        : undefined;
  const readOnly = readOnlyReason !== undefined;
  const conflict = save.error instanceof ApiError && save.error.code === 'policy_conflict' ? save.error : undefined;
  const invalidAt =
    save.error instanceof ApiError && save.error.code === 'policy_invalid'
      ? positionIn(save.error.hint) ?? positionIn(save.error.message)
      : undefined;

  const jump = (line: number, column: number) => {
    editor.current?.jumpTo(line, column);
  };

  const edit = (value: string) => {
    setText(value);
    setNotice('');
    if (check.data || check.error) check.reset();
  };

  const loadLatest = async () => {
    setLoadingLatest(true);
    setLatestError(null);
    try {
      const latest = await queryClient.query({ ...getPolicyQueryOptions(), staleTime: 0 });
      setKept(text);
      setBase(latest);
      setText(latest.policy);
      setReviewing(false);
      save.reset();
      check.reset();
    } catch (err) {
      setLatestError(err);
    } finally {
      setLoadingLatest(false);
    }
  };

  return (
    <>
      <p className="muted">
        Headscale&apos;s ACL policy, in HuJSON (JSON with comments and trailing commas). Headscale checks it: use{' '}
        <strong>Check</strong> to ask before saving.
        {base.updatedAt && (
          <>
            {' '}
            Last changed <time dateTime={base.updatedAt}>{new Date(base.updatedAt).toLocaleString()}</time>.
          </>
        )}
      </p>
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}

      {save.error !== null &&
        (conflict ? (
          <div role="alert" className="alert alert--error">
            <p className="alert__title">Someone changed the policy since you loaded it</p>
            <p>{conflict.message}</p>
            {conflict.hint && <p className="alert__hint">{conflict.hint}</p>}
            <button type="button" className="button" disabled={loadingLatest} onClick={() => void loadLatest()}>
              {loadingLatest ? 'Loading…' : 'Load the latest (your text is kept below)'}
            </button>
            {latestError !== null && <ErrorAlert title="Could not load the latest policy" error={latestError} />}
          </div>
        ) : (
          <div>
            <ErrorAlert title="The policy was not saved" error={save.error} />
            {invalidAt && (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => {
                  jump(invalidAt.line, invalidAt.column);
                }}
              >
                Go to line {invalidAt.line}, column {invalidAt.column}
              </button>
            )}
          </div>
        ))}

      <div className="policy">
        <div className="policy__editor">
          <PolicyEditor
            ref={editor}
            value={text}
            onChange={edit}
            readOnly={readOnly}
            label="Policy"
            description={readOnlyReason}
          />
          <div className="policy__actions">
            <button
              type="button"
              className="button button--secondary"
              disabled={check.isPending}
              onClick={() => {
                check.mutate(text, {
                  onSuccess: (verdict) => {
                    if (!verdict.valid && verdict.line) jump(verdict.line, verdict.column ?? 1);
                  },
                });
              }}
            >
              {check.isPending ? 'Checking…' : 'Check'}
            </button>
            {!readOnly && (
              <>
                <button
                  type="button"
                  className="button"
                  disabled={!dirty}
                  aria-expanded={reviewing}
                  onClick={() => {
                    setReviewing(true);
                  }}
                >
                  Review changes
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={!dirty || save.isPending}
                  onClick={() => {
                    setText(base.policy);
                    setReviewing(false);
                    save.reset();
                    check.reset();
                  }}
                >
                  Discard
                </button>
              </>
            )}
          </div>
        </div>

        <aside className="policy__verdict" aria-labelledby={`${id}-verdict`}>
          <h2 id={`${id}-verdict`}>Headscale&apos;s verdict</h2>
          <div role="status">
            {check.isPending ? (
              <p className="muted">Asking Headscale…</p>
            ) : check.data ? (
              check.data.valid ? (
                <p className="status status--ok">
                  <span aria-hidden="true">●</span> Valid: Headscale accepts this policy.
                </p>
              ) : (
                <>
                  <p className="status status--bad">
                    <span aria-hidden="true">▲</span> Not valid
                  </p>
                  {check.data.message && <p className="policy__message">{check.data.message}</p>}
                  {check.data.line ? (
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      onClick={() => {
                        const { line = 1, column = 1 } = check.data;
                        jump(line, column);
                      }}
                    >
                      Go to line {check.data.line}, column {check.data.column ?? 1}
                    </button>
                  ) : null}
                </>
              )
            ) : (
              <p className="muted">Not checked yet.</p>
            )}
          </div>
          {check.isError && <ErrorAlert title="Could not check the policy" error={check.error} />}
        </aside>
      </div>

      {reviewing && dirty && !readOnly && (
        <section className="card policy__review" aria-labelledby={`${id}-review`}>
          <h2 id={`${id}-review`}>Review changes</h2>
          <DiffView before={base.policy} after={text} />
          <div className="policy__actions">
            <button
              type="button"
              className="button"
              disabled={save.isPending}
              onClick={() => {
                save.mutate(
                  { policy: text, baseVersion: base.version },
                  {
                    onSuccess: (saved) => {
                      setBase(saved);
                      setText(saved.policy);
                      setReviewing(false);
                      setNotice('Saved: Headscale applies the new policy at once.');
                    },
                  },
                );
              }}
            >
              {save.isPending ? 'Saving…' : 'Save'}
            </button>
            <button
              type="button"
              className="button button--secondary"
              disabled={save.isPending}
              onClick={() => {
                setReviewing(false);
              }}
            >
              Back to editing
            </button>
          </div>
        </section>
      )}

      {kept !== null && (
        <section className="card" aria-labelledby={`${id}-kept`}>
          <h2 id={`${id}-kept`}>Your unsaved text</h2>
          <p>
            The editor now shows the latest policy. Your text is kept here: put it back to review it against the latest
            and save again, or copy what you need.
          </p>
          <CodeBlock value={kept} label="Copy your unsaved text" />
          <div className="policy__actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setText(kept);
                setKept(null);
              }}
            >
              Put my text back in the editor
            </button>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setKept(null);
              }}
            >
              Forget my text
            </button>
          </div>
        </section>
      )}
    </>
  );
}
