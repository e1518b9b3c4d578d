import { json } from '@codemirror/lang-json';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorSelection } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import CodeMirror, { type ReactCodeMirrorRef } from '@uiw/react-codemirror';
import { type Ref, useId, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';

/** What the page can ask of the editor. */
export type PolicyEditorHandle = {
  /** jumpTo selects from line:column (1-based) to the end of that line, scrolls there and focuses the editor. */
  jumpTo: (line: number, column: number) => void;
};

type PolicyEditorProps = {
  value: string;
  onChange: (value: string) => void;
  readOnly: boolean;
  /** The editor's visible label. */
  label: string;
  /** Text describing the editor (why it is read-only, say), shown above it. */
  description?: string;
  ref?: Ref<PolicyEditorHandle>;
};

// Colours come from the design system's variables (light and dark), so the
// editor follows the page's scheme and keeps its contrast.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--syntax-property)' },
  { tag: tags.string, color: 'var(--syntax-string)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'var(--syntax-literal)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--text-muted)', fontStyle: 'italic' },
]);

const theme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--text-muted)',
    borderRadius: 'var(--radius)',
    minHeight: '20rem',
    maxHeight: '70vh',
  },
  '.cm-scroller': { minHeight: '20rem' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '2px' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--text-muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--neutral-bg)', color: 'var(--text)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--accent-bg)',
  },
});

/**
 * PolicyEditor edits the policy's HuJSON with syntax highlighting only:
 * JSON's grammar, no linter (comments and trailing commas are HuJSON, not
 * mistakes), and Headscale as the one validator. Tab moves focus on, as
 * everywhere else on the page.
 *
 * The editor lives in a shadow root, with its label and description (ARIA
 * references do not cross a shadow boundary). CodeMirror's styles come from
 * style-mod, which on a document injects a <style> element that the
 * Content-Security-Policy (style-src 'self', no nonce) blocks: the editor
 * would render unstyled and the browser would log a violation. In a shadow
 * root style-mod uses a constructed stylesheet (adoptedStyleSheets), which
 * style-src does not govern.
 */
export function PolicyEditor({ value, onChange, readOnly, label, description, ref }: PolicyEditorProps) {
  const cm = useRef<ReactCodeMirrorRef>(null);
  const id = useId();
  const labelId = `${id}-label`;
  const describedBy = description ? `${id}-description` : undefined;
  const [shadow, setShadow] = useState<ShadowRoot | null>(null);

  useImperativeHandle(ref, () => ({
    jumpTo(line: number, column: number) {
      const view = cm.current?.view;
      if (!view) return;
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(1, line), doc.lines));
      const from = target.from + Math.min(Math.max(0, column - 1), target.length);
      view.dispatch({
        selection: EditorSelection.single(from, Math.max(from, target.to)),
        effects: EditorView.scrollIntoView(from, { y: 'center' }),
      });
      view.focus();
    },
  }));

  const extensions = useMemo(
    () => [
      json(),
      syntaxHighlighting(highlight),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': labelId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(readOnly ? { 'aria-readonly': 'true' } : {}),
      }),
    ],
    [labelId, describedBy, readOnly],
  );

  return (
    <div
      className="policy-editor"
      ref={(host) => {
        if (host && !shadow) setShadow(host.shadowRoot ?? host.attachShadow({ mode: 'open' }));
      }}
    >
      {shadow &&
        createPortal(
          <>
            <p id={labelId}>
              <strong>{label}</strong>
            </p>
            {description && <p id={describedBy}>{description}</p>}
            <CodeMirror
              ref={cm}
              root={shadow}
              value={value}
              onChange={onChange}
              readOnly={readOnly}
              theme={theme}
              indentWithTab={false}
              basicSetup={{ autocompletion: false, foldGutter: false, searchKeymap: true, lintKeymap: false }}
              extensions={extensions}
            />
          </>,
          shadow,
        )}
    </div>
  );
}
