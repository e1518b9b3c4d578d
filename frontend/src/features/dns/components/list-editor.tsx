import { useId } from 'react';

type ListEditorProps = {
  /** The list's name, as its legend: "Global nameservers". */
  legend: string;
  /** One item's name, for its field and remove button: "Nameserver". */
  itemLabel: string;
  items: string[];
  onChange: (items: string[]) => void;
  placeholder?: string;
  help?: string;
};

/** ListEditor edits a list of short strings: one field per item, remove and add buttons. */
export function ListEditor({ legend, itemLabel, items, onChange, placeholder, help }: ListEditorProps) {
  const id = useId();
  return (
    <fieldset className="list-editor" aria-describedby={help ? `${id}-help` : undefined}>
      <legend>{legend}</legend>
      {help && (
        <p id={`${id}-help`} className="field__help">
          {help}
        </p>
      )}
      {items.length === 0 && <p className="muted">None.</p>}
      <ul className="list-editor__items">
        {items.map((item, index) => (
          <li key={index} className="list-editor__item">
            <label className="visually-hidden" htmlFor={`${id}-${index}`}>
              {itemLabel} {index + 1}
            </label>
            <input
              id={`${id}-${index}`}
              className="input"
              value={item}
              placeholder={placeholder}
              autoComplete="off"
              spellCheck={false}
              onChange={(event) => {
                onChange(items.map((v, k) => (k === index ? event.target.value : v)));
              }}
            />
            <button
              type="button"
              className="button button--secondary button--small"
              aria-label={`Remove ${itemLabel.toLowerCase()} ${index + 1}`}
              onClick={() => {
                onChange(items.filter((_, k) => k !== index));
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
          onChange([...items, '']);
        }}
      >
        Add {itemLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}
